/**
 * The notification event types (the SNS `EventType` message attribute subscribers filter on) and the EventBridge
 * events the two sides exchange.
 */
export const EVENT_TYPES = [
  "RequestCreated",
  "RequestApproved",
  "RequestRejected",
  "RequestCancelled",
  "AccessBeingAssigned",
  "AccessGranted",
  "AccessRevoked",
  "CloudTrailSummary",
  "Error",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The SNS message attribute that carries the event type. */
export const EVENT_TYPE_ATTRIBUTE = "EventType";

/** An access request, sent by the requester side's runbook to the management side's request bus. */
export const accessRequestEvent = {
  source: "identity-center-jit.requester",
  detailType: "AccessRequest",
} as const;

/**
 * A request to end a grant early, sent to the management side's request bus by the requester side's end-access
 * document (detail END_REQUEST_FIELDS). The management side reads who started that execution before it ends anything.
 */
export const accessEndRequestEvent = {
  source: "identity-center-jit.requester",
  detailType: "AccessEndRequest",
} as const;

/** The fields of an end request's detail: the request whose grant ends, the end-access execution, and why. */
export const END_REQUEST_FIELDS = ["RequestId", "EndExecutionId", "Reason"] as const;
export type EndRequestField = (typeof END_REQUEST_FIELDS)[number];

/**
 * CloudTrail's record of a runbook started with parameters that break their patterns; the requester side forwards it
 * to the request bus so the management side can alert (EventBridge cannot target another account's SNS topic).
 */
export const invalidParametersEvent = {
  eventSource: "ssm.amazonaws.com",
  eventName: "CreateAssociation",
  errorCode: "InvalidParameters",
} as const;

/**
 * The fields of an access request event's detail, shared by the sender and the rule that reads it. The duration's
 * unit is the request's own, as the requester chose it on the form and approvers saw it: a deployment that switches
 * jit:durationUnit meanwhile cannot turn a request for minutes into one for hours (the check refuses a unit that is
 * not the management side's).
 */
export const ACCESS_REQUEST_FIELDS = [
  "AccountId",
  "PermissionSet",
  "Duration",
  "DurationUnit",
  "RequestingUser",
  "Justification",
  "RequesterExecutionId",
] as const;
export type AccessRequestField = (typeof ACCESS_REQUEST_FIELDS)[number];

/** The fields people fill in; the requester runbook adds its own execution id when it sends the request. */
export type FormField = Exclude<AccessRequestField, "RequesterExecutionId">;
export const FORM_FIELDS = ACCESS_REQUEST_FIELDS.filter((f): f is FormField => f !== "RequesterExecutionId");

/**
 * The request runbook's one step: it sends the request and ends. The grant ledger records each request once, so a
 * request delivered twice is granted once.
 */
export const REQUEST_RUNBOOK_STEPS = {
  send: "Send_Request_To_Management",
} as const;

/** The payload kind a reminder schedule invokes the request notifier with (functions/requestNotifier/reminders.ts). */
export const REMINDER_KIND = "ApprovalReminder";
