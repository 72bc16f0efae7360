/**
 * What the check does with an eligible request (DESIGN.md §10): records it in the grant ledger, which decides whether
 * it is granted (`Eligible`), a repeat (`Ignored`), refused because another grant of the same access is under way
 * (`Rejected`), or extends the grant that holds the access now (`Extended`, when the rules allow the new total).
 */
import type { GrantRecord } from "../../shared/grantLedger";
import type { JustRecorded } from "../grantAccess";
import { type EndScheduleSettings, type Scheduler, scheduleEnd } from "../grantSchedule";
import type { GrantLedger, NewGrant } from "../ledger/types";
import { isLedgerConflict } from "../ledger/types";
import { EXTENDED, reject, repeat } from "./answers";

export interface Recorder {
  ledger: GrantLedger;
  scheduler: Scheduler;
  schedule: EndScheduleSettings;
  /** The longest this request's access may last in all, in minutes (the rule that admitted it). */
  maxMinutes: number;
  /** Epoch milliseconds. */
  now: () => number;
  /** The check read no item for the request a moment ago (functions/ledger/types.ts RecordOptions). */
  seenNew?: boolean;
}

/** How many times recording is tried again after the grant it would extend changed under it. */
const ATTEMPTS = 3;

/**
 * Records `grant`: the grant recorded (to be granted), or `Extended`; a refusal or a repeat is thrown (./answers.ts)
 * with its reason.
 */
export async function recordGrant(r: Recorder, grant: NewGrant): Promise<JustRecorded | typeof EXTENDED> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const result = await r.ledger.record(grant, { seenNew: r.seenNew === true && attempt === 0 });
    switch (result.kind) {
      case "recorded":
        return { grant: result.grant, created: result.created === true };
      case "repeat":
        return repeated(result.grant, grant);
      case "busy":
        return reject(
          `another grant of ${grant.permissionSet} on account ${grant.accountId} to ${grant.userName} ${result.holder ? `is ${result.holder.state} (request ${result.holderId}): ask again once it has ended` : `is being recorded (request ${result.holderId}): ask again in a few minutes`}`,
        );
      case "extend":
        try {
          return await extend(r, result.holder, result.grant);
        } catch (err) {
          // The holder changed meanwhile (ended, or extended by another request): record again, from what it is now.
          if (!isLedgerConflict(err)) throw err;
        }
    }
  }
  throw new Error(
    `the grant of request ${grant.requestId} kept changing while it was being recorded (${ATTEMPTS} tries)`,
  );
}

/**
 * A request the ledger holds already. Recorded by another workflow: a repeat (delivered twice, or replayed after its
 * grant ended), never granted again. Recorded by this same workflow (a retried check) and closed since: answered as
 * then, merged -> Extended, closed by the check -> Rejected with the reason it was closed for.
 */
function repeated(existing: GrantRecord, asked: NewGrant): typeof EXTENDED {
  if (existing.grantExecutionId !== asked.grantExecutionId) {
    return repeat(
      `request ${existing.requestId} was recorded once already, by grant workflow ${existing.grantExecutionId} (it is ${existing.state}): a request is granted at most once`,
    );
  }
  if (existing.state === "merged") return EXTENDED;
  const last = existing.history[existing.history.length - 1];
  return reject(last?.note || `request ${existing.requestId} is ${existing.state}`);
}

/**
 * Extends the active `holder` with the checked request `grant`, if the new total is within the rules: what is left of
 * the holder's time plus this request's duration, at most `maxMinutes`. Otherwise the request is closed and refused.
 * The holder's end schedule then moves to the new end; if that fails the extension stands (the ledger is what ends a
 * grant: a schedule that fires before the ledger's end moves itself, functions/endAccess/ NotYet), and it is logged.
 */
async function extend(r: Recorder, holder: GrantRecord, grant: GrantRecord): Promise<typeof EXTENDED> {
  const nowSeconds = Math.floor(r.now() / 1000);
  // A retried check whose extension was written but whose request was not marked merged: it stands, once.
  if (holder.extendedBy.includes(grant.requestId)) return EXTENDED;
  const left = Math.max(0, Math.floor((holder.endsAt - nowSeconds) / 60));
  const total = left + grant.durationMinutes;
  if (total > r.maxMinutes) {
    const reason = `${grant.userName} has ${left} minutes left of ${grant.permissionSet} on account ${grant.accountId}; ${grant.durationMinutes} more would make ${total}, over the ${r.maxMinutes} minutes the eligibility rules allow`;
    await r.ledger.close(grant, "check", reason);
    return reject(reason);
  }
  const endsAt = Math.max(holder.endsAt, nowSeconds) + grant.durationMinutes * 60;
  const note = `approved by ${grant.approvers.join(", ") || "no one (no approval needed)"}, checked by ${grant.grantExecutionId}`;
  const extended = await r.ledger.extend(holder, grant, endsAt, note);
  try {
    await scheduleEnd(r.scheduler, r.schedule, extended);
  } catch (err) {
    console.log(
      `grant ${holder.requestId} extended to ${endsAt}, but its end schedule could not be moved (it moves itself when it fires early): ${err}`,
    );
  }
  return EXTENDED;
}
