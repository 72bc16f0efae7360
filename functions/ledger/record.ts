/**
 * Recording a grant the check let through: first its own item (a request id is recorded once, ever), then the access
 * lock (one open grant per user, account and permission set). Both are conditional PutItems; a tombstone (the lock of
 * a closed grant, ./change.ts) is free, and a lock still naming a closed grant (its release was lost) is taken over
 * with a compare-and-set on the old holder, so of two takeovers at once exactly one wins.
 */
import { accessKey, type GrantRecord, LEDGER_KEY, OPEN_STATES } from "../../shared/grantLedger";
import { close } from "./change";
import { CLOSED_AT, grantItem, lockHolder, str } from "./items";
import { getGrant, getItem, putIf, type Table } from "./store";
import type { NewGrant, RecordResult } from "./types";
import { isLedgerConflict, ledgerConflict } from "./types";

/** How many times the lock is read and tried again when it changes hands under us before giving up. */
const LOCK_ATTEMPTS = 5;

const TEXT_FIELDS = [
  "requestId",
  "grantExecutionId",
  "userName",
  "userId",
  "permissionSet",
  "permissionSetArn",
] as const;

function checkNewGrant(g: NewGrant): void {
  for (const field of TEXT_FIELDS) {
    if (typeof g[field] !== "string" || g[field].length === 0) throw new Error(`${field}: must be a non-empty string`);
  }
  if (!/^[0-9]{12}$/.test(g.accountId)) throw new Error("accountId: must be 12 digits");
  if (!Number.isInteger(g.durationMinutes) || g.durationMinutes <= 0) {
    throw new Error("durationMinutes: must be a whole number of minutes above 0");
  }
  if (!Array.isArray(g.approvers) || g.approvers.some((a) => typeof a !== "string")) {
    throw new Error("approvers: must be a list of strings");
  }
}

/** The grant as the check records it: `checked`, open, ending at the latest it could end had it been granted now. */
export function checkedGrant(g: NewGrant, now: number): GrantRecord {
  return {
    requestId: g.requestId,
    grantExecutionId: g.grantExecutionId,
    userName: g.userName,
    userId: g.userId,
    permissionSet: g.permissionSet,
    permissionSetArn: g.permissionSetArn,
    accountId: g.accountId,
    durationMinutes: g.durationMinutes,
    approvers: [...g.approvers],
    state: "checked",
    recordedAt: now,
    endsAt: Math.ceil(now / 1000) + g.durationMinutes * 60,
    extendedBy: [],
    version: 1,
    history: [{ at: now, from: null, to: "checked", cause: "check", note: `recorded by ${g.grantExecutionId}` }],
  };
}

export async function record(t: Table, g: NewGrant): Promise<RecordResult> {
  checkNewGrant(g);
  const fresh = checkedGrant(g, t.now());
  let grant = fresh;
  if (!(await putIf(t, { Item: grantItem(fresh), ConditionExpression: "attribute_not_exists(#pk)", ...pkName }))) {
    const existing = await getGrant(t, g.requestId);
    if (existing === undefined) throw ledgerConflict(`grant ${g.requestId} exists yet cannot be read`, undefined);
    if (existing.grantExecutionId !== g.grantExecutionId) return { kind: "repeat", grant: existing };
    // The same workflow recorded it before: a retried check. A grant still `checked` goes on to the lock (which it
    // may hold already); one that moved on is recorded if it is open and holds the lock, and otherwise (closed busy,
    // merged, ended) a repeat: never again.
    if (existing.state !== "checked") {
      const holds = lockHolder(await getItem(t, accessKey(existing))) === existing.requestId;
      return { kind: OPEN_STATES.includes(existing.state) && holds ? "recorded" : "repeat", grant: existing };
    }
    grant = existing;
  }
  return lock(t, grant);
}

const pkName = { ExpressionAttributeNames: { "#pk": LEDGER_KEY } };

/** Takes the access lock for `grant`, or answers what holds it. */
async function lock(t: Table, grant: GrantRecord): Promise<RecordResult> {
  const key = accessKey(grant);
  const me = str(grant.requestId);
  const lockItem = { [LEDGER_KEY]: str(key), holder: me, takenAt: { N: String(t.now()) } };
  for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
    // Free: no lock yet, or a tombstone (its grant closed); the put replaces the tombstone whole, so of two takers
    // of one tombstone the second finds `closedAt` gone and loses its condition.
    const taken = await putIf(t, {
      Item: lockItem,
      ConditionExpression: "attribute_not_exists(#pk) OR attribute_exists(#closedAt) OR #holder = :me",
      ExpressionAttributeNames: { ...pkName.ExpressionAttributeNames, "#holder": "holder", "#closedAt": CLOSED_AT },
      ExpressionAttributeValues: { ":me": me },
    });
    if (taken) return { kind: "recorded", grant };
    const holderId = lockHolder(await getItem(t, key));
    if (holderId === undefined) continue; // Released (a tombstone) between our write and our read: try again.
    const holder = await getGrant(t, holderId);
    if (holder && OPEN_STATES.includes(holder.state)) {
      if (holder.state === "active") return { kind: "extend", grant, holder };
      await closeBusy(t, grant, holder);
      return { kind: "busy", holder };
    }
    // The holder is closed (its release was lost) or gone: take the lock over, only if it still names that holder.
    const tookOver = await putIf(t, {
      Item: lockItem,
      ConditionExpression: "#holder = :old",
      ExpressionAttributeNames: { "#holder": "holder" },
      ExpressionAttributeValues: { ":old": str(holderId) },
    });
    if (tookOver) return { kind: "recorded", grant };
  }
  throw ledgerConflict(
    `the access lock of ${grant.requestId} changed hands ${LOCK_ATTEMPTS} times while recording it: try again`,
    await getGrant(t, grant.requestId),
  );
}

/** Closes `grant` as failed: busy. A retry of the same check closing it at the same moment is no error. */
async function closeBusy(t: Table, grant: GrantRecord, holder: GrantRecord): Promise<void> {
  try {
    await close(t, grant, "check", `${holder.state} grant ${holder.requestId} holds the same access`);
  } catch (err) {
    if (!(isLedgerConflict(err) && err.current?.state === "failed")) throw err;
  }
}
