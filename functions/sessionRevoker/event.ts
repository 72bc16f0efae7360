/**
 * What the end function hands the session revoker (./index.ts): the event of a one-time EventBridge Scheduler schedule
 * `sessions-<request id>` in the solution's schedule group, made once the grant's assignment is confirmed removed and
 * firing at once, exactly as the CloudTrail summary's schedule (functions/summarySchedule/): the same one-time schedule,
 * retry policy and dead-letter queue; ConflictException from CreateSchedule = already scheduled (a retry of the end).
 */
import type { CreateScheduleCommandInput } from "@aws-sdk/client-scheduler";
import type { GrantRecord } from "../../shared/grantLedger";
import { patterns } from "../../shared/patterns";
import {
  createOnce,
  type EndScheduleSettings,
  endTime,
  oneTimeSchedule,
  requestScheduleName,
  type Scheduler,
} from "../grantSchedule";

export interface RevocationEvent {
  /** The grant's request id. */
  requestId: string;
  /** The Identity Store user id (GrantRecord.userId): what `identitystore:userId` holds in the user's sessions. */
  userId: string;
  accountId: string;
  permissionSetArn: string;
  /** When the assignment was confirmed removed, epoch seconds: sessions issued before it are cut. */
  revokedAt: number;
}

/** The field `name` of `fields`, a string matching `pattern`; an error names the field and the rule. */
function field(fields: Record<string, unknown>, name: string, pattern: (typeof patterns)[keyof typeof patterns]) {
  const value = fields[name];
  if (typeof value !== "string" || !pattern.test(value)) {
    throw new Error(`${name} must be ${pattern.rule}, not ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * How far from now an end may be: a deny dated later would deny the user's next grants of the set in the account too
 * (and is never dropped), one older than a day comes from no end the schedule's retries still deliver.
 */
const AHEAD_SECONDS = 300;
const BEHIND_SECONDS = 86_400;

/** The event, each field checked; an error names the field and its rule. */
export function readRevocationEvent(event: unknown, now = Date.now()): RevocationEvent {
  const fields = (typeof event === "object" && event !== null ? event : {}) as Record<string, unknown>;
  const requestId = field(fields, "requestId", patterns.automationExecutionId);
  const userId = field(fields, "userId", patterns.identityCenterUserId);
  const accountId = field(fields, "accountId", patterns.accountId);
  const permissionSetArn = field(fields, "permissionSetArn", patterns.permissionSetArn);
  const { revokedAt } = fields;
  const seconds = Math.floor(now / 1000);
  if (
    typeof revokedAt !== "number" ||
    !Number.isInteger(revokedAt) ||
    revokedAt > seconds + AHEAD_SECONDS ||
    revokedAt < seconds - BEHIND_SECONDS
  ) {
    throw new Error(
      `revokedAt must be a whole number of epoch seconds within the last day and at most ${AHEAD_SECONDS} seconds ahead, not ${JSON.stringify(revokedAt)}`,
    );
  }
  return { requestId, userId, accountId, permissionSetArn, revokedAt };
}

/** The end function's and the reconciler's setting `sessionRevoker` (management/sessionRevoker.ts). */
export interface SessionRevokerSettings {
  /** The revoker's ARN, the schedule's templated target. */
  functionArn: string;
  /**
   * Permission sets, by name, whose sessions are never cut: the `jit verify` canary, which denies everything already
   * and whose inline policy the stack manages.
   */
  exceptSets: string[];
}

export function sessionRevokerSettings(value: unknown, where: string): SessionRevokerSettings {
  const { functionArn, exceptSets = [] } = (typeof value === "object" && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  if (typeof functionArn !== "string" || !patterns.lambdaFunctionArn.test(functionArn)) {
    throw new Error(
      `${where}.functionArn must be ${patterns.lambdaFunctionArn.rule}, not ${JSON.stringify(functionArn)}`,
    );
  }
  const name = patterns.requestablePermissionSetName;
  if (!Array.isArray(exceptSets) || !exceptSets.every((s) => typeof s === "string" && name.test(s))) {
    throw new Error(`${where}.exceptSets must be a list of ${name.rule}, not ${JSON.stringify(exceptSets)}`);
  }
  return { functionArn, exceptSets };
}

/** `sessions-` and the request id: 45 characters of Scheduler's `[0-9a-zA-Z-_.]{1,64}`, never `end-` or `summary-`. */
export function revocationScheduleName(requestId: string): string {
  return requestScheduleName("sessions-", requestId);
}

type Grant = Pick<GrantRecord, "requestId" | "userId" | "accountId" | "permissionSetArn">;
type Where = Pick<EndScheduleSettings, "groupName" | "roleArn" | "deadLetterArn">;

/** The revocation schedule of a grant whose assignment was confirmed removed at `removedAt` (epoch milliseconds). */
export function revocationSchedule(
  schedule: Where,
  revoker: SessionRevokerSettings,
  grant: Grant,
  removedAt: number,
  now = removedAt,
): CreateScheduleCommandInput {
  const event: RevocationEvent = {
    requestId: grant.requestId,
    userId: grant.userId,
    accountId: grant.accountId,
    permissionSetArn: grant.permissionSetArn,
    revokedAt: Math.ceil(removedAt / 1000),
  };
  return oneTimeSchedule({
    name: revocationScheduleName(grant.requestId),
    groupName: schedule.groupName,
    description: `Cuts the sessions the JIT grant of request ${grant.requestId} opened`,
    // As soon as Scheduler allows (endTime: the first whole minute at least 15 seconds ahead).
    at: endTime(0, now),
    targetArn: revoker.functionArn,
    roleArn: schedule.roleArn,
    input: event,
    maxEventAgeSeconds: 86_400,
    deadLetterArn: schedule.deadLetterArn,
  });
}

/** Makes the schedule: `scheduled`, or `already` when one of its name exists (a retry). Other errors are thrown. */
export async function scheduleRevocation(
  scheduler: Scheduler,
  schedule: Where,
  revoker: SessionRevokerSettings,
  grant: Grant,
  removedAt: number,
  now = Date.now(),
): Promise<{ name: string; outcome: "scheduled" | "already" }> {
  const definition = revocationSchedule(schedule, revoker, grant, removedAt, now);
  return { name: definition.Name as string, outcome: await createOnce(scheduler, definition) };
}
