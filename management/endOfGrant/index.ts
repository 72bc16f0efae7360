import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IAMClient } from "@aws-sdk/client-iam";
import { IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SSMClient } from "@aws-sdk/client-ssm";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { STSClient } from "@aws-sdk/client-sts";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { END_ACCESS_ENV, endAccess, endAccessSettings } from "../../functions/endAccess";
import type { EndRequestSettings } from "../../functions/endAccess/requested";
import type { ReaderCredentials } from "../../functions/requestCheck/changeRequest";
import type { SummaryScheduleSettings } from "../../functions/summarySchedule";
import type { ManagementConfig } from "../../shared/config/management";
import { allow, policy, serviceTrust } from "../../shared/iam";
import type { Names } from "../../shared/naming";
import { deadLetterQueue, roleWithPolicy } from "../../shared/resources";
import { toYaml } from "../../shared/ssm/serialize";
import { type GrantFunctionStatementsArgs, grantFunctionSettings, grantFunctionStatements } from "../grantFunctions";
import { InlineFunction } from "../inlineFunction";
import { sessionRevokerSetting } from "../sessionRevoker";
import { END_STEP_TIMEOUT_SECONDS, endDocument } from "./document";

export interface EndOfGrantArgs {
  config: ManagementConfig;
  names: Names;
  topicArn: pulumi.Input<string>;
  ledger: GrantFunctionStatementsArgs["ledger"];
  setArns: pulumi.Input<string>[];
  /** The CloudTrail summary function's name, when the summary is enabled. */
  cloudTrailSummaryFunctionName?: string;
  /** Each requestable set's session duration in minutes (checkedSessionMinutes): the summary waits for the sessions. */
  sessionMinutes: pulumi.Input<Record<string, number>>;
  tags: Record<string, string>;
}

/**
 * The end of grants (DESIGN.md §10): the end-of-grant workflow (./document.ts) and the role it runs as, the end
 * function it invokes (functions/endAccess/), the schedule group the grants' end schedules (and their CloudTrail
 * summaries, functions/summarySchedule/) live in, the role EventBridge Scheduler starts the workflow and
 * invokes the summary with, and the queue that keeps what Scheduler could not deliver.
 */
export class EndOfGrant extends pulumi.ComponentResource {
  readonly document: aws.ssm.Document;
  readonly role: aws.iam.Role;
  readonly endFunction: InlineFunction;
  readonly scheduleGroup: aws.scheduler.ScheduleGroup;
  readonly schedulerRole: aws.iam.Role;
  readonly deadLetterQueue: aws.sqs.Queue;

  constructor(name: string, args: EndOfGrantArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:EndOfGrant", name, {}, opts);
    const parent = { parent: this };
    const { config, names, tags } = args;
    const { arn, management, requester, crossSide } = names;
    const sets = config.solutionPermissionSets;
    // Who asked for an early end is read in the requester account, as the request check reads a request.
    const endRequests: EndRequestSettings = {
      requesterAccountId: config.requesterAccountId,
      readerRoleArn: crossSide.requestReaderRoleArn,
      changeTemplateName: requester.changeTemplate,
      runbookName: requester.requestRunbook,
      requestForm: config.requestForm,
      endAccessDocumentName: requester.endAccessDocument,
      requestPermissionSets: [sets.request, sets.requestNoApproval],
      approvePermissionSet: sets.approve,
      chatApproverRoleName: requester.chatbotApproverRole,
      approverGroups: [...new Set(config.eligibility.flatMap((rule) => rule.approverGroups))],
      identityStoreId: config.identityStoreId,
    };
    const account = config.managementAccountId;
    const summaryFunction = args.cloudTrailSummaryFunctionName;
    // The end function schedules the summary for when the grant's sessions have expired (at least waitSeconds after
    // the removal), and the schedule invokes it with the scheduler role (functions/summarySchedule/): nothing sleeps.
    const summaryArn = summaryFunction === undefined ? undefined : arn.lambdaFunction(account, summaryFunction);
    // jit:revokeOpenSessions: the end function schedules the revoker (management/sessionRevoker.ts) for each end.
    const sessionRevoker = sessionRevokerSetting(config, names);
    const environment = pulumi.output(args.sessionMinutes).apply((sessionMinutes) => ({
      [END_ACCESS_ENV]: JSON.stringify({
        ...grantFunctionSettings(config, names),
        endRequests,
        ...(summaryArn && {
          cloudTrailSummary: {
            functionArn: summaryArn,
            waitSeconds: config.cloudTrailSummary.waitSeconds,
            sessionMinutes,
          } satisfies SummaryScheduleSettings,
        }),
        ...(sessionRevoker && { sessionRevoker }),
      }),
    }));

    this.endFunction = new InlineFunction(
      `${name}-function`,
      {
        functionName: management.endFunction,
        roleName: management.endFunctionRole,
        description:
          "Ends an IAM Identity Center JIT grant: removes its account assignment and closes it in the ledger",
        callbackFactory: () => {
          const retries = { maxAttempts: 5, retryMode: "standard" };
          const clients = {
            ssoAdmin: new SSOAdminClient(retries),
            scheduler: new SchedulerClient(retries),
            dynamodb: new DynamoDBClient(retries),
            sts: new STSClient(retries),
            identityStore: new IdentitystoreClient(retries),
            requesterSsm: (credentials: ReaderCredentials) => new SSMClient({ ...retries, credentials }),
            requesterIam: (credentials: ReaderCredentials) => new IAMClient({ ...retries, credentials }),
          };
          return async (event, context) => endAccess(event, clients, endAccessSettings(process.env), context);
        },
        environment,
        // Within the step's own limit, so Automation never gives up on an invocation still running.
        timeoutSeconds: END_STEP_TIMEOUT_SECONDS - 60,
        statements: [
          ...grantFunctionStatements({
            config,
            names,
            ledger: args.ledger,
            setArns: args.setArns,
            removesFromAnySet: true,
          }),
          allow("ReadEndRequests", ["sts:AssumeRole"], crossSide.requestReaderRoleArn),
          // Whether an approver who asks for an end is in the approver groups the rules name.
          allow(
            "ReadApproverGroups",
            ["identitystore:GetUserId", "identitystore:IsMemberInGroups"],
            [
              `arn:${names.partition}:identitystore::${account}:identitystore/${config.identityStoreId}`,
              `arn:${names.partition}:identitystore:::user/*`,
              `arn:${names.partition}:identitystore:::group/*`,
              `arn:${names.partition}:identitystore:::membership/*`,
            ],
          ),
        ],
        account,
        logRetentionDays: config.logRetentionDays,
        names,
        tags,
      },
      parent,
    );

    this.role = roleWithPolicy(
      `${name}-role`,
      {
        roleName: management.endWorkflowRole,
        description: "Runs the IAM Identity Center JIT end-of-grant workflow: invokes the end function and reports",
        trust: serviceTrust("ssm.amazonaws.com", { account, sourceArn: arn.automationExecutions(account) }),
        policy: policy(
          allow("EndAccess", ["lambda:InvokeFunction"], arn.lambdaFunction(account, management.endFunction)),
          // Whose access ended, for the notification; and whether it has ended, before the execution fails.
          allow("ReadGrant", ["dynamodb:GetItem"], args.ledger.table),
          allow("Notify", ["sns:Publish"], args.topicArn),
        ),
        tags,
      },
      parent,
    );

    this.document = new aws.ssm.Document(
      `${name}-document`,
      {
        name: management.endDocument,
        documentType: "Automation",
        documentFormat: "YAML",
        content: pulumi.all([this.role.arn, args.topicArn]).apply(([assumeRoleArn, topicArn]) =>
          toYaml(
            endDocument({
              assumeRoleArn,
              topicArn,
              endFunctionName: management.endFunction,
              tableName: management.grantTable,
              revokesOpenSessions: config.revokeOpenSessions,
            }),
          ),
        ),
        tags,
      },
      { ...parent, dependsOn: [this.endFunction] },
    );

    // Deleting the group deletes every end schedule in it: Pulumi refuses to delete or replace it while protected.
    this.scheduleGroup = new aws.scheduler.ScheduleGroup(
      `${name}-schedule-group`,
      { name: management.scheduleGroup, tags },
      { ...parent, protect: true },
    );

    const groupArn = arn.scheduleGroup(account, management.scheduleGroup);
    const queueArn = arn.queue(account, management.endDeadLetterQueue);
    this.schedulerRole = roleWithPolicy(
      `${name}-scheduler-role`,
      {
        roleName: management.schedulerRole,
        description:
          "Lets EventBridge Scheduler start the IAM Identity Center JIT end-of-grant workflow at a grant's end, and send its CloudTrail summary",
        // Only schedules of the solution's group, in this account (the confused-deputy guard).
        trust: serviceTrust("scheduler.amazonaws.com", { account, sourceArn: groupArn }),
        policy: policy(
          allow("StartEnd", ["ssm:StartAutomationExecution"], arn.startAutomation(account, management.endDocument)),
          allow("PassEndWorkflowRole", ["iam:PassRole"], this.role.arn, {
            StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" },
          }),
          // The CloudTrail summary the end function schedules: that function, and no other.
          summaryArn !== undefined && allow("SendCloudTrailSummary", ["lambda:InvokeFunction"], summaryArn),
          sessionRevoker !== undefined &&
            allow("RevokeOpenSessions", ["lambda:InvokeFunction"], sessionRevoker.functionArn),
          // Scheduler sends an end it could not deliver with the schedule's execution role (configuring-schedule-dlq).
          allow("DeadLetters", ["sqs:SendMessage"], queueArn),
        ),
        tags,
      },
      parent,
    );

    // Scheduler sends what it could not deliver with the schedule's execution role, so the role is the one sender.
    this.deadLetterQueue = deadLetterQueue(
      `${name}-dead-letters`,
      {
        queueName: management.endDeadLetterQueue,
        sender: { sid: "SchedulerSendsUndeliveredEnds", principal: { AWS: this.schedulerRole.arn } },
        tags,
      },
      parent,
    );

    this.registerOutputs({
      documentName: this.document.name,
      functionName: this.endFunction.function.name,
      scheduleGroupName: this.scheduleGroup.name,
      deadLetterQueueArn: this.deadLetterQueue.arn,
    });
  }
}
