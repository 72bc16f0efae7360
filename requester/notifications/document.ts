/**
 * The request notification document: EventBridge starts it for each CloudTrail record of a change request being
 * created, approved, rejected or cancelled (events.ts). It reads the change request, ends quietly unless the
 * execution belongs to our change template, looks up the account name, and publishes one notification to the
 * management account's topic, with the event type as the attribute subscriptions filter on.
 *
 * The texts live here, chosen by the `EventType` parameter's four allowed values: whoever can start this document
 * picks which notification goes out, never its words. Every other parameter is a CloudTrail field; a value that
 * breaks its pattern makes the execution fail to start, so the patterns admit everything CloudTrail records for them
 * (without control characters, which have no place in an email).
 */
import type { DurationUnit } from "../../shared/config/common";
import type { ApprovalMode } from "../../shared/config/requester";
import { publishNotification } from "../../shared/documentSteps";
import type { AccessRequestField } from "../../shared/events";
import { Pattern, patterns } from "../../shared/patterns";
import {
  type AutomationDocument,
  defineParameters,
  defineVariables,
  type ParameterSpec,
  type Step,
} from "../../shared/ssm/model";
import { branch, executeAwsApi, type Selectors, sleep, updateVariable } from "../../shared/ssm/steps";
import {
  EVENT_TYPE_PARAMETER,
  EXECUTION_ID_PARAMETER,
  type NotificationInputField,
  REQUEST_EVENT_TYPES,
  REQUEST_EVENTS,
  type RequestEventType,
} from "./events";

export interface NotificationDocumentArgs {
  /** The notification role (the document's assumeRole). */
  assumeRoleArn: string;
  /** The management account's notification topic. */
  topicArn: string;
  /** The change template whose change requests this document reports on. */
  changeTemplateName: string;
  approvalMode: ApprovalMode;
  /** The approve permission set's link in the access portal, offered as the way in to the requester account. */
  approverPortalUrl?: string;
  requesterAccountId: string;
  region: string;
  durationUnit: DurationUnit;
  /** The Change Manager console page of a change request (names(...).urls.changeRequest). */
  changeRequestUrl: (opsItemId: string) => string;
}

/** The patterns of the CloudTrail fields the rules pass in. */
export const notificationPatterns = {
  /**
   * `userIdentity.principalId`: an IAM user or role id, an account id, or `<role id>:<session name>` (an Identity
   * Center user's session is named after the user, such as `AROAEXAMPLE:jane.doe@example.com`). Role session and
   * federated user names are made of letters, digits and `_+=,.@-`.
   */
  principalId: new Pattern("^[a-zA-Z0-9_+=,.@:-]{1,256}$", "a CloudTrail principal id such as AROAEXAMPLE:jane.doe"),
  /** `sourceIPAddress`: IPv4, IPv6 (with a zone index), or a service name such as `ssm.amazonaws.com` or `AWS Internal`. */
  sourceIpAddress: new Pattern(
    "^[a-zA-Z0-9.:%_ -]{1,128}$",
    "a CloudTrail source IP address: an IPv4 or IPv6 address or a service name",
  ),
  /** `eventTime`: ISO 8601 in UTC. */
  eventTime: new Pattern("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$", "an ISO 8601 UTC time"),
  /** `userAgent`: browsers, SDKs and the CLI record free-form text; printable ASCII covers them. */
  userAgent: new Pattern("^[ -~]{1,1024}$", "a user agent of 1 to 1024 printable ASCII characters"),
} as const;

/** The account name the notification shows when Organizations cannot tell it. */
export const ACCOUNT_NAME_UNAVAILABLE = "(name not available)";

/** The change template's runbook parameters the notification shows, read from the change request's execution. */
const RUNBOOK_FIELDS = [
  "AccountId",
  "PermissionSet",
  "Duration",
  "RequestingUser",
  "Justification",
] as const satisfies readonly AccessRequestField[];
type RunbookField = (typeof RUNBOOK_FIELDS)[number];

export function notificationParameters() {
  const cloudTrailFields: Record<NotificationInputField, ParameterSpec> = {
    PrincipalId: {
      type: "String",
      description: "Who made the call (CloudTrail userIdentity.principalId).",
      pattern: notificationPatterns.principalId,
    },
    SourceIpAddress: {
      type: "String",
      description: "Where the call came from (CloudTrail sourceIPAddress).",
      pattern: notificationPatterns.sourceIpAddress,
    },
    EventTime: {
      type: "String",
      description: "When the call was made (CloudTrail eventTime).",
      pattern: notificationPatterns.eventTime,
    },
    UserAgent: {
      type: "String",
      description: "The client that made the call (CloudTrail userAgent).",
      pattern: notificationPatterns.userAgent,
    },
  };
  return defineParameters({
    [EVENT_TYPE_PARAMETER]: {
      type: "String",
      description: "Which notification to send. The texts are part of this document, so only the choice is an input.",
      allowedValues: REQUEST_EVENT_TYPES,
    },
    [EXECUTION_ID_PARAMETER]: {
      type: "String",
      description: "The change request's Automation execution id.",
      pattern: patterns.automationExecutionId,
    },
    ...cloudTrailFields,
  });
}

function runbookOutputs(): Selectors<RunbookField> {
  const entries = RUNBOOK_FIELDS.map((f) => [f, ["String", `$.AutomationExecution.Runbooks[0].Parameters.${f}[0]`]]);
  return Object.fromEntries(entries) as Selectors<RunbookField>;
}

const indent = (lines: readonly string[]) => lines.map((line) => (line === "" ? line : `    ${line}`));

export function notificationDocument(args: NotificationDocumentArgs): AutomationDocument {
  const parameters = notificationParameters();
  const { EventType, AutomationExecutionId, PrincipalId, SourceIpAddress, EventTime, UserAgent } = parameters.refs;
  const variables = defineVariables({
    AccountName: {
      type: "String",
      default: ACCOUNT_NAME_UNAVAILABLE,
      description: "The account's name, once Organizations has told it.",
    },
    StartTime: {
      type: "String",
      default: "No start time was scheduled: access starts once the request is approved.",
      description: "The sentence about the request's start time.",
    },
    RequestName: {
      type: "String",
      default: "(none given)",
      description: "The change request's name: StartChangeRequestExecution does not require one.",
    },
  });
  const { AccountName, StartTime, RequestName } = variables.refs;

  const getChangeRequest = executeAwsApi(
    "Get_Change_Request",
    {
      service: "ssm",
      api: "GetAutomationExecution",
      params: { AutomationExecutionId },
      outputs: {
        OpsItemId: ["String", "$.AutomationExecution.OpsItemId"],
        DocumentName: ["String", "$.AutomationExecution.DocumentName"],
        ScheduledTime: ["String", "$.AutomationExecution.ScheduledTime"],
        ChangeRequestName: ["String", "$.AutomationExecution.ChangeRequestName"],
        ...runbookOutputs(),
      },
    },
    { maxAttempts: 3 },
  );
  const request = getChangeRequest.outputs;
  const { AccountId, PermissionSet, Duration, RequestingUser, Justification, OpsItemId } = request;

  // Unrelated executions (another template's change request, a runbook's own signals) and, should it ever come,
  // an event type without a notification end here, successfully and without a word.
  const endQuietly = sleep("End_Without_Notification", "PT0S", { isEnd: true });

  const summary = `${RequestingUser} asked for ${PermissionSet} on ${AccountName} (AWS account ${AccountId}) for ${Duration} ${args.durationUnit}. ${StartTime}`;
  const changeRequestUrl = args.changeRequestUrl(`${OpsItemId}`);
  const region = `--region ${args.region}`;

  const wayIn = (type: RequestEventType): string[] => {
    const { textBeforeUrl } = REQUEST_EVENTS[type];
    if (args.approverPortalUrl === undefined) {
      return [
        `${textBeforeUrl} log into the requester account ${args.requesterAccountId} and open the change request:`,
        ...indent([changeRequestUrl]),
      ];
    }
    return [
      `${textBeforeUrl} sign in to the requester account through the approver portal:`,
      ...indent([args.approverPortalUrl]),
      "then open the change request:",
      ...indent([changeRequestUrl]),
    ];
  };

  const cliReference = (type: RequestEventType): string[] => {
    const view = [
      "View the change request:",
      ...indent([`aws ssm get-ops-item --ops-item-id ${OpsItemId} ${region}`]),
      "View the request's runbook parameters:",
      ...indent([`aws ssm get-automation-execution --automation-execution-id ${AutomationExecutionId} ${region}`]),
    ];
    const decide = (signal: "Approve" | "Reject") => [
      `${signal} the request:`,
      ...indent([
        `aws ssm send-automation-signal --signal-type ${signal} --automation-execution-id ${AutomationExecutionId} --payload Comment="Your comment" ${region}`,
      ]),
    ];
    const decisions = [...decide("Approve"), ...decide("Reject")];
    // A request that needs several approvals is still open after the first approval.
    const open =
      type === "RequestCreated"
        ? decisions
        : type === "RequestApproved"
          ? ["If the request needs further approvals:", ...indent(decisions)]
          : [];
    return [`AWS CLI reference (requester account ${args.requesterAccountId}):`, ...indent([...view, ...open])];
  };

  const detailedMessage = (type: RequestEventType): string[] => {
    const { bodyHeader, principalWord } = REQUEST_EVENTS[type];
    return [
      bodyHeader,
      "",
      `Request name: ${RequestName}`,
      `Summary: ${summary}`,
      "",
      "Details:",
      ...indent([
        `Event time: ${EventTime}`,
        `${principalWord} principal ID: ${PrincipalId}`,
        `${principalWord} IP address: ${SourceIpAddress}`,
        `${principalWord} user agent: ${UserAgent}`,
        "",
        `Requesting IAM Identity Center user: ${RequestingUser}`,
        `AWS account ID: ${AccountId}`,
        `AWS account name: ${AccountName}`,
        `Permission set: ${PermissionSet}`,
        `Duration in ${args.durationUnit}: ${Duration}`,
        `Justification: ${Justification}`,
        "",
        `Change request execution ID: ${AutomationExecutionId}`,
        `OpsItem ID: ${OpsItemId}`,
      ]),
      "",
      ...wayIn(type),
      "",
      ...cliReference(type),
    ];
  };

  // In chat, requests are approved with a Chatbot command; addresses and user agents mean little there.
  const chatMessage = (type: RequestEventType): string[] => {
    const { bodyHeader, principalWord } = REQUEST_EVENTS[type];
    const lines = [
      bodyHeader,
      "",
      `Request name: ${RequestName}`,
      `Summary: ${summary}`,
      `Justification: ${Justification}`,
      `${principalWord}: ${PrincipalId}`,
    ];
    if (type !== "RequestCreated") return lines;
    return [...lines, "", "To approve this request, type:", `@aws run approve-access ${AutomationExecutionId}`];
  };

  const message = args.approvalMode === "chatOnly" ? chatMessage : detailedMessage;
  const notify = (type: RequestEventType): Step =>
    publishNotification(
      `Notify_${type}`,
      {
        topicArn: args.topicArn,
        eventType: type,
        // No user or account name here: SNS refuses subjects of 100 characters or more, and these two are unbounded.
        subject: `${REQUEST_EVENTS[type].subjectPrefix}: ${PermissionSet} on ${AccountId}`,
        message: message(type).join("\n"),
      },
      { maxAttempts: 3, isEnd: true },
    );
  const publishSteps = REQUEST_EVENT_TYPES.map(notify);

  const chooseNotification = branch(
    "Choose_Notification",
    REQUEST_EVENT_TYPES.map((type, i) => ({
      when: { variable: EventType, operator: "StringEquals" as const, value: type },
      next: publishSteps[i],
    })),
    endQuietly,
  );

  // The same for the change request's name, which its requester may leave out: the default stays unless one was given.
  const setRequestName = updateVariable("Set_Request_Name", RequestName, `${request.ChangeRequestName}`);
  const checkRequestName = branch(
    "Check_Request_Name",
    [{ when: { variable: request.ChangeRequestName, operator: "StartsWith", value: "{" }, next: chooseNotification }],
    setRequestName,
    // Where Automation refuses a step that reads an unset output instead (variant unresolved-reference-fails-step),
    // the branch fails: the default sentence stays, and the notification still goes out.
    { onFailure: chooseNotification, isCritical: false },
  );

  const setStartTime = updateVariable("Set_Start_Time", StartTime, `Requested start time: ${request.ScheduledTime}.`);
  // An output whose selector finds nothing is not set. If Automation leaves its reference in the text as it is,
  // without a scheduled time the value below is the literal `{{ Get_Change_Request.ScheduledTime }}`; a real time
  // never starts with `{`, so the default sentence stays unless a time was scheduled. If it fails the step instead,
  // the failure goes on with the default sentence.
  const checkStartTime = branch(
    "Check_Start_Time",
    [{ when: { variable: request.ScheduledTime, operator: "StartsWith", value: "{" }, next: checkRequestName }],
    setStartTime,
    { onFailure: checkRequestName, isCritical: false },
  );

  // Organizations may refuse (no delegated access, an account that has left): the notification still goes out, with
  // the default account name. The variable is set only after a successful call, so no step reads an output that
  // may not exist, and a refusal does not mark the execution Failed.
  const describeAccount = executeAwsApi(
    "Describe_Account",
    {
      service: "organizations",
      api: "DescribeAccount",
      params: { AccountId },
      outputs: { Name: ["String", "$.Account.Name"] },
    },
    { maxAttempts: 2, isCritical: false, onFailure: checkStartTime },
  );
  const setAccountName = updateVariable("Set_Account_Name", AccountName, `${describeAccount.outputs.Name}`);

  // A change request's execution carries its change template's name; any other execution (SendAutomationSignal
  // and StopAutomationExecution records do not name the document) is none of ours.
  const checkIsAccessRequest = branch(
    "Check_Is_Access_Request",
    [
      {
        when: { variable: request.DocumentName, operator: "StringEquals", value: args.changeTemplateName },
        next: describeAccount,
      },
    ],
    endQuietly,
  );

  return {
    kind: "Automation",
    description:
      "Notifies approvers and requesters that an IAM Identity Center JIT access request was created, approved, rejected or cancelled. Started by EventBridge from CloudTrail records.",
    assumeRole: args.assumeRoleArn,
    parameters,
    variables,
    steps: [
      getChangeRequest,
      checkIsAccessRequest,
      describeAccount,
      setAccountName,
      checkStartTime,
      setStartTime,
      checkRequestName,
      setRequestName,
      chooseNotification,
      ...publishSteps,
      endQuietly,
    ],
  };
}
