/**
 * The CloudTrail summary of an ended grant, sent later by EventBridge Scheduler (DESIGN.md §10): once the end function
 * has confirmed the assignment removed, it makes a one-time schedule in the solution's schedule group that invokes the
 * summary function `waitSeconds` later (the sessions opened during the grant may outlast it by up to the permission
 * set's session duration). Nothing waits for it: the end-of-grant workflow ends at once, and no Automation execution is
 * held open while the sessions expire (Automation runs a limited number of executions at a time and queues the rest,
 * so a sleeping summary would delay the revocations queued behind it).
 *
 * AWS documentation this module follows:
 * - Using templated targets (docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html): a
 *   function's ARN as the target's `Arn` calls Lambda Invoke; the execution role needs lambda:InvokeFunction.
 * - API_Target: `Input` "The text, or well-formed JSON, passed to the target. If you are configuring a templated
 *   Lambda ... target, the input must be a well-formed JSON": the summary function's event (the fields the end
 *   document passed it when it invoked the function itself), as JSON.stringify writes it.
 * - The one-time schedule itself (`at(...)` in UTC, FlexibleTimeWindow OFF, ActionAfterCompletion DELETE, the retry
 *   policy and the dead-letter queue) as the end schedules have it: functions/grantSchedule/.
 * - API_CreateSchedule: ConflictException when a schedule of that name exists: the summary is already scheduled (a
 *   retry of the same end), and is neither made again nor changed.
 */
import { CreateScheduleCommand, type CreateScheduleCommandInput } from "@aws-sdk/client-scheduler";
import type { GrantRecord } from "../../shared/grantLedger";
import { patterns } from "../../shared/patterns";
import { type EndScheduleSettings, endTime, oneTimeSchedule, type Scheduler } from "../grantSchedule";

/** When and what the summary schedule invokes (the end function's settings, present when there is a wait). */
export interface SummaryScheduleSettings {
  /** The CloudTrail summary function's ARN (the templated Lambda target). */
  functionArn: string;
  /** How long after the removal the summary is sent, in seconds (jit:cloudTrailSummary.waitSeconds, at least 1). */
  waitSeconds: number;
}

/** jit:cloudTrailSummary.waitSeconds's largest value (shared/config/management.ts): 12 hours. */
const MAX_WAIT_SECONDS = 43_200;

/** The summary settings in `value`, each checked; an error names `where`, the field and its rule. */
export function summaryScheduleSettings(value: unknown, where: string): SummaryScheduleSettings {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where} must be an object with functionArn and waitSeconds`);
  }
  const { functionArn, waitSeconds } = value as Record<string, unknown>;
  if (typeof functionArn !== "string" || !patterns.lambdaFunctionArn.test(functionArn)) {
    throw new Error(
      `${where}.functionArn must be ${patterns.lambdaFunctionArn.rule}, not ${JSON.stringify(functionArn)}`,
    );
  }
  if (
    typeof waitSeconds !== "number" ||
    !Number.isInteger(waitSeconds) ||
    waitSeconds < 1 ||
    waitSeconds > MAX_WAIT_SECONDS
  ) {
    throw new Error(
      `${where}.waitSeconds must be a whole number of seconds from 1 to ${MAX_WAIT_SECONDS} (without a wait the workflow invokes the summary itself), not ${JSON.stringify(waitSeconds)}`,
    );
  }
  return { functionArn, waitSeconds };
}

const NAME_PREFIX = "summary-";

/**
 * The name of a grant's summary schedule: `summary-` and the request id (36 letters, digits or hyphens), 44 characters
 * of Scheduler's `[0-9a-zA-Z-_.]{1,64}`; never an end schedule's name (`end-`, functions/grantSchedule/).
 */
export function summaryScheduleName(requestId: string): string {
  if (!patterns.automationExecutionId.test(requestId)) {
    throw new Error(`RequestId must be ${patterns.automationExecutionId.rule}, not ${JSON.stringify(requestId)}`);
  }
  return `${NAME_PREFIX}${requestId}`;
}

/** What the summary function reads (functions/cloudTrailSummary.ts SummaryEvent): strings, the duration in minutes. */
export type SummaryGrant = Pick<
  GrantRecord,
  "requestId" | "accountId" | "permissionSet" | "userName" | "durationMinutes" | "startedAt" | "endsAt"
>;

/** The summary function's largest duration (functions/cloudTrailSummary.ts: a whole number from 1 to 1440). */
const MAX_SUMMARY_MINUTES = 1440;

/**
 * The minutes of the grant the summary covers: its approved duration, or, when extensions moved its end (the ledger
 * keeps the first request's duration), from its start to that end; at most what the summary function accepts.
 */
export function summaryMinutes(grant: SummaryGrant): number {
  const granted = grant.startedAt === undefined ? 0 : Math.round((grant.endsAt * 1000 - grant.startedAt) / 60_000);
  return Math.min(MAX_SUMMARY_MINUTES, Math.max(grant.durationMinutes, granted));
}

/** The summary schedule of a grant whose assignment was confirmed removed at `removedAt` (epoch milliseconds). */
export function summarySchedule(
  schedule: Pick<EndScheduleSettings, "groupName" | "roleArn" | "deadLetterArn">,
  summary: SummaryScheduleSettings,
  grant: SummaryGrant,
  removedAt: number,
  now = removedAt,
): CreateScheduleCommandInput {
  const event = {
    accountId: grant.accountId,
    permissionSet: grant.permissionSet,
    userName: grant.userName,
    // The summary function of this stack counts durations in minutes (management/cloudTrailSummary.ts).
    duration: String(summaryMinutes(grant)),
    executionId: grant.requestId,
  };
  const at = Math.ceil(removedAt / 1000) + summary.waitSeconds;
  return oneTimeSchedule({
    name: summaryScheduleName(grant.requestId),
    groupName: schedule.groupName,
    description: `Sends the CloudTrail summary of the JIT grant of request ${grant.requestId}`,
    at: endTime(at, now),
    targetArn: summary.functionArn,
    roleArn: schedule.roleArn,
    input: event,
    maxEventAgeSeconds: 86_400,
    deadLetterArn: schedule.deadLetterArn,
  });
}

/**
 * Schedules the grant's summary `waitSeconds` after `removedAt`: `scheduled`, or `already` when a schedule of its name
 * exists (a retry of the same end; it is left as it is, so the summary is sent once). Other AWS errors are thrown.
 */
export async function scheduleSummary(
  scheduler: Scheduler,
  schedule: Pick<EndScheduleSettings, "groupName" | "roleArn" | "deadLetterArn">,
  summary: SummaryScheduleSettings,
  grant: SummaryGrant,
  removedAt: number,
  now = Date.now(),
): Promise<{ name: string; expression: string; outcome: "scheduled" | "already" }> {
  const definition = summarySchedule(schedule, summary, grant, removedAt, now);
  const done = { name: definition.Name as string, expression: definition.ScheduleExpression as string };
  try {
    await scheduler.send(new CreateScheduleCommand(definition));
    return { ...done, outcome: "scheduled" };
  } catch (err) {
    if ((err as { name?: string } | undefined)?.name === "ConflictException") return { ...done, outcome: "already" };
    throw err;
  }
}
