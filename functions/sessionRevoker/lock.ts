/**
 * One revoker at a time per permission set: its inline policy is read, changed and written whole, so two grants of one
 * set ending together would otherwise each write the policy the other read, and one deny would be lost. The lock is an
 * item of the grant ledger keyed `sessionpolicy#<permission set ARN>`, taken with a conditional PutItem (absent or
 * expired) and released with a conditional DeleteItem (still its owner's). The owner is one invocation, not one request:
 * Scheduler delivers at least once, and two deliveries of one revocation must not both hold it (the first to finish
 * would free it while the second still writes the policy it read before a third revocation's write).
 */
import { DeleteItemCommand, type DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { LEDGER_KEY } from "../../shared/grantLedger";

export const sessionPolicyKey = (permissionSetArn: string) => `sessionpolicy#${permissionSetArn}`;

export interface PolicyLock {
  dynamodb: Pick<DynamoDBClient, "send">;
  tableName: string;
  permissionSetArn: string;
  /** The invocation that holds it: its request id and a token of its own. */
  owner: string;
}

const isConditionFailure = (err: unknown) => (err as { name?: string })?.name === "ConditionalCheckFailedException";

/** Takes the lock until `expiresAt` (epoch ms): true, or false while another holds it and it has not expired. */
export async function takeLock(lock: PolicyLock, now: number, expiresAt: number): Promise<boolean> {
  try {
    await lock.dynamodb.send(
      new PutItemCommand({
        TableName: lock.tableName,
        Item: {
          [LEDGER_KEY]: { S: sessionPolicyKey(lock.permissionSetArn) },
          owner: { S: lock.owner },
          expiresAt: { N: String(expiresAt) },
        },
        // Its own (an SDK retry of a write that took it), or one dated past twice any holder's life, which no revoker
        // wrote (a holder that read its clock after this one may date its lock later than `expiresAt`, never by that).
        ConditionExpression: "attribute_not_exists(#key) OR #owner = :me OR #expires < :now OR #expires > :latest",
        ExpressionAttributeNames: { "#key": LEDGER_KEY, "#owner": "owner", "#expires": "expiresAt" },
        ExpressionAttributeValues: {
          ":me": { S: lock.owner },
          ":now": { N: String(now) },
          ":latest": { N: String(expiresAt + (expiresAt - now)) },
        },
      }),
    );
    return true;
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    return false;
  }
}

/** Releases the lock if it is still the owner's (an expired lock another revocation took is left to it). */
export async function releaseLock(lock: PolicyLock): Promise<void> {
  try {
    await lock.dynamodb.send(
      new DeleteItemCommand({
        TableName: lock.tableName,
        Key: { [LEDGER_KEY]: { S: sessionPolicyKey(lock.permissionSetArn) } },
        ConditionExpression: "#owner = :me",
        ExpressionAttributeNames: { "#owner": "owner" },
        ExpressionAttributeValues: { ":me": { S: lock.owner } },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}
