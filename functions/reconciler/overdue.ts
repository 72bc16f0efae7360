/**
 * Part (a): every open grant past its end is ended here, through the end function's module in process (never through
 * Automation: this must work when the schedule and the end-of-grant workflow have both failed), and people are told.
 *
 * A grant is left alone for `graceSeconds` past its end, which is its schedule's time to start the end-of-grant
 * workflow, and an `ending` grant as long after its last change by someone else, who is removing it: two removals of
 * one assignment at once could each see the other's still in progress and report it "NOT revoked". Two runs of the
 * reconciler at once are kept apart by a lease per grant (./marks.ts).
 */
import { CLOSED_STATES, type GrantRecord } from "../../shared/grantLedger";
import { isLedgerConflict } from "../ledger/types";
import { alertOnce, publish } from "./alerts";
import { ALERT_CALLS, END_GRANT_CALLS, LEASE_CALLS } from "./budget";
import { give, leaseKey, take } from "./marks";
import { isolated, mayStart, type Run } from "./run";

/** Open grants read per query. */
const PAGE = 25;
const GRANT_CALLS = LEASE_CALLS + END_GRANT_CALLS + ALERT_CALLS + 1;

export async function endOverdue(run: Run): Promise<void> {
  const cutoff = Math.floor(run.now() / 1000) - run.settings.graceSeconds;
  let after: string | undefined;
  do {
    if (!mayStart(run, 1 + GRANT_CALLS)) return;
    const page = await run.ledger.openPastEnd(cutoff, PAGE, after);
    for (const grant of page.grants) {
      if (!mayStart(run, GRANT_CALLS)) return;
      if (beingEndedByAnother(run, grant)) continue;
      await isolated(run, `ending grant ${grant.requestId}`, () => endOne(run, grant));
    }
    after = page.next;
  } while (after);
}

/** An `ending` grant someone other than the reconciler moved recently: its removal is under way. */
function beingEndedByAnother(run: Run, grant: GrantRecord): boolean {
  const last = grant.history[grant.history.length - 1];
  if (grant.state !== "ending" || !last || last.cause === "reconciler") return false;
  return run.now() - last.at < run.settings.graceSeconds * 1000;
}

async function endOne(run: Run, grant: GrantRecord): Promise<void> {
  const lease = leaseKey(`grant#${grant.requestId}`);
  if (!(await take(run.marks, lease, run.owner, run.now(), run.leaseUntil))) return;
  try {
    const note = `past its end (${iso(grant.endsAt * 1000)}) and still ${grant.state}: neither its schedule nor a workflow ended it`;
    const answer = await endQuietly(run, grant.requestId, note);
    if (answer === "Ended") {
      run.report.ended.push(grant.requestId);
      await publish(run.alerts.notifier, revoked(run, grant));
      run.report.alerts += 1;
    } else if (answer === "NotRemoved") {
      // Someone else may have finished it since: only an assignment confirmed there on a grant still open is alarmed.
      const now = await run.ledger.get(grant.requestId);
      if (now && CLOSED_STATES.includes(now.state)) return;
      run.report.notRemoved.push(grant.requestId);
      if (await alertOnce(run.alerts, `notRemoved#${grant.requestId}`, notRevoked(grant))) run.report.alerts += 1;
    }
  } finally {
    await give(run.marks, lease, run.owner);
  }
}

/** The end function's answer; a lost conditional write means another actor moved the grant: nothing to say. */
async function endQuietly(run: Run, requestId: string, note: string) {
  try {
    return await run.removal.endGrant(requestId, note, run.deadline);
  } catch (err) {
    if (isLedgerConflict(err)) return "AlreadyEnded" as const;
    throw err;
  }
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function revoked(run: Run, g: GrantRecord) {
  const lines = [
    `The access of ${g.userName} to ${g.permissionSet} on account ${g.accountId} (request ${g.requestId}) was due to end at ${iso(g.endsAt * 1000)}.`,
    "Neither its end schedule nor the end-of-grant workflow ended it.",
    `The reconciler removed the assignment and confirmed it gone at ${iso(run.now())}.`,
  ];
  const revoker = run.settings.sessionRevoker;
  if (revoker === undefined || revoker.exceptSets.includes(g.permissionSet)) {
    return {
      eventType: "AccessRevoked" as const,
      subject: `JIT access revoked late: ${g.permissionSet} on ${g.accountId}`,
      message: lines.join("\n"),
    };
  }
  // The revocation of its open sessions is started by a schedule as well (functions/sessionRevoker/event.ts): when
  // EventBridge Scheduler delivers nothing, nothing else says so.
  return {
    eventType: "Error" as const,
    subject: `JIT access revoked late, sessions may NOT be cut: ${g.permissionSet} on ${g.accountId}`,
    message: [
      ...lines,
      "Its open sessions are cut by a one-time EventBridge Scheduler schedule (jit:revokeOpenSessions), and the schedule that should have ended it did not fire: check that sessions of this user issued before the removal are denied (the set's inline policy, provisioned to the account), or cut them by hand.",
    ].join("\n"),
  };
}

function notRevoked(g: GrantRecord) {
  return {
    eventType: "Error" as const,
    subject: `JIT access NOT revoked: ${g.permissionSet} on ${g.accountId}`,
    message: [
      `The access of ${g.userName} to ${g.permissionSet} on account ${g.accountId} (request ${g.requestId}) was due to end at ${iso(g.endsAt * 1000)}.`,
      "Neither its end schedule nor the end-of-grant workflow ended it, and the reconciler's removal did not take:",
      "the assignment is still there. The reconciler tries again on every run; remove it in IAM Identity Center if this repeats.",
    ].join("\n"),
  };
}
