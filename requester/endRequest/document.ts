/**
 * The end-access document: the requester, or an approver, starts it (CLI `jit end`, the chat alias `end-access`, or
 * the console) to end a grant before its time. It only asks: it sends one AccessEndRequest to the management side's
 * request bus, naming the request, its own execution and the reason, and ends. The management side reads who started
 * this execution (its ExecutedBy, through the reader role) and decides; the event's word alone ends nothing.
 */
import { putEvent } from "../../shared/documentSteps";
import { accessEndRequestEvent, type EndRequestField } from "../../shared/events";
import { patterns } from "../../shared/patterns";
import { type AutomationDocument, builtins, defineParameters, type Ref } from "../../shared/ssm/model";

export interface EndAccessDocumentArgs {
  assumeRoleArn: string;
  /** The management side's request bus. */
  requestBusArn: string;
}

export function endAccessParameters() {
  return defineParameters({
    RequestId: {
      type: "String",
      description: "The request whose access ends: the request runbook's execution id (jit status shows it).",
      pattern: patterns.automationExecutionId,
    },
    Reason: {
      type: "String",
      description: "Why the access ends early (10 to 500 characters).",
      pattern: patterns.justification,
      displayType: "textarea",
    },
  });
}

/** The step that sends the end request. */
export const SEND_END_REQUEST_STEP = "Send_End_Request_To_Management";

export function endAccessDocument(args: EndAccessDocumentArgs): AutomationDocument {
  const parameters = endAccessParameters();
  const { RequestId, Reason } = parameters.refs;
  const detail: Record<EndRequestField, Ref> = { RequestId, EndExecutionId: builtins.executionId, Reason };
  return {
    kind: "Automation",
    description: "Asks the management account to end an IAM Identity Center JIT grant before its time.",
    assumeRole: args.assumeRoleArn,
    parameters,
    steps: [
      putEvent(
        SEND_END_REQUEST_STEP,
        {
          busArn: args.requestBusArn,
          source: accessEndRequestEvent.source,
          detailType: accessEndRequestEvent.detailType,
          detail,
        },
        { maxAttempts: 3, isEnd: true },
      ),
    ],
  };
}
