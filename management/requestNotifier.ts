import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IAMClient } from "@aws-sdk/client-iam";
import { IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { STSClient } from "@aws-sdk/client-sts";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ReaderCredentials } from "../functions/requestCheck/changeRequest";
import {
  type NotifierSettings,
  notifierSettings,
  notifyRequestEvent,
  REQUEST_NOTIFIER_ENV,
} from "../functions/requestNotifier";
import type { ManagementConfig } from "../shared/config/management";
import { allow } from "../shared/iam";
import type { Names } from "../shared/naming";
import {
  REQUEST_EVENT_TYPES,
  REQUEST_EVENTS,
  type RequestEventContext,
  succeededSsmCall,
} from "../shared/requestEvents";
import { deadLetterQueue, eventBridgeSender } from "../shared/resources";
import { InlineFunction } from "./inlineFunction";
import { RequestReminders, reminderSettingsOf, reminderStatements } from "./requestReminders";

export interface RequestNotifierArgs {
  config: ManagementConfig;
  names: Names;
  requestBusName: pulumi.Input<string>;
  topicArn: pulumi.Input<string>;
  /** The grant ledger's table, which the screen reads (an open grant explains an assignment). */
  ledgerTableArn: pulumi.Input<string>;
  /** Each requestable set's session duration in minutes: a new request's notification says its effective window. */
  sessionMinutes: pulumi.Input<Record<string, number>>;
  tags: Record<string, string>;
}

/** How long EventBridge keeps trying to hand a record to the notifier: a notification an hour late is still news. */
const DELIVERY_SECONDS = 3600;

/**
 * The request notifier (functions/requestNotifier/): the rule on the request bus that takes the requester account's
 * forwarded CloudTrail records of change requests (requester/requestEvents/), the function that turns each into a
 * notification, and the dead-letter queue both EventBridge and Lambda put what they could not deliver in, which the
 * reconciler reports.
 */
export class RequestNotifier extends pulumi.ComponentResource {
  readonly inlineFunction: InlineFunction;
  readonly deadLetterQueue: aws.sqs.Queue;

  constructor(name: string, args: RequestNotifierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:RequestNotifier", name, {}, opts);
    const parent = { parent: this };
    const { config, names, tags } = args;
    const { management, requester, crossSide, arn, partition } = names;
    const account = config.managementAccountId;
    const ruleArn = arn.rule(account, management.requestBus, management.requestNotifierRule);

    this.deadLetterQueue = deadLetterQueue(
      `${name}-dead-letters`,
      {
        queueName: management.requestNotifierDeadLetterQueue,
        sender: eventBridgeSender("EventBridgeSendsUndeliveredRecords", ruleArn),
        tags,
      },
      parent,
    );

    const context: RequestEventContext = {
      requestForm: config.requestForm,
      changeTemplateName: requester.changeTemplate,
      runbookName: requester.requestRunbook,
    };
    const environment = pulumi.all([args.topicArn, args.sessionMinutes]).apply(([topicArn, sessionMinutes]) => {
      const settings: NotifierSettings = {
        requesterAccountId: config.requesterAccountId,
        region: config.region,
        readerRoleArn: crossSide.requestReaderRoleArn,
        refuserRoleArn: crossSide.requestRefuserRoleArn,
        identityStoreId: config.identityStoreId,
        permissionSetParameterPath: management.permissionSetParameterPath,
        instanceArn: config.identityCenterInstanceArn,
        tableName: management.grantTable,
        requestPermissionSets: [config.solutionPermissionSets.request, config.solutionPermissionSets.requestNoApproval],
        rules: config.eligibility,
        guardedAccounts: [config.managementAccountId, config.requesterAccountId],
        changeTemplateName: requester.changeTemplate,
        runbookName: requester.requestRunbook,
        requestForm: config.requestForm,
        topicArn,
        durationUnit: config.durationUnit,
        approvalMode: config.approvalMode,
        approverPortalUrl: config.approverPortalUrl,
        reminders: reminderSettingsOf(config, names),
        sessionMinutes,
        revokeOpenSessions: config.revokeOpenSessions || undefined,
      };
      return { [REQUEST_NOTIFIER_ENV]: JSON.stringify(settings) };
    });

    this.inlineFunction = new InlineFunction(
      name,
      {
        functionName: management.requestNotifierFunction,
        roleName: management.requestNotifierRole,
        description: "Notifies IAM Identity Center JIT change requests raised, approved, rejected and cancelled",
        callbackFactory: () => {
          const retries = { maxAttempts: 5, retryMode: "standard" };
          const clients = {
            sts: new STSClient(retries),
            organizations: new OrganizationsClient(retries),
            sns: new SNSClient(retries),
            identityStore: new IdentitystoreClient(retries),
            scheduler: new SchedulerClient(retries),
            ssm: new SSMClient(retries),
            ssoAdmin: new SSOAdminClient(retries),
            dynamodb: new DynamoDBClient(retries),
            requesterSsm: (credentials: ReaderCredentials) => new SSMClient({ ...retries, credentials }),
            requesterIam: (credentials: ReaderCredentials) => new IAMClient({ ...retries, credentials }),
          };
          return async (event: unknown) => notifyRequestEvent(event, clients, notifierSettings(process.env));
        },
        environment,
        timeoutSeconds: 60,
        statements: [
          allow("ReadRequesterAccount", ["sts:AssumeRole"], crossSide.requestReaderRoleArn),
          allow("StopRefusedRequests", ["sts:AssumeRole"], crossSide.requestRefuserRoleArn),
          allow("NameAccounts", ["organizations:DescribeAccount"], arn.organizationAccounts),
          // The screen of a new request (functions/requestNotifier/screen.ts): the requester and their groups, and
          // the account's place in the organization.
          allow(
            "ScreenRequester",
            ["identitystore:GetUserId", "identitystore:IsMemberInGroups"],
            [
              `arn:${partition}:identitystore::${account}:identitystore/${config.identityStoreId}`,
              `arn:${partition}:identitystore:::user/*`,
              `arn:${partition}:identitystore:::group/*`,
              `arn:${partition}:identitystore:::membership/*`,
            ],
          ),
          allow("ScreenAccount", ["organizations:ListParents"], [arn.organizationAccounts, arn.organizationalUnits]),
          // Whether the requester holds the access outside JIT: the set's ARN, their assignments, the ledger's lock.
          allow(
            "ScreenHeldAccess",
            ["ssm:GetParameter"],
            arn.parameterPath(account, `${management.permissionSetParameterPath}*`),
          ),
          allow("ScreenAssignments", ["sso:ListAccountAssignmentsForPrincipal"], config.identityCenterInstanceArn),
          allow("ScreenLedger", ["dynamodb:GetItem"], args.ledgerTableArn),
          allow("Notify", ["sns:Publish"], args.topicArn),
          allow("KeepUndelivered", ["sqs:SendMessage"], this.deadLetterQueue.arn),
          ...reminderStatements(config, names),
        ],
        account,
        logRetentionDays: config.logRetentionDays,
        deadLetterQueueArn: this.deadLetterQueue.arn,
        names,
        tags,
      },
      parent,
    );
    const fn = this.inlineFunction.function;
    new RequestReminders(`${name}-reminders`, { config, names, tags }, parent);

    const rule = new aws.cloudwatch.EventRule(
      `${name}-rule`,
      {
        name: management.requestNotifierRule,
        description: "Notifies IAM Identity Center JIT change request events the requester account forwards",
        eventBusName: args.requestBusName,
        eventPattern: JSON.stringify(
          succeededSsmCall(
            { eventName: [...new Set(REQUEST_EVENT_TYPES.map((t) => REQUEST_EVENTS[t].eventName(context)))] },
            { account: config.requesterAccountId, region: config.region },
          ),
        ),
        tags,
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-target`,
      {
        rule: rule.name,
        eventBusName: args.requestBusName,
        arn: fn.arn,
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
        retryPolicy: { maximumEventAgeInSeconds: DELIVERY_SECONDS, maximumRetryAttempts: 185 },
      },
      parent,
    );
    new aws.lambda.Permission(
      `${name}-permission`,
      { function: fn.name, action: "lambda:InvokeFunction", principal: "events.amazonaws.com", sourceArn: rule.arn },
      parent,
    );

    this.registerOutputs({ functionName: fn.name, deadLetterQueueUrl: this.deadLetterQueue.url });
  }
}
