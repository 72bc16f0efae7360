/**
 * The table as the ledger uses it: consistent reads of one item, and single-item conditional writes whose lost
 * condition is told apart from every other error. Only ConditionalCheckFailedException means "the condition was
 * false" ("ConditionalCheckFailedException: A condition specified in the operation failed to be evaluated",
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html, Errors); everything else (throttling,
 * a missing table, a validation error) is thrown as it is.
 */
import {
  DeleteItemCommand,
  type DeleteItemCommandInput,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import type { GrantRecord } from "../../shared/grantLedger";
import { grantKey, LEDGER_KEY } from "../../shared/grantLedger";
import { grantFromItem, type Item, str } from "./items";

export interface Table {
  dynamodb: Pick<DynamoDBClient, "send">;
  tableName: string;
  /** Epoch milliseconds. */
  now: () => number;
  /** Waits `ms` milliseconds (setTimeout; the simulator's runs on its virtual clock). */
  sleep: (ms: number) => Promise<void>;
}

const lostCondition = (err: unknown) =>
  (err as { name?: string } | undefined)?.name === "ConditionalCheckFailedException";

/**
 * Reads one item, strongly consistent (a write that just lost its condition must see the winner's item): with
 * ConsistentRead "DynamoDB returns a response with the most up-to-date data, reflecting the updates from all prior
 * write operations that were successful"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html).
 */
export async function getItem(t: Table, key: string): Promise<Item | undefined> {
  const { Item } = await t.dynamodb.send(
    new GetItemCommand({ TableName: t.tableName, Key: { [LEDGER_KEY]: str(key) }, ConsistentRead: true }),
  );
  return Item;
}

export async function getGrant(t: Table, requestId: string): Promise<GrantRecord | undefined> {
  const item = await getItem(t, grantKey(requestId));
  return item && grantFromItem(item);
}

/** A PutItem with a condition: false when the condition failed. */
export async function putIf(t: Table, input: Omit<PutItemCommandInput, "TableName">): Promise<boolean> {
  try {
    await t.dynamodb.send(new PutItemCommand({ ...input, TableName: t.tableName }));
    return true;
  } catch (err) {
    if (lostCondition(err)) return false;
    throw err;
  }
}

/** An UpdateItem with a condition, answering the item as written (ALL_NEW), or undefined when the condition failed. */
export async function updateIf(t: Table, input: Omit<UpdateItemCommandInput, "TableName">): Promise<Item | undefined> {
  try {
    const { Attributes } = await t.dynamodb.send(
      new UpdateItemCommand({ ...input, TableName: t.tableName, ReturnValues: "ALL_NEW" }),
    );
    return Attributes ?? {};
  } catch (err) {
    if (lostCondition(err)) return undefined;
    throw err;
  }
}

/** A DeleteItem with a condition: false when the condition failed. */
export async function deleteIf(t: Table, input: Omit<DeleteItemCommandInput, "TableName">): Promise<boolean> {
  try {
    await t.dynamodb.send(new DeleteItemCommand({ ...input, TableName: t.tableName }));
    return true;
  } catch (err) {
    if (lostCondition(err)) return false;
    throw err;
  }
}
