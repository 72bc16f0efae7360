import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RECONCILER_ENV, type ReconcilerSettings, reconcile, reconcilerSettings } from "../functions/reconciler";
import type { DeadLetterKind } from "../functions/reconciler/deadLetters";
import type { ManagementConfig } from "../shared/config/management";
import { allow, policy, serviceTrust } from "../shared/iam";
import type { Names } from "../shared/naming";
import { roleWithPolicy } from "../shared/resources";
import {
  assignmentStatements,
  endScheduleSettings,
  type GrantFunctionStatementsArgs,
  ledgerAndScheduleStatements,
} from "./grantFunctions";
import { InlineFunction } from "./inlineFunction";
import { sessionRevokerSetting } from "./sessionRevoker";

export interface ReconcilerArgs {
  config: ManagementConfig;
  names: Names;
  topicArn: pulumi.Input<string>;
  ledger: GrantFunctionStatementsArgs["ledger"];
  /** The requestable permission sets' ARNs by name (./requestableSets.ts). */
  setArns: Record<string, pulumi.Input<string>>;
  /** The schedule group the reconciler's schedule lives in (management/endOfGrant/). */
  scheduleGroupName: pulumi.Input<string>;
  /**
   * The dead-letter queues it reports on: undelivered requests (./grantWorkflow), ends (./endOfGrant) and request
   * notifications (./requestNotifier.ts) and the other rules' events (./deliveryAlarms.ts).
   */
  deadLetterQueues: Record<DeadLetterKind, aws.sqs.Queue>;
  tags: Record<string, string>;
}

/** How long one run may take; its call budget, not the time, is what normally ends it. */
const RECONCILER_TIMEOUT_SECONDS = 300;

/**
 * The reconciler (functions/reconciler/): a function EventBridge Scheduler runs every `jit:reconcileMinutes`, which
 * ends overdue grants and sweeps the requestable sets' assignments, removing those of closed grants and alerting on
 * anything the ledger and `jit:standingAccess` do not explain; its role; its schedule, and the role that runs it.
 */
export class Reconciler extends pulumi.ComponentResource {
  readonly inlineFunction: InlineFunction;
  readonly schedule: aws.scheduler.Schedule;

  constructor(name: string, args: ReconcilerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:Reconciler", name, {}, opts);
    const parent = { parent: this };
    const { config, names, tags } = args;
    const { management, arn } = names;
    const account = config.managementAccountId;
    const setArns = Object.values(args.setArns);

    const { request, end, notification, event } = args.deadLetterQueues;
    const urls = [request.url, end.url, notification.url, event.url] as const;
    const queues = pulumi.all([args.topicArn, pulumi.output(args.setArns), ...urls]);
    const revoker = sessionRevokerSetting(config, names);
    const environment = queues.apply(([topicArn, permissionSets, requestUrl, endUrl, notificationUrl, eventUrl]) => {
      const settings: ReconcilerSettings = {
        instanceArn: config.identityCenterInstanceArn,
        tableName: management.grantTable,
        topicArn,
        permissionSets,
        standingAccess: config.standingAccess.map((s) => ({
          principalType: s.principalType,
          principalId: s.principalId,
          permissionSetArn: permissionSets[s.permissionSet],
          accountId: s.accountId,
        })),
        callBudget: config.reconcilerCallBudget,
        alertQuietHours: 24,
        graceSeconds: 120,
        schedule: endScheduleSettings(config, names),
        deadLetterQueues: [
          { kind: "request", url: requestUrl },
          { kind: "end", url: endUrl },
          { kind: "notification", url: notificationUrl },
          { kind: "event", url: eventUrl },
        ],
        subscribers: config.notifications.map((n) => ({ email: n.email, events: [...n.events] })),
        // An overdue grant it ends has its open sessions cut as the end function's would (management/sessionRevoker.ts).
        ...(revoker && { sessionRevoker: revoker }),
      };
      return { [RECONCILER_ENV]: JSON.stringify(settings) };
    });

    this.inlineFunction = new InlineFunction(
      name,
      {
        functionName: management.reconcilerFunction,
        roleName: management.reconcilerRole,
        description:
          "Ends overdue IAM Identity Center JIT grants and removes or alerts on assignments nothing explains",
        callbackFactory: () => {
          const retries = { maxAttempts: 5, retryMode: "standard" };
          const clients = {
            ssoAdmin: new SSOAdminClient(retries),
            sns: new SNSClient(retries),
            dynamodb: new DynamoDBClient(retries),
            scheduler: new SchedulerClient(retries),
            sqs: new SQSClient(retries),
          };
          return async (_event, context) => reconcile(clients, reconcilerSettings(process.env), context);
        },
        environment,
        timeoutSeconds: RECONCILER_TIMEOUT_SECONDS,
        statements: [
          ...ledgerAndScheduleStatements({ config, names, ledger: args.ledger }),
          ...assignmentStatements({ config, names, setArns, removesFromAnySet: true }),
          // Where each requestable set is provisioned: the accounts whose assignments are swept.
          allow(
            "ListProvisionedAccounts",
            ["sso:ListAccountsForProvisionedPermissionSet"],
            [config.identityCenterInstanceArn, ...setArns],
          ),
          allow("Notify", ["sns:Publish"], args.topicArn),
          allow("CheckSubscribers", ["sns:ListSubscriptionsByTopic", "sns:GetSubscriptionAttributes"], args.topicArn),
          allow(
            "ReadDeadLetters",
            ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
            [request.arn, end.arn, notification.arn, event.arn],
          ),
        ],
        account,
        logRetentionDays: config.logRetentionDays,
        names,
        tags,
      },
      parent,
    );

    const scheduleRole = roleWithPolicy(
      `${name}-schedule-role`,
      {
        roleName: management.reconcilerScheduleRole,
        description: "Lets EventBridge Scheduler run the IAM Identity Center JIT reconciler",
        trust: serviceTrust("scheduler.amazonaws.com", {
          account,
          // Scheduler names the schedule group as aws:SourceArn (EventBridge Scheduler user guide, "Set up the
          // execution role"), not the schedule.
          sourceArn: arn.scheduleGroup(account, management.scheduleGroup),
        }),
        policy: policy(
          allow("RunReconciler", ["lambda:InvokeFunction"], arn.lambdaFunction(account, management.reconcilerFunction)),
        ),
        tags,
      },
      parent,
    );

    this.schedule = new aws.scheduler.Schedule(
      `${name}-schedule`,
      {
        name: management.reconcilerSchedule,
        groupName: args.scheduleGroupName,
        description: "Runs the IAM Identity Center JIT reconciler",
        scheduleExpression: `rate(${config.reconcileMinutes} ${config.reconcileMinutes === 1 ? "minute" : "minutes"})`,
        flexibleTimeWindow: { mode: "OFF" },
        target: {
          arn: this.inlineFunction.function.arn,
          roleArn: scheduleRole.arn,
          // A run that did not happen is made up by the next one: no retries piling up behind it.
          retryPolicy: { maximumRetryAttempts: 0 },
        },
      },
      parent,
    );

    this.registerOutputs({ functionName: this.inlineFunction.function.name, scheduleName: this.schedule.name });
  }
}
