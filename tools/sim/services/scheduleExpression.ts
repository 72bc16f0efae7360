/**
 * EventBridge Scheduler's schedule expressions, as "Schedule types in EventBridge Scheduler" (Scheduler User Guide)
 * gives them: one-time `at(yyyy-mm-ddThh:mm:ss)`, and rate-based `rate(value unit)` with a positive whole value and a
 * unit of minute(s), hour(s) or day(s). Cron-based expressions are valid in AWS but not simulated: the solution uses
 * none, so one is the simulator's error, never a silent schedule. The API model limits the expression to 1 to 256
 * characters (scheduler-2021-06-30, ScheduleExpression).
 */
import { AwsError } from "../aws";

export type ScheduleExpression =
  /** A one-time schedule: epoch milliseconds, in UTC. */
  | { kind: "at"; at: number }
  /** A recurring schedule: its interval in milliseconds. */
  | { kind: "rate"; everyMs: number };

// Anchored at both ends; `\d` and the literal characters read the same under Java's regex semantics.
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const RATE = /^rate\(([1-9]\d*) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

const invalid = (rule: string) => new AwsError("ValidationException", `ScheduleExpression: ${rule}`);

/** Reads ScheduleExpression, or fails as the API's validation does, naming the field and the rule. */
export function parseScheduleExpression(expression: unknown): ScheduleExpression {
  if (typeof expression !== "string" || expression.length < 1 || expression.length > 256) {
    throw invalid("is required, 1 to 256 characters");
  }
  const at = AT.exec(expression);
  if (at) {
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number);
    const time = Date.UTC(year, month - 1, day, hour, minute, second);
    const date = new Date(time);
    // Date.UTC rolls 2026-02-30 over into March: a date that does not exist is refused.
    if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
      throw invalid(`${expression} is not a date and time`);
    }
    return { kind: "at", at: time };
  }
  const rate = RATE.exec(expression);
  if (rate) return { kind: "rate", everyMs: Number(rate[1]) * UNIT_MS[rate[2].replace(/s$/, "")] };
  if (/^cron\(.*\)$/.test(expression)) {
    throw new Error(`the simulator does not run cron-based schedules (${expression})`);
  }
  throw invalid(`${expression} is not at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(...)`);
}
