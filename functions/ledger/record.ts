/**
 * Recording a grant the check let through: its own item (a request id is recorded once, ever) and the access lock (one
 * open grant per user, account and permission set), both conditional PutItems, sent together when the caller saw the
 * request new (the lock names the request id and nothing else), the item first otherwise. A tombstone (the lock of a closed grant, ./change.ts) is free, and a lock still
 * naming a closed grant (its release was lost) is taken over with a compare-and-set on the old holder, so of two
 * takeovers at once exactly one wins. A lock taken for a request whose item was there already and is closed (a
 * replay) is released again at once.
 */
import { randomUUID } from "node:crypto";
import { accessKey, type GrantRecord, LEDGER_KEY, OPEN_STATES } from "../../shared/grantLedger";
import { close, releaseLock } from "./change";
import { CLOSED_AT, grantItem, type Item, lockHolder, str } from "./items";
import { getGrant, getItem, putIf, type Table } from "./store";
import type { NewGrant, RecordOptions, RecordResult } from "./types";
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

export async function record(t: Table, g: NewGrant, options: RecordOptions = {}): Promise<RecordResult> {
  checkNewGrant(g);
  const fresh = checkedGrant(g, t.now());
  let grant = fresh;
  const put = () => putIf(t, { Item: grantItem(fresh), ConditionExpression: "attribute_not_exists(#pk)", ...pkName });
  // Together only for a request the caller saw new: a replay's put fails first and never touches the lock.
  const [recorded, locked] = options.seenNew ? await Promise.all([put(), takeLock(t, fresh)]) : [await put(), false];
  if (recorded && locked) return { kind: "recorded", grant: fresh, created: true };
  if (!recorded) {
    const existing = await getGrant(t, g.requestId);
    if (existing === undefined) throw ledgerConflict(`grant ${g.requestId} exists yet cannot be read`, undefined);
    // The lock was taken for a request recorded before and closed since: it goes back to being a tombstone.
    if (locked && !OPEN_STATES.includes(existing.state)) await releaseLock(t, existing);
    if (existing.grantExecutionId !== g.grantExecutionId) return { kind: "repeat", grant: existing };
    // The same workflow recorded it before: a retried check. A grant still `checked` goes on to the lock (which it
    // may hold already); one that moved on is recorded if it is open and holds the lock, and otherwise (closed busy,
    // merged, ended) a repeat: never again.
    if (existing.state !== "checked") {
      const holds = lockHolder(await getItem(t, accessKey(existing))) === existing.requestId;
      return { kind: OPEN_STATES.includes(existing.state) && holds ? "recorded" : "repeat", grant: existing };
    }
    if (locked) return { kind: "recorded", grant: existing };
    grant = existing;
  }
  const result = await lock(t, grant, options.seenNew === true);
  return recorded && result.kind === "recorded" ? { ...result, created: true } : result;
}

const pkName = { ExpressionAttributeNames: { "#pk": LEDGER_KEY } };

/**
 * A lock as one take writes it. `take` is new with every write, so a takeover conditional on the take it read loses
 * to any write since, even by the same holder (its retried check rewriting the lock it holds).
 */
const lockItem = (t: Table, grant: GrantRecord) => ({
  [LEDGER_KEY]: str(accessKey(grant)),
  holder: str(grant.requestId),
  takenAt: { N: String(t.now()) },
  take: str(randomUUID()),
});

/**
 * Takes the access lock if it is free (no lock yet, or a tombstone: its grant closed) or `grant`'s already. The put
 * replaces a tombstone whole, so of two takers of one tombstone the second finds `closedAt` gone and loses.
 */
function takeLock(t: Table, grant: GrantRecord): Promise<boolean> {
  return putIf(t, {
    Item: lockItem(t, grant),
    ConditionExpression: "attribute_not_exists(#pk) OR attribute_exists(#closedAt) OR #holder = :me",
    ExpressionAttributeNames: { ...pkName.ExpressionAttributeNames, "#holder": "holder", "#closedAt": CLOSED_AT },
    ExpressionAttributeValues: { ":me": str(grant.requestId) },
  });
}

/**
 * How long a lock may name a request whose item is not there yet before it counts as abandoned: a new request's item
 * and lock are written at once, so its lock can land first and its item a moment later (or after the SDK's retries of
 * a throttled write). Past 900 s, the longest a Lambda invocation runs ("The maximum allowed value is 900 seconds",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html), the writer is gone: its item never came.
 */
const RECORDING_WINDOW_MS = 900_000;
/** The waits for a holder still being recorded before the request is refused as busy (3.75 s in all). */
const HOLDER_WAITS_MS = [250, 500, 1_000, 2_000];

/** Takes the access lock for `grant` (`tried`: a first try was just made, and lost), or answers what holds it. */
async function lock(t: Table, grant: GrantRecord, tried: boolean): Promise<RecordResult> {
  const key = accessKey(grant);
  let waits = 0;
  for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
    if ((attempt > 0 || !tried) && (await takeLock(t, grant))) return { kind: "recorded", grant };
    const lockRead = await getItem(t, key);
    const holderId = lockHolder(lockRead);
    if (holderId === undefined) continue; // Released (a tombstone) between our write and our read: try again.
    // A delivery of the same request took it for this request id meanwhile: it is this grant's.
    if (holderId === grant.requestId) return { kind: "recorded", grant };
    const holder = await getGrant(t, holderId);
    if (holder && OPEN_STATES.includes(holder.state)) {
      if (holder.state === "active") return { kind: "extend", grant, holder };
      await closeBusy(t, grant, `${holder.state} grant ${holderId} holds the same access`);
      return { kind: "busy", holderId, holder };
    }
    if (holder === undefined && t.now() - lockTakenAt(lockRead) < RECORDING_WINDOW_MS) {
      // Its check is writing its item still: wait for it, and refuse if it does not come (the safe side).
      if (waits < HOLDER_WAITS_MS.length) {
        await t.sleep(HOLDER_WAITS_MS[waits++]);
        attempt--;
        continue;
      }
      // A lock whose item never comes keeps its access refused until it counts as abandoned: say so in the log.
      console.log(
        `the access lock ${key} names request ${holderId}, whose item has not come in ${Math.round((t.now() - lockTakenAt(lockRead)) / 1000)} s: ${grant.requestId} refused as busy`,
      );
      await closeBusy(t, grant, `grant ${holderId}, still being recorded, holds the same access`);
      return { kind: "busy", holderId };
    }
    // The holder is closed (its release was lost) or its item never came: take the lock over, only if it is still
    // the take read (a holder whose check is retried rewrites its lock, and then keeps it).
    const take = lockRead?.take?.S;
    const tookOver = await putIf(t, {
      Item: lockItem(t, grant),
      ConditionExpression:
        take === undefined ? "#holder = :old AND attribute_not_exists(#take)" : "#holder = :old AND #take = :take",
      ExpressionAttributeNames: { "#holder": "holder", "#take": "take" },
      ExpressionAttributeValues: { ":old": str(holderId), ...(take !== undefined && { ":take": str(take) }) },
    });
    if (tookOver) return { kind: "recorded", grant };
  }
  throw ledgerConflict(
    `the access lock of ${grant.requestId} changed hands ${LOCK_ATTEMPTS} times while recording it: try again`,
    await getGrant(t, grant.requestId),
  );
}

/** When a lock was taken (epoch milliseconds); a lock that does not say counts as taken long ago. */
const lockTakenAt = (item: Item | undefined) => Number(item?.takenAt?.N ?? 0);

/** Closes `grant` as failed: busy. A retry of the same check closing it at the same moment is no error. */
async function closeBusy(t: Table, grant: GrantRecord, why: string): Promise<void> {
  try {
    await close(t, grant, "check", why);
  } catch (err) {
    if (!(isLedgerConflict(err) && err.current?.state === "failed")) throw err;
  }
}
