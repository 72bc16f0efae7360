/**
 * The reconciler's settings: one JSON environment variable, validated before anything runs, with errors that name the
 * field and the rule (DESIGN.md §2).
 */
import { EVENT_TYPES, type EventType } from "../../shared/events";
import { Pattern, patterns } from "../../shared/patterns";
import { type EndScheduleSettings, endScheduleSettings } from "../grantSchedule";
import { type SessionRevokerSettings, sessionRevokerSettings } from "../sessionRevoker/event";
import { DEAD_LETTER_KINDS, type DeadLetterQueue } from "./deadLetters";

export const RECONCILER_ENV = "JIT_RECONCILER";

/** An assignment the organization keeps on purpose: the reconciler never alerts on it. */
export interface StandingAccess {
  principalType: "USER" | "GROUP";
  principalId: string;
  permissionSetArn: string;
  /** One account, or "*": every account (a group that holds the set everywhere, such as break-glass admins). */
  accountId: string;
}

export interface ReconcilerSettings {
  instanceArn: string;
  /** The grant ledger's table (it also keeps the reconciler's cursor, leases and alert marks). */
  tableName: string;
  /** The notification topic: revocations and alerts are published to it with their EventType attribute. */
  topicArn: string;
  /** The requestable permission sets, name -> ARN: their assignments are the ones swept. */
  permissionSets: Record<string, string>;
  standingAccess: StandingAccess[];
  /** The most AWS calls one run makes (every call counts: DynamoDB, Identity Center, SNS, Scheduler). */
  callBudget: number;
  /** An alert about the same thing is sent at most once in this many hours. */
  alertQuietHours: number;
  /**
   * The reconciler leaves an overdue grant this many seconds past its end to the end-of-grant workflow its schedule
   * starts (and an `ending` grant this long after its last change to whoever is removing it), so the two never remove
   * the same assignment at once.
   */
  graceSeconds: number;
  /** The end schedules' settings, for the end function (it deletes an ended grant's schedule). */
  schedule: EndScheduleSettings;
  /** The dead-letter queues whose messages each run reports (./deadLetters.ts). */
  deadLetterQueues: DeadLetterQueue[];
  /** The topic's subscribers (`jit:notifications`), whose subscriptions each run checks. */
  subscribers: Subscriber[];
  /** With jit:revokeOpenSessions: an overdue grant it ends has its open sessions cut too (functions/sessionRevoker/). */
  sessionRevoker?: SessionRevokerSettings;
}

/** An email address subscribed to the topic, and the event types its filter policy admits. */
export interface Subscriber {
  email: string;
  events: EventType[];
}

export const DEFAULTS = { callBudget: 200, alertQuietHours: 24, graceSeconds: 120 } as const;
/**
 * A run must at least afford ending one grant and a step of the sweep (see ./budget.ts END_GRANT_CALLS) after reading
 * each dead-letter queue once and checking the subscribers (at most 15% of the budget and a listing page: 6 calls).
 */
export const MIN_CALL_BUDGET = 38;

const topicArn = new Pattern(
  "^arn:aws(-[a-z]{1,5}){0,3}:sns:[a-z0-9-]+:\\d{12}:[a-zA-Z0-9_-]{1,256}$",
  "an SNS topic ARN",
);
const anyAccount = "*";

export function reconcilerSettings(env: Record<string, string | undefined>): ReconcilerSettings {
  const raw = env[RECONCILER_ENV];
  if (raw === undefined) throw new Error(`environment variable ${RECONCILER_ENV} is required`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`environment variable ${RECONCILER_ENV} must be JSON`);
  }
  return validSettings(parsed);
}

export function validSettings(value: unknown): ReconcilerSettings {
  const s = objectAt(value, RECONCILER_ENV);
  const permissionSets = permissionSetsAt(s.permissionSets);
  const arns = new Set(Object.values(permissionSets));
  return {
    instanceArn: matching(s.instanceArn, "instanceArn", patterns.identityCenterInstanceArn),
    tableName: matching(s.tableName, "tableName", patterns.dynamoTableName),
    topicArn: matching(s.topicArn, "topicArn", topicArn),
    permissionSets,
    standingAccess: standingAt(s.standingAccess, arns),
    callBudget: wholeNumber(s.callBudget, "callBudget", DEFAULTS.callBudget, MIN_CALL_BUDGET, 10_000),
    alertQuietHours: wholeNumber(s.alertQuietHours, "alertQuietHours", DEFAULTS.alertQuietHours, 1, 24 * 30),
    graceSeconds: wholeNumber(s.graceSeconds, "graceSeconds", DEFAULTS.graceSeconds, 0, 3600),
    schedule: endScheduleSettings(s.schedule, `${RECONCILER_ENV}: schedule`),
    deadLetterQueues: deadLetterQueuesAt(s.deadLetterQueues),
    subscribers: subscribersAt(s.subscribers),
    ...(s.sessionRevoker !== undefined && {
      sessionRevoker: sessionRevokerSettings(s.sessionRevoker, `${RECONCILER_ENV}.sessionRevoker`),
    }),
  };
}

const queueUrl = new Pattern(
  "^https://sqs\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/\\d{12}/[A-Za-z0-9_-]{1,80}$",
  "an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/111122223333/name",
);

function deadLetterQueuesAt(value: unknown): DeadLetterQueue[] {
  const kinds = DEAD_LETTER_KINDS.join(", ");
  if (!Array.isArray(value)) fail("deadLetterQueues", `a list of { kind: one of ${kinds}, url }`);
  return value.map((item, i) => {
    const entry = objectAt(item, `deadLetterQueues[${i}]`);
    const kind = DEAD_LETTER_KINDS.find((k) => k === entry.kind);
    if (kind === undefined) fail(`deadLetterQueues[${i}].kind`, `one of ${kinds}`);
    return { kind, url: matching(entry.url, `deadLetterQueues[${i}].url`, queueUrl) };
  });
}

function subscribersAt(value: unknown): Subscriber[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail("subscribers", "a list of { email, events }");
  return value.map((item, i) => {
    const entry = objectAt(item, `subscribers[${i}]`);
    const events = entry.events;
    const known = (t: unknown): t is EventType => (EVENT_TYPES as readonly unknown[]).includes(t);
    if (!Array.isArray(events) || events.length === 0 || !events.every(known)) {
      fail(`subscribers[${i}].events`, `a list of event types (${EVENT_TYPES.join(", ")})`);
    }
    return { email: matching(entry.email, `subscribers[${i}].email`, patterns.email), events };
  });
}

function fail(field: string, rule: string): never {
  throw new Error(`${RECONCILER_ENV}: ${field} must be ${rule}`);
}

function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(field, "an object");
  return value as Record<string, unknown>;
}

function matching(value: unknown, field: string, pattern: Pattern): string {
  if (typeof value !== "string" || !pattern.test(value)) fail(field, pattern.rule);
  return value;
}

function wholeNumber(value: unknown, field: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `a whole number from ${min} to ${max} (default ${fallback})`);
  }
  return value;
}

function permissionSetsAt(value: unknown): Record<string, string> {
  const sets = objectAt(value, "permissionSets");
  const result: Record<string, string> = {};
  for (const [name, arn] of Object.entries(sets)) {
    if (!patterns.requestablePermissionSetName.test(name)) {
      fail(`permissionSets key ${JSON.stringify(name)}`, patterns.requestablePermissionSetName.rule);
    }
    result[name] = matching(arn, `permissionSets.${name}`, patterns.permissionSetArn);
  }
  if (Object.keys(result).length === 0) fail("permissionSets", "an object naming at least one requestable set");
  return result;
}

function standingAt(value: unknown, requestable: Set<string>): StandingAccess[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    fail("standingAccess", "a list of { principalType, principalId, permissionSetArn, accountId }");
  return value.map((item, i) => {
    const field = `standingAccess[${i}]`;
    const entry = objectAt(item, field);
    const principalType = entry.principalType;
    if (principalType !== "USER" && principalType !== "GROUP") fail(`${field}.principalType`, "USER or GROUP");
    const idPattern = principalType === "USER" ? patterns.identityCenterUserId : patterns.identityCenterGroupId;
    const permissionSetArn = matching(entry.permissionSetArn, `${field}.permissionSetArn`, patterns.permissionSetArn);
    if (!requestable.has(permissionSetArn)) {
      fail(`${field}.permissionSetArn`, "the ARN of one of permissionSets (the reconciler sweeps no other set)");
    }
    const accountId = entry.accountId;
    if (accountId !== anyAccount && (typeof accountId !== "string" || !patterns.accountId.test(accountId))) {
      fail(`${field}.accountId`, `${patterns.accountId.rule}, or * for every account`);
    }
    return {
      principalType,
      principalId: matching(entry.principalId, `${field}.principalId`, idPattern),
      permissionSetArn,
      accountId: accountId as string,
    };
  });
}

/** Whether the standing-access list explains this assignment. */
export function isStanding(
  settings: Pick<ReconcilerSettings, "standingAccess">,
  a: { principalType: string; principalId: string; permissionSetArn: string; accountId: string },
): boolean {
  return settings.standingAccess.some(
    (s) =>
      s.principalType === a.principalType &&
      s.principalId === a.principalId &&
      s.permissionSetArn === a.permissionSetArn &&
      (s.accountId === anyAccount || s.accountId === a.accountId),
  );
}
