/**
 * Cuts the sessions an ended grant opened (jit:revokeOpenSessions; invoked by the one-time schedule the end function
 * makes, ./event.ts): under the permission set's lock (./lock.ts), writes the grant's deny into the set's inline policy
 * (./policy.ts) and provisions the set to the grant's account only.
 *
 * A changed permission set reaches an account only when provisioned: ProvisionPermissionSet is asynchronous, its
 * status read with DescribePermissionSetProvisioningStatus (IAM Identity Center API reference). FAILED, or still
 * IN_PROGRESS when time runs out, is thrown, and so is a ConflictException (another provisioning of the set under
 * way), and a lock another revocation holds. Every step is idempotent (the deny is added once per request), so a retry
 * is safe: EventBridge Scheduler invokes a Lambda function asynchronously (Lambda developer guide, "Using Lambda with
 * Amazon EventBridge Scheduler"), so Lambda retries a failed invocation (twice, about one and then two minutes later:
 * "Asynchronous invocation") and then sends the event to the function's dead-letter queue, the end dead-letter queue
 * the reconciler reports (management/sessionRevoker.ts).
 */

import { randomUUID } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribePermissionSetProvisioningStatusCommand,
  GetInlinePolicyForPermissionSetCommand,
  type PermissionSetProvisioningStatus,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
} from "@aws-sdk/client-sso-admin";
import { patterns } from "../../shared/patterns";
import { deadlineOf, type InvocationTime, type SsoAdmin } from "../identityCenter/assignments";
import { type RevocationEvent, readRevocationEvent } from "./event";
import { type PolicyLock, releaseLock, takeLock } from "./lock";
import { parsePolicy, STALE_AFTER_MS, withRevocation } from "./policy";

export const SESSION_REVOKER_ENV = "JIT_SESSION_REVOKER";

export interface SessionRevokerClients {
  ssoAdmin: SsoAdmin;
  dynamodb: Pick<DynamoDBClient, "send">;
}

export interface RevokerSettings {
  instanceArn: string;
  /** The grant ledger's table, where the per-set lock lives. */
  tableName: string;
}

export function revokerSettings(env: Record<string, string | undefined>): RevokerSettings {
  const raw = env[SESSION_REVOKER_ENV];
  if (raw === undefined) throw new Error(`environment variable ${SESSION_REVOKER_ENV} is required`);
  const { instanceArn, tableName } = JSON.parse(raw) as Record<string, unknown>;
  if (typeof instanceArn !== "string" || !patterns.identityCenterInstanceArn.test(instanceArn)) {
    throw new Error(`${SESSION_REVOKER_ENV}.instanceArn must be ${patterns.identityCenterInstanceArn.rule}`);
  }
  if (typeof tableName !== "string" || !patterns.dynamoTableName.test(tableName)) {
    throw new Error(`${SESSION_REVOKER_ENV}.tableName must be ${patterns.dynamoTableName.rule}`);
  }
  return { instanceArn, tableName };
}

/**
 * How long the lock lasts: past the function's own timeout (management/sessionRevoker.ts), so never while it runs; an
 * invocation that dies holding it (a timeout) leaves it until then, and Lambda's retry a minute later finds it expired.
 */
export const LOCK_MS = 6 * 60_000;

/** What a revocation needs once it holds the lock (read, write, provision and its polling); waiting for it stops before. */
const WORK_MS = 90_000;
const LOCK_POLL_MS = 2_000;

/**
 * Takes the set's lock, waiting while other revocations of the set hold it (the ends of one set often come together)
 * until `until`; still held then: thrown, and Lambda retries the invocation.
 */
async function lockWhenFree(lock: PolicyLock, until: number): Promise<void> {
  for (;;) {
    const now = Date.now();
    if (await takeLock(lock, now, now + LOCK_MS)) return;
    if (now + LOCK_POLL_MS > until) {
      throw new Error(
        `the inline policy of ${lock.permissionSetArn} is being changed by another revocation: ${lock.owner} tries again`,
      );
    }
    await sleep(LOCK_POLL_MS);
  }
}

export async function revokeSessions(
  event: unknown,
  clients: SessionRevokerClients,
  settings: RevokerSettings,
  context: InvocationTime,
): Promise<string> {
  const r = readRevocationEvent(event);
  if (Date.now() - r.revokedAt * 1000 > STALE_AFTER_MS) {
    const said = `request ${r.requestId}: its end is over 12 hours old, and no session outlasts 12 hours: nothing to cut`;
    console.log(said);
    return said;
  }
  const owner = `request ${r.requestId} (invocation ${randomUUID()})`;
  const lock = { ...clients, tableName: settings.tableName, permissionSetArn: r.permissionSetArn, owner };
  await lockWhenFree(lock, deadlineOf(context) - WORK_MS);
  try {
    const added = await writeDeny(clients.ssoAdmin, settings.instanceArn, r);
    await provision(clients.ssoAdmin, settings.instanceArn, r, deadlineOf(context));
    const said = `sessions of user ${r.userId} in account ${r.accountId} issued before ${new Date(r.revokedAt * 1000).toISOString()} denied by ${r.permissionSetArn}`;
    console.log(`request ${r.requestId}: ${said}${added ? "" : " (the deny was already written)"}; provisioned`);
    return said;
  } finally {
    await releaseLock(lock);
  }
}

/** Reads, changes and writes the set's inline policy; answers whether the deny was added (false: a retry). */
async function writeDeny(ssoAdmin: SsoAdmin, instanceArn: string, r: RevocationEvent): Promise<boolean> {
  const set = { InstanceArn: instanceArn, PermissionSetArn: r.permissionSetArn };
  const { InlinePolicy } = await ssoAdmin.send(new GetInlinePolicyForPermissionSetCommand(set));
  const { text, added } = withRevocation(
    parsePolicy(InlinePolicy, r.permissionSetArn),
    r,
    r.permissionSetArn,
    Date.now(),
  );
  if (added) await ssoAdmin.send(new PutInlinePolicyToPermissionSetCommand({ ...set, InlinePolicy: text }));
  return added;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Asks for the set's provisioning to the account. ConflictException ("There is a conflicting operation in process",
 * another provisioning of the set: an administrator's, or a grant's) is waited out until the deadline, then thrown.
 */
async function startProvisioning(
  ssoAdmin: SsoAdmin,
  instanceArn: string,
  r: RevocationEvent,
  deadline: number,
): Promise<PermissionSetProvisioningStatus | undefined> {
  for (let wait = 2_000; ; wait = Math.min(wait * 2, 10_000)) {
    try {
      const { PermissionSetProvisioningStatus: status } = await ssoAdmin.send(
        new ProvisionPermissionSetCommand({
          InstanceArn: instanceArn,
          PermissionSetArn: r.permissionSetArn,
          TargetType: "AWS_ACCOUNT",
          TargetId: r.accountId,
        }),
      );
      return status;
    } catch (err) {
      if ((err as { name?: string })?.name !== "ConflictException" || Date.now() + wait > deadline) throw err;
      console.log(`provisioning ${r.permissionSetArn} conflicts with another operation: trying again in ${wait} ms`);
      await sleep(wait);
    }
  }
}

/** Provisions the set to the grant's account and waits for SUCCEEDED; anything else is thrown. */
async function provision(ssoAdmin: SsoAdmin, instanceArn: string, r: RevocationEvent, deadline: number): Promise<void> {
  let status = await startProvisioning(ssoAdmin, instanceArn, r, deadline);
  const id = status?.RequestId;
  if (id === undefined) throw new Error("IAM Identity Center answered ProvisionPermissionSet without a request id");
  let wait = 1_000;
  while (status?.Status === "IN_PROGRESS") {
    if (Date.now() + wait > deadline) {
      throw new Error(
        `provisioning ${r.permissionSetArn} to ${r.accountId} (request ${id}) was still IN_PROGRESS when the time ran out`,
      );
    }
    await sleep(wait);
    wait = Math.min(wait * 2, 5_000);
    ({ PermissionSetProvisioningStatus: status } = await ssoAdmin.send(
      new DescribePermissionSetProvisioningStatusCommand({
        InstanceArn: instanceArn,
        ProvisionPermissionSetRequestId: id,
      }),
    ));
  }
  if (status?.Status !== "SUCCEEDED") {
    throw new Error(
      `provisioning ${r.permissionSetArn} to ${r.accountId} (request ${id}) ended ${String(status?.Status)}: ${status?.FailureReason ?? "no reason given"}`,
    );
  }
}
