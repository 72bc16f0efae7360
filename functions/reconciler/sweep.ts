/**
 * Part (b): the sweep over every assignment of the requestable permission sets (permission set -> the accounts it is
 * provisioned to -> the assignments there), each checked by ./explain.ts. It goes on from the cursor the last run left
 * (./cursor.ts), stops when the budget or the run's time is spent, and leaves the cursor where it stopped. A run does
 * at most one whole sweep: having finished one, it leaves the cursor at the start for the next run.
 */
import { type Position, readCursor, saveCursor } from "./cursor";
import { ASSIGNMENT_CALLS, reconcileAssignment } from "./explain";
import { assignmentsOn, principalKey, provisionedAccounts } from "./listing";
import { isolated, mayStart, type Run } from "./run";

export async function sweep(run: Run): Promise<void> {
  // Reading and saving the cursor: two calls the sweep keeps back.
  if (!mayStart(run, 2)) return;
  const read = await readCursor(run.marks);
  run.budget.limit -= 1;
  let stopped: Position | undefined;
  try {
    stopped = await sweepFrom(run, read.position);
  } finally {
    run.budget.limit += 1;
  }
  if (stopped) {
    await saveCursor(run.marks, read, { position: stopped, sweeps: read.sweeps }, run.now());
  } else {
    run.report.sweepComplete = true;
    await saveCursor(run.marks, read, { sweeps: read.sweeps + 1 }, run.now());
  }
}

/** Sweeps from `start` (or the beginning); answers where it stopped, or undefined once every assignment was seen. */
async function sweepFrom(run: Run, start: Position | undefined): Promise<Position | undefined> {
  const sets = [...new Set(Object.values(run.settings.permissionSets))].sort();
  let at = start;
  for (const set of sets) {
    if (at && set < at.permissionSetArn) continue;
    if (at?.permissionSetArn !== set) at = { permissionSetArn: set };
    const accounts = await provisionedAccounts(run, set);
    if (!accounts) return at;
    for (const accountId of accounts) {
      if (at.accountId && accountId < at.accountId) continue;
      if (at.accountId !== accountId) at = { permissionSetArn: set, accountId };
      const assignments = await assignmentsOn(run, set, accountId);
      if (!assignments) return at;
      for (const a of assignments) {
        const key = principalKey(a);
        if (at.principal && key <= at.principal) continue;
        if (!mayStart(run, ASSIGNMENT_CALLS)) return at;
        await isolated(run, `assignment ${key} of ${set} on ${accountId}`, () => reconcileAssignment(run, a));
        at = { permissionSetArn: set, accountId, principal: key };
      }
    }
  }
  return undefined;
}
