/**
 * Every physical resource name and every ARN one side derives for the other, from the name prefix, the environment,
 * the two account ids and the region. The management side never reads the requester stack: it derives the requester
 * side's names here, and the requester side declares its resources with the same names (DESIGN.md §1).
 */

import type { RequestForm } from "./config/common";
import { patterns } from "./patterns";

export interface Deployment {
  namePrefix: string;
  environment: string;
  region: string;
  managementAccountId: string;
  requesterAccountId: string;
}

/** The ARN partition of a region: aws, aws-cn or aws-us-gov. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** A page of Change Manager in a region's console (`path` is the part after `#`). */
export function changeManagerUrl(region: string, path: string): string {
  return `https://${consoleHost(region)}/systems-manager/change-manager?region=${region}#${path}`;
}

/** A page of Automation in a region's console. */
export function automationUrl(region: string, path: string): string {
  return `https://${consoleHost(region)}/systems-manager/automation${path}?region=${region}`;
}

/** A change request's page in Change Manager. */
export const changeRequestPath = (opsItemId: string) => `/change-request/view-details/${opsItemId}/details`;

/** The AWS console's host name for a region, which differs by partition. */
export function consoleHost(region: string): string {
  switch (partitionOf(region)) {
    case "aws-cn":
      return `${region}.console.amazonaws.cn`;
    case "aws-us-gov":
      return "console.amazonaws-us-gov.com";
    default:
      return `${region}.console.aws.amazon.com`;
  }
}

/** AWS's length limits for the names we derive. */
const LIMITS = {
  role: 64,
  eventBus: 256,
  document: 128,
  topic: 256,
  function: 64,
  rule: 64,
  chatbotConfiguration: 128,
  /** DynamoDB table names: 3-255 characters (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html). */
  table: 255,
  /** EventBridge Scheduler schedule and schedule group names: 1-64 characters (API_CreateSchedule). */
  schedule: 64,
  /** SQS queue names: 1-80 characters (API_CreateQueue). */
  queue: 80,
  /** Organizations policy names: 1-128 characters (API_CreatePolicy). */
  scp: 128,
  /** CloudWatch alarm names: 1-255 characters (API_PutMetricAlarm). */
  alarm: 255,
} as const;

function limited(kind: keyof typeof LIMITS, name: string): string {
  if (name.length > LIMITS[kind]) {
    throw new Error(`derived ${kind} name ${name} is longer than AWS allows (${LIMITS[kind]}); shorten jit:namePrefix`);
  }
  return name;
}

export function names(d: Deployment) {
  const base = `${d.namePrefix}-${d.environment}`;
  const partition = partitionOf(d.region);
  const role = (suffix: string) => limited("role", `${base}-${suffix}`);
  const fn = (suffix: string) => limited("function", `${base}-${suffix}`);

  const management = {
    requestBus: limited("eventBus", `${base}-access-requests`),
    grantRule: limited("rule", `${base}-start-grant`),
    grantRuleRole: role("grant-rule"),
    /** The rules that start the end-of-grant workflow for a requester's end request and an ended change request. */
    endRequestRule: limited("rule", `${base}-end-request`),
    changeRequestEndRule: limited("rule", `${base}-change-request-ended`),
    endRequestRuleRole: role("end-request-rule"),
    grantDocument: limited("document", `${base}-grant-access`),
    grantWorkflowRole: role("grant-workflow"),
    alertRule: limited("rule", `${base}-invalid-request-alert`),
    alertDocument: limited("document", `${base}-invalid-request-alert`),
    alertRole: role("invalid-request-alert"),
    alertRuleRole: role("invalid-request-alert-rule"),
    /** The end-of-grant workflow (management/endOfGrant/), its role and its function (functions/endAccess/). */
    endDocument: limited("document", `${base}-end-access`),
    endWorkflowRole: role("end-access-workflow"),
    endFunction: fn("end-access"),
    endFunctionRole: role("end-access"),
    /** The schedule group every end schedule and the reconciler's schedule live in. */
    scheduleGroup: limited("schedule", `${base}-grants`),
    /** The role EventBridge Scheduler assumes to start the end-of-grant workflow at a grant's end. */
    schedulerRole: role("end-schedule"),
    /** Where Scheduler puts an end it could not deliver. */
    endDeadLetterQueue: limited("queue", `${base}-end-dead-letters`),
    requestDeadLetterQueue: limited("queue", `${base}-request-dead-letters`),
    /** Where the other rules put an event they could not deliver: the end requests', the alert's, the sync's. */
    eventDeadLetterQueue: limited("queue", `${base}-event-dead-letters`),
    /** The reconciler (functions/reconciler/), its role, its schedule and the role that schedule runs it with. */
    reconcilerFunction: fn("reconciler"),
    reconcilerRole: role("reconciler"),
    reconcilerSchedule: limited("schedule", `${base}-reconciler`),
    reconcilerScheduleRole: role("reconciler-schedule"),
    topic: limited("topic", `${base}-notifications`),
    /** The topic both sides' delivery alarms publish to (management/deliveryAlarms.ts). */
    alarmTopic: limited("topic", `${base}-delivery-alarms`),
    permissionSetSyncFunction: fn("permission-set-sync"),
    permissionSetSyncRole: role("permission-set-sync"),
    permissionSetSyncSchedule: limited("rule", `${base}-permission-set-sync`),
    /** The request notifier (functions/requestNotifier/), its role, the rule that feeds it and its dead letters. */
    requestNotifierFunction: fn("request-notifier"),
    requestNotifierRole: role("request-notifier"),
    requestNotifierRule: limited("rule", `${base}-request-notifier`),
    requestNotifierDeadLetterQueue: limited("queue", `${base}-notification-dead-letters`),
    /** The schedule group of the pending requests' reminders, and the role its schedules invoke the notifier with. */
    reminderScheduleGroup: limited("schedule", `${base}-request-reminders`),
    reminderSchedulerRole: role("reminder-schedule"),
    cloudTrailSummaryFunction: fn("cloudtrail-summary"),
    cloudTrailSummaryRole: role("cloudtrail-summary"),
    /** Cuts the sessions a grant opened once it ends (jit:revokeOpenSessions, functions/sessionRevoker/). */
    sessionRevokerFunction: fn("session-revoker"),
    sessionRevokerRole: role("session-revoker"),
    requestCheckFunction: fn("request-check"),
    requestCheckRole: role("request-check"),
    /** Parameter Store path holding one parameter per requestable permission set: name -> ARN. */
    permissionSetParameterPath: `/${d.namePrefix}/${d.environment}/permission-sets/`,
    /**
     * Parameter Store path of the claims the previous version's request check wrote (one per access being granted).
     * Nothing writes them any more; the grant workflow role still reads them, for grant workflows started by the
     * previous document version, whose own revoke reads their claim (management/grantWorkflow/index.ts).
     */
    previousGrantClaimPath: `/${d.namePrefix}/${d.environment}/grant-claims/`,
    /**
     * Parameter Store path of the request check's reasons, one per grant workflow execution it turned away: the
     * workflow reads the reason from here, never from the check's Payload (whose form AWS does not document).
     */
    checkReasonPath: `/${d.namePrefix}/${d.environment}/check-reasons/`,
    /** The grant ledger's DynamoDB table (management/grantLedger/, DESIGN.md §10). */
    grantTable: limited("table", `${base}-grant-ledger`),
    /**
     * The alert on changes to the solution's resources by anyone but the deployer (management/changeAlerts/): its rule,
     * document and roles, and the rule that forwards IAM's events to it from US East (N. Virginia).
     */
    /** One rule per watch of management/changeAlerts/pattern.ts (`definitions`, `wiring`, `state`). */
    changeAlertRule: (watch: string) => limited("rule", `${base}-change-alert-${watch}`),
    changeAlertDocument: limited("document", `${base}-change-alert`),
    changeAlertRole: role("change-alert"),
    changeAlertRuleRole: role("change-alert-rule"),
    changeAlertForwardRule: limited("rule", `${base}-change-alert-forward`),
    changeAlertForwardRole: role("change-alert-forward"),
    /** The service control policy `jit:guardrails` attaches to the requester account (management/guardrails/). */
    requesterGuardrailPolicy: limited("scp", `${base}-requester-guardrails`),
  };

  const requester = {
    requestRole: role("request"),
    eventRuleRole: role("requester-events"),
    /** The read-only role the management side's request check reads request executions with. */
    requestReaderRole: role("request-reader"),
    /** The role the management side's request notifier stops a request with that no rule could grant. */
    requestRefuserRole: role("request-refuser"),
    changeTemplate: limited("document", `${base}-access-request`),
    requestRunbook: limited("document", `${base}-request-access`),
    /** The document a requester or an approver starts to end a grant early (requester/endRequest.ts), and its role. */
    endAccessDocument: limited("document", `${base}-end-access`),
    endAccessRole: role("end-request"),
    /** The rule that forwards one request event, such as `RequestCreated` -> `<base>-request-created`. */
    notificationRule: (eventType: string) =>
      limited("rule", `${base}-${eventType.replace(/[A-Z]/g, (c, i) => `${i > 0 ? "-" : ""}${c.toLowerCase()}`)}`),
    invalidRequestForwardRule: limited("rule", `${base}-invalid-request-forward`),
    /** Where the forwarding rules put a record they could not deliver to the management side's bus. */
    forwardDeadLetterQueue: limited("queue", `${base}-forward-dead-letters`),
    chatbotRequesterRole: role("chatbot-requester"),
    chatbotApproverRole: role("chatbot-approver"),
    chatbotRequesterChannel: limited("chatbotConfiguration", `${base}-requester-channel`),
    chatbotApproverChannel: limited("chatbotConfiguration", `${base}-approver-channel`),
  };

  const arn = {
    role: (account: string, name: string) => `arn:${partition}:iam::${account}:role/${name}`,
    eventBus: (account: string, name: string) => `arn:${partition}:events:${d.region}:${account}:event-bus/${name}`,
    topic: (account: string, name: string) => `arn:${partition}:sns:${d.region}:${account}:${name}`,
    /** Every permission set of an Identity Center instance, as IAM names them. */
    permissionSets: (instanceArn: string) => `arn:${partition}:sso:::permissionSet/${instanceArn.split("/").pop()}/*`,
    /** The ARN EventBridge and IAM use for an Automation document; `version` is a number, `$LATEST`, `$DEFAULT` or `*`. */
    automationDefinition: (account: string, name: string, version: string) =>
      `arn:${partition}:ssm:${d.region}:${account}:automation-definition/${name}:${version}`,
    /** What `ssm:StartAutomationExecution` (and `StartChangeRequestExecution`) authorizes for one document. */
    startAutomation: (account: string, name: string) => [
      `arn:${partition}:ssm:${d.region}:${account}:automation-definition/${name}:*`,
      `arn:${partition}:ssm:${d.region}:${account}:document/${name}`,
      `arn:${partition}:ssm:${d.region}:${account}:automation-execution/*`,
    ],
    automationExecutions: (account: string) => `arn:${partition}:ssm:${d.region}:${account}:automation-execution/*`,
    /** A document; account "" for the documents AWS owns (`AWS-*`, `AWSSupport-*`). */
    document: (account: string, name: string) => `arn:${partition}:ssm:${d.region}:${account}:document/${name}`,
    /** Any other Systems Manager resource of an account, such as `opsitem/*`. */
    ssmResource: (account: string, resource: string) => `arn:${partition}:ssm:${d.region}:${account}:${resource}`,
    lambdaFunction: (account: string, name: string) =>
      `arn:${partition}:lambda:${d.region}:${account}:function:${name}`,
    parameterPath: (account: string, path: string) => `arn:${partition}:ssm:${d.region}:${account}:parameter${path}`,
    logGroup: (account: string, name: string) => `arn:${partition}:logs:${d.region}:${account}:log-group:${name}`,
    /** A rule's ARN; rules on a custom bus carry the bus name in their ARN. */
    rule: (account: string, busName: string | undefined, ruleName: string) =>
      `arn:${partition}:events:${d.region}:${account}:rule/${busName ? `${busName}/` : ""}${ruleName}`,
    /** A rule of the default bus of another Region (US East's, which gets IAM's events). */
    ruleInRegion: (region: string, account: string, ruleName: string) =>
      `arn:${partition}:events:${region}:${account}:rule/${ruleName}`,
    /** The default bus of an account in the stack's Region. */
    defaultBus: (account: string) => `arn:${partition}:events:${d.region}:${account}:event-bus/default`,
    accountRoot: (account: string) => `arn:${partition}:iam::${account}:root`,
    /** Every account of the organization the management account owns (its id is not known before deployment). */
    organizationAccounts: `arn:${partition}:organizations::${d.managementAccountId}:account/o-*/*`,
    /** Every organizational unit of the organization. */
    organizationalUnits: `arn:${partition}:organizations::${d.managementAccountId}:ou/o-*/ou-*`,
    managedPolicy: (name: string) => `arn:${partition}:iam::aws:policy/${name}`,
    /** An EventBridge Scheduler schedule group. */
    scheduleGroup: (account: string, group: string) =>
      `arn:${partition}:scheduler:${d.region}:${account}:schedule-group/${group}`,
    /** A schedule of a group; `name` may be `*` for every schedule of the group. */
    schedule: (account: string, group: string, name: string) =>
      `arn:${partition}:scheduler:${d.region}:${account}:schedule/${group}/${name}`,
    queue: (account: string, name: string) => `arn:${partition}:sqs:${d.region}:${account}:${name}`,
    /** Every CloudWatch alarm of an account whose name is one of the solution's (`alarm` below). */
    solutionAlarms: (account: string) => `arn:${partition}:cloudwatch:${d.region}:${account}:alarm:${base}-*`,
  };

  /**
   * The requester side's ARNs the management side needs, derived (not read) so each side deploys in one pass. The
   * requester side reads the management side's values from its outputs instead.
   */
  const crossSide = {
    requestRoleArn: arn.role(d.requesterAccountId, requester.requestRole),
    endAccessRoleArn: arn.role(d.requesterAccountId, requester.endAccessRole),
    requesterEventRuleRoleArn: arn.role(d.requesterAccountId, requester.eventRuleRole),
    chatbotRequesterRoleArn: arn.role(d.requesterAccountId, requester.chatbotRequesterRole),
    chatbotApproverRoleArn: arn.role(d.requesterAccountId, requester.chatbotApproverRole),
    requestReaderRoleArn: arn.role(d.requesterAccountId, requester.requestReaderRole),
    requestRefuserRoleArn: arn.role(d.requesterAccountId, requester.requestRefuserRole),
    /** The other way round: the management role the requester side's reader role trusts. */
    requestCheckRoleArn: arn.role(d.managementAccountId, management.requestCheckRole),
    /** The end function's role, which reads who asked for an early end with the same reader role. */
    endFunctionRoleArn: arn.role(d.managementAccountId, management.endFunctionRole),
    /** The request notifier's role, which reads the change request it notifies with the same reader role. */
    requestNotifierRoleArn: arn.role(d.managementAccountId, management.requestNotifierRole),
    /** The topic the requester side's delivery alarms publish to. */
    alarmTopicArn: arn.topic(d.managementAccountId, management.alarmTopic),
  };

  const consoleUrl = (path: string) => changeManagerUrl(d.region, path);

  return {
    /** `<prefix>-<env>`, which every resource name of both sides starts with. */
    base,
    partition,
    management,
    requester,
    arn,
    crossSide,
    /** A delivery alarm's name: the resource it watches (named `<base>-...`), then what it counts. */
    alarm: (watched: string, metric: string) => limited("alarm", `${watched}-${metric}`),
    urls: {
      createChangeRequest: consoleUrl(`/change-request/create?templateName=${requester.changeTemplate}`),
      /** Where people fill in a request: the change template's form, or the request runbook's "Execute automation". */
      requestForm: (form: RequestForm) =>
        form === "automation"
          ? automationUrl(d.region, `/execute/${requester.requestRunbook}`)
          : consoleUrl(`/change-request/create?templateName=${requester.changeTemplate}`),
      /** Where approvers find what waits for them. */
      pendingApprovals: (form: RequestForm) =>
        form === "automation"
          ? automationUrl(d.region, "/executions")
          : consoleUrl("/dashboard/requests?status=PendingApproval"),
      /** An Automation execution's page (a request raised with the Automation form). */
      automationExecution: (executionId: string) => automationUrl(d.region, `/execution/${executionId}`),
      changeRequest: (opsItemId: string) => consoleUrl(changeRequestPath(opsItemId)),
    },
  };
}

export type Names = ReturnType<typeof names>;

const REMINDER_PREFIX = "remind-";

/**
 * The name of a pending request's reminder schedule that fires at `at` (epoch milliseconds): `remind-`, the request's
 * execution id and the time to the second, UTC (59 characters of Scheduler's `[0-9a-zA-Z-_.]{1,64}`). The same
 * request and firing always give the same name, so a retried arming finds its schedule made (ConflictException);
 * two firings of one request never share one.
 */
/** What every reminder schedule of one request's execution is named with first. */
export function reminderSchedulePrefix(executionId: string): string {
  if (!patterns.automationExecutionId.test(executionId)) {
    throw new Error(`executionId must be ${patterns.automationExecutionId.rule}, not ${JSON.stringify(executionId)}`);
  }
  return `${REMINDER_PREFIX}${executionId}-`;
}

export function reminderScheduleName(executionId: string, at: number): string {
  if (!Number.isFinite(at)) throw new Error(`at must be a time, not ${at}`);
  const time = new Date(at).toISOString().slice(0, 19).replace(/[-:]/g, "");
  return `${reminderSchedulePrefix(executionId)}${time}`;
}
