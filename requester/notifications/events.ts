/**
 * The four request events the requester side notifies about, in one place: which CloudTrail record starts each
 * notification (the EventBridge pattern), where the record keeps the change request's execution id, and the texts of
 * the notification. The rule component creates one EventBridge rule per entry; the notification document
 * (document.ts) holds the texts, so whoever may start the document chooses only an event type, never the words.
 */
import type { EventType } from "../../shared/events";

export const REQUEST_EVENT_TYPES = [
  "RequestCreated",
  "RequestApproved",
  "RequestRejected",
  "RequestCancelled",
] as const satisfies readonly EventType[];

export type RequestEventType = (typeof REQUEST_EVENT_TYPES)[number];

/** What a rule's pattern depends on that is known only at deployment. */
export interface RequestEventContext {
  /** The Change Manager change template users raise requests with. */
  changeTemplateName: string;
}

export interface RequestEvent {
  /** The EventBridge rule's description. */
  description: string;
  /** The `detail` of the EventBridge pattern: which CloudTrail record this is. */
  detail: (context: RequestEventContext) => Record<string, unknown>;
  /** EventBridge input path of the change request's Automation execution id in the CloudTrail record. */
  executionIdPath: string;
  /** The start of the notification's subject; the document appends the permission set and account id. */
  subjectPrefix: string;
  /** The first line of the notification. */
  bodyHeader: string;
  /** Who the CloudTrail record's principal is, as the notification names them. */
  principalWord: string;
  /** The words before the link to the change request. */
  textBeforeUrl: string;
}

/** CloudTrail records of calls that succeeded: a refused call also leaves a record, with an errorCode. */
const succeeded = { errorCode: [{ exists: false }] };

const ssmCall = (eventName: string) => ({
  eventSource: ["ssm.amazonaws.com"],
  eventName: [eventName],
  ...succeeded,
});

/** A person's Approve or Reject signal. */
const signal = (signalType: "Approve" | "Reject") => () => ({
  ...ssmCall("SendAutomationSignal"),
  requestParameters: { signalType: [signalType] },
});

export const REQUEST_EVENTS: Readonly<Record<RequestEventType, RequestEvent>> = {
  RequestCreated: {
    description: "IAM Identity Center JIT access: a change request was created and needs approval",
    // Requests raised with auto-approval need no approver, so they do not notify here: anything but `true`, sent as
    // false or not sent at all (AWS does not document whether CloudTrail then shows false: tools/sim/variants.ts
    // changeRequestRecord). An absent field matches only `exists: false` (EventBridge User Guide, "Content filtering
    // in Amazon EventBridge event patterns"); anything-but takes no booleans.
    detail: (context) => ({
      ...ssmCall("StartChangeRequestExecution"),
      requestParameters: { documentName: [context.changeTemplateName], autoApprove: [false, { exists: false }] },
    }),
    executionIdPath: "$.detail.responseElements.automationExecutionId",
    subjectPrefix: "Approval required - JIT access request",
    bodyHeader: "A new just-in-time AWS account access request needs approval.",
    principalWord: "Requester",
    textBeforeUrl: "To approve or reject this request,",
  },
  // SendAutomationSignal's record does not name the document, so the notification document checks that the execution
  // belongs to the change template before it publishes anything.
  RequestApproved: {
    description: "IAM Identity Center JIT access: a change request was approved",
    detail: signal("Approve"),
    executionIdPath: "$.detail.requestParameters.automationExecutionId",
    subjectPrefix: "Approved - JIT access request",
    bodyHeader: "A just-in-time AWS account access request was approved.",
    principalWord: "Approver",
    textBeforeUrl: "To see the details of the approval,",
  },
  RequestRejected: {
    description: "IAM Identity Center JIT access: a change request was rejected",
    detail: signal("Reject"),
    executionIdPath: "$.detail.requestParameters.automationExecutionId",
    subjectPrefix: "Rejected - JIT access request",
    bodyHeader: "A just-in-time AWS account access request was rejected.",
    principalWord: "Rejector",
    textBeforeUrl: "To see the details of the rejection,",
  },
  RequestCancelled: {
    description: "IAM Identity Center JIT access: a change request was cancelled",
    detail: () => ssmCall("StopAutomationExecution"),
    executionIdPath: "$.detail.requestParameters.automationExecutionId",
    subjectPrefix: "Cancelled - JIT access request",
    bodyHeader: "A just-in-time AWS account access request was cancelled.",
    principalWord: "Canceller",
    textBeforeUrl: "To see the details of the cancelled request,",
  },
};

/** The notification document's parameter that names the event type (a literal in each rule's input). */
export const EVENT_TYPE_PARAMETER = "EventType";
/** The notification document's parameter that takes the change request's execution id (`executionIdPath`). */
export const EXECUTION_ID_PARAMETER = "AutomationExecutionId";

/** The CloudTrail fields every rule passes to the notification document: document parameter -> input path. */
export const NOTIFICATION_INPUT_PATHS = {
  PrincipalId: "$.detail.userIdentity.principalId",
  SourceIpAddress: "$.detail.sourceIPAddress",
  EventTime: "$.detail.eventTime",
  UserAgent: "$.detail.userAgent",
} as const;

export type NotificationInputField = keyof typeof NOTIFICATION_INPUT_PATHS;

/**
 * A rule's `InputPathsMap`: every document parameter taken from the CloudTrail record, by parameter name. The input
 * template adds `EventType` as a literal.
 */
export function requestEventInputPaths(
  eventType: RequestEventType,
): Record<typeof EXECUTION_ID_PARAMETER | NotificationInputField, string> {
  return { [EXECUTION_ID_PARAMETER]: REQUEST_EVENTS[eventType].executionIdPath, ...NOTIFICATION_INPUT_PATHS };
}

/** The EventBridge pattern of a rule: CloudTrail's record of the Systems Manager call behind the event. */
export function requestEventPattern(eventType: RequestEventType, context: RequestEventContext) {
  return {
    source: ["aws.ssm"],
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: REQUEST_EVENTS[eventType].detail(context),
  };
}
