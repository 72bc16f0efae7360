/**
 * Why a request was turned away, for the grant workflow to read: one Parameter Store parameter per grant workflow
 * execution, `<checkReasonPath><GrantExecutionId>`, written before the check answers `Rejected` or `Ignored`. The
 * workflow reads it (ssm:GetParameter), tells the requester and the administrators, and deletes it. Written with
 * Overwrite, so a retried check writes the same parameter again.
 */
import { PutParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { patterns } from "../../shared/patterns";
import { reasonText } from "./answers";

/** Writes `reason` (as plain text) for the grant workflow `grantExecutionId`; returns what was written. */
export async function recordReason(
  ssm: Pick<SSMClient, "send">,
  path: string,
  grantExecutionId: string,
  reason: string,
): Promise<string> {
  if (!patterns.automationExecutionId.test(grantExecutionId)) {
    throw new Error(`GrantExecutionId must be ${patterns.automationExecutionId.rule}: no reason can be recorded`);
  }
  const text = reasonText(reason);
  await ssm.send(
    new PutParameterCommand({ Name: `${path}${grantExecutionId}`, Value: text, Type: "String", Overwrite: true }),
  );
  return text;
}
