/**
 * The end of a grant (DESIGN.md §10, the end-of-grant workflow's `End_Access` step; the reconciler calls `endGrant`
 * in-process). Reads the grant from the ledger:
 * - recorded by another grant workflow than the `GrantExecutionId` the event names (a failed workflow hands its own
 *   grant over, and only that one): `AlreadyEnded`, nothing removed.
 * - closed (`ended`, `failed`, `merged`): `AlreadyEnded`.
 * - started by its schedule while `active` with its end more than a minute away (it was extended): the schedule is
 *   moved to the end, `NotYet`.
 * - otherwise `{checked, granting, active, ending} -> ending` with the cause (the grant is then due now, so the
 *   reconciler retries a removal that fails), a creation still in flight waited for (the grant's `creationRequestId`),
 *   DeleteAccountAssignment and its status polled, then the assignment's absence confirmed by ListAccountAssignments
 *   (every page). Absent: the CloudTrail summary, when enabled, scheduled for when the grant's sessions have expired
 *   (best effort, functions/summarySchedule/), with jit:revokeOpenSessions the revocation of its open sessions
 *   scheduled (functions/sessionRevoker/; failing that, thrown, the grant still `ending`), `ending -> ended` (the
 *   access lock kept as a tombstone naming it), the schedule deleted (best effort) -> `Ended`. Present: the grant
 *   stays `ending` -> `NotRemoved` (the workflow raises an Error, the reconciler tries again).
 *
 * What DeleteAccountAssignment does with an assignment that is already gone AWS does not document (refused with
 * ResourceNotFoundException, accepted then FAILED, or SUCCEEDED: tools/sim/variants.ts `deleteMissingAssignment`):
 * whichever it does, the listing decides. A deletion still IN_PROGRESS when time runs out is thrown (the grant stays
 * `ending`; every step of a retry is idempotent).
 */
import { type GrantCause, type GrantRecord, OPEN_STATES } from "../../shared/grantLedger";
import { patterns } from "../../shared/patterns";
import {
  type GrantFunctionClients,
  type GrantFunctionSettings,
  grantFunctionSettings,
  ledgerOf,
} from "../grantAccess/settings";
import { cancelEnd, scheduleEnd } from "../grantSchedule";
import {
  accessText,
  deadlineOf,
  deleteAssignment,
  type InvocationTime,
  isAssigned,
  settleCreation,
} from "../identityCenter/assignments";
import { type GrantLedger, isLedgerConflict } from "../ledger/types";
import { type SessionRevokerSettings, scheduleRevocation, sessionRevokerSettings } from "../sessionRevoker/event";
import { type SummaryScheduleSettings, scheduleSummary, summaryScheduleSettings } from "../summarySchedule";
import {
  type EndRequest,
  type EndRequestClients,
  type EndRequestSettings,
  readEndRequestSettings,
  resolveEndRequest,
} from "./requested";

export const END_ACCESS_ENV = "JIT_END_ACCESS";

export const ENDED = "Ended";
export const NOT_REMOVED = "NotRemoved";
export const ALREADY_ENDED = "AlreadyEnded";
export const NOT_YET = "NotYet";
/** An early end somebody asked for was refused: the answer is `Refused: <who asked and why not>`. */
export const REFUSED = "Refused";
export type EndAnswer = typeof ENDED | typeof NOT_REMOVED | typeof ALREADY_ENDED | typeof NOT_YET;
export type EndAccessAnswer = EndAnswer | `${typeof REFUSED}: ${string}`;

/** The causes that may end a grant: GRANT_CAUSES (shared/grantLedger.ts) less those that start or extend one. */
export type EndingCause = Exclude<GrantCause, "check" | "grant" | "extension">;
/** Every ending cause, once: a cause missing here, or one that is not an ending cause, does not compile. */
const ENDING: Record<EndingCause, true> = {
  schedule: true,
  requester: true,
  approver: true,
  changeRequest: true,
  operator: true,
  reconciler: true,
  failure: true,
};
export const ENDING_CAUSES = Object.keys(ENDING) as readonly EndingCause[];
/** The causes of an end somebody asked for, which follow a merged request to the grant it extended. */
const ASKED_CAUSES: readonly EndingCause[] = ["operator", "requester", "approver", "changeRequest"];

/**
 * The cause the end-of-grant workflow is started with when somebody asked for the end (the request bus rules): the
 * function reads who asked (./requested.ts) and ends the grant as `requester`, `approver` or `changeRequest`, or
 * refuses. Never a ledger cause itself.
 */
export const REQUESTED = "requested";
/** The workflow's Cause parameter's allowed values. */
export const END_WORKFLOW_CAUSES: readonly (EndingCause | typeof REQUESTED)[] = [...ENDING_CAUSES, REQUESTED];

export interface EndAccessEvent {
  RequestId: string;
  Cause: EndingCause | typeof REQUESTED;
  /** For Cause `requested`: the requester side's end-access execution that asked (requester/endRequest/). */
  EndRequestExecutionId?: string;
  /** For Cause `requested`: the change request that ended (then RequestId is its id too). */
  ChangeRequestId?: string;
  /**
   * The grant workflow whose grant is to end (its failure hand-over names itself): only a grant that workflow recorded
   * is ended. Absent (or empty): whatever grant the request has.
   */
  GrantExecutionId?: string;
}

/** A schedule fires within 60 seconds of its time (Scheduler's precision: grantSchedule): sooner is not early. */
const EARLY_MS = 60_000;

/**
 * What ends a grant: the grant functions' settings, and, when the CloudTrail summary is enabled, when and whom the
 * summary schedule invokes (functions/summarySchedule/). Without it no summary is sent.
 */
export type EndGrantSettings = GrantFunctionSettings & {
  cloudTrailSummary?: SummaryScheduleSettings;
  /** With jit:revokeOpenSessions: the revoker an ended grant's open sessions are cut by (functions/sessionRevoker/). */
  sessionRevoker?: SessionRevokerSettings;
};
/** The end function's settings: EndGrantSettings, and what it reads end requests with (`endRequests`). */
export type EndAccessSettings = EndGrantSettings & { endRequests?: EndRequestSettings };
export type EndAccessClients = GrantFunctionClients & Partial<EndRequestClients>;

export function endAccessSettings(env: Record<string, string | undefined>): EndAccessSettings {
  const settings = grantFunctionSettings(env, END_ACCESS_ENV);
  const { endRequests, cloudTrailSummary, sessionRevoker } = JSON.parse(env[END_ACCESS_ENV] as string) as {
    endRequests?: unknown;
    cloudTrailSummary?: unknown;
    sessionRevoker?: unknown;
  };
  return {
    ...settings,
    ...(endRequests !== undefined && {
      endRequests: readEndRequestSettings(endRequests, `${END_ACCESS_ENV}.endRequests`),
    }),
    ...(cloudTrailSummary !== undefined && {
      cloudTrailSummary: summaryScheduleSettings(cloudTrailSummary, `${END_ACCESS_ENV}.cloudTrailSummary`),
    }),
    ...(sessionRevoker !== undefined && {
      sessionRevoker: sessionRevokerSettings(sessionRevoker, `${END_ACCESS_ENV}.sessionRevoker`),
    }),
  };
}

/** An optional execution id field: absent or empty, or an execution id. */
function optionalId(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string" || !patterns.automationExecutionId.test(value)) {
    throw new Error(`${name} must be ${patterns.automationExecutionId.rule}, or empty, not ${JSON.stringify(value)}`);
  }
  return value;
}

/** The event, each field checked; an error names the field and its rule. */
export function readEndEvent(event: unknown): EndAccessEvent {
  const fields = (typeof event === "object" && event !== null ? event : {}) as Record<string, unknown>;
  const { RequestId, Cause } = fields;
  if (typeof RequestId !== "string" || !patterns.automationExecutionId.test(RequestId)) {
    throw new Error(`RequestId must be ${patterns.automationExecutionId.rule}, not ${JSON.stringify(RequestId)}`);
  }
  if (!END_WORKFLOW_CAUSES.includes(Cause as EndingCause)) {
    throw new Error(`Cause must be one of ${END_WORKFLOW_CAUSES.join(", ")}, not ${JSON.stringify(Cause)}`);
  }
  const read: EndAccessEvent = { RequestId, Cause: Cause as EndAccessEvent["Cause"] };
  const GrantExecutionId = optionalId(fields, "GrantExecutionId");
  const EndRequestExecutionId = optionalId(fields, "EndRequestExecutionId");
  const ChangeRequestId = optionalId(fields, "ChangeRequestId");
  const asked = [EndRequestExecutionId, ChangeRequestId].filter((x) => x !== undefined).length;
  if ((Cause === REQUESTED) !== (asked === 1)) {
    throw new Error(
      `Cause ${REQUESTED}, and only it, takes exactly one of EndRequestExecutionId and ChangeRequestId (Cause ${String(Cause)}, ${asked} given)`,
    );
  }
  if (ChangeRequestId !== undefined && ChangeRequestId !== RequestId) {
    throw new Error("ChangeRequestId must be the RequestId the change request's end is started with");
  }
  return {
    ...read,
    ...(GrantExecutionId && { GrantExecutionId }),
    ...(EndRequestExecutionId && { EndRequestExecutionId }),
    ...(ChangeRequestId && { ChangeRequestId }),
  };
}

export async function endAccess(
  event: unknown,
  clients: EndAccessClients,
  settings: EndAccessSettings,
  context: InvocationTime,
): Promise<EndAccessAnswer> {
  const read = readEndEvent(event);
  const { RequestId, Cause, GrantExecutionId } = read;
  if (Cause === REQUESTED) return endRequested(read, clients, settings, context);
  const by = GrantExecutionId === undefined ? "" : ` from grant workflow ${GrantExecutionId}`;
  const note = `end-of-grant workflow, cause ${Cause}${by}`;
  return endGrant(clients, settings, RequestId, Cause, note, deadlineOf(context), GrantExecutionId);
}

/** Cause `requested`: who asked decides the cause, or the refusal (./requested.ts). */
async function endRequested(
  event: EndAccessEvent,
  clients: EndAccessClients,
  settings: EndAccessSettings,
  context: InvocationTime,
): Promise<EndAccessAnswer> {
  const { sts, requesterSsm, requesterIam, identityStore } = clients;
  if (!settings.endRequests || !sts || !requesterSsm || !requesterIam || !identityStore) {
    throw new Error(`this end function is not set up to read end requests (Cause ${REQUESTED})`);
  }
  const request: EndRequest = event.ChangeRequestId
    ? { changeRequestId: event.ChangeRequestId }
    : { endExecutionId: event.EndRequestExecutionId as string };
  const ledger = ledgerOf(clients, settings);
  const resolved = await resolveEndRequest(
    event.RequestId,
    request,
    { sts, requesterSsm, requesterIam, identityStore },
    settings.endRequests,
    (id) => ledger.get(id),
  );
  if (resolved.kind === "nothing") {
    console.log(`nothing to end: ${resolved.reason}`);
    return ALREADY_ENDED;
  }
  if (resolved.kind === "refused") {
    console.log(`end refused: ${resolved.reason}`);
    return `${REFUSED}: ${resolved.reason}`;
  }
  const note = `end-of-grant workflow, cause ${resolved.cause}: ${resolved.note}`;
  return endGrant(clients, settings, resolved.requestId, resolved.cause, note, deadlineOf(context));
}

/** How many times the grant is read again after a conditional write lost a race, before giving up. */
const ATTEMPTS = 5;

/**
 * Ends the grant of `requestId` for `cause` (`note` says who asked and why), polling and listing until `deadline`
 * (epoch milliseconds). Throws an AWS error it cannot settle, and a deletion still IN_PROGRESS at the deadline.
 */
export async function endGrant(
  clients: GrantFunctionClients,
  settings: EndGrantSettings,
  requestId: string,
  cause: EndingCause,
  note: string,
  deadline: number,
  /** When given, only a grant this grant workflow recorded is ended (H4: a failed workflow's hand-over). */
  grantExecutionId?: string,
): Promise<EndAnswer> {
  if (!ENDING_CAUSES.includes(cause)) throw new Error(`cause must be one of ${ENDING_CAUSES.join(", ")}`);
  const ledger = ledgerOf(clients, settings);
  let grant = await ledger.get(requestId);
  // A request that extended an open grant names that grant (the same user and access): an end asked for with it ends
  // the grant it extended. A failed workflow's hand-over or a schedule ends only what it names.
  if (grant?.state === "merged" && grant.extends && ASKED_CAUSES.includes(cause) && grantExecutionId === undefined) {
    console.log(`request ${requestId} extended grant ${grant.extends}: ending that grant`);
    note = `${note} (asked with request ${requestId}, which extended it)`;
    requestId = grant.extends;
    grant = await ledger.get(requestId);
  }
  const e: Ender = { clients, settings, ledger, cause, note, deadline };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (grant === undefined) throw new Error(`request ${requestId} has no grant in the ledger: nothing to end`);
    if (grantExecutionId !== undefined && grant.grantExecutionId !== grantExecutionId) {
      console.log(
        `grant ${requestId} was recorded by ${grant.grantExecutionId}, not by ${grantExecutionId}: not that workflow's to end, nothing removed`,
      );
      return ALREADY_ENDED;
    }
    if (!OPEN_STATES.includes(grant.state)) return ALREADY_ENDED;
    try {
      if (cause === "schedule" && grant.state === "active" && grant.endsAt * 1000 > Date.now() + EARLY_MS) {
        const { expression } = await scheduleEnd(clients.scheduler, settings.schedule, grant);
        console.log(`grant ${requestId} ends later (extended): its schedule is now ${expression}`);
        return NOT_YET;
      }
      // The reconciler listed it overdue from an index that may lag: an extension may have moved its end since.
      if (cause === "reconciler" && grant.state === "active" && grant.endsAt * 1000 > Date.now()) {
        console.log(
          `grant ${requestId} is no longer overdue (extended to ${new Date(grant.endsAt * 1000).toISOString()})`,
        );
        return NOT_YET;
      }
      if (!(await holdsAccess(e, grant))) return ALREADY_ENDED;
      const ending = await e.ledger.transition(grant, { from: OPEN_STATES, to: "ending", cause, note });
      return await remove(e, ending);
    } catch (err) {
      if (!isLedgerConflict(err)) throw err;
      grant = err.current;
    }
  }
  throw new Error(`grant ${requestId} kept changing under the end function (${ATTEMPTS} attempts)`);
}

interface Ender {
  clients: GrantFunctionClients;
  settings: EndGrantSettings;
  ledger: GrantLedger;
  cause: EndingCause;
  note: string;
  deadline: number;
}

/**
 * Whether the assignment may be this grant's to remove: it holds the access lock, or nobody does and it got past
 * `checked`. A `checked` grant without the lock was never granted (only the lock's holder is granted):
 * it is closed `failed`, and nothing is removed. A grant past `checked` whose access another grant holds cannot be:
 * the assignment is that grant's, so it is left alone and the error names both.
 */
async function holdsAccess(e: Ender, grant: GrantRecord): Promise<boolean> {
  const holder = await e.ledger.holderOf(grant, grant);
  if (holder?.requestId === grant.requestId) return true;
  const held = holder ? `held by grant ${holder.requestId}` : "held by no grant";
  if (grant.state === "checked") {
    await e.ledger.close(grant, e.cause, `${e.note}: never granted (its access is ${held}); nothing removed`);
    return false;
  }
  if (holder === undefined) return true;
  throw new Error(
    `grant ${grant.requestId} is ${grant.state} but its access is ${held}: its assignment is that grant's, and is not removed`,
  );
}

/** Removes the assignment of an `ending` grant and, once it is confirmed absent, closes the grant. */
async function remove(e: Ender, grant: GrantRecord): Promise<EndAnswer> {
  const { ssoAdmin, scheduler } = e.clients;
  const { instanceArn } = e.settings;
  await creationSettled(e, grant);
  const outcome = await deleteAssignment(ssoAdmin, instanceArn, grant, e.deadline);
  if (outcome.status === "IN_PROGRESS") {
    throw new Error(
      `the removal of ${accessText(grant)} (request ${outcome.requestId}) was still IN_PROGRESS when the time ran out: grant ${grant.requestId} stays ending`,
    );
  }
  const deletion = `DeleteAccountAssignment ${outcome.status}${outcome.failureReason ? ` (${outcome.failureReason})` : ""}`;
  if (await isAssigned(ssoAdmin, instanceArn, grant, e.deadline)) {
    console.log(`grant ${grant.requestId}: ${deletion}, and ${accessText(grant)} is still assigned: NOT removed`);
    return NOT_REMOVED;
  }
  const removedAt = Date.now();
  await summaryLater(e, grant, removedAt);
  await sessionsCut(e, grant, removedAt);
  const ended = await close(e, grant, `${deletion}; the assignment is confirmed absent`);
  if (ended === ALREADY_ENDED) return ended;
  try {
    await cancelEnd(scheduler, e.settings.schedule, grant.requestId);
  } catch (err) {
    // The schedule deletes itself after it runs (ActionAfterCompletion DELETE); left behind, it finds the grant ended.
    console.log(`grant ${grant.requestId} ended, but its end schedule could not be deleted: ${err}`);
  }
  return ENDED;
}

/**
 * Schedules the grant's CloudTrail summary, when enabled (functions/summarySchedule/), once the removal is confirmed
 * and before the grant is closed: an end that stops between the two is retried (the grant is still `ending`) and finds
 * the summary already scheduled, so it is sent once. Best effort: the access is gone whatever becomes of the summary,
 * and a failure to schedule it is logged, never the end's failure.
 */
async function summaryLater(e: Ender, grant: GrantRecord, removedAt: number): Promise<void> {
  const summary = e.settings.cloudTrailSummary;
  if (summary === undefined) return;
  try {
    const { name, expression, outcome, wait } = await scheduleSummary(
      e.clients.scheduler,
      e.settings.schedule,
      summary,
      grant,
      removedAt,
    );
    const why = wait.known
      ? `${wait.seconds} seconds after the removal`
      : `${wait.seconds} seconds after the removal: the session duration of ${grant.permissionSet} is not known to this deployment, so the longest Identity Center allows`;
    console.log(`grant ${grant.requestId}: CloudTrail summary ${outcome} (schedule ${name}, ${expression}, ${why})`);
  } catch (err) {
    console.log(
      `grant ${grant.requestId}: its access is removed, but its CloudTrail summary was not scheduled: ${err}`,
    );
  }
}

/**
 * With jit:revokeOpenSessions, schedules the revoker that cuts the sessions the grant opened (functions/sessionRevoker/),
 * once the removal is confirmed and before the grant is closed (a retry finds it scheduled). Not best effort, unlike
 * the summary: sessions left open would go unsaid, so a failure is thrown and the grant stays `ending` (the workflow
 * raises an Error; a retry or the reconciler ends it again, the removal confirmed at once, and schedules it then).
 */
async function sessionsCut(e: Ender, grant: GrantRecord, removedAt: number): Promise<void> {
  const revoker = e.settings.sessionRevoker;
  if (revoker === undefined) return;
  if (revoker.exceptSets.includes(grant.permissionSet)) {
    console.log(`grant ${grant.requestId}: ${grant.permissionSet} denies everything already; its sessions are not cut`);
    return;
  }
  try {
    const { name, outcome } = await scheduleRevocation(
      e.clients.scheduler,
      e.settings.schedule,
      revoker,
      grant,
      removedAt,
    );
    console.log(`grant ${grant.requestId}: revocation of its open sessions ${outcome} (schedule ${name})`);
  } catch (err) {
    throw new Error(
      `grant ${grant.requestId}: its assignment is removed, but the revocation of its open sessions could not be scheduled (it stays ending and is tried again): ${err}`,
    );
  }
}

/**
 * Waits for the grant's assignment creation to settle, if one may still be in flight (H2: it was asked for and the
 * grant never became active): a deletion sent while the creation is IN_PROGRESS could be overtaken by it, and the
 * listing that follows would then confirm an absence that does not last. Still IN_PROGRESS at the deadline: thrown
 * (the grant stays `ending`; a retry or the reconciler waits again).
 */
async function creationSettled(e: Ender, grant: GrantRecord): Promise<void> {
  if (grant.creationRequestId === undefined || grant.startedAt !== undefined) return;
  const { ssoAdmin } = e.clients;
  const creation = await settleCreation(ssoAdmin, e.settings.instanceArn, grant.creationRequestId, e.deadline);
  if (creation?.status === "IN_PROGRESS") {
    throw new Error(
      `the assignment of ${accessText(grant)} (creation ${grant.creationRequestId}) was still IN_PROGRESS when the time ran out: grant ${grant.requestId} stays ending`,
    );
  }
}

/**
 * `ending -> ended`. Another end of the same grant may have written it meanwhile (a retry, the reconciler): read again,
 * it is then closed (that end answers for it) or still ending, and the absence just confirmed closes it.
 */
async function close(e: Ender, grant: GrantRecord, why: string): Promise<typeof ENDED | typeof ALREADY_ENDED> {
  let current: GrantRecord | undefined = grant;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (current === undefined || current.state !== "ending") return ALREADY_ENDED;
    try {
      await e.ledger.transition(current, { from: ["ending"], to: "ended", cause: e.cause, note: `${e.note}: ${why}` });
      return ENDED;
    } catch (err) {
      if (!isLedgerConflict(err)) throw err;
      current = err.current;
    }
  }
  throw new Error(`grant ${grant.requestId} kept changing while it was being closed (${ATTEMPTS} attempts)`);
}
