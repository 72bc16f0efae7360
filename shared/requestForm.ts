/**
 * What both sides know of the Automation form's runbook beyond the request's own fields (shared/events.ts): the
 * parameter that skips approval, and the names of its approval steps.
 */

/** The runbook parameter a holder of the no-approval permission set sets to `true` to skip approval. */
export const AUTO_APPROVE_PARAMETER = "AutoApprove";

/** The approval steps' names: the first, then one per further approval a permission set's rules need. */
export const approvalStepName = (n: number) => (n === 1 ? "Approve_Access_Request" : `Approve_Access_Request_${n}`);
