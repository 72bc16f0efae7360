/**
 * The claim on a grant: one Parameter Store parameter per user, permission set and account, whose value is the grant
 * workflow execution that holds it. Creating it is atomic (PutParameter without Overwrite), so of two workflows for
 * the same access (a request delivered twice, or two requests approved together) only one grants: granting twice would
 * give one assignment that the earlier revocation ends for both. A claim whose workflow has ended is stale and is
 * taken over; nothing needs to release it.
 */
import { GetParameterCommand, PutParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { reject, repeat } from "./answers";
import { findExecution, isAwsError } from "./aws";

export interface Claim {
  /** Parameter Store path of the claims (ends with a slash). */
  path: string;
  accountId: string;
  permissionSet: string;
  userId: string;
  user: string;
  /** The grant workflow execution that claims. */
  grantExecutionId: string;
  requesterExecutionId: string;
}

const ENDED: readonly string[] = [
  "Success",
  "Failed",
  "TimedOut",
  "Cancelled",
  "CompletedWithSuccess",
  "CompletedWithFailure",
];

const nameOf = (c: Claim) => `${c.path}${c.accountId}/${c.permissionSet}/${c.userId}`;

/** Claims the grant for `claim.grantExecutionId`, or turns the request away if another running workflow holds it. */
export async function claimGrant(ssm: Pick<SSMClient, "send">, claim: Claim): Promise<void> {
  const name = nameOf(claim);
  if (await put(ssm, name, claim, false)) return;
  const holder = await value(ssm, name);
  if (holder === claim.grantExecutionId) return; // This workflow's own claim: the check was retried.
  const running = holder && (await runningGrant(ssm, holder));
  if (running) {
    if (running.RequesterExecutionId?.[0] === claim.requesterExecutionId) {
      repeat(`the request is already being granted by the grant workflow ${holder}: sent twice?`);
    }
    reject(
      `${claim.user} already has a grant of ${claim.permissionSet} on account ${claim.accountId} under way (grant workflow ${holder}): ask again once it has ended`,
    );
  }
  // Stale: the holder has ended. Take it over, then make sure no one else took it at the same moment.
  await put(ssm, name, claim, true);
  if ((await value(ssm, name)) !== claim.grantExecutionId) {
    reject(`another grant of ${claim.permissionSet} on account ${claim.accountId} to ${claim.user} started just now`);
  }
}

/** Writes the claim; false if it exists and `overwrite` is not set. */
async function put(ssm: Pick<SSMClient, "send">, name: string, claim: Claim, overwrite: boolean): Promise<boolean> {
  try {
    await ssm.send(
      new PutParameterCommand({
        Name: name,
        Value: claim.grantExecutionId,
        Type: "String",
        Overwrite: overwrite,
        ...(overwrite
          ? {}
          : { Description: `JIT grant claim: ${claim.user}, ${claim.permissionSet}, ${claim.accountId}` }),
      }),
    );
    return true;
  } catch (err) {
    if (!overwrite && isAwsError(err, "ParameterAlreadyExists")) return false;
    throw err;
  }
}

async function value(ssm: Pick<SSMClient, "send">, name: string): Promise<string | undefined> {
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
  return Parameter?.Value;
}

/** The holder's parameters if it is a grant workflow execution still running, undefined if it has ended or is gone. */
async function runningGrant(ssm: Pick<SSMClient, "send">, executionId: string) {
  const x = await findExecution(ssm, executionId);
  return x && !ENDED.includes(x.AutomationExecutionStatus ?? "") ? (x.Parameters ?? {}) : undefined;
}
