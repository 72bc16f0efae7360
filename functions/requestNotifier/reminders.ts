/**
 * Reminders of a pending request, and the word that it expired. When the notifier tells approvers a request needs
 * approval, it arms a one-time EventBridge Scheduler schedule that invokes the notifier again with a small payload
 * naming the request's execution. At each firing the notifier reads the execution (through the reader role): still
 * waiting, it arms the next firing and reminds the approvers (RequestCreated, so every approver subscription hears it);
 * expired, it tells the requesters (RequestRejected, the requester channel's); ended any other way, it does nothing.
 *
 * Firings keep to a grid anchored at the waiting approval's start: every jit:approvalReminder hours before its
 * deadline (the start plus jit:approvalTimeout), then one a minute after it, which finds the request expired. So a
 * wait of 24 hours with reminders every 4 gets 5 reminders, at 4, 8, 12, 16 and 20 hours, and the expiry at 24 h 1 min;
 * the grid does not drift with the delivery's lateness, and no reminder comes moments before the expiry. A request
 * that moves on to its next approval (the Automation form may ask several) takes the new approval's start.
 *
 * AWS documentation this module follows:
 * - Using templated targets (docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html): a
 *   Lambda function's ARN as the target calls Lambda's Invoke with the schedule's Input; the schedule's execution role
 *   needs lambda:InvokeFunction.
 * - Schedule types, one-time schedules: `at(yyyy-mm-ddThh:mm:ss)` in UTC, 60-second precision (../grantSchedule).
 * - API_CreateSchedule: ConflictException for a name already taken. The name is the request's and the firing's own
 *   (shared/naming.ts reminderScheduleName), so a retry or a second delivery of the same firing finds the next one
 *   made and publishes nothing: a reminder goes out once per firing, even under Scheduler's at-least-once delivery.
 *   (Of an expiry there is no next firing to make: a firing delivered twice may tell it twice.)
 */
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  ListSchedulesCommand,
} from "@aws-sdk/client-scheduler";
import { PublishCommand } from "@aws-sdk/client-sns";
import type { AutomationExecution } from "@aws-sdk/client-ssm";
import { EVENT_TYPE_ATTRIBUTE, REMINDER_KIND } from "../../shared/events";
import { reminderScheduleName, reminderSchedulePrefix } from "../../shared/naming";
import { patterns } from "../../shared/patterns";
import { isRequest } from "../../shared/requestEvents";
import { oneTimeSchedule } from "../grantSchedule";
import { findExecution } from "../requestCheck/aws";
import { readerCredentials } from "../requestCheck/changeRequest";
import { type ApprovalState, approvalState, HOUR_MS } from "./approvalState";
import type { NotifierClients, NotifierResult, NotifierSettings } from "./index";
import { type MessageNote, requestMessage } from "./message";
import { reminderFacts } from "./reminderFacts";

/** Where and how reminders are scheduled (part of the notifier's settings). */
export interface ReminderSettings {
  /** jit:approvalTimeout: hours each approval waits before the request expires. */
  approvalTimeoutHours: number;
  /** jit:approvalReminder: hours between reminders. */
  approvalReminderHours: number;
  /** The reminders' schedule group, and the role its schedules invoke the notifier with. */
  groupName: string;
  roleArn: string;
  /** The notifier itself: the schedules' target. */
  notifierArn: string;
  /** Where Scheduler puts a firing it could not deliver: the notifier's dead-letter queue. */
  deadLetterArn: string;
}

const HOURS = { rule: "a whole number of hours from 1 to 720", test: (v: unknown) => isHours(v) };
const isHours = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 720;
const RULES: Record<keyof ReminderSettings, { rule: string; test(v: unknown): boolean }> = {
  approvalTimeoutHours: HOURS,
  approvalReminderHours: HOURS,
  groupName: ruleOf(patterns.schedulerName),
  roleArn: ruleOf(patterns.iamRoleArn),
  notifierArn: ruleOf(patterns.lambdaFunctionArn),
  deadLetterArn: ruleOf(patterns.sqsQueueArn),
};

function ruleOf(pattern: { rule: string; test(v: string): boolean }) {
  return { rule: pattern.rule, test: (v: unknown) => typeof v === "string" && pattern.test(v) };
}

/** The reminder settings in `value`, each checked; an error names `where`, the field and its rule. */
export function reminderSettings(value: unknown, where: string): ReminderSettings {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where} must be an object with ${Object.keys(RULES).join(", ")}`);
  }
  const fields = value as Record<string, unknown>;
  for (const [key, { rule, test }] of Object.entries(RULES)) {
    if (!test(fields[key])) throw new Error(`${where}.${key} must be ${rule}, not ${JSON.stringify(fields[key])}`);
  }
  return value as ReminderSettings;
}

/** The payload a reminder schedule invokes the notifier with. */
export { REMINDER_KIND };
export interface ReminderEvent {
  kind: typeof REMINDER_KIND;
  executionId: string;
}

export function isReminderEvent(event: unknown): event is ReminderEvent {
  return typeof event === "object" && event !== null && (event as { kind?: unknown }).kind === REMINDER_KIND;
}

/** How far ahead of now the earliest firing is: time for the request to reach Scheduler. */
const LEAD_MS = 15_000;
/** How long after the deadline the last firing looks: the approval step's own timer has run out by then. */
export const EXPIRY_CHECK_MS = 60_000;

/**
 * When the next firing comes (epoch ms, a whole minute): the first grid point at least 15 s from now before the
 * deadline, else a minute after the deadline (or, when that has passed, as soon as may be).
 */
export function nextFiring(
  since: number,
  now: number,
  s: Pick<ReminderSettings, "approvalTimeoutHours" | "approvalReminderHours">,
): number {
  const every = s.approvalReminderHours * HOUR_MS;
  const deadline = since + s.approvalTimeoutHours * HOUR_MS;
  const earliest = now + LEAD_MS;
  const reminder = since + Math.max(1, Math.ceil((earliest - since) / every)) * every;
  const at = reminder < deadline ? reminder : Math.max(deadline + EXPIRY_CHECK_MS, earliest);
  // A whole minute: Scheduler runs a one-time schedule at any second of its minute ("Schedule types on EventBridge
  // Scheduler"), so a firing named for a time within a minute could run before it and find itself due again.
  return Math.ceil(at / 60_000) * 60_000;
}

/** The whole one-time schedule of one firing. */
export function reminderSchedule(s: ReminderSettings, executionId: string, at: number): CreateScheduleCommandInput {
  const payload: ReminderEvent = { kind: REMINDER_KIND, executionId };
  return oneTimeSchedule({
    name: reminderScheduleName(executionId, at),
    groupName: s.groupName,
    description: `Reminds approvers of JIT request ${executionId}, or tells the requester it expired`,
    at,
    targetArn: s.notifierArn,
    roleArn: s.roleArn,
    input: payload,
    // A reminder an hour late is still worth sending; later, the next one is near.
    maxEventAgeSeconds: 3600,
    deadLetterArn: s.deadLetterArn,
  });
}

/** Arms the firing after `now` for a request waiting `since`; whether this call made it (false: it was made before). */
export async function armReminder(
  scheduler: NotifierClients["scheduler"],
  s: ReminderSettings,
  executionId: string,
  since: number,
  now: number,
): Promise<{ name: string; at: number; created: boolean }> {
  const at = nextFiring(since, now, s);
  const schedule = reminderSchedule(s, executionId, at);
  try {
    await scheduler.send(new CreateScheduleCommand(schedule));
    return { name: schedule.Name!, at, created: true };
  } catch (err) {
    if ((err as { name?: string } | undefined)?.name !== "ConflictException") throw err;
    return { name: schedule.Name!, at, created: false };
  }
}

/** After the approval-required notification: arms the first firing, if the request still waits. */
export async function armFirstReminder(
  clients: Pick<NotifierClients, "scheduler">,
  settings: Pick<NotifierSettings, "reminders">,
  execution: AutomationExecution,
  now = Date.now(),
): Promise<void> {
  const state = approvalState(execution, settings.reminders.approvalTimeoutHours);
  const id = execution.AutomationExecutionId;
  if (state.kind !== "waiting" || id === undefined) return;
  await armReminder(clients.scheduler, settings.reminders, id, state.since, now);
}

/**
 * After a decision (an approval, a rejection, a cancellation, the screen's refusal): the request's firings still to
 * come are deleted once it no longer waits for approval, so that nothing runs for a request that is settled. A firing
 * left (the decision read before the execution moved on) finds the request settled and does nothing.
 */
export async function disarmReminders(
  clients: Pick<NotifierClients, "scheduler">,
  settings: Pick<NotifierSettings, "reminders">,
  execution: AutomationExecution,
): Promise<number> {
  const s = settings.reminders;
  const id = execution.AutomationExecutionId;
  if (id === undefined || approvalState(execution, s.approvalTimeoutHours).kind === "waiting") return 0;
  const { Schedules = [] } = await clients.scheduler.send(
    new ListSchedulesCommand({ GroupName: s.groupName, NamePrefix: reminderSchedulePrefix(id), MaxResults: 100 }),
  );
  for (const { Name } of Schedules) {
    try {
      await clients.scheduler.send(new DeleteScheduleCommand({ Name, GroupName: s.groupName }));
    } catch (err) {
      // Fired and deleted itself meanwhile (ActionAfterCompletion DELETE).
      if ((err as { name?: string } | undefined)?.name !== "ResourceNotFoundException") throw err;
    }
  }
  return Schedules.length;
}

/** A firing: remind the approvers and arm the next firing, tell the requesters it expired, or nothing. */
export async function remindOrExpire(
  event: ReminderEvent,
  clients: NotifierClients,
  settings: NotifierSettings,
  now = Date.now(),
): Promise<NotifierResult> {
  const { executionId } = event;
  if (typeof executionId !== "string" || !patterns.automationExecutionId.test(executionId)) {
    return { ignored: `the reminder's executionId must be ${patterns.automationExecutionId.rule}` };
  }
  const credentials = await readerCredentials(clients, settings, executionId, "request-notifier");
  const execution = await findExecution(clients.requesterSsm(credentials), executionId);
  if (!execution || !isRequest(execution, settings)) return { ignored: "not a request", executionId };
  const s = settings.reminders;
  const state = approvalState(execution, s.approvalTimeoutHours);
  if (state.kind === "ended") return { ignored: "no longer waits for approval", executionId };
  if (state.kind === "waiting") {
    const armed = await armReminder(clients.scheduler, s, executionId, state.since, now);
    if (!armed.created) return { ignored: "this firing was handled before: its next one is armed", executionId };
  }
  const { type, note } = notice(state, s, now);
  const facts = await reminderFacts(execution, clients, settings, state, now);
  const { subject, message } = requestMessage(type, facts, settings, note);
  const published = await clients.sns.send(
    new PublishCommand({
      TopicArn: settings.topicArn,
      Subject: subject,
      Message: message,
      MessageAttributes: { [EVENT_TYPE_ATTRIBUTE]: { DataType: "String", StringValue: type } },
    }),
  );
  return { notified: type, messageId: published.MessageId };
}

const iso = (at: number) => new Date(at).toISOString();

/** A span of time in words: whole hours and minutes. */
export function span(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const [h, m] = [Math.floor(minutes / 60), minutes % 60];
  const hours = `${h} hour${h === 1 ? "" : "s"}`;
  return m === 0 ? hours : `${hours} ${m} minute${m === 1 ? "" : "s"}`;
}

function notice(
  state: Exclude<ApprovalState, { kind: "ended" }>,
  s: ReminderSettings,
  now: number,
): { type: "RequestCreated" | "RequestRejected"; note: MessageNote } {
  const timeout = `${s.approvalTimeoutHours} hours (jit:approvalTimeout)`;
  if (state.kind === "waiting") {
    return {
      type: "RequestCreated",
      note: {
        subjectPrefix: "Reminder: approval required - JIT access request",
        bodyHeader: "Reminder: a just-in-time AWS account access request is still waiting for approval.",
        lines: [
          `Raised at ${iso(state.raisedAt)}, it has waited ${span(now - state.raisedAt)}.`,
          `It expires at ${iso(state.since + s.approvalTimeoutHours * HOUR_MS)} unless approved: its approval waits ${timeout}.`,
        ],
      },
    };
  }
  return {
    type: "RequestRejected",
    note: {
      subjectPrefix: "Expired - JIT access request",
      bodyHeader: `A just-in-time AWS account access request expired: it was not approved within ${timeout}.`,
      lines: [
        `Raised at ${iso(state.raisedAt)}, it expired at ${iso(state.endedAt)}. Nothing was granted.`,
        "If the access is still needed, raise a new request.",
      ],
    },
  };
}
