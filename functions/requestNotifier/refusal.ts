/**
 * What the notifier does with the screen's answer (./screen.ts): a request no rule could grant is stopped in the
 * requester account, with a role there that may do nothing but stop executions, and refused to the requester; one
 * that could be granted tells its approvers which rule it falls under and what that rule asks of them.
 */
import type { SSMClient } from "@aws-sdk/client-ssm";
import { StopAutomationExecutionCommand } from "@aws-sdk/client-ssm";
import type { STSClient } from "@aws-sdk/client-sts";
import { approvalsWanted, type EligibilityRule } from "../../shared/eligibility";
import { isAwsError } from "../requestCheck/aws";
import { type ReaderCredentials, readerCredentials } from "../requestCheck/changeRequest";
import type { MessageNote } from "./message";

/** The role session name prefix of the screen's stops (CloudTrail shows it as the caller). */
const SCREEN_SESSION = "request-screen";

export interface RefusalClients {
  sts: Pick<STSClient, "send">;
  requesterSsm(credentials: ReaderCredentials): Pick<SSMClient, "send">;
}

/**
 * Stops the refused request (its change request, or the Automation form's run) so that nobody is asked to approve it.
 * A request that has ended already (cancelled by its requester meanwhile, or stopped by an earlier attempt of this
 * invocation) is left as it is.
 */
export async function stopRefused(
  clients: RefusalClients,
  settings: { refuserRoleArn: string },
  executionId: string,
): Promise<void> {
  const credentials = await readerCredentials(
    clients,
    { readerRoleArn: settings.refuserRoleArn },
    executionId,
    SCREEN_SESSION,
  );
  try {
    await clients
      .requesterSsm(credentials)
      .send(new StopAutomationExecutionCommand({ AutomationExecutionId: executionId, Type: "Cancel" }));
  } catch (err) {
    if (!isAwsError(err, "InvalidAutomationStatusUpdateException")) throw err;
  }
}

/**
 * Whether a stop's CloudTrail record is the screen's own: made with the refuser role (the record's session issuer,
 * which AWS writes; EventBridge refuses an `aws.` source to anyone else).
 */
export function stoppedByScreen(detail: unknown, settings: { refuserRoleArn: string }): boolean {
  const identity = (detail as { userIdentity?: { sessionContext?: { sessionIssuer?: { arn?: unknown } } } })
    ?.userIdentity;
  return identity?.sessionContext?.sessionIssuer?.arn === settings.refuserRoleArn;
}

export function refusalNote(reason: string): MessageNote {
  return {
    subjectPrefix: "Refused - JIT access request",
    bodyHeader:
      "A just-in-time AWS account access request was refused as soon as it was raised: no approver was asked.",
    principalWord: "Requester",
    lines: [
      `Why: ${reason}.`,
      "Nothing was granted, and no approval could have changed that: ask again for what your eligibility rules allow.",
    ],
  };
}

/** The rule an approvable request falls under, and how long the access may last (`window`), for its approvers. */
export function ruleNote(rule: EligibilityRule, user: string, window: string): MessageNote {
  const needs =
    rule.approvals === 0
      ? "it needs no approval from the rules; the form still asks for one"
      : `it needs ${approvalsWanted(rule, user)}`;
  const distinct = rule.approvals > 1 ? " Each approval must come from a different person." : "";
  return { lines: [`Eligibility rule: ${rule.name}: ${needs}.${distinct}`, window] };
}
