/**
 * The CloudTrail summary of an ended grant, sent later by EventBridge Scheduler (DESIGN.md §10): once the end function
 * has confirmed the assignment removed, it makes a one-time schedule in the solution's schedule group that invokes the
 * summary function once the sessions opened during the grant have expired: the longer of `waitSeconds` and the granted
 * set's session duration after the removal (removing an assignment ends no open session, and a session lasts its set's
 * session duration: singlesignon/latest/userguide/howtosessionduration.html). Nothing waits for it: the end-of-grant
 * workflow ends at once, and no Automation execution is held open while the sessions expire (Automation runs a limited
 * number of executions at a time and queues the rest, so a sleeping summary would delay the revocations queued behind
 * it).
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
import type { CreateScheduleCommandInput } from "@aws-sdk/client-scheduler";
import { LONGEST_SESSION_MINUTES } from "../../shared/accessWindow";
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

/** When and what the summary schedule invokes (the end function's settings, present when the summary is enabled). */
export interface SummaryScheduleSettings {
  /** The CloudTrail summary function's ARN (the templated Lambda target). */
  functionArn: string;
  /** The least wait after the removal, in seconds (jit:cloudTrailSummary.waitSeconds; 0: the session duration only). */
  waitSeconds: number;
  /** Each requestable set's session duration in minutes, as the deployment read it (management/requestableSets.ts). */
  sessionMinutes: Record<string, number>;
}

/** jit:cloudTrailSummary.waitSeconds's largest value (shared/config/management.ts): 12 hours. */
const MAX_WAIT_SECONDS = 43_200;
/** The longest session duration Identity Center allows (shared/accessWindow.ts): a set of unknown duration has it. */
const LONGEST_SESSION_SECONDS = LONGEST_SESSION_MINUTES * 60;

/** The summary settings in `value`, each checked; an error names `where`, the field and its rule. */
export function summaryScheduleSettings(value: unknown, where: string): SummaryScheduleSettings {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where} must be an object with functionArn, waitSeconds and sessionMinutes`);
  }
  const { functionArn, waitSeconds, sessionMinutes } = value as Record<string, unknown>;
  if (typeof functionArn !== "string" || !patterns.lambdaFunctionArn.test(functionArn)) {
    throw new Error(
      `${where}.functionArn must be ${patterns.lambdaFunctionArn.rule}, not ${JSON.stringify(functionArn)}`,
    );
  }
  if (!isWholeUpTo(waitSeconds, 0, MAX_WAIT_SECONDS)) {
    throw new Error(
      `${where}.waitSeconds must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}, not ${JSON.stringify(waitSeconds)}`,
    );
  }
  return { functionArn, waitSeconds, sessionMinutes: sessionMinutesOf(sessionMinutes, `${where}.sessionMinutes`) };
}

function isWholeUpTo(value: unknown, least: number, most: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= least && value <= most;
}

/** Each set's session minutes, a whole number from 1 to 720 by permission set name. */
function sessionMinutesOf(value: unknown, where: string): Record<string, number> {
  const rule = `an object of permission set names to session durations in minutes (whole numbers from 1 to ${LONGEST_SESSION_MINUTES})`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where} must be ${rule}, not ${JSON.stringify(value)}`);
  }
  for (const [set, minutes] of Object.entries(value)) {
    if (!patterns.permissionSetName.test(set) || !isWholeUpTo(minutes, 1, LONGEST_SESSION_MINUTES)) {
      throw new Error(`${where} must be ${rule}, not ${JSON.stringify(set)}: ${JSON.stringify(minutes)}`);
    }
  }
  return value as Record<string, number>;
}

/**
 * How long after the removal the summary of a grant of `permissionSet` is sent, in seconds: the longer of the least
 * wait and the set's session duration, so what the sessions still open at the removal do is in it. A set whose
 * duration the deployment did not read (`known` false) waits the longest session Identity Center allows.
 */
export function summaryWait(
  summary: Pick<SummaryScheduleSettings, "waitSeconds" | "sessionMinutes">,
  permissionSet: string,
): { seconds: number; known: boolean } {
  const minutes = Object.hasOwn(summary.sessionMinutes, permissionSet)
    ? summary.sessionMinutes[permissionSet]
    : undefined;
  const session = minutes === undefined ? LONGEST_SESSION_SECONDS : minutes * 60;
  return { seconds: Math.max(summary.waitSeconds, session), known: minutes !== undefined };
}

const NAME_PREFIX = "summary-";

/**
 * The name of a grant's summary schedule: `summary-` and the request id (36 letters, digits or hyphens), 44 characters
 * of Scheduler's `[0-9a-zA-Z-_.]{1,64}`; never an end schedule's name (`end-`, functions/grantSchedule/).
 */
export function summaryScheduleName(requestId: string): string {
  return requestScheduleName(NAME_PREFIX, requestId);
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

/**
 * The summary schedule of a grant whose assignment was confirmed removed at `removedAt` (epoch milliseconds), sent
 * `waitSeconds` later (summaryWait); the event carries that wait, so the summary's window covers it.
 */
export function summarySchedule(
  schedule: Pick<EndScheduleSettings, "groupName" | "roleArn" | "deadLetterArn">,
  summary: Pick<SummaryScheduleSettings, "functionArn">,
  grant: SummaryGrant,
  wait: { removedAt: number; waitSeconds: number },
  now = wait.removedAt,
): CreateScheduleCommandInput {
  const event = {
    accountId: grant.accountId,
    permissionSet: grant.permissionSet,
    userName: grant.userName,
    // The summary function of this stack counts durations in minutes (management/cloudTrailSummary.ts).
    duration: String(summaryMinutes(grant)),
    executionId: grant.requestId,
    waitSeconds: String(wait.waitSeconds),
  };
  const at = Math.ceil(wait.removedAt / 1000) + wait.waitSeconds;
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
 * Schedules the grant's summary its wait (summaryWait) after `removedAt`: `scheduled`, or `already` when a schedule of
 * its name exists (a retry of the same end; it is left as it is, so the summary is sent once). Other AWS errors are
 * thrown. The answer says the wait, and whether the set's session duration was known.
 */
export async function scheduleSummary(
  scheduler: Scheduler,
  schedule: Pick<EndScheduleSettings, "groupName" | "roleArn" | "deadLetterArn">,
  summary: SummaryScheduleSettings,
  grant: SummaryGrant,
  removedAt: number,
  now = Date.now(),
): Promise<{
  name: string;
  expression: string;
  outcome: "scheduled" | "already";
  wait: { seconds: number; known: boolean };
}> {
  const wait = summaryWait(summary, grant.permissionSet);
  const definition = summarySchedule(schedule, summary, grant, { removedAt, waitSeconds: wait.seconds }, now);
  const outcome = await createOnce(scheduler, definition);
  return { name: definition.Name as string, expression: definition.ScheduleExpression as string, wait, outcome };
}
