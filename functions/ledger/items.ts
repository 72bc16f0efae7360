/**
 * The ledger's items as DynamoDB holds them: a GrantRecord to and from its attribute values, and the paging cursor.
 * Written by hand (a few fields) rather than with @aws-sdk/util-dynamodb, so the functions take no further dependency.
 * A value read back is checked field by field: an item that is not a grant is an error naming the field.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  GRANT_CAUSES,
  GRANT_STATES,
  type GrantCause,
  type GrantChange,
  type GrantRecord,
  type GrantState,
  grantKey,
  LEDGER_KEY,
  OPEN_INDEX_HASH,
  OPEN_SHARD,
  OPEN_STATES,
} from "../../shared/grantLedger";

export type Item = Record<string, AttributeValue>;

/** DynamoDB items are at most 400 KB: a grant keeps its last 50 changes. */
export const HISTORY_LIMIT = 50;

export const str = (s: string): AttributeValue => ({ S: s });
export const num = (n: number): AttributeValue => ({ N: String(n) });
export const strList = (xs: readonly string[]): AttributeValue => ({ L: xs.map(str) });

const change = (c: GrantChange): AttributeValue => ({
  M: {
    at: num(c.at),
    from: c.from === null ? { NULL: true } : str(c.from),
    to: str(c.to),
    cause: str(c.cause),
    note: str(c.note),
  },
});
export const historyValue = (h: readonly GrantChange[]): AttributeValue => ({
  L: h.slice(-HISTORY_LIMIT).map(change),
});

/** The grant's item: its fields, its key, and the open index's hash key while it is open. */
export function grantItem(g: GrantRecord): Item {
  const item: Item = {
    [LEDGER_KEY]: str(grantKey(g.requestId)),
    requestId: str(g.requestId),
    grantExecutionId: str(g.grantExecutionId),
    userName: str(g.userName),
    userId: str(g.userId),
    permissionSet: str(g.permissionSet),
    permissionSetArn: str(g.permissionSetArn),
    accountId: str(g.accountId),
    durationMinutes: num(g.durationMinutes),
    approvers: strList(g.approvers),
    state: str(g.state),
    recordedAt: num(g.recordedAt),
    endsAt: num(g.endsAt),
    extendedBy: strList(g.extendedBy),
    version: num(g.version),
    history: historyValue(g.history),
  };
  if (g.startedAt !== undefined) item.startedAt = num(g.startedAt);
  if (g.scheduleName !== undefined) item.scheduleName = str(g.scheduleName);
  if (g.extends !== undefined) item.extends = str(g.extends);
  if (g.creationRequestId !== undefined) item.creationRequestId = str(g.creationRequestId);
  if (OPEN_STATES.includes(g.state)) item[OPEN_INDEX_HASH] = str(OPEN_SHARD);
  return item;
}

function fail(field: string, rule: string): never {
  throw new Error(`ledger item field ${field}: ${rule}`);
}
function readStr(item: Item, field: string): string {
  const v = item[field]?.S;
  return typeof v === "string" ? v : fail(field, "must be a string");
}
function readNum(item: Item, field: string): number {
  const v = Number(item[field]?.N ?? Number.NaN);
  return Number.isFinite(v) ? v : fail(field, "must be a number");
}
function readList(item: Item, field: string): string[] {
  const l = item[field]?.L ?? fail(field, "must be a list");
  return l.map((v, i) => (typeof v.S === "string" ? v.S : fail(`${field}[${i}]`, "must be a string")));
}
function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : fail(field, `must be one of ${allowed}`);
}
const optional = <T>(item: Item, field: string, read: (i: Item, f: string) => T): T | undefined =>
  item[field] === undefined ? undefined : read(item, field);

function readChange(v: AttributeValue, i: number): GrantChange {
  const m = v.M ?? fail(`history[${i}]`, "must be a map");
  const at = `history[${i}]`;
  return {
    at: readNum(m, "at"),
    from: m.from?.NULL ? null : oneOf<GrantState>(`${at}.from`, readStr(m, "from"), GRANT_STATES),
    to: oneOf<GrantState>(`${at}.to`, readStr(m, "to"), GRANT_STATES),
    cause: oneOf<GrantCause>(`${at}.cause`, readStr(m, "cause"), GRANT_CAUSES),
    note: readStr(m, "note"),
  };
}

export function grantFromItem(item: Item): GrantRecord {
  const record: GrantRecord = {
    requestId: readStr(item, "requestId"),
    grantExecutionId: readStr(item, "grantExecutionId"),
    userName: readStr(item, "userName"),
    userId: readStr(item, "userId"),
    permissionSet: readStr(item, "permissionSet"),
    permissionSetArn: readStr(item, "permissionSetArn"),
    accountId: readStr(item, "accountId"),
    durationMinutes: readNum(item, "durationMinutes"),
    approvers: readList(item, "approvers"),
    state: oneOf<GrantState>("state", readStr(item, "state"), GRANT_STATES),
    recordedAt: readNum(item, "recordedAt"),
    endsAt: readNum(item, "endsAt"),
    extendedBy: readList(item, "extendedBy"),
    version: readNum(item, "version"),
    history: (item.history?.L ?? fail("history", "must be a list")).map(readChange),
  };
  const startedAt = optional(item, "startedAt", readNum);
  const scheduleName = optional(item, "scheduleName", readStr);
  const extendsId = optional(item, "extends", readStr);
  const creationRequestId = optional(item, "creationRequestId", readStr);
  if (startedAt !== undefined) record.startedAt = startedAt;
  if (scheduleName !== undefined) record.scheduleName = scheduleName;
  if (extendsId !== undefined) record.extends = extendsId;
  if (creationRequestId !== undefined) record.creationRequestId = creationRequestId;
  return record;
}

/** The attribute a closed grant's lock carries: the lock is then a tombstone, free to take. */
export const CLOSED_AT = "closedAt";

/** The holder named by an access lock's item, unless the lock is a tombstone (its holder closed). */
export const lockHolder = (item: Item | undefined): string | undefined =>
  item === undefined || item[CLOSED_AT] !== undefined ? undefined : readStr(item, "holder");

/** The grant an access lock's item names last: its holder, or, for a tombstone, the closed grant that held it. */
export const lastLockHolder = (item: Item | undefined): string | undefined =>
  item === undefined ? undefined : readStr(item, "holder");

/**
 * A page's LastEvaluatedKey as an opaque cursor: its JSON, base64url-encoded (JSON.stringify, never concatenation),
 * and back. A cursor that does not decode to a key of attribute values is refused, naming the parameter.
 */
export function encodeCursor(key: Item | undefined): string | undefined {
  return key === undefined ? undefined : Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string | undefined): Item | undefined {
  if (cursor === undefined) return undefined;
  const refuse = (): never => {
    throw new Error("after: must be a cursor returned by this ledger's previous page (base64url JSON of a key)");
  };
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) refuse();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    refuse();
  }
  if (typeof key !== "object" || key === null || Array.isArray(key)) refuse();
  for (const v of Object.values(key as object)) {
    if (typeof v !== "object" || v === null || (typeof v.S !== "string" && typeof v.N !== "string")) refuse();
  }
  return key as Item;
}
