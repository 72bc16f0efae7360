/**
 * Where the sweep over assignments stopped, kept in the ledger table as `reconciler#cursor` so the next run goes on from
 * there (a sweep over every assignment may span runs). The sweep visits permission sets, then accounts, then
 * principals, each in sorted order, and the cursor names the last assignment handled by value, never by an AWS
 * pagination token: AWS documents no lifetime for a NextToken, and the lists are read again from their start each run.
 * Written conditionally on the version read, so of two runs at once only one moves it; the other's work overlapped.
 */
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { LEDGER_KEY, RECONCILER_CURSOR_KEY } from "../../shared/grantLedger";
import type { MarkTable } from "./marks";

export const CURSOR_KEY = RECONCILER_CURSOR_KEY;

/**
 * Where the sweep goes on: in this permission set, from this account (absent: from the first), after this principal
 * (`<type>#<id>`; absent: from the first). Everything before it was handled.
 */
export interface Position {
  permissionSetArn: string;
  accountId?: string;
  principal?: string;
}

export interface Cursor {
  /** Absent: the next sweep starts from the beginning. */
  position?: Position;
  /** Sweeps completed so far. */
  sweeps: number;
  version: number;
}

const S = (value: string | undefined) => (value === undefined ? undefined : { S: value });

export async function readCursor(t: MarkTable): Promise<Cursor> {
  const { Item } = await t.dynamodb.send(
    new GetItemCommand({ TableName: t.tableName, Key: { [LEDGER_KEY]: { S: CURSOR_KEY } }, ConsistentRead: true }),
  );
  if (!Item) return { sweeps: 0, version: 0 };
  const set = Item.permissionSetArn?.S;
  return {
    position: set ? { permissionSetArn: set, accountId: Item.accountId?.S, principal: Item.principal?.S } : undefined,
    sweeps: Number(Item.sweeps?.N ?? "0"),
    version: Number(Item.version?.N ?? "0"),
  };
}

/** Saves the cursor if nobody moved it since `read`; false if another run did. */
export async function saveCursor(
  t: MarkTable,
  read: Cursor,
  next: { position?: Position; sweeps: number },
  nowMs: number,
): Promise<boolean> {
  const fields = {
    permissionSetArn: S(next.position?.permissionSetArn),
    accountId: S(next.position?.accountId),
    principal: S(next.position?.principal),
  };
  const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<
    string,
    { S: string }
  >;
  try {
    await t.dynamodb.send(
      new PutItemCommand({
        TableName: t.tableName,
        Item: {
          [LEDGER_KEY]: { S: CURSOR_KEY },
          ...present,
          sweeps: { N: String(next.sweeps) },
          version: { N: String(read.version + 1) },
          savedAt: { N: String(nowMs) },
        },
        ConditionExpression: read.version === 0 ? "attribute_not_exists(#pk)" : "#version = :version",
        ExpressionAttributeNames: read.version === 0 ? { "#pk": LEDGER_KEY } : { "#version": "version" },
        ExpressionAttributeValues: read.version === 0 ? undefined : { ":version": { N: String(read.version) } },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException || (err as Error).name === "ConditionalCheckFailedException") {
      return false;
    }
    throw err;
  }
}
