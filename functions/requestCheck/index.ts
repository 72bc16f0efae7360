/**
 * The request check: the grant workflow's first step (DESIGN.md §5). The request event comes from the requester
 * account, so nothing in it is taken on trust: the check reads the request runbook's execution and its parent change
 * request from that account (through a read-only role there), takes the requester from the change request's
 * `ExecutedBy` (an Identity Center session: `AWSReservedSSO_<permission set>_<hash>/<user name>`) and the approvers
 * from its approval step, then evaluates the eligibility rules with group membership from Identity Store and the
 * account's place in the organization from Organizations. An eligible request is then recorded in the grant ledger
 * (./record.ts): a request id is granted at most once, and one user, set and account has at most one open grant, which
 * a later approved request extends when the rules allow the new total.
 *
 * The answer is one bare token, because Automation can only branch on an invocation's whole payload, and AWS does not
 * document whether that payload is a string's JSON text or the string itself: `Eligible` (recorded: grant it),
 * `Extended` (the open grant of the same access lasts longer: nothing to grant), `Rejected`, or `Ignored` for a request
 * seen before (the ledger holds it, or its refusal: EventBridge delivers at least once, and a replay after an early end
 * or a refusal is turned away this way). A refusal of a request the requester account's records confirmed is kept in
 * the ledger. Before answering `Rejected` or `Ignored` the check writes its reason to Parameter Store (./reason.ts),
 * where the grant workflow reads it. An AWS error is thrown (and the step retried).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DurationUnit } from "../../shared/config/common";
import { type EligibilityRule, evaluateEligibility, groupsNamed, type RequestFacts } from "../../shared/eligibility";
import { type GrantRecord, OPEN_STATES } from "../../shared/grantLedger";
import { patterns } from "../../shared/patterns";
import type { JustRecorded } from "../grantAccess";
import { type EndScheduleSettings, endScheduleSettings, type Scheduler } from "../grantSchedule";
import { dynamoLedger } from "../ledger";
import type { GrantLedger, Refusal } from "../ledger/types";
import {
  type Answer,
  ELIGIBLE,
  EXTENDED,
  IGNORED,
  isRejection,
  isRepeat,
  isWithdrawn,
  REJECTED,
  reject,
  repeat,
  settled,
} from "./answers";
import {
  type CheckRequestEvent,
  type RecordedRequest,
  type RequesterAccountClients,
  type RequesterAccountSettings,
  readEvent,
  recordedRequest,
} from "./changeRequest";
import {
  checkedPermissionSetArn,
  type DirectoryClients,
  groupMembers,
  heldOutsideJit,
  holdsDirectly,
  membership,
  parentsOf,
  userId,
} from "./directory";
import { recordReason } from "./reason";
import { recordGrant } from "./record";

export { type Answer, ELIGIBLE, EXTENDED, IGNORED, REJECTED } from "./answers";
export type { CheckRequestEvent } from "./changeRequest";

export const REQUEST_CHECK_ENV = "JIT_REQUEST_CHECK";

export interface RequestCheckSettings extends RequesterAccountSettings {
  identityStoreId: string;
  instanceArn: string;
  /** Parameter Store path of the permission set name -> ARN parameters (ends with a slash). */
  permissionSetParameterPath: string;
  /** The grant ledger's DynamoDB table: an eligible request is recorded there. */
  tableName: string;
  /** Where the grants' end schedules are (an extension moves the extended grant's). */
  schedule: EndScheduleSettings;
  /** Parameter Store path the reasons for turning requests away are written under (ends with a slash). */
  checkReasonPath: string;
  durationUnit: DurationUnit;
  rules: EligibilityRule[];
  /** The solution's own accounts: a rule covers them only by naming them. */
  guardedAccounts: string[];
}

export type RequestCheckClients = RequesterAccountClients &
  DirectoryClients & {
    /** The grant ledger's table. */
    dynamodb: Pick<DynamoDBClient, "send">;
    /** EventBridge Scheduler: an extension moves the extended grant's end schedule. */
    scheduler: Scheduler;
  };

const UNIT_MINUTES: Record<DurationUnit, number> = { hours: 60, minutes: 1 };

export function requestCheckSettings(env: Record<string, string | undefined>): RequestCheckSettings {
  const raw = env[REQUEST_CHECK_ENV];
  if (raw === undefined) throw new Error(`environment variable ${REQUEST_CHECK_ENV} is required`);
  const settings = JSON.parse(raw) as RequestCheckSettings;
  const strings = [
    "requesterAccountId",
    "readerRoleArn",
    "changeTemplateName",
    "runbookName",
    "requestForm",
    "identityStoreId",
    "instanceArn",
    "permissionSetParameterPath",
    "checkReasonPath",
    "autoApprovePermissionSet",
  ];
  for (const key of strings) {
    if (typeof settings[key as keyof RequestCheckSettings] !== "string") {
      throw new Error(`environment variable ${REQUEST_CHECK_ENV} lacks ${key}`);
    }
  }
  if (!Array.isArray(settings.rules) || settings.rules.length === 0) {
    throw new Error(`environment variable ${REQUEST_CHECK_ENV} has no eligibility rules`);
  }
  if (!Array.isArray(settings.guardedAccounts)) {
    throw new Error(`environment variable ${REQUEST_CHECK_ENV} lacks guardedAccounts`);
  }
  if (!isApprovalsBySet(settings.approvalsBySet)) {
    throw new Error(
      `${REQUEST_CHECK_ENV}.approvalsBySet must map each permission set name (${patterns.permissionSetName.rule}) to a whole number of approvals, 0 or more`,
    );
  }
  if (!Array.isArray(settings.requestPermissionSets) || typeof settings.approvePermissionSet !== "string") {
    throw new Error(`environment variable ${REQUEST_CHECK_ENV} lacks the request and approve permission sets`);
  }
  if (!(settings.durationUnit in UNIT_MINUTES)) {
    throw new Error(`environment variable ${REQUEST_CHECK_ENV} has no durationUnit (hours or minutes)`);
  }
  if (typeof settings.tableName !== "string" || !patterns.dynamoTableName.test(settings.tableName)) {
    throw new Error(`${REQUEST_CHECK_ENV}.tableName must be ${patterns.dynamoTableName.rule}`);
  }
  return { ...settings, schedule: endScheduleSettings(settings.schedule, `${REQUEST_CHECK_ENV}.schedule`) };
}

function isApprovalsBySet(value: unknown): value is Record<string, number> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(
    ([set, n]) => patterns.permissionSetName.test(set) && Number.isInteger(n) && (n as number) >= 0,
  );
}

/** A retried step whose grant this workflow recorded and acted on: its grant goes on from where it stands. */
export const RESUMED = "Resumed";

/** The grant workflow stopped while the check ran (./answers.ts withdrawn): its grant is not to be assigned. */
export const WITHDRAWN = "Withdrawn";

/** What the check found: an eligible request recorded (to be granted), a grant to resume, or the answer that ends it. */
export type CheckOutcome =
  | { answer: typeof ELIGIBLE; request: CheckRequestEvent; recorded: JustRecorded; announced: boolean }
  | { answer: typeof WITHDRAWN; request: CheckRequestEvent; recorded: JustRecorded; why: string }
  | { answer: typeof RESUMED; request: CheckRequestEvent; grant: GrantRecord }
  | { answer: typeof EXTENDED | typeof REJECTED | typeof IGNORED };

/**
 * Said beside the ledger write of an eligible request that the ledger showed new and its access free (the notice that
 * access is being assigned): awaited with the write, so that an eligible request is never recorded as announced
 * unless it was.
 */
export type Announce = (request: CheckRequestEvent) => Promise<void>;

/** The check's answer alone (an eligible request recorded, or one this workflow recorded before, answers `Eligible`). */
export async function checkAccessRequest(
  event: unknown,
  clients: RequestCheckClients,
  settings: RequestCheckSettings,
): Promise<Answer> {
  const { answer } = await checkRequest(event, clients, settings);
  return answer === RESUMED || answer === WITHDRAWN ? ELIGIBLE : answer;
}

/**
 * Whether a grant this workflow recorded was acted on (asked for, active, or ended since): the decision stands, and a retried
 * step resumes it rather than checking again what may now be judged otherwise (a request past the hour, a rule
 * changed meanwhile) while its access may already be assigned.
 */
function actedOn(grant: GrantRecord): boolean {
  if (["granting", "active", "ending", "ended"].includes(grant.state)) return true;
  return grant.state === "failed" && grant.history[grant.history.length - 1]?.cause !== "check";
}

export async function checkRequest(
  event: unknown,
  clients: RequestCheckClients,
  settings: RequestCheckSettings,
  announce?: Announce,
): Promise<CheckOutcome> {
  const ledger = dynamoLedger({ dynamodb: clients.dynamodb, tableName: settings.tableName });
  let request: CheckRequestEvent | undefined;
  let confirmed = false;
  let mine: GrantRecord | undefined;
  try {
    request = readEvent(event);
    const confirmedRequest = request;
    // What the ledger holds for the request, and the account's place in the organization (a walk up its parents, the
    // longest chain of lookups), are read at once; the users, groups and assignments the event names are looked up
    // once the request runbook has confirmed its values, beside the change request (a forged event costs no
    // Identity Store or Identity Center call).
    const seen = {
      refusal: started(ledger.refusalOf(request.RequesterExecutionId)),
      before: started(ledger.get(request.RequesterExecutionId)),
      accountParents: started(parentsOf(clients, request.AccountId)),
    };
    let early: EarlyLookups | undefined;
    const approverIds = new Map<string, Promise<string | undefined>>();
    const reading = started(
      recordedRequest(request, clients, settings, {
        runbookConfirmed: () => {
          confirmed = true;
          early = lookUpFromEvent(clients, settings, ledger, confirmedRequest, seen.accountParents);
        },
        approversNamed: (names) => {
          for (const name of names) approverIds.set(name, started(userIdIfAny(clients, settings, name)));
        },
      }),
    );
    const before = await seen.before;
    // The grant this very workflow recorded before (a retried step), if any.
    const ours = before?.grantExecutionId === request.GrantExecutionId ? before : undefined;
    if (ours && actedOn(ours)) return { answer: RESUMED, request, grant: ours };
    // This workflow's request extended the open grant already: the extension stands, as answered then.
    if (ours?.state === "merged") return { answer: EXTENDED };
    if (ours && OPEN_STATES.includes(ours.state)) mine = ours;
    const recorded = await reading;
    refusedBefore(await seen.refusal, request);
    const lookups = early as unknown as EarlyLookups; // set when the runbook was confirmed, before `reading` ended
    const { facts, requesterId, arn, holder } = await gatherFacts(
      clients,
      settings,
      ledger,
      request,
      recorded,
      lookups,
      approverIds,
      ours?.durationMinutes,
    );
    const verdict = evaluateEligibility(settings.rules, facts, settings.guardedAccounts);
    if (!verdict.eligible) return reject(unidentifiedApprovals(recorded) ?? verdict.reason);
    const self = recorded.requester;
    // A new request for a free access is recorded and announced together: it will most likely be granted.
    const seenNew = before === undefined && !holder;
    const recording = recordGrant(
      {
        ledger,
        scheduler: clients.scheduler,
        schedule: settings.schedule,
        maxMinutes: settings.rules.find((r) => r.name === verdict.rule)?.maxMinutes ?? facts.minutes,
        now: () => Date.now(),
        seenNew,
      },
      {
        requestId: request.RequesterExecutionId,
        grantExecutionId: request.GrantExecutionId,
        userName: recorded.requester,
        userId: requesterId,
        permissionSet: request.PermissionSet,
        permissionSetArn: arn,
        accountId: request.AccountId,
        durationMinutes: facts.minutes,
        approvers: recorded.approvers.filter((a) => a !== self),
      },
    );
    const announcing = announce !== undefined && seenNew;
    // Both are waited for: a failed announcement is thrown only once the write has settled too.
    const both = await Promise.allSettled([recording, announcing ? announce(request) : undefined]);
    const result = settled(both[0]);
    // An extension assigns nothing: it stands whatever became of the announcement.
    if (result === EXTENDED) return { answer: EXTENDED };
    if (both[1].status === "rejected" && isWithdrawn(both[1].reason)) {
      return { answer: WITHDRAWN, request, recorded: result, why: both[1].reason.message };
    }
    settled(both[1]);
    return { answer: ELIGIBLE, request, recorded: result, announced: announcing };
  } catch (err) {
    const turnedAway = isRejection(err) ? REJECTED : isRepeat(err) ? IGNORED : undefined;
    if (!turnedAway) throw err;
    const reason = (err as Error).message;
    // This workflow recorded the grant before (a retried step) and may have assigned it: a refusal now would tell the
    // requester nothing was granted. Thrown instead: the step fails and the workflow hands the grant over to be ended.
    // Only a grant that held its lock can have been assigned; one that never did is refused as usual.
    if (mine && (await ledger.holderOf(mine, mine))?.requestId === mine.requestId) {
      throw new Error(
        `the check now turns request ${mine.requestId} away (${reason}), but this grant workflow recorded its grant before (${mine.state}): it is handed over to be ended`,
      );
    }
    // Only a request the requester account's records confirmed: an event that does not match them refuses nothing
    // for the genuine request it names.
    if (turnedAway === REJECTED && request && confirmed) {
      await ledger.refuse({
        requestId: request.RequesterExecutionId,
        grantExecutionId: request.GrantExecutionId,
        reason,
        at: Date.now(),
      });
    }
    await tellWhy(clients, settings, event, reason);
    return { answer: turnedAway };
  }
}

/**
 * A request refused once stays refused: the same event delivered again (EventBridge's at-least-once delivery, or a
 * replay within the hour the runbook's end allows) is a repeat, even if what refused it has changed since. The check
 * of the workflow that refused it, retried, answers as then.
 */
function refusedBefore(refusal: Refusal | undefined, request: CheckRequestEvent): void {
  if (!refusal) return;
  if (refusal.grantExecutionId === request.GrantExecutionId) reject(refusal.reason);
  repeat(
    `request ${refusal.requestId} was refused once already, by grant workflow ${refusal.grantExecutionId}: a refused request is never granted; raise a new one`,
  );
}

/**
 * Writes why the request was turned away, for the grant workflow that asked. An event without a valid
 * GrantExecutionId names no workflow to tell: the reason is only logged, and the workflow uses a fixed comment.
 */
async function tellWhy(clients: RequestCheckClients, settings: RequestCheckSettings, event: unknown, reason: string) {
  const grant = (event as { GrantExecutionId?: unknown } | null)?.GrantExecutionId;
  if (typeof grant === "string" && patterns.automationExecutionId.test(grant)) {
    await recordReason(clients.ssm, settings.checkReasonPath, grant, reason);
  } else {
    console.log(`no grant workflow to tell why: ${reason}`);
  }
}

/**
 * Why approvals could not be counted, if AWS recorded approvals that name no person (the approver's role, not its
 * session): approvals are then counted by person only where AWS says who gave them, so a request that needs them
 * cannot be granted, and the reason must say that AWS's record is the cause.
 */
function unidentifiedApprovals(recorded: RecordedRequest): string | undefined {
  const roles = recorded.unidentifiedApprovers;
  if (roles.length === 0) return undefined;
  return `AWS recorded approvals without the approver (only the role ${roles.join(", ")}): no approval can be counted`;
}

/** A user's id and groups, the open grant that holds the access, and whether they hold it outside JIT. */
interface UserFacts {
  id: string;
  groups: Set<string>;
  holder: GrantRecord | undefined;
  heldOutside: boolean;
}

/** Lookups started from the event's values once the runbook confirmed them, beside the change request's reading. */
interface EarlyLookups {
  arn: Promise<string>;
  accountParents: Promise<string[]>;
  /** The user the request names, as typed: used only if the change request was raised by exactly that name. */
  typedUser: Promise<UserFacts>;
  /** The members of the approver groups of the rules for the requested set (undefined: too many to list). */
  approverGroups: Promise<Map<string, ReadonlySet<string> | undefined>>;
}

/** A lookup that may never be awaited (the request is turned away first): its failure is not an unhandled one. */
function started<T>(lookup: Promise<T>): Promise<T> {
  lookup.catch(() => {});
  return lookup;
}

function lookUpFromEvent(
  clients: RequestCheckClients,
  s: RequestCheckSettings,
  ledger: GrantLedger,
  request: CheckRequestEvent,
  accountParents: Promise<string[]>,
): EarlyLookups {
  const arn = started(
    checkedPermissionSetArn(clients, s.permissionSetParameterPath, s.instanceArn, request.PermissionSet),
  );
  return {
    arn,
    accountParents,
    typedUser: started(userFacts(clients, s, ledger, request, request.RequestingUser, arn)),
    approverGroups: started(approverGroupMembers(clients, s, request.PermissionSet)),
  };
}

/** The approver groups of the rules that name the set, each with its members' user ids (undefined: too many). */
async function approverGroupMembers(clients: RequestCheckClients, s: RequestCheckSettings, permissionSet: string) {
  const groups = [
    ...new Set(s.rules.filter((r) => r.permissionSets.includes(permissionSet)).flatMap((r) => r.approverGroups)),
  ];
  const members = await Promise.all(groups.map((g) => groupMembers(clients, s.identityStoreId, g)));
  return new Map(groups.map((g, i) => [g, members[i]]));
}

/**
 * A user's id and groups, the open ledger grant of the access if one holds it, and whether they already hold the
 * permission set on the account directly with no such grant to explain it (an assignment made outside JIT).
 */
async function userFacts(
  clients: RequestCheckClients,
  s: RequestCheckSettings,
  ledger: GrantLedger,
  request: CheckRequestEvent,
  userName: string,
  arn: Promise<string>,
): Promise<UserFacts> {
  const [id, setArn] = await Promise.all([userId(clients, s.identityStoreId, userName), arn]);
  const access = { userId: id, permissionSetArn: setArn, accountId: request.AccountId };
  const [groups, holder, direct] = await Promise.all([
    membership(clients, s.identityStoreId, id, groupsNamed(s.rules)),
    ledger.holderOf(access),
    holdsDirectly(clients, s.instanceArn, access),
  ]);
  return { id, groups, holder, heldOutside: holder === undefined && direct };
}

/**
 * What the rules are evaluated on, from AWS: the requester's and each other approver's groups, the account's place in
 * the organization. A user who holds the access outside JIT is turned away first; one the ledger holds is left to the
 * ledger (extended, or refused as busy).
 */
async function gatherFacts(
  clients: RequestCheckClients,
  s: RequestCheckSettings,
  ledger: GrantLedger,
  request: CheckRequestEvent,
  recorded: RecordedRequest,
  early: EarlyLookups,
  approverIds: ReadonlyMap<string, Promise<string | undefined>>,
  /** The minutes the ledger holds for this workflow's grant of the request, if it recorded one before. */
  recordedMinutes: number | undefined,
): Promise<{ facts: RequestFacts; requesterId: string; arn: string; holder: GrantRecord | undefined }> {
  const { requester } = recorded;
  const self = (user: string) => user === requester;
  const others = recorded.approvers.filter((u) => !self(u));
  const idOf = (user: string) => {
    const known = recorded.approverIds.get(user);
    return known !== undefined ? Promise.resolve(known) : (approverIds.get(user) ?? userIdIfAny(clients, s, user));
  };
  const lookups = await Promise.allSettled([
    requester === request.RequestingUser
      ? early.typedUser
      : userFacts(clients, s, ledger, request, requester, early.arn),
    early.arn,
    early.accountParents,
    // An approver who is no longer in the identity store simply does not count.
    Promise.all(others.map(async (a) => approverGroupsOf(clients, s, await idOf(a), await early.approverGroups))),
  ]);
  // What went wrong is reported in the order it is checked: the requester first.
  const user = settled(lookups[0]);
  const arn = settled(lookups[1]);
  const accountParents = settled(lookups[2]);
  const approverGroups = settled(lookups[3]);
  if (user.heldOutside) {
    reject(heldOutsideJit(requester, request.PermissionSet, request.AccountId));
  }
  const facts = {
    user: requester,
    userGroups: user.groups,
    permissionSet: request.PermissionSet,
    account: request.AccountId,
    accountParents,
    minutes: requestMinutes(request, s.durationUnit, recordedMinutes),
    approvers: others.flatMap((u, i) => (approverGroups[i] ? [{ user: u, groups: approverGroups[i] }] : [])),
    selfApproved: recorded.approvers.some(self),
  };
  return { facts, requesterId: user.id, arn, holder: user.holder };
}

/**
 * The request's duration in minutes, counted in its own unit, which must be this deployment's (the form's bounds are
 * this unit's): a request raised before jit:durationUnit changed is raised again, never read in a unit nobody chose.
 * A request without a unit (sent by a runbook, or checked for a grant workflow, of a version from before requests
 * named their unit) is counted only as the ledger's record of this workflow's grant of it (`recordedMinutes`, counted
 * when that grant was recorded); anything else without one is refused.
 */
export function requestMinutes(
  request: Pick<CheckRequestEvent, "Duration" | "DurationUnit">,
  unit: DurationUnit,
  recordedMinutes?: number,
) {
  if (request.DurationUnit === "") {
    if (recordedMinutes !== undefined) return recordedMinutes;
    reject(
      `the request has no DurationUnit (its request form is older than the unit), so its Duration cannot be counted in ${unit} (jit:durationUnit): raise the request again`,
    );
  }
  if (request.DurationUnit !== unit) {
    reject(
      `the request's DurationUnit is ${request.DurationUnit || "empty"}, not ${unit}, the unit durations are counted in (jit:durationUnit): raise the request again`,
    );
  }
  return Number(request.Duration) * UNIT_MINUTES[unit];
}

/** A user's id, or undefined if the identity store has no user of that name. */
async function userIdIfAny(clients: RequestCheckClients, s: RequestCheckSettings, user: string) {
  try {
    return await userId(clients, s.identityStoreId, user);
  } catch (err) {
    if (isRejection(err)) return undefined;
    throw err;
  }
}

/**
 * An approver's approver groups (those of the rules for the requested set), from the groups' member lists, asking
 * Identity Store only about groups too large to list; undefined if they are no longer in the identity store.
 */
async function approverGroupsOf(
  clients: RequestCheckClients,
  s: RequestCheckSettings,
  id: string | undefined,
  members: ReadonlyMap<string, ReadonlySet<string> | undefined>,
): Promise<Set<string> | undefined> {
  if (id === undefined) return undefined;
  const groups = new Set<string>();
  const large: string[] = [];
  for (const [group, ids] of members) {
    if (ids === undefined) large.push(group);
    else if (ids.has(id)) groups.add(group);
  }
  for (const group of await membership(clients, s.identityStoreId, id, large)) groups.add(group);
  return groups;
}
