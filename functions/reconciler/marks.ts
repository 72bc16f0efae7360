/**
 * The reconciler's own items in the grant ledger's table, beside the grants and access locks (shared/grantLedger.ts):
 * - `alert#<what>`: an alert was sent about <what>; another is not sent before `expiresAt`.
 * - `lease#<what>`: a run is working on <what> (ending a grant, removing an assignment) until `expiresAt`, the end of
 *   its own time, so two runs at once never remove the same assignment together.
 * Both are taken with one conditional PutItem that succeeds only if the item is absent or expired, and carry
 * `expiresAt` in epoch seconds, the form DynamoDB's Time to Live reads (DynamoDB API Reference, UpdateTimeToLive:
 * "TTL compares the current time in epoch time format to the time stored in the TTL attribute"; "DynamoDB typically
 * deletes expired items within two days of expiration ... Items that have expired and not been deleted will still
 * show up in reads", which is why the condition compares `expiresAt` itself rather than trusting the deletion).
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { LEDGER_KEY } from "../../shared/grantLedger";

export const EXPIRES_AT = "expiresAt";

export interface MarkTable {
  dynamodb: Pick<DynamoDBClient, "send">;
  tableName: string;
}

export const alertKey = (what: string) => `alert#${what}`;
export const leaseKey = (what: string) => `lease#${what}`;

const isConditionFailure = (err: unknown) =>
  err instanceof ConditionalCheckFailedException ||
  (err as { name?: string } | undefined)?.name === "ConditionalCheckFailedException";

/**
 * Takes the item `key` for `owner` until `untilMs` (epoch ms) if nobody holds it now: true if taken, false if another
 * holder's item has not expired.
 */
export async function take(t: MarkTable, key: string, owner: string, nowMs: number, untilMs: number) {
  try {
    await t.dynamodb.send(
      new PutItemCommand({
        TableName: t.tableName,
        Item: {
          [LEDGER_KEY]: { S: key },
          owner: { S: owner },
          takenAt: { N: String(nowMs) },
          [EXPIRES_AT]: { N: String(Math.ceil(untilMs / 1000)) },
        },
        ConditionExpression: "attribute_not_exists(#pk) OR #expires <= :now",
        ExpressionAttributeNames: { "#pk": LEDGER_KEY, "#expires": EXPIRES_AT },
        ExpressionAttributeValues: { ":now": { N: String(Math.floor(nowMs / 1000)) } },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Gives the item back, if `owner` still holds it (another owner's item, taken after ours expired, stays). */
export async function give(t: MarkTable, key: string, owner: string) {
  try {
    await t.dynamodb.send(
      new DeleteItemCommand({
        TableName: t.tableName,
        Key: { [LEDGER_KEY]: { S: key } },
        ConditionExpression: "#owner = :owner",
        ExpressionAttributeNames: { "#owner": "owner" },
        ExpressionAttributeValues: { ":owner": { S: owner } },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}
