/**
 * Amazon EventBridge Scheduler (`scheduler`): schedule groups (from the plan, and the `default` group every account
 * has), CreateSchedule, UpdateSchedule, GetSchedule, DeleteSchedule and ListSchedules, validated as the API model
 * (scheduler-2021-06-30) has it, and the schedules run on the virtual clock (./scheduleDelivery.ts).
 *
 * - UpdateSchedule "replaces the whole definition": what a request leaves out is reset, not kept (API_UpdateSchedule:
 *   "Any values you do not specify are set to their default values").
 * - A one-time schedule invokes its target once, at its time: "All schedule types on EventBridge Scheduler invoke
 *   their targets with 60 second precision" (Schedule types in EventBridge Scheduler); with FlexibleTimeWindow OFF the
 *   simulator fires at the given second, within that minute. EndDate and StartDate do not apply to it (API_CreateSchedule).
 * - ActionAfterCompletion DELETE: "EventBridge Scheduler deletes the schedule after its last target invocation. For
 *   one-time schedules, this occurs after the schedule has invoked its target once" (Deleting a schedule).
 * - A rate schedule fires every interval from its StartDate (or its creation) until its EndDate; its timers are the
 *   clock's background timers, so a world with a recurring schedule still ends.
 * - Delivery: AWS promises "at-least-once event delivery to targets" (What is Amazon EventBridge Scheduler?, key
 *   features) and a minute's precision, and says nothing of how late or how often a one-time schedule may really fire:
 *   that is the world's scheduleDelivery dimension (../variants.ts): once, never, twice, or ten minutes late.
 * - Not simulated: cron expressions, time zones other than UTC, FLEXIBLE windows, KMS keys; each is an error.
 */
import { type ApiInput, AwsError, type Caller, type ServiceFake, unsupported } from "../aws";
import type { VirtualClock } from "../clock";
import type { AwsBehaviour } from "../variants";
import { page } from "./pagination";
import {
  type DeliveryHost,
  type DeliveryRecord,
  deliver,
  type ScheduleTarget,
  targetCall,
  UNIVERSAL_TARGET,
  UNSUPPORTED_ACTION_PREFIXES,
} from "./scheduleDelivery";
import { parseScheduleExpression, type ScheduleExpression } from "./scheduleExpression";

/** A schedule as the service holds it (GetSchedule's view). */
export interface Schedule {
  Arn: string;
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone: string;
  State: "ENABLED" | "DISABLED";
  Description?: string;
  StartDate?: Date;
  EndDate?: Date;
  Target: ScheduleTarget;
  FlexibleTimeWindow: { Mode: "OFF" };
  ActionAfterCompletion: "NONE" | "DELETE";
  CreationDate: Date;
  LastModificationDate: Date;
}

interface Held {
  schedule: Schedule;
  account: string;
  region: string;
  expression: ScheduleExpression;
  /** Cancels the schedule's pending invocations. */
  cancel: () => void;
}

export interface SchedulerHost extends Omit<DeliveryHost, "now" | "sleep"> {
  readonly clock: VirtualClock;
  behaviour(): AwsBehaviour;
  /** Reports an error of the simulator found while a schedule ran (never an answer of AWS). */
  backgroundError(message: string): void;
}

// The API model: names and group names 1 to 64 of [0-9a-zA-Z-_.]; RoleArn; the DLQ's ARN; ranges of the retry policy.
const NAME = /^[0-9a-zA-Z._-]{1,64}$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const QUEUE_ARN = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9_-]+$/;
const CLIENT_TOKEN = /^[a-zA-Z0-9_-]{1,64}$/;
const DEFAULT_GROUP = "default";
/** How late the `late` reading of scheduleDelivery fires a one-time schedule. */
export const LATE_DELIVERY_MS = 10 * 60_000;
/** How long after the first the `twice` reading's second invocation comes. */
export const DUPLICATE_DELIVERY_MS = 30_000;

const invalid = (field: string, rule: string) => new AwsError("ValidationException", `${field}: ${rule}`);
const notFound = (what: string) => new AwsError("ResourceNotFoundException", `${what} does not exist.`);

export class SchedulerFake implements ServiceFake {
  readonly service = "scheduler";
  /** Every invocation made, in order: what became of it. */
  readonly deliveries: DeliveryRecord[] = [];
  private readonly groups = new Set<string>();
  private readonly schedules = new Map<string, Held>();

  constructor(private readonly host: SchedulerHost) {}

  /** A schedule group, as aws.scheduler.ScheduleGroup creates it; returns its ARN. */
  createScheduleGroup(account: string, region: string, name: string): string {
    if (!NAME.test(name)) throw invalid("Name", `must match ${NAME.source}`);
    const key = groupKey(account, region, name);
    if (this.groups.has(key) || name === DEFAULT_GROUP) {
      throw new AwsError("ConflictException", `Schedule group ${name} already exists.`);
    }
    this.groups.add(key);
    return groupArn(account, region, name);
  }

  /** The schedules of an account and Region (every group's), by group and name; for tests and the outcome's checks. */
  list(account: string, region: string): Schedule[] {
    return [...this.schedules.values()]
      .filter((h) => h.account === account && h.region === region)
      .map((h) => h.schedule)
      .sort((a, b) => a.GroupName.localeCompare(b.GroupName) || a.Name.localeCompare(b.Name));
  }

  async call(api: string, input: ApiInput, caller: Caller): Promise<unknown> {
    switch (api) {
      case "CreateSchedule":
        return { ScheduleArn: this.put(input, caller, "create").Arn };
      case "UpdateSchedule":
        return { ScheduleArn: this.put(input, caller, "update").Arn };
      case "GetSchedule":
        return structuredClone(this.held(input, caller).schedule);
      case "DeleteSchedule": {
        const held = this.held(input, caller);
        this.remove(held);
        return {};
      }
      case "ListSchedules":
        return this.listSchedules(input, caller);
      case "CreateScheduleGroup": {
        const arn = this.createScheduleGroup(caller.account, caller.region, String(input.Name));
        return { ScheduleGroupArn: arn };
      }
      default:
        return unsupported(this.service, api);
    }
  }

  private group(input: ApiInput, caller: Caller): string {
    const name = input.GroupName ?? DEFAULT_GROUP;
    if (typeof name !== "string" || !NAME.test(name)) throw invalid("GroupName", `must match ${NAME.source}`);
    if (name !== DEFAULT_GROUP && !this.groups.has(groupKey(caller.account, caller.region, name))) {
      throw notFound(`Schedule group ${name}`);
    }
    return name;
  }

  private held(input: ApiInput, caller: Caller): Held {
    const name = input.Name;
    if (typeof name !== "string" || !NAME.test(name)) throw invalid("Name", `must match ${NAME.source}`);
    const group = this.group(input, caller);
    const held = this.schedules.get(scheduleArn(caller.account, caller.region, group, name));
    if (!held) throw notFound(`Schedule ${name}`);
    return held;
  }

  private put(input: ApiInput, caller: Caller, how: "create" | "update"): Schedule {
    for (const field of ["KmsKeyArn"]) if (input[field] !== undefined) unsupported(this.service, `${how} ${field}`);
    const name = input.Name;
    if (typeof name !== "string" || !NAME.test(name)) throw invalid("Name", `must match ${NAME.source}`);
    const group = this.group(input, caller);
    const arn = scheduleArn(caller.account, caller.region, group, name);
    const existing = this.schedules.get(arn);
    if (how === "create" && existing) throw new AwsError("ConflictException", `Schedule ${name} already exists.`);
    if (how === "update" && !existing) throw notFound(`Schedule ${name}`);
    const token = input.ClientToken;
    if (token !== undefined && (typeof token !== "string" || !CLIENT_TOKEN.test(token))) {
      throw invalid("ClientToken", `must match ${CLIENT_TOKEN.source}`);
    }
    const expression = parseScheduleExpression(input.ScheduleExpression);
    const now = this.host.clock.now();
    const schedule: Schedule = {
      Arn: arn,
      Name: name,
      GroupName: group,
      ScheduleExpression: String(input.ScheduleExpression),
      ScheduleExpressionTimezone: timezone(input.ScheduleExpressionTimezone),
      State: oneOf(input.State ?? "ENABLED", "State", ["ENABLED", "DISABLED"] as const),
      ...description(input.Description),
      ...dates(input),
      Target: target(input.Target),
      FlexibleTimeWindow: flexibleTimeWindow(input.FlexibleTimeWindow),
      ActionAfterCompletion: oneOf(input.ActionAfterCompletion ?? "NONE", "ActionAfterCompletion", [
        "NONE",
        "DELETE",
      ] as const),
      CreationDate: existing?.schedule.CreationDate ?? new Date(now),
      LastModificationDate: new Date(now),
    };
    if (expression.kind === "at" && expression.at < now - 60_000 && schedule.State === "ENABLED") {
      throw new Error(`the simulator does not know what AWS does with a one-time schedule in the past (${name})`);
    }
    existing?.cancel();
    const held: Held = { schedule, account: caller.account, region: caller.region, expression, cancel: () => {} };
    this.schedules.set(arn, held);
    if (schedule.State === "ENABLED") this.arm(held);
    return schedule;
  }

  private remove(held: Held): void {
    held.cancel();
    if (this.schedules.get(held.schedule.Arn) === held) this.schedules.delete(held.schedule.Arn);
  }

  /** Sets the timers of the schedule's invocations. */
  private arm(held: Held): void {
    const { clock } = this.host;
    const cancels: (() => void)[] = [];
    held.cancel = () => {
      for (const cancel of cancels.splice(0)) cancel();
    };
    const fail = (err: unknown) =>
      this.host.backgroundError(`schedule ${held.schedule.Arn}: ${err instanceof Error ? err.stack : String(err)}`);
    if (held.expression.kind === "at") {
      const reading = this.host.behaviour().scheduleDelivery;
      if (reading === "never") return;
      const at = Math.max(held.expression.at, clock.now()) + (reading === "late" ? LATE_DELIVERY_MS : 0);
      cancels.push(
        clock.later(
          at - clock.now(),
          async () => {
            // The duplicate belongs to this firing: deleting the schedule after it does not take it back.
            if (reading === "twice") clock.later(DUPLICATE_DELIVERY_MS, () => this.invoke(held, false), fail);
            await this.invoke(held, true);
          },
          fail,
        ),
      );
      return;
    }
    const { everyMs } = held.expression;
    const end = held.schedule.EndDate?.getTime() ?? Number.POSITIVE_INFINITY;
    const next = (from: number) => {
      const at = from + everyMs;
      if (at > end) {
        if (held.schedule.ActionAfterCompletion === "DELETE") this.remove(held);
        return;
      }
      cancels.push(
        clock.later(
          at - clock.now(),
          async () => {
            next(at);
            await this.invoke(held, false);
          },
          fail,
          true,
        ),
      );
    };
    next(Math.max(held.schedule.StartDate?.getTime() ?? 0, clock.now()));
  }

  /** One invocation of the schedule's target; a one-time schedule with ActionAfterCompletion DELETE then goes. */
  private async invoke(held: Held, last: boolean): Promise<void> {
    const { schedule } = held;
    const record = await deliver(
      {
        ...this.host,
        now: () => this.host.clock.now(),
        sleep: (ms) => this.host.clock.sleep(ms),
      },
      {
        scheduleArn: schedule.Arn,
        groupArn: groupArn(held.account, held.region, schedule.GroupName),
        account: held.account,
        region: held.region,
        target: schedule.Target,
      },
    );
    this.deliveries.push(record);
    if (last && schedule.ActionAfterCompletion === "DELETE") this.remove(held);
  }

  // ListSchedules: the caller's schedules, narrowed by GroupName, NamePrefix and State, MaxResults 1 to 100.
  private listSchedules(input: ApiInput, caller: Caller): unknown {
    const group = input.GroupName === undefined ? undefined : this.group(input, caller);
    const prefix = input.NamePrefix;
    if (prefix !== undefined && (typeof prefix !== "string" || !NAME.test(prefix))) {
      throw invalid("NamePrefix", `must match ${NAME.source}`);
    }
    const state = input.State === undefined ? undefined : oneOf(input.State, "State", ["ENABLED", "DISABLED"]);
    const schedules = this.list(caller.account, caller.region).filter(
      (s) =>
        (group === undefined || s.GroupName === group) &&
        (prefix === undefined || s.Name.startsWith(String(prefix))) &&
        (state === undefined || s.State === state),
    );
    const { items, next } = page(schedules, input, {
      maxResults: 100,
      invalidToken: () => invalid("NextToken", "is not a token this API issued"),
    });
    return {
      Schedules: items.map((s) => ({
        Arn: s.Arn,
        Name: s.Name,
        GroupName: s.GroupName,
        State: s.State,
        CreationDate: s.CreationDate,
        LastModificationDate: s.LastModificationDate,
        Target: { Arn: s.Target.Arn },
      })),
      ...(next && { NextToken: next }),
    };
  }
}

const groupKey = (account: string, region: string, name: string) => `${account}/${region}/${name}`;
const groupArn = (account: string, region: string, name: string) =>
  `arn:aws:scheduler:${region}:${account}:schedule-group/${name}`;
const scheduleArn = (account: string, region: string, group: string, name: string) =>
  `arn:aws:scheduler:${region}:${account}:schedule/${group}/${name}`;

function oneOf<T extends string>(value: unknown, field: string, values: readonly T[]): T {
  if (!values.includes(value as T)) throw invalid(field, `must be one of ${values.join(", ")}`);
  return value as T;
}

function timezone(value: unknown): string {
  if (value === undefined || value === "UTC") return "UTC";
  if (typeof value !== "string" || value.length < 1 || value.length > 50) {
    throw invalid("ScheduleExpressionTimezone", "1 to 50 characters");
  }
  throw new Error(`the simulator runs schedules in UTC only, not ${value}`);
}

function description(value: unknown): { Description?: string } {
  if (value === undefined) return {};
  if (typeof value !== "string" || value.length > 512) throw invalid("Description", "at most 512 characters");
  return { Description: value };
}

function dates(input: ApiInput): { StartDate?: Date; EndDate?: Date } {
  const read = (field: string) => {
    const value = input[field];
    if (value === undefined) return undefined;
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw invalid(field, "must be a timestamp");
    return date;
  };
  const [start, end] = [read("StartDate"), read("EndDate")];
  return { ...(start && { StartDate: start }), ...(end && { EndDate: end }) };
}

function flexibleTimeWindow(value: unknown): { Mode: "OFF" } {
  const window = value as { Mode?: unknown; MaximumWindowInMinutes?: unknown } | undefined;
  if (typeof window !== "object" || window === null) throw invalid("FlexibleTimeWindow", "is required");
  const mode = oneOf(window.Mode, "FlexibleTimeWindow.Mode", ["OFF", "FLEXIBLE"] as const);
  if (mode === "FLEXIBLE") throw new Error("the simulator runs FlexibleTimeWindow OFF only");
  return { Mode: mode };
}

function target(value: unknown): ScheduleTarget {
  const t = value as Partial<Record<keyof ScheduleTarget, unknown>> | undefined;
  if (typeof t !== "object" || t === null) throw invalid("Target", "is required");
  if (typeof t.Arn !== "string" || t.Arn.length < 1 || t.Arn.length > 1600) {
    throw invalid("Target.Arn", "is required, 1 to 1600 characters");
  }
  if (typeof t.RoleArn !== "string" || t.RoleArn.length > 1600 || !ROLE_ARN.test(t.RoleArn)) {
    throw invalid("Target.RoleArn", `is required and must match ${ROLE_ARN.source}`);
  }
  if (t.Input !== undefined && (typeof t.Input !== "string" || t.Input.length < 1)) {
    throw invalid("Target.Input", "at least 1 character");
  }
  const retry = (t.RetryPolicy ?? {}) as { MaximumEventAgeInSeconds?: unknown; MaximumRetryAttempts?: unknown };
  inRange(retry.MaximumEventAgeInSeconds, "Target.RetryPolicy.MaximumEventAgeInSeconds", 60, 86_400);
  inRange(retry.MaximumRetryAttempts, "Target.RetryPolicy.MaximumRetryAttempts", 0, 185);
  const dlq = t.DeadLetterConfig as { Arn?: unknown } | undefined;
  if (dlq?.Arn !== undefined && (typeof dlq.Arn !== "string" || !QUEUE_ARN.test(dlq.Arn))) {
    throw invalid("Target.DeadLetterConfig.Arn", `must match ${QUEUE_ARN.source}`);
  }
  const universal = UNIVERSAL_TARGET.exec(t.Arn);
  if (universal) {
    const action = universal[2];
    if (UNSUPPORTED_ACTION_PREFIXES.some((p) => action.startsWith(p))) {
      throw invalid("Target.Arn", `${action} is a read-only action, which universal targets do not support`);
    }
    // "Input – A well-formed JSON you specify with the request parameters" (Using universal targets).
    try {
      JSON.parse(String(t.Input ?? "{}"));
    } catch {
      throw invalid("Target.Input", "must be well-formed JSON for a universal target");
    }
  }
  const copy = structuredClone(t) as ScheduleTarget;
  targetCall(copy); // a target the simulator cannot deliver to is its error now, not at the schedule's time
  return copy;
}

function inRange(value: unknown, field: string, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, `must be a whole number from ${min} to ${max}`);
  }
}
