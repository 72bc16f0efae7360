/**
 * Whether a request still waits for approval, expired, or ended otherwise, read from its execution (the change request
 * in the Change Manager form, the request runbook's run in the Automation form), as GetAutomationExecution returns it.
 *
 * - A step that times out ends the execution TimedOut unless its onFailure says otherwise: "By default, if an action
 *   times out, the automation execution status will be Timed Out" (Systems Manager User Guide, "Handling timeouts in
 *   runbooks"). The approval steps keep the default, so a request runbook whose approval timed out ends TimedOut.
 * - How a change request records its template's approval timing out, AWS does not document (the simulator's
 *   changeRequestApprovalTimeout dimension, tools/sim/variants.ts): so a request that ended unapproved (TimedOut,
 *   Failed or Rejected) no earlier than its approval's deadline expired, whatever its step says. A rejection comes
 *   before the deadline (the approval no longer waits after it).
 * - A change request may show PendingApproval while it waits (AutomationExecutionStatus, API_AutomationExecution).
 */
import type { AutomationExecution, StepExecution } from "@aws-sdk/client-ssm";

export const HOUR_MS = 3_600_000;

export type ApprovalState =
  /** Waits for an approval that started `since` (epoch ms): its deadline is `since` plus the approval timeout. */
  | { kind: "waiting"; raisedAt: number; since: number }
  /** Ended unapproved at `endedAt`, its approval's time up. */
  | { kind: "expired"; raisedAt: number; endedAt: number }
  /** Approved, rejected, cancelled, failed before its deadline, or gone past its approvals. */
  | { kind: "ended" };

const APPROVE = "aws:approve";
const BRANCH = "aws:branch";
/** An execution still running (PendingApproval: a change request waiting for its approvers). */
const OPEN: readonly string[] = ["Pending", "InProgress", "Waiting", "PendingApproval"];
const STEP_OPEN: readonly string[] = ["Pending", "InProgress", "Waiting"];
/** Ends without success that nobody asked for (a cancel is someone's). */
const UNAPPROVED_ENDS: readonly string[] = ["TimedOut", "Failed", "Rejected"];

const timeOf = (value: Date | string | undefined): number | undefined => {
  const at = value === undefined ? Number.NaN : new Date(value).getTime();
  return Number.isNaN(at) ? undefined : at;
};

/** The request's approval state; `timeoutHours` is jit:approvalTimeout, each approval step's timeout. */
export function approvalState(x: AutomationExecution, timeoutHours: number): ApprovalState {
  const raisedAt = timeOf(x.ExecutionStartTime);
  if (raisedAt === undefined) return { kind: "ended" };
  const steps: StepExecution[] = x.StepExecutions ?? [];
  const approvals = steps.filter((s) => s.Action === APPROVE);
  const lastApproval = approvals.at(-1);
  const last = steps.at(-1);
  const status = x.AutomationExecutionStatus ?? "";
  const since = timeOf(lastApproval?.ExecutionStartTime) ?? raisedAt;
  if (OPEN.includes(status)) {
    const approving = last !== undefined && last === lastApproval && STEP_OPEN.includes(last.StepStatus ?? "");
    // Before its first approval: nothing run yet, or the branch that leads to it (the Automation form's skip test).
    // Or between two approvals: the branch to the next one (Needs_Approval_n) is the last step recorded.
    const beforeApproval = last === undefined || last.Action === BRANCH;
    if (approving || beforeApproval || status === "PendingApproval") return { kind: "waiting", raisedAt, since };
    return { kind: "ended" };
  }
  if (approvals.some((s) => s.StepStatus === "TimedOut")) return expired(x, raisedAt, lastApproval);
  if (!UNAPPROVED_ENDS.includes(status) || lastApproval?.StepStatus === "Success") return { kind: "ended" };
  const endedAt = timeOf(x.ExecutionEndTime) ?? timeOf(lastApproval?.ExecutionEndTime);
  if (status === "TimedOut" || (endedAt !== undefined && endedAt >= since + timeoutHours * HOUR_MS)) {
    return expired(x, raisedAt, lastApproval);
  }
  return { kind: "ended" };
}

function expired(x: AutomationExecution, raisedAt: number, approval: StepExecution | undefined): ApprovalState {
  const endedAt = timeOf(x.ExecutionEndTime) ?? timeOf(approval?.ExecutionEndTime) ?? raisedAt;
  return { kind: "expired", raisedAt, endedAt };
}
