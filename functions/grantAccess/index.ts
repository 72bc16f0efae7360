/**
 * The grant (DESIGN.md §10): assigns the access the request check recorded in the ledger, and schedules its end, in
 * the same invocation as the check (functions/requestCheck/grant.ts, the grant workflow's `Check_And_Grant` step). The
 * set granted is the ledger's (the permission set ARN, user id and account the check verified), never looked up again.
 *
 * A grant the check has just recorded (it holds the access lock, and nothing was asked for it yet) is assigned at
 * once: CreateAccountAssignment, then `checked -> granting` with the creation's request id (`creationRequestId`), so
 * the access is usable one call after the ledger write. A grant found `checked` any other way (a retried step) is
 * first confirmed to hold its lock and moved to `granting`, and its assignment is asked for only if it is not there.
 * The creation is polled within the invocation's time; on SUCCEEDED `granting -> active` with `startedAt` now and
 * `endsAt` now plus the duration, then the end schedule (functions/grantSchedule/) and its name in the ledger. A
 * creation that FAILED with the assignment confirmed absent (every page of ListAccountAssignments) closes the grant
 * `failed`.
 *
 * Whoever ends the grant meanwhile waits for a creation whose id the ledger holds; a grant ended while its assignment
 * was being made has that assignment removed again here (unless the access is another grant's by now): deleted, the
 * deletion followed, and the assignment confirmed absent, answering `Removed`.
 *
 * Every retry is idempotent: `granting` follows the creation it asked for before, and asks again only if that one
 * FAILED (or is unknown) and the assignment is not there; `active` makes sure of the schedule. The answer is one bare
 * token: `Granted`; `NotGranted` when nothing was assigned for the grant (nothing asked, or the creation FAILED and
 * the assignment is confirmed absent); `Removed` when whatever was assigned is confirmed removed; `MayBeGranted` when
 * the grant is being ended and its removal is not confirmed yet, or its creation's assignment is left to the grant
 * that holds the access now (the workflow hands it to the end-of-grant workflow's verified removal, and says the
 * access may have been granted). An AWS error it cannot settle, or a creation still
 * IN_PROGRESS when time runs out, is thrown (the grant stays `granting`, the step is retried, the reconciler is the
 * backstop).
 */
import type { GrantRecord } from "../../shared/grantLedger";
import { patterns } from "../../shared/patterns";
import { scheduleEnd } from "../grantSchedule";
import {
  accessText,
  deadlineOf,
  deleteAssignment,
  followCreation,
  type InvocationTime,
  isAssigned,
  type RequestOutcome,
  settleCreation,
  startCreation,
} from "../identityCenter/assignments";
import { type GrantLedger, isLedgerConflict } from "../ledger/types";
import { type GrantFunctionClients, type GrantFunctionSettings, ledgerOf } from "./settings";

export type { GrantFunctionClients, GrantFunctionSettings } from "./settings";

export const GRANTED = "Granted";
/** Nothing was assigned for the grant: nothing asked, or the creation FAILED and the assignment is confirmed absent. */
export const NOT_GRANTED = "NotGranted";
/** The grant was ended while its access was being assigned, and the assignment is confirmed removed. */
export const REMOVED = "Removed";
/** The grant is being ended and its removal is not confirmed: the access may have been granted, and may still be. */
export const MAY_BE_GRANTED = "MayBeGranted";
export type GrantAnswer = typeof GRANTED | typeof NOT_GRANTED | typeof REMOVED | typeof MAY_BE_GRANTED;

export interface GrantAccessEvent {
  /** The request id (the requester runbook's execution id): the grant's key in the ledger. */
  RequestId: string;
  /** The grant workflow's own execution id: only the workflow that recorded the grant may grant it. */
  GrantExecutionId: string;
}

/** The event, each field checked; an error names the field and its rule. */
export function readGrantEvent(event: unknown): GrantAccessEvent {
  const fields = (typeof event === "object" && event !== null ? event : {}) as Record<string, unknown>;
  for (const field of ["RequestId", "GrantExecutionId"]) {
    const value = fields[field];
    if (typeof value !== "string" || !patterns.automationExecutionId.test(value)) {
      throw new Error(`${field} must be ${patterns.automationExecutionId.rule}, not ${JSON.stringify(value)}`);
    }
  }
  return { RequestId: fields.RequestId as string, GrantExecutionId: fields.GrantExecutionId as string };
}

/** How many times the grant is read again after a conditional write lost a race, before giving up. */
const ATTEMPTS = 5;

/** The least time left in the invocation for asking for an assignment and following it (it usually takes seconds). */
const MIN_CREATION_MS = 30_000;

/** A grant the caller has just recorded, holding its access lock: `created` if this very call wrote it. */
export interface JustRecorded {
  grant: GrantRecord;
  created: boolean;
}

export async function grantAccess(
  event: unknown,
  clients: GrantFunctionClients,
  settings: GrantFunctionSettings,
  context: InvocationTime,
  recorded?: JustRecorded,
): Promise<GrantAnswer> {
  const { RequestId, GrantExecutionId } = readGrantEvent(event);
  const deadline = deadlineOf(context);
  const ledger = ledgerOf(clients, settings);
  if (recorded && recorded.grant.requestId !== RequestId) throw new Error("recorded: must be the event's grant");
  let grant = recorded ? recorded.grant : await ledger.get(RequestId);
  const g: Grantor = { clients, settings, ledger, deadline, lockHeld: recorded !== undefined };
  if (recorded?.created && grant?.state === "checked") {
    const next = await createFirst(g, recorded.grant);
    if (typeof next === "string") return next;
    grant = next;
  }
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (grant === undefined) throw new Error(`request ${RequestId} has no grant in the ledger: nothing to grant`);
    if (grant.grantExecutionId !== GrantExecutionId) {
      console.log(`request ${RequestId} was recorded by ${grant.grantExecutionId}, not ${GrantExecutionId}`);
      return NOT_GRANTED;
    }
    try {
      const next = await advance(g, grant);
      if (typeof next === "string") return next;
      grant = next;
    } catch (err) {
      if (!isLedgerConflict(err)) throw err;
      grant = err.current;
    }
  }
  throw new Error(`grant ${RequestId} kept changing while it was being granted (${ATTEMPTS} attempts)`);
}

/** What each move needs: the clients, the settings, the ledger, and when polling must stop. */
interface Grantor {
  clients: GrantFunctionClients;
  settings: GrantFunctionSettings;
  ledger: GrantLedger;
  deadline: number;
  /** The caller has just recorded the grant, lock and all (the lock need not be read again). */
  lockHeld: boolean;
}

/** One move of the grant from the state it is in: the grant as it is afterwards, or the answer. */
async function advance(g: Grantor, grant: GrantRecord): Promise<GrantRecord | GrantAnswer> {
  switch (grant.state) {
    case "checked":
      if (!g.lockHeld && !(await holdsLock(g.ledger, grant))) return NOT_GRANTED;
      return g.ledger.transition(grant, {
        from: ["checked"],
        to: "granting",
        cause: "grant",
        note: `assignment asked for by ${grant.grantExecutionId}`,
      });
    case "granting":
      return assign(g, grant);
    case "active":
      return holdEnd(g, grant);
    case "ending":
      // Whoever is ending it has not confirmed the removal yet: the access may be there.
      console.log(`grant ${grant.requestId} is ending: its removal is not confirmed yet`);
      return MAY_BE_GRANTED;
    case "ended":
      console.log(`grant ${grant.requestId} is ended: its removal is confirmed`);
      return REMOVED;
    default:
      // failed (the assignment confirmed absent), merged (the access is the grant it extended): nothing assigned.
      console.log(`grant ${grant.requestId} is ${grant.state}: not granted`);
      return NOT_GRANTED;
  }
}

/**
 * Whether the grant holds its access lock. The check answers Eligible only for a grant that does; one recorded
 * without it (the access is another grant's, which the check extends instead) is never granted.
 */
async function holdsLock(ledger: GrantLedger, grant: GrantRecord): Promise<boolean> {
  const holder = await ledger.holderOf(grant, grant);
  if (holder?.requestId === grant.requestId) return true;
  console.log(
    `grant ${grant.requestId} does not hold its access lock (${holder ? `${holder.requestId} does` : "free"}): not granted`,
  );
  return false;
}

/**
 * Assigns the access (unless it is there already) and answers the grant as it is afterwards. A creation asked for
 * before (a retry: its request id is in the ledger) is followed first rather than asked for again. The request id of
 * a new creation is written to the grant before it is followed (H2), so whoever ends the grant meanwhile waits for it.
 */
async function assign(g: Grantor, grant: GrantRecord): Promise<GrantRecord | GrantAnswer> {
  const { ssoAdmin } = g.clients;
  const { instanceArn } = g.settings;
  let outcome = grant.creationRequestId
    ? await settleCreation(ssoAdmin, instanceArn, grant.creationRequestId, g.deadline)
    : undefined;
  let current = grant;
  if (outcome?.status !== "SUCCEEDED" && outcome?.status !== "IN_PROGRESS") {
    if (await isAssigned(ssoAdmin, instanceArn, grant, g.deadline)) return activate(g, grant);
    const asked = await startCreation(ssoAdmin, instanceArn, grant);
    current = await noteCreation(g, grant, asked.RequestId as string);
    outcome = await followCreation(ssoAdmin, instanceArn, asked, g.deadline);
  }
  return settle(g, grant, current, outcome);
}

/**
 * Assigns a grant recorded a moment ago by this same invocation, before writing anything more: the creation is asked
 * for first and its request id then written with `checked -> granting`. Whoever ends the grant in between finds it
 * `checked`, holding its lock, and removes the access; the creation is then followed here and what it made removed
 * again (`endedMeanwhile`), or by the reconciler if this invocation stops.
 */
async function createFirst(g: Grantor, grant: GrantRecord): Promise<GrantRecord | GrantAnswer> {
  const { ssoAdmin } = g.clients;
  // Too little of the invocation left to follow a creation: the retried step asks, with time to see it through.
  if (g.deadline - Date.now() < MIN_CREATION_MS) {
    throw new Error(
      `too little time left to assign ${accessText(grant)} (${Math.round((g.deadline - Date.now()) / 1000)} s): grant ${grant.requestId} stays checked, nothing asked`,
    );
  }
  const asked = await startCreation(ssoAdmin, g.settings.instanceArn, grant);
  let current: GrantRecord;
  try {
    current = await noteCreation(g, grant, asked.RequestId as string, "checked");
  } catch (err) {
    throw new Error(
      `CreateAccountAssignment ${asked.RequestId} was asked for ${accessText(grant)}, but the ledger could not record it (${(err as Error).message}): the retried step finds the assignment, and the reconciler watches it`,
    );
  }
  const outcome = await followCreation(ssoAdmin, g.settings.instanceArn, asked, g.deadline);
  return settle(g, grant, current, outcome);
}

/** The grant once its creation settled (or time ran out): active, failed, or what an end meanwhile left. */
async function settle(
  g: Grantor,
  grant: GrantRecord,
  current: GrantRecord,
  outcome: RequestOutcome,
): Promise<GrantRecord | GrantAnswer> {
  const { ssoAdmin } = g.clients;
  const { instanceArn } = g.settings;
  if (outcome.status === "IN_PROGRESS") {
    throw new Error(
      `the assignment of ${accessText(grant)} (request ${outcome.requestId}) was still IN_PROGRESS when the invocation's time ran out: grant ${grant.requestId} stays ${current.state}`,
    );
  }
  if (current.state !== "granting") return endedMeanwhile(g, current);
  if (outcome.status === "SUCCEEDED") return activateOrUndo(g, current);
  // FAILED: granted only if the assignment is there after all (read to the last page).
  if (await isAssigned(ssoAdmin, instanceArn, grant, g.deadline)) return activateOrUndo(g, current);
  console.log(`the assignment of ${accessText(grant)} FAILED: ${outcome.failureReason}`);
  await g.ledger.transition(current, {
    from: ["granting"],
    to: "failed",
    cause: "grant",
    note: `CreateAccountAssignment ${outcome.requestId} FAILED (${outcome.failureReason ?? "no reason given"}); the assignment is confirmed absent`,
  });
  return NOT_GRANTED;
}

/**
 * Writes the creation's request id on the granting grant. Lost to another writer (the grant was ended meanwhile), the
 * creation is still followed: the grant as it is now is answered, and what the creation made is then removed.
 */
async function noteCreation(
  g: Grantor,
  grant: GrantRecord,
  requestId: string,
  from: "checked" | "granting" = "granting",
): Promise<GrantRecord> {
  try {
    return await g.ledger.transition(grant, {
      from: [from],
      to: "granting",
      cause: "grant",
      note: `CreateAccountAssignment ${requestId} asked for`,
      set: { creationRequestId: requestId },
    });
  } catch (err) {
    // Still the caller's to grant (it changed some other way): thrown, and a retry starts from the ledger.
    const current = isLedgerConflict(err) ? err.current : undefined;
    if (current === undefined || current.state === "granting" || current.state === from) throw err;
    return current;
  }
}

/** `granting -> active`; if the grant was ended meanwhile, what this creation made is removed instead. */
async function activateOrUndo(g: Grantor, grant: GrantRecord): Promise<GrantRecord | GrantAnswer> {
  try {
    return await activate(g, grant);
  } catch (err) {
    if (!isLedgerConflict(err) || err.current === undefined || err.current.state === "granting") throw err;
    return endedMeanwhile(g, err.current);
  }
}

/**
 * The grant was ended (or is being ended) while its assignment was being made (H2): the assignment this function made
 * is removed and confirmed absent (Removed), unless the access is another grant's by now (the lock's last holder is
 * not this grant): the assignment is then left to that grant, and since this grant's creation was asked for, its
 * access may have been granted (MayBeGranted, never NotGranted). A removal that does not take is thrown: the grant
 * workflow hands the grant over to the end workflow, and the reconciler removes an ended grant's assignment.
 */
async function endedMeanwhile(g: Grantor, grant: GrantRecord): Promise<GrantAnswer> {
  if (grant.state === "active") return holdEnd(g, grant);
  const last = await g.ledger.lastHolderOf(grant);
  if (last?.requestId !== grant.requestId) {
    console.log(
      `grant ${grant.requestId} is ${grant.state}, and its access is ${last?.requestId ?? "no grant"}'s now: its creation's assignment is left to that grant, not removed`,
    );
    return MAY_BE_GRANTED;
  }
  const { ssoAdmin } = g.clients;
  const deletion = await deleteAssignment(ssoAdmin, g.settings.instanceArn, grant, g.deadline);
  if (deletion.status === "IN_PROGRESS" || (await isAssigned(ssoAdmin, g.settings.instanceArn, grant, g.deadline))) {
    throw new Error(
      `grant ${grant.requestId} was ${grant.state} by the time its assignment was made, and the assignment of ${accessText(grant)} is not confirmed removed (DeleteAccountAssignment ${deletion.status})`,
    );
  }
  console.log(`grant ${grant.requestId} was ${grant.state} by the time its assignment was made: removed it again`);
  return REMOVED;
}

/** `granting -> active`: the grant starts now and ends its duration later. */
function activate(g: Grantor, grant: GrantRecord): Promise<GrantRecord> {
  const startedAt = Date.now();
  const endsAt = Math.ceil(startedAt / 1000) + grant.durationMinutes * 60;
  return g.ledger.transition(grant, {
    from: ["granting"],
    to: "active",
    cause: "grant",
    note: `assignment confirmed; ends ${new Date(endsAt * 1000).toISOString()}`,
    set: { startedAt, endsAt },
  });
}

/** Makes sure the end schedule fires at the grant's end, and that the ledger names it. */
async function holdEnd(g: Grantor, grant: GrantRecord): Promise<GrantAnswer> {
  const { name, expression } = await scheduleEnd(g.clients.scheduler, g.settings.schedule, grant);
  if (grant.scheduleName !== name) {
    await g.ledger.transition(grant, {
      from: ["active"],
      to: "active",
      cause: "grant",
      note: `end scheduled: ${name} ${expression}`,
      set: { scheduleName: name },
    });
  }
  return GRANTED;
}
