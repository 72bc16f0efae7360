/**
 * The four request events people are notified of, in one place: which CloudTrail record in the requester account is
 * each (the EventBridge pattern of the requester side's forwarding rule, and the same test in the management side's
 * request notifier, which never trusts a rule to have filtered), where the record keeps the change request's execution
 * id, and the texts of the notification.
 */
import type { AutomationExecution } from "@aws-sdk/client-ssm";
import type { RequestForm } from "./config/common";
import type { EventType } from "./events";

export const REQUEST_EVENT_TYPES = [
  "RequestCreated",
  "RequestApproved",
  "RequestRejected",
  "RequestCancelled",
] as const satisfies readonly EventType[];

export type RequestEventType = (typeof REQUEST_EVENT_TYPES)[number];

/** What a rule's pattern depends on that is known only at deployment. */
export interface RequestEventContext {
  /** The form requests are raised with (shared/config/common.ts REQUEST_FORMS). */
  requestForm: RequestForm;
  /** The Change Manager change template users raise requests with (the Change Manager form). */
  changeTemplateName: string;
  /** The request runbook: the form itself in the Automation form. */
  runbookName: string;
}

/** The document whose executions are the requests: the change template's change requests, or the runbook's runs. */
export function requestDocumentOf(context: RequestEventContext): string {
  return context.requestForm === "automation" ? context.runbookName : context.changeTemplateName;
}

type RequestEventCall =
  | "StartChangeRequestExecution"
  | "StartAutomationExecution"
  | "SendAutomationSignal"
  | "StopAutomationExecution";

/** The call that raises a request: a change request, or a run of the request runbook. */
const raising = (context: RequestEventContext): RequestEventCall =>
  context.requestForm === "automation" ? "StartAutomationExecution" : "StartChangeRequestExecution";

export interface RequestEvent {
  /** The EventBridge rule's description. */
  description: string;
  /** The Systems Manager call CloudTrail records. */
  eventName: (context: RequestEventContext) => RequestEventCall;
  /** What the `detail` of the EventBridge pattern asks of the call's parameters, beyond the call itself. */
  requestParameters?: (context: RequestEventContext) => Record<string, unknown[]>;
  /** Where the CloudTrail record keeps the change request's Automation execution id. */
  executionIdIn: "responseElements" | "requestParameters";
  /** The start of the notification's subject; the notifier appends the permission set and account id. */
  subjectPrefix: string;
  /** The first line of the notification. */
  bodyHeader: string;
  /** Who the CloudTrail record's principal is, as the notification names them. */
  principalWord: string;
  /** The words before the link to the change request. */
  textBeforeUrl: string;
}

export const REQUEST_EVENTS: Readonly<Record<RequestEventType, RequestEvent>> = {
  RequestCreated: {
    eventName: raising,
    description: "IAM Identity Center JIT access: a change request was created and needs approval",
    // Requests raised with auto-approval need no approver, so they do not notify here: anything but `true`, sent as
    // false or not sent at all (AWS does not document whether CloudTrail then shows false: tools/sim/variants.ts
    // changeRequestRecord). An absent field matches only `exists: false` (EventBridge User Guide, "Content filtering
    // in Amazon EventBridge event patterns"); anything-but takes no booleans.
    // The Automation form's runbook takes AutoApprove as a parameter, recorded in a shape AWS does not document: every
    // run is forwarded, and the notifier reads the parameter from the execution.
    requestParameters: (context): Record<string, unknown[]> =>
      context.requestForm === "automation"
        ? { documentName: [context.runbookName] }
        : { documentName: [context.changeTemplateName], autoApprove: [false, { exists: false }] },
    executionIdIn: "responseElements",
    subjectPrefix: "Approval required - JIT access request",
    bodyHeader: "A new just-in-time AWS account access request needs approval.",
    principalWord: "Requester",
    textBeforeUrl: "To approve or reject this request,",
  },
  // SendAutomationSignal's record does not name the document, so the notifier checks that the execution belongs to the
  // change template before it publishes anything.
  RequestApproved: {
    eventName: () => "SendAutomationSignal",
    description: "IAM Identity Center JIT access: a change request was approved",
    requestParameters: () => ({ signalType: ["Approve"] }),
    executionIdIn: "requestParameters",
    subjectPrefix: "Approved - JIT access request",
    bodyHeader: "A just-in-time AWS account access request was approved.",
    principalWord: "Approver",
    textBeforeUrl: "To see the details of the approval,",
  },
  RequestRejected: {
    eventName: () => "SendAutomationSignal",
    description: "IAM Identity Center JIT access: a change request was rejected",
    requestParameters: () => ({ signalType: ["Reject"] }),
    executionIdIn: "requestParameters",
    subjectPrefix: "Rejected - JIT access request",
    bodyHeader: "A just-in-time AWS account access request was rejected.",
    principalWord: "Rejector",
    textBeforeUrl: "To see the details of the rejection,",
  },
  RequestCancelled: {
    eventName: () => "StopAutomationExecution",
    description: "IAM Identity Center JIT access: a change request was cancelled",
    executionIdIn: "requestParameters",
    subjectPrefix: "Cancelled - JIT access request",
    bodyHeader: "A just-in-time AWS account access request was cancelled.",
    principalWord: "Canceller",
    textBeforeUrl: "To see the details of the cancelled request,",
  },
};

/** Where a record forwarded from another account was recorded: the account and Region its rule must come from. */
export interface RecordOrigin {
  account: string;
  region: string;
}

/**
 * The EventBridge pattern of CloudTrail's record of a Systems Manager call that succeeded (a refused call also leaves a
 * record, with an errorCode), `detail` narrowing which call; with `origin`, only as recorded in that account and
 * Region (a record forwarded to another account's bus keeps both).
 */
export function succeededSsmCall(detail: Record<string, unknown>, origin?: RecordOrigin) {
  return {
    source: ["aws.ssm"],
    "detail-type": ["AWS API Call via CloudTrail"],
    ...(origin && { account: [origin.account], region: [origin.region] }),
    detail: { eventSource: ["ssm.amazonaws.com"], errorCode: [{ exists: false }], ...detail },
  };
}

/** The EventBridge pattern of a rule: CloudTrail's record of the Systems Manager call behind the event. */
export function requestEventPattern(eventType: RequestEventType, context: RequestEventContext) {
  const event = REQUEST_EVENTS[eventType];
  return succeededSsmCall({
    eventName: [event.eventName(context)],
    ...(event.requestParameters && { requestParameters: event.requestParameters(context) }),
  });
}

/** A request event found in a CloudTrail record: its type and the change request's execution id as recorded. */
export interface FoundRequestEvent {
  type: RequestEventType;
  executionId: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Which request event a CloudTrail record (an event's `detail`) is, by the same tests as the patterns above; none for a
 * refused call or any other record. The management side's notifier decides with this, whatever the requester side's
 * rules forwarded (tests/shared/requestEvents.test.ts holds the two to agree).
 */
export function requestEventOf(detail: unknown, context: RequestEventContext): FoundRequestEvent | undefined {
  if (!isObject(detail) || detail.eventSource !== "ssm.amazonaws.com" || "errorCode" in detail) return undefined;
  const parameters = isObject(detail.requestParameters) ? detail.requestParameters : {};
  const type = ((): RequestEventType | undefined => {
    switch (detail.eventName) {
      case "StartChangeRequestExecution":
        return context.requestForm === "changeManager" &&
          parameters.documentName === context.changeTemplateName &&
          (parameters.autoApprove === false || !("autoApprove" in parameters))
          ? "RequestCreated"
          : undefined;
      case "StartAutomationExecution":
        return context.requestForm === "automation" && parameters.documentName === context.runbookName
          ? "RequestCreated"
          : undefined;
      case "SendAutomationSignal":
        return parameters.signalType === "Approve"
          ? "RequestApproved"
          : parameters.signalType === "Reject"
            ? "RequestRejected"
            : undefined;
      case "StopAutomationExecution":
        return "RequestCancelled";
      default:
        return undefined;
    }
  })();
  if (type === undefined) return undefined;
  const holder = detail[REQUEST_EVENTS[type].executionIdIn];
  return { type, executionId: isObject(holder) ? holder.automationExecutionId : undefined };
}

/**
 * Whether an execution is a request: a change request of the change template, or a run of the request runbook that
 * nothing else started (the Automation form).
 */
export function isRequest(execution: AutomationExecution, context: RequestEventContext): boolean {
  return context.requestForm === "automation"
    ? execution.DocumentName === context.runbookName &&
        execution.AutomationSubtype === undefined &&
        execution.ParentAutomationExecutionId === undefined
    : execution.DocumentName === context.changeTemplateName && execution.AutomationSubtype === "ChangeRequest";
}

/** The form's values as the request's execution holds them, one value each: its runbook's, or its own. */
export function formValues(execution: AutomationExecution, form: RequestForm): Record<string, string | undefined> {
  const parameters = (form === "automation" ? execution.Parameters : execution.Runbooks?.[0]?.Parameters) ?? {};
  return Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, v.length === 1 ? v[0] : undefined]));
}
