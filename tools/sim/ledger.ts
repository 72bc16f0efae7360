/**
 * The grant ledger as the simulator reads it from outside (shared/grantLedger.ts): the grant items of the management
 * account's table, unmarshalled. For the world's keep-alive and the outcome's checks; the functions under test read
 * and write the table through their own SDK calls.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { type GrantRecord, grantKey, LEDGER_KEY, OPEN_STATES } from "../../shared/grantLedger";
import type { DynamoDbFake, Item } from "./services/dynamodb";

export interface LedgerTable {
  account: string;
  region: string;
  name: string;
}

const GRANT_PREFIX = grantKey("");

/** Every grant item of the table (access locks aside); none while the world has made no DynamoDB call. */
export async function grantsOf(dynamodb: DynamoDbFake, table: LedgerTable): Promise<GrantRecord[]> {
  if (!dynamodb.used) return [];
  const items = await dynamodb.items(table.account, table.region, table.name);
  return items
    .map(unmarshall)
    .filter((item) => String(item[LEDGER_KEY]).startsWith(GRANT_PREFIX))
    .map((item) => item as unknown as GrantRecord);
}

export const isOpen = (grant: GrantRecord) => OPEN_STATES.includes(grant.state);

/** An item's attributes as plain values (numbers as numbers, sets as arrays). */
function unmarshall(item: Item): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([key, value]) => [key, plain(value)]));
}

function plain(v: AttributeValue): unknown {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL !== undefined) return null;
  if (v.L !== undefined) return v.L.map(plain);
  if (v.M !== undefined) return unmarshall(v.M);
  if (v.SS !== undefined) return [...v.SS];
  if (v.NS !== undefined) return v.NS.map(Number);
  throw new Error(`the simulator cannot read the attribute value ${JSON.stringify(v)}`);
}
