/**
 * The grant ledger over DynamoDB (DESIGN.md §10; the contract is ./types.ts and shared/grantLedger.ts). Every write is
 * a single-item conditional write: recording (./record.ts), changes of state and extensions (./change.ts).
 */
import { type DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import {
  accessKey,
  LEDGER_KEY,
  OPEN_INDEX,
  OPEN_INDEX_HASH,
  OPEN_INDEX_RANGE,
  OPEN_SHARD,
  OPEN_STATES,
  refusalKey,
} from "../../shared/grantLedger";
import { close, extend, transition } from "./change";
import { decodeCursor, encodeCursor, grantFromItem, type Item, lastLockHolder, lockHolder, num, str } from "./items";
import { record } from "./record";
import { getGrant, getItem, putIf, type Table } from "./store";
import type { GrantLedger, Refusal } from "./types";

export interface DynamoLedgerOptions {
  dynamodb: Pick<DynamoDBClient, "send">;
  tableName: string;
  /** Epoch milliseconds (the simulator passes its virtual clock); Date.now by default. */
  now?: () => number;
  /** Waits; setTimeout by default. */
  sleep?: (ms: number) => Promise<void>;
}

export function dynamoLedger(options: DynamoLedgerOptions): GrantLedger {
  if (!options.tableName) throw new Error("tableName: must name the ledger's DynamoDB table");
  const t: Table = {
    dynamodb: options.dynamodb,
    tableName: options.tableName,
    now: options.now ?? (() => Date.now()),
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
  return {
    record: (grant, options) => record(t, grant, options),
    get: (requestId) => getGrant(t, requestId),
    refuse: (refusal) => refuse(t, refusal),
    refusalOf: async (requestId) => refusalFromItem(await getItem(t, refusalKey(requestId))),
    holderOf: async (access, known) => {
      const holder = lockHolder(await getItem(t, accessKey(access)));
      if (holder === undefined) return undefined;
      const grant = holder === known?.requestId ? known : await getGrant(t, holder);
      return grant && OPEN_STATES.includes(grant.state) ? grant : undefined;
    },
    lastHolderOf: async (access) => {
      const holder = lastLockHolder(await getItem(t, accessKey(access)));
      return holder === undefined ? undefined : getGrant(t, holder);
    },
    transition: (grant, tr) => transition(t, grant, tr),
    extend: (holder, by, endsAt, note) => extend(t, holder, by, endsAt, note),
    close: (grant, cause, note) => close(t, grant, cause, note),
    openPastEnd: (nowSeconds, limit, after) => {
      if (!Number.isFinite(nowSeconds)) throw new Error("nowSeconds: must be a number of epoch seconds");
      return queryOpen(t, limit, after, nowSeconds);
    },
    open: (limit, after) => queryOpen(t, limit, after),
  };
}

/**
 * A page of the open index (only open grants carry its hash key), earliest end first. Reads of a global secondary
 * index are eventually consistent, always ("All reads from GSIs and streams are eventually consistent",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html), so a grant closed
 * a moment ago may still be listed: callers re-read the item (get, strongly consistent) before acting, and every
 * change is conditional.
 */
async function queryOpen(t: Table, limit: number, after?: string, endsBy?: number) {
  if (!Number.isInteger(limit) || limit < 1) throw new Error("limit: must be a whole number of 1 or more");
  const { Items, LastEvaluatedKey } = await t.dynamodb.send(
    new QueryCommand({
      TableName: t.tableName,
      IndexName: OPEN_INDEX,
      KeyConditionExpression: endsBy === undefined ? "#shard = :open" : "#shard = :open AND #ends <= :by",
      ExpressionAttributeNames: {
        "#shard": OPEN_INDEX_HASH,
        ...(endsBy === undefined ? {} : { "#ends": OPEN_INDEX_RANGE }),
      },
      ExpressionAttributeValues: { ":open": str(OPEN_SHARD), ...(endsBy === undefined ? {} : { ":by": num(endsBy) }) },
      ScanIndexForward: true,
      Limit: limit,
      ExclusiveStartKey: decodeCursor(after),
    }),
  );
  const grants = (Items ?? []).filter((i) => i[LEDGER_KEY]?.S?.startsWith("grant#")).map(grantFromItem);
  const next = encodeCursor(LastEvaluatedKey);
  return next === undefined ? { grants } : { grants, next };
}

/** A conditional put: the first refusal of a request stands. */
function refuse(t: Table, r: Refusal): Promise<boolean> {
  return putIf(t, {
    Item: {
      [LEDGER_KEY]: str(refusalKey(r.requestId)),
      requestId: str(r.requestId),
      grantExecutionId: str(r.grantExecutionId),
      reason: str(r.reason),
      at: num(r.at),
    },
    ConditionExpression: "attribute_not_exists(#key)",
    ExpressionAttributeNames: { "#key": LEDGER_KEY },
  });
}

function refusalFromItem(item: Item | undefined): Refusal | undefined {
  if (!item) return undefined;
  return {
    requestId: item.requestId?.S ?? "",
    grantExecutionId: item.grantExecutionId?.S ?? "",
    reason: item.reason?.S ?? "",
    at: Number(item.at?.N ?? 0),
  };
}
