/**
 * Approving or rejecting an access request: an Automation signal to its waiting aws:approve step, the change
 * request's or (Automation form) the request runbook's own.
 */
import { SendAutomationSignalCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { patterns } from "../../shared/patterns";
import { UsageError } from "./errors";

/** A decision's comment: plain text that travels inside JSON. */
const COMMENT = patterns.plainComment;

export function checkExecutionId(id: string, what = "<id>"): void {
  if (!patterns.automationExecutionId.test(id)) {
    throw new UsageError(`${what} ${JSON.stringify(id)} is not ${patterns.automationExecutionId.rule}`);
  }
}

export function checkComment(comment: string): void {
  if (!COMMENT.test(comment)) throw new UsageError(`--comment must be ${COMMENT.rule}`);
}

export interface SignalResult {
  /** The change request, or the request runbook's execution. */
  id: string;
  signal: "Approve" | "Reject";
  comment?: string;
}

export async function sendDecision(
  ssm: SSMClient,
  id: string,
  signal: "Approve" | "Reject",
  comment?: string,
): Promise<SignalResult> {
  checkExecutionId(id);
  if (comment !== undefined) checkComment(comment);
  await ssm.send(
    new SendAutomationSignalCommand({
      AutomationExecutionId: id,
      SignalType: signal,
      ...(comment !== undefined && { Payload: { Comment: [comment] } }),
    }),
  );
  return { id, signal, ...(comment !== undefined && { comment }) };
}
