/**
 * The end of a grant, held by EventBridge Scheduler (DESIGN.md §10): one one-time schedule per grant, in the solution's
 * schedule group, that starts the end-of-grant workflow at the grant's `endsAt` through Scheduler's universal target
 * for ssm:StartAutomationExecution. An extension moves it (create-or-update); an early end deletes it.
 *
 * AWS documentation this module follows:
 * - Schedule types, one-time schedules (docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html):
 *   `at(yyyy-mm-ddThh:mm:ss)`, evaluated in `ScheduleExpressionTimezone` (UTC here); every schedule invokes its target
 *   with 60 second precision (a schedule at 1:00 invokes it between 1:00:00 and 1:00:59). The page says nothing of an
 *   `at` time already past (a third party reports CreateSchedule refuses one: DefangLabs/pulumi-defang#425), so none
 *   is ever sent: a time sooner than the first whole minute at least 15 seconds away becomes that minute.
 * - Using universal targets (docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html): the
 *   target ARN `arn:<partition>:scheduler:::aws-sdk:<service>:<apiAction>`, and `Input` the JSON of the API's request
 *   parameters, as its API reference names them (API_StartAutomationExecution: DocumentName, Parameters as lists of
 *   strings).
 * - API_CreateSchedule: ConflictException among its errors (a schedule of that name exists: getmoto/moto#6624 reports
 *   it from AWS), `ActionAfterCompletion: DELETE` deletes a one-time schedule once it has invoked its target.
 * - API_UpdateSchedule: "uses all values, including empty values, specified in the request and overrides the existing
 *   schedule", so an update sends the whole definition.
 * - API_DeleteSchedule: ResourceNotFoundException for a schedule that does not exist (deleted after it ran, or never
 *   created): the end is then already not scheduled.
 * - API_RetryPolicy: at most 185 attempts and 86400 seconds, the most Scheduler allows.
 */
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  type SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import type { GrantCause, GrantRecord } from "../../shared/grantLedger";
import { type PatternName, patterns } from "../../shared/patterns";

export type Scheduler = Pick<SchedulerClient, "send">;

/** Where and how the end schedules are made (part of the grant and end functions' settings). */
export interface EndScheduleSettings {
  /** The solution's schedule group. */
  groupName: string;
  /** The role EventBridge Scheduler assumes to start the end-of-grant workflow. */
  roleArn: string;
  /** The SQS queue that receives an end Scheduler could not deliver. */
  deadLetterArn: string;
  /** The end-of-grant Automation document. */
  documentName: string;
}

const SETTINGS: Record<keyof EndScheduleSettings, PatternName> = {
  groupName: "schedulerName",
  roleArn: "iamRoleArn",
  deadLetterArn: "sqsQueueArn",
  documentName: "documentName",
};

/** The schedule settings in `value`, each checked; an error names `where`, the field and its rule. */
export function endScheduleSettings(value: unknown, where: string): EndScheduleSettings {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where} must be an object with ${Object.keys(SETTINGS).join(", ")}`);
  }
  const fields = value as Record<string, unknown>;
  for (const [key, name] of Object.entries(SETTINGS)) {
    const field = fields[key];
    if (typeof field !== "string" || !patterns[name].test(field)) {
      throw new Error(`${where}.${key} must be ${patterns[name].rule}, not ${JSON.stringify(field)}`);
    }
  }
  const { groupName, roleArn, deadLetterArn, documentName } = fields as unknown as EndScheduleSettings;
  return { groupName, roleArn, deadLetterArn, documentName };
}

const NAME_PREFIX = "end-";

/**
 * The name of a grant's end schedule: `end-` and the request id (an Automation execution id: 36 letters, digits or
 * hyphens), 40 characters of Scheduler's `[0-9a-zA-Z-_.]{1,64}`. One fixed prefix on the whole id: two request ids
 * never share a name.
 */
export function scheduleName(requestId: string): string {
  return requestScheduleName(NAME_PREFIX, requestId);
}

/** A schedule of one request, `prefix` and its id (checked): the end's, the summary's and the revocation's. */
export function requestScheduleName(prefix: string, requestId: string): string {
  if (!patterns.automationExecutionId.test(requestId)) {
    throw new Error(`RequestId must be ${patterns.automationExecutionId.rule}, not ${JSON.stringify(requestId)}`);
  }
  return `${prefix}${requestId}`;
}

/**
 * Makes a one-time schedule that is made once: `scheduled`, or `already` when one of its name exists (a retry of
 * what made it; it is left as it is). Other AWS errors are thrown.
 */
export async function createOnce(
  scheduler: Scheduler,
  definition: CreateScheduleCommandInput,
): Promise<"scheduled" | "already"> {
  try {
    await scheduler.send(new CreateScheduleCommand(definition));
    return "scheduled";
  } catch (err) {
    if (errorName(err) === "ConflictException") return "already";
    throw err;
  }
}

const MINUTE_MS = 60_000;
/** How far ahead of now the earliest schedule is: time for the request to reach Scheduler. */
const LEAD_MS = 15_000;

/**
 * When the schedule fires, epoch milliseconds: the grant's end (`endsAt`, epoch seconds), or, when that is sooner,
 * the first whole minute at least 15 seconds after `now`. Never a time already past, which AWS documents nothing about.
 */
export function endTime(endsAt: number, now: number): number {
  const earliest = Math.ceil((now + LEAD_MS) / MINUTE_MS) * MINUTE_MS;
  return Math.max(endsAt * 1000, earliest);
}

/** What makes one one-time schedule differ from another: its name, group, time and target. */
export interface OneTimeSchedule {
  name: string;
  groupName: string;
  description: string;
  /** Epoch milliseconds. */
  at: number;
  targetArn: string;
  roleArn: string;
  /** The target's input, serialized here. */
  input: unknown;
  /** How long Scheduler keeps trying to deliver before the dead-letter queue. */
  maxEventAgeSeconds: number;
  deadLetterArn: string;
}

/**
 * A one-time schedule as the solution makes them all: `at(...)` in UTC, no flexible window, deleted once it has invoked
 * its target, retried as long as `maxEventAgeSeconds` allows, and then put in the dead-letter queue.
 */
export function oneTimeSchedule(s: OneTimeSchedule): CreateScheduleCommandInput {
  return {
    Name: s.name,
    GroupName: s.groupName,
    Description: s.description,
    ScheduleExpression: atExpression(s.at),
    ScheduleExpressionTimezone: "UTC",
    FlexibleTimeWindow: { Mode: "OFF" },
    ActionAfterCompletion: "DELETE",
    State: "ENABLED",
    Target: {
      Arn: s.targetArn,
      RoleArn: s.roleArn,
      Input: JSON.stringify(s.input),
      RetryPolicy: { MaximumEventAgeInSeconds: s.maxEventAgeSeconds, MaximumRetryAttempts: 185 },
      DeadLetterConfig: { Arn: s.deadLetterArn },
    },
  };
}

/** The one-time schedule expression for a time (epoch milliseconds): UTC, to the second. */
export function atExpression(time: number): string {
  return `at(${new Date(time).toISOString().slice(0, 19)})`;
}

/** Scheduler's universal target for ssm:StartAutomationExecution, in the role's partition. */
function startAutomationTarget(roleArn: string): string {
  const partition = roleArn.split(":")[1];
  return `arn:${partition}:scheduler:::aws-sdk:ssm:startAutomationExecution`;
}

const CAUSE: GrantCause = "schedule";

/** The whole schedule for a grant's end (create and update take the same definition). */
export function endSchedule(
  settings: EndScheduleSettings,
  grant: Pick<GrantRecord, "requestId" | "endsAt">,
  now: number,
): CreateScheduleCommandInput {
  const input = {
    DocumentName: settings.documentName,
    Parameters: { RequestId: [grant.requestId], Cause: [CAUSE] },
  };
  return oneTimeSchedule({
    name: scheduleName(grant.requestId),
    groupName: settings.groupName,
    description: `Ends the JIT grant of request ${grant.requestId}`,
    at: endTime(grant.endsAt, now),
    targetArn: startAutomationTarget(settings.roleArn),
    roleArn: settings.roleArn,
    input,
    maxEventAgeSeconds: 86_400,
    deadLetterArn: settings.deadLetterArn,
  });
}

const errorName = (err: unknown) => (err as { name?: string } | undefined)?.name;

/** Create, update after a conflict, create again if the update finds it gone: at most this many calls. */
const ATTEMPTS = 4;

/**
 * Makes sure the grant's end schedule fires at its `endsAt` (or the earliest minute, if that is sooner): creates it,
 * or, when one of that name exists (a retry, an extension), updates it with the whole definition. Returns its name and
 * expression. An AWS error it cannot settle is thrown.
 */
export async function scheduleEnd(
  scheduler: Scheduler,
  settings: EndScheduleSettings,
  grant: Pick<GrantRecord, "requestId" | "endsAt">,
  now = Date.now(),
): Promise<{ name: string; expression: string }> {
  const definition = endSchedule(settings, grant, now);
  const done = { name: definition.Name!, expression: definition.ScheduleExpression! };
  let exists = false;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      if (exists) await scheduler.send(new UpdateScheduleCommand(definition));
      else await scheduler.send(new CreateScheduleCommand(definition));
      return done;
    } catch (err) {
      if (!exists && errorName(err) === "ConflictException") exists = true;
      else if (exists && errorName(err) === "ResourceNotFoundException") exists = false;
      else throw err;
    }
  }
  throw new Error(`the end schedule ${done.name} kept changing between create and update (${ATTEMPTS} attempts)`);
}

/** Deletes the grant's end schedule; one that does not exist (it ran, or was never made) is already cancelled. */
export async function cancelEnd(scheduler: Scheduler, settings: EndScheduleSettings, requestId: string): Promise<void> {
  try {
    await scheduler.send(new DeleteScheduleCommand({ Name: scheduleName(requestId), GroupName: settings.groupName }));
  } catch (err) {
    if (errorName(err) !== "ResourceNotFoundException") throw err;
  }
}
