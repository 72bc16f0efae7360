/**
 * What the grant ledger offers the functions that use it (the request check, the grant, the end of a grant, the
 * reconciler). Every write is a single-item conditional write (DynamoDB has no multi-item lock here: a write that
 * loses a race fails its condition and the caller reads again). Implemented over DynamoDB in ./index.ts.
 */
import type { GrantCause, GrantRecord, GrantState } from "../../shared/grantLedger";

/** A grant to record: what the check resolved, before anything is granted (the record's fields of the same names). */
export type NewGrant = Pick<
  GrantRecord,
  | "requestId"
  | "grantExecutionId"
  | "userName"
  | "userId"
  | "permissionSet"
  | "permissionSetArn"
  | "accountId"
  | "durationMinutes"
  | "approvers"
>;

/**
 * What recording a grant found.
 * - `recorded`: the grant is `checked` and holds the access lock (also when this same workflow recorded it before: a
 *   retried check); `created` when this call wrote it.
 * - `repeat`: the request id is already in the ledger, recorded by another workflow (a request delivered twice, or
 *   replayed): never grant it again.
 * - `busy`: another grant of the same access is `checked`, `granting` or `ending`, or is still being recorded (its lock
 *   is written and its item not yet: `holder` is then absent); this request is closed `failed`.
 * - `extend`: the same access is `active` under `holder`; this request is `checked` without the lock, and the caller
 *   either extends the holder with it (`extend`) or closes it (`close`).
 */
export type RecordResult =
  | { kind: "recorded"; grant: GrantRecord; created?: true }
  | { kind: "repeat"; grant: GrantRecord }
  | { kind: "busy"; holderId: string; holder?: GrantRecord }
  | { kind: "extend"; grant: GrantRecord; holder: GrantRecord };

/**
 * A conditional write lost: the item is not in the state or version the caller read. A plain Error told apart by its
 * name (an Error subclass does not survive Pulumi's closure serialization: tools/closureCheck.ts), carrying the item
 * as it is now.
 */
export type LedgerConflict = Error & { name: "LedgerConflict"; current: GrantRecord | undefined };

export function ledgerConflict(message: string, current: GrantRecord | undefined): LedgerConflict {
  return Object.assign(new Error(message), { name: "LedgerConflict" as const, current });
}

export const isLedgerConflict = (err: unknown): err is LedgerConflict =>
  err instanceof Error && err.name === "LedgerConflict";

export interface Transition {
  /** The states the grant may be in for the change to apply (checked against the item, with its version). */
  from: readonly GrantState[];
  to: GrantState;
  cause: GrantCause;
  note: string;
  /** Fields set with the change. */
  set?: Partial<Pick<GrantRecord, "startedAt" | "endsAt" | "scheduleName" | "creationRequestId">>;
}

/** A request the check refused after the requester account's records confirmed it: it is never checked again. */
export interface Refusal {
  requestId: string;
  /** The grant workflow whose check refused it. */
  grantExecutionId: string;
  reason: string;
  /** Epoch milliseconds. */
  at: number;
}

export interface RecordOptions {
  /**
   * The caller read no item for the request a moment ago: its item and its access lock are written together (one
   * round trip instead of two). A request seen before has its item written first, so a replay never takes a lock.
   */
  seenNew?: boolean;
}

export interface GrantLedger {
  /** Records a grant the check let through and takes its access lock (see RecordResult). */
  record(grant: NewGrant, options?: RecordOptions): Promise<RecordResult>;
  get(requestId: string): Promise<GrantRecord | undefined>;
  /** Records a refusal, once: false if the request was refused already (the first refusal stands). */
  refuse(refusal: Refusal): Promise<boolean>;
  refusalOf(requestId: string): Promise<Refusal | undefined>;
  /**
   * The open grant that holds the access lock of this user, account and permission set, if any (a tombstone, or a lock
   * whose holder closed and whose release was lost, holds nothing).
   */
  holderOf(
    access: { userId: string; accountId: string; permissionSetArn: string },
    /** A grant the caller has just read: if the lock names it, it is not read again. */
    known?: GrantRecord,
  ): Promise<GrantRecord | undefined>;
  /**
   * The grant the access lock names last, open or closed: its holder, or the closed grant a tombstone names (the lock
   * is kept when its grant closes). Undefined if no grant ever held it.
   */
  lastHolderOf(access: {
    userId: string;
    accountId: string;
    permissionSetArn: string;
  }): Promise<GrantRecord | undefined>;
  /**
   * Moves a grant from one of `t.from` to `t.to`, conditional on the version `grant` was read at; appends the change to
   * its history. Leaving the open states removes it from the open index and releases its access lock (if it holds
   * it). Throws LedgerConflict when the condition fails.
   */
  transition(grant: GrantRecord, t: Transition): Promise<GrantRecord>;
  /**
   * Extends the active `holder` with the `checked` request `by`: the holder's end moves to `endsAt` (epoch seconds)
   * and `by` becomes `merged` into it. Conditional on both versions; throws LedgerConflict.
   */
  extend(holder: GrantRecord, by: GrantRecord, endsAt: number, note: string): Promise<GrantRecord>;
  /** Closes a `checked` request that will not be granted (refused after recording), as `failed`. */
  close(grant: GrantRecord, cause: GrantCause, note: string): Promise<GrantRecord>;
  /** Open grants whose end is at or before `nowSeconds`, earliest first, a page at a time. */
  openPastEnd(nowSeconds: number, limit: number, after?: string): Promise<{ grants: GrantRecord[]; next?: string }>;
  /** Every open grant, a page at a time (the reconciler's view of what explains an assignment). */
  open(limit: number, after?: string): Promise<{ grants: GrantRecord[]; next?: string }>;
}
