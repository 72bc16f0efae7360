/**
 * Part (b), one assignment of a requestable permission set: what explains it, and what the reconciler does if nothing
 * does.
 * - In the standing-access list: explained.
 * - A user whose access lock is held by an open grant: explained (the grant is running, or being granted or ended).
 * - A user whose lock names a closed grant (the lock is kept as a tombstone when its grant closes: the ledger ended
 *   the grant, or never granted it): the assignment should not be there. It is removed (the end function's removal and absence check, ./index.ts) and an Error alert says so.
 * - Anything else (a user no ledger grant names, a group): an Error alert, never a removal: it may be access someone
 *   gave on purpose outside JIT, which only a person can judge.
 * Alerts go out at most once per assignment per quiet period (./alerts.ts).
 */
import { OPEN_STATES } from "../../shared/grantLedger";
import { alertOnce } from "./alerts";
import { ALERT_CALLS, END_GRANT_CALLS, LEASE_CALLS } from "./budget";
import { give, leaseKey, take } from "./marks";
import { type Assignment, assignmentName, type Run } from "./run";
import { isStanding } from "./settings";

/** The most calls one assignment costs: the lock and its holder, a removal under a lease, an alert. */
export const ASSIGNMENT_CALLS = 2 + LEASE_CALLS + END_GRANT_CALLS + ALERT_CALLS;

export async function reconcileAssignment(run: Run, a: Assignment): Promise<void> {
  run.report.swept += 1;
  if (isStanding(run.settings, a)) return;
  if (a.principalType === "GROUP") return alert(run, a, unexplained(run, a));
  // The lock's last holder: an open grant, or the closed grant whose lock was kept as a tombstone.
  const holder = await run.ledger.lastHolderOf({
    userId: a.principalId,
    accountId: a.accountId,
    permissionSetArn: a.permissionSetArn,
  });
  if (holder && OPEN_STATES.includes(holder.state)) return;
  if (!holder) return alert(run, a, unexplained(run, a));
  const lease = leaseKey(`assignment#${assignmentName(a)}`);
  // Another run is removing it now: that run tells.
  if (!(await take(run.marks, lease, run.owner, run.now(), run.leaseUntil))) return;
  try {
    const outcome = await run.removal.removeAssignment(a, run.deadline);
    // Still in progress: the next sweep looks again (an alarm now could be false).
    if (outcome === "pending") return;
    const gone = outcome === "removed";
    if (gone) run.report.removed += 1;
    await alert(run, a, {
      eventType: "Error",
      subject: gone
        ? `JIT removed access of an ended grant: ${setName(run, a)} on ${a.accountId}`
        : `JIT access of an ended grant NOT removed: ${setName(run, a)} on ${a.accountId}`,
      message: [
        `User ${a.principalId} held ${setName(run, a)} on account ${a.accountId} although its grant (request ${holder.requestId}) is ${holder.state} in the ledger.`,
        gone
          ? "The reconciler removed the assignment and confirmed it gone. Someone assigned it again outside JIT, or an earlier removal did not take."
          : "The reconciler tried to remove it and the assignment is still there: remove it in IAM Identity Center.",
      ].join("\n"),
    });
  } finally {
    await give(run.marks, lease, run.owner);
  }
}

async function alert(run: Run, a: Assignment, notice: Parameters<typeof alertOnce>[2]) {
  if (await alertOnce(run.alerts, `assignment#${assignmentName(a)}`, notice)) run.report.alerts += 1;
}

function unexplained(run: Run, a: Assignment) {
  const who = a.principalType === "USER" ? `User ${a.principalId}` : `Group ${a.principalId}`;
  return {
    eventType: "Error" as const,
    subject: `JIT unexplained access: ${setName(run, a)} on ${a.accountId}`,
    message: [
      `${who} holds the requestable permission set ${setName(run, a)} on account ${a.accountId},`,
      a.principalType === "USER"
        ? "and no open JIT grant and no standing-access entry explains it."
        : "and no standing-access entry explains it (JIT grants only users).",
      "The reconciler does not remove it: remove it in IAM Identity Center, or add it to the standing-access list.",
      `It alerts about this assignment again after ${run.settings.alertQuietHours} hours if it is still there.`,
    ].join("\n"),
  };
}

const setName = (run: Run, a: Assignment) =>
  Object.entries(run.settings.permissionSets).find(([, arn]) => arn === a.permissionSetArn)?.[0] ?? a.permissionSetArn;
