/**
 * The grant ledger's contract (DESIGN.md §10): the DynamoDB table's key schema and index, the states a grant moves
 * through, and the shape of its items. The Pulumi component (management/grantLedger/), the functions that read and
 * write it (functions/ledger/) and the simulator's table all take the schema from here.
 *
 * Two kinds of item share the table:
 * - a grant, keyed `grant#<request id>` (the request id is the requester runbook's execution id): one per request
 *   the check let through, whatever became of it. Its key never changes hands, so a request is granted at most once.
 * - an access lock, keyed `access#<user id>#<account id>#<permission set ARN>`: names the grant that holds that
 *   access. Taking it is a conditional write, so one user, set and account has at most one open grant. Closing the
 *   grant does not delete it: the lock becomes a tombstone (`closedAt` set, the closed grant still named), free to
 *   take, so an assignment found after the end is still attributed to the grant that ended.
 */

export const LEDGER_KEY = "pk";
/** The sparse index of open grants by their end: only open grants carry its hash key. */
export const OPEN_INDEX = "open-by-end";
export const OPEN_INDEX_HASH = "openShard";
export const OPEN_INDEX_RANGE = "endsAt";
/** The value of `openShard` on every open grant (one shard: a deployment holds tens of thousands at most). */
export const OPEN_SHARD = "open";

/** The table's key schema and index, as CreateTable takes them (and the Pulumi table declares them). */
export const LEDGER_TABLE_SCHEMA = {
  attributeDefinitions: [
    { name: LEDGER_KEY, type: "S" },
    { name: OPEN_INDEX_HASH, type: "S" },
    { name: OPEN_INDEX_RANGE, type: "N" },
  ],
  hashKey: LEDGER_KEY,
  openIndex: { name: OPEN_INDEX, hashKey: OPEN_INDEX_HASH, rangeKey: OPEN_INDEX_RANGE, projectionType: "ALL" },
} as const;

/**
 * A grant's states. `checked`: the check let it through and recorded it. `granting`: the assignment was asked for.
 * `active`: Identity Center reported it SUCCEEDED; its end is scheduled. `ending`: its removal is under way (or
 * failed and is retried). `ended`: the assignment is confirmed gone. `failed`: nothing was granted (the assignment
 * failed and is confirmed absent, or the check's record was refused before any grant). `merged`: an approved request
 * that extended the open grant of the same access instead of granting its own.
 */
export const GRANT_STATES = ["checked", "granting", "active", "ending", "ended", "failed", "merged"] as const;
export type GrantState = (typeof GRANT_STATES)[number];
/** States in which an assignment may exist and the grant must still be ended. */
export const OPEN_STATES: readonly GrantState[] = ["checked", "granting", "active", "ending"];
export const CLOSED_STATES: readonly GrantState[] = ["ended", "failed", "merged"];

/** Why a grant changed state: who or what moved it. */
export const GRANT_CAUSES = [
  "check",
  "grant",
  "schedule",
  "requester",
  "approver",
  "changeRequest",
  "operator",
  "reconciler",
  "failure",
  "extension",
] as const;
export type GrantCause = (typeof GRANT_CAUSES)[number];

export interface GrantChange {
  /** Epoch milliseconds. */
  at: number;
  from: GrantState | null;
  to: GrantState;
  cause: GrantCause;
  /** Free text: who asked (a user name or a role) and why. */
  note: string;
}

/** A grant, as its item holds it. Times are epoch milliseconds, except `endsAt` (epoch seconds: the index's key). */
export interface GrantRecord {
  requestId: string;
  /** The grant workflow execution that recorded it. */
  grantExecutionId: string;
  userName: string;
  userId: string;
  permissionSet: string;
  permissionSetArn: string;
  accountId: string;
  /** The duration approved for this grant, in minutes (extensions add to `endsAt`, not to this). */
  durationMinutes: number;
  approvers: string[];
  state: GrantState;
  recordedAt: number;
  /** When Identity Center reported the assignment SUCCEEDED. */
  startedAt?: number;
  /**
   * When the grant ends, epoch seconds: before it is active, the latest moment it could end had it been granted at
   * once (so the reconciler ends a grant stuck before `active`); once active, start plus duration (plus extensions).
   */
  endsAt: number;
  /**
   * The CreateAccountAssignment request that asked for the assignment (set while `granting`): whoever ends the grant
   * while that request may still be IN_PROGRESS waits for it to settle before deleting.
   */
  creationRequestId?: string;
  /** The one-time schedule that starts the end-of-grant workflow, once created. */
  scheduleName?: string;
  /** For a `merged` request: the grant it extended. For a grant: the requests that extended it. */
  extends?: string;
  extendedBy: string[];
  /** Increases by one with each write; every conditional write names the version it read. */
  version: number;
  history: GrantChange[];
}

export const grantKey = (requestId: string) => `grant#${requestId}`;
/** The item that says a request was refused: a later delivery of it is a repeat (functions/requestCheck/). */
export const refusalKey = (requestId: string) => `refused#${requestId}`;
/** The item where the reconciler's sweep keeps its place between runs (functions/reconciler/cursor.ts). */
export const RECONCILER_CURSOR_KEY = "reconciler#cursor";
export const accessKey = (a: { userId: string; accountId: string; permissionSetArn: string }) =>
  `access#${a.userId}#${a.accountId}#${a.permissionSetArn}`;
