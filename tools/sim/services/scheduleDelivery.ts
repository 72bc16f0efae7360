/**
 * How EventBridge Scheduler invokes a schedule's target, in the simulated world.
 *
 * - The target is called as a session of the schedule's execution role, which must trust `scheduler.amazonaws.com`
 *   ("Set up the execution role", Scheduler User Guide: the trust policy names the service principal, and may narrow
 *   it with aws:SourceAccount and aws:SourceArn, the schedule group's ARN) and allow the target's action (decided, as
 *   for every caller, by tests/tools/sim/permissions.test.ts).
 * - Templated targets: a Lambda function's ARN is invoked asynchronously with the schedule's Input as the payload
 *   ("Using templated targets in EventBridge Scheduler"); a queue's ARN gets the Input as a message. The universal
 *   target `arn:aws:scheduler:::aws-sdk:<service>:<apiAction>` calls the API with the Input's JSON as its request
 *   ("Using universal targets in EventBridge Scheduler").
 * - A failed invocation is retried "with exponential backoff ... until either the maximum number of attempts is made
 *   or until the duration of the MaximumEventAgeInSeconds is reached" (API_RetryPolicy; by default 185 retries and 24
 *   hours, "Configuring a retry policy"); then the dead-letter event goes to the DeadLetterConfig queue, sent with the
 *   execution role ("Configuring a schedule's dead-letter queue": the role needs sqs:SendMessage). AWS documents the
 *   backoff but not its delays: the simulator doubles from 1 s (or a minute: variant deliveryRetryBackoff) up to 8
 *   minutes, as its EventBridge fake does.
 */
import { type ApiInput, AwsError, type Caller } from "../aws";
import { serviceSession } from "../identities";
import type { AwsBehaviour } from "../variants";
import { RETRY_MAX_DELAY_MS, retryBaseMs } from "./eventBridge";

/** A schedule's target, as CreateSchedule takes it (the parts the simulator acts on). */
export interface ScheduleTarget {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number };
  DeadLetterConfig?: { Arn?: string };
}

/** One invocation to make: which schedule, its target, and where it is. */
export interface Invocation {
  scheduleArn: string;
  groupArn: string;
  account: string;
  region: string;
  target: ScheduleTarget;
}

export interface DeliveryHost {
  now(): number;
  sleep(ms: number): Promise<void>;
  callAws(service: string, api: string, input: ApiInput, caller: Caller): Promise<unknown>;
  /** The role's trust policy (JSON), if the role exists. */
  trustPolicyOf(roleArn: string): string | undefined;
  /** The URL of the queue with this ARN, if it exists. */
  queueUrlOf(queueArn: string): string | undefined;
  behaviour(): AwsBehaviour;
}

/** What became of one invocation. */
export interface DeliveryRecord {
  scheduleArn: string;
  at: number;
  attempts: number;
  outcome: "delivered" | "dead-lettered" | "dropped";
  error?: string;
}

const DEFAULT_MAX_RETRIES = 185;
const DEFAULT_MAX_AGE_SECONDS = 86_400;

/** The universal target's ARN: `arn:aws:scheduler:::aws-sdk:<service>:<apiAction>`. */
export const UNIVERSAL_TARGET = /^arn:aws:scheduler:::aws-sdk:([a-z0-9]+):([a-z][A-Za-z0-9]*)$/;
/**
 * "EventBridge Scheduler does not support read-only API actions, such as common GET operations, that begin with the
 * following list of prefixes" (Using universal targets, Unsupported actions).
 */
export const UNSUPPORTED_ACTION_PREFIXES = [
  "get",
  "describe",
  "list",
  "poll",
  "receive",
  "search",
  "scan",
  "query",
  "select",
  "read",
  "lookup",
  "discover",
  "validate",
  "batchGet",
  "batchDescribe",
  "batchRead",
  "transactGet",
  "adminGet",
  "adminList",
  "testMigration",
  "retrieve",
  "testConnection",
  "translateDocument",
  "isAuthorized",
  "invokeModel",
];
/** The universal target's service identifier (the SDK's) -> the service name the world's fakes answer to. */
const WORLD_SERVICES: Record<string, string> = {
  ssm: "ssm",
  sqs: "sqs",
  sns: "sns",
  lambda: "lambda",
  dynamodb: "dynamodb",
  ssoadmin: "sso-admin",
  eventbridge: "events",
};

/** The API call an invocation makes: service, API (PascalCase) and request. */
export function targetCall(target: ScheduleTarget): { service: string; api: string; input: ApiInput } {
  const universal = UNIVERSAL_TARGET.exec(target.Arn);
  if (universal) {
    const service = WORLD_SERVICES[universal[1]];
    if (!service) throw new Error(`the simulator has no fake for the universal target's service ${universal[1]}`);
    const api = universal[2][0].toUpperCase() + universal[2].slice(1);
    return { service, api, input: (target.Input === undefined ? {} : JSON.parse(target.Input)) as ApiInput };
  }
  const [, , service] = target.Arn.split(":");
  if (service === "lambda") {
    return {
      service,
      api: "Invoke",
      input: { FunctionName: target.Arn, InvocationType: "Event", Payload: target.Input ?? "{}" },
    };
  }
  if (service === "sqs")
    return { service, api: "SendMessage", input: { QueueArn: target.Arn, MessageBody: target.Input } };
  throw new Error(`the simulator does not deliver to the templated target ${target.Arn}`);
}

/** Makes one invocation: attempts with retries, then the dead-letter queue. */
export async function deliver(host: DeliveryHost, invocation: Invocation): Promise<DeliveryRecord> {
  const { target } = invocation;
  const start = host.now();
  const maxRetries = target.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_MAX_RETRIES;
  const maxAgeMs = (target.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_SECONDS) * 1000;
  const caller = serviceSession(target.RoleArn, "EventBridgeScheduler", invocation.region);
  let delay = retryBaseMs(host.behaviour().deliveryRetryBackoff);
  let attempts = 0;
  let error: AwsError | undefined;
  let exhausted = "MaximumRetryAttempts";
  for (;;) {
    attempts++;
    try {
      await attempt(host, invocation, caller);
      return { scheduleArn: invocation.scheduleArn, at: start, attempts, outcome: "delivered" };
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      error = err;
    }
    if (attempts > maxRetries) break;
    if (host.now() + delay - start > maxAgeMs) {
      exhausted = "MaximumEventAgeInSeconds";
      break;
    }
    await host.sleep(delay);
    delay = Math.min(RETRY_MAX_DELAY_MS, delay * 2);
  }
  return deadLetter(host, invocation, caller, { attempts, error, exhausted, start });
}

async function attempt(host: DeliveryHost, invocation: Invocation, caller: Caller): Promise<void> {
  assumable(host, invocation);
  const call = targetCall(invocation.target);
  if (call.service === "sqs" && typeof call.input.QueueArn === "string") {
    const url = host.queueUrlOf(call.input.QueueArn);
    if (!url) throw new AwsError("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.");
    const { QueueArn, ...rest } = call.input;
    call.input = { ...rest, QueueUrl: url };
  }
  await host.callAws(call.service, call.api, call.input, caller);
}

/** Refuses the invocation as AWS would if the execution role does not trust EventBridge Scheduler. */
function assumable(host: DeliveryHost, invocation: Invocation): void {
  const trust = host.trustPolicyOf(invocation.target.RoleArn);
  const denied = new AwsError(
    "AccessDeniedException",
    `EventBridge Scheduler cannot assume ${invocation.target.RoleArn}: its trust policy does not allow scheduler.amazonaws.com`,
  );
  if (trust === undefined) throw denied;
  const statements = [(JSON.parse(trust) as { Statement: unknown }).Statement].flat() as TrustStatement[];
  const keys: Record<string, string> = {
    "aws:SourceAccount": invocation.account,
    "aws:SourceArn": invocation.groupArn,
  };
  const applies = (s: TrustStatement) =>
    [s.Principal?.Service].flat().includes("scheduler.amazonaws.com") &&
    [s.Action].flat().some((a) => a === "sts:AssumeRole" || a === "sts:*" || a === "*") &&
    conditionsHold(s.Condition, keys);
  if (statements.some((s) => s.Effect === "Deny" && applies(s))) throw denied;
  if (!statements.some((s) => s.Effect === "Allow" && applies(s))) throw denied;
}

interface TrustStatement {
  Effect?: string;
  Principal?: { Service?: string | string[] };
  Action?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** StringEquals, StringLike, ArnEquals and ArnLike on aws:SourceAccount and aws:SourceArn; anything else is an error. */
function conditionsHold(condition: TrustStatement["Condition"], keys: Record<string, string>): boolean {
  return Object.entries(condition ?? {}).every(([operator, tests]) =>
    Object.entries(tests).every(([key, expected]) => {
      const value = keys[key];
      if (value === undefined)
        throw new Error(`the simulator does not know the condition key ${key} in a trust policy`);
      const values = [expected].flat();
      if (operator === "StringEquals" || operator === "ArnEquals") return values.includes(value);
      if (operator === "StringLike" || operator === "ArnLike") return values.some((v) => wildcard(v).test(value));
      throw new Error(`the simulator does not evaluate ${operator} in a trust policy`);
    }),
  );
}

const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );

async function deadLetter(
  host: DeliveryHost,
  invocation: Invocation,
  caller: Caller,
  failure: { attempts: number; error?: AwsError; exhausted: string; start: number },
): Promise<DeliveryRecord> {
  const record = {
    scheduleArn: invocation.scheduleArn,
    at: failure.start,
    attempts: failure.attempts,
    error: failure.error?.message,
  };
  const queueArn = invocation.target.DeadLetterConfig?.Arn;
  const url = queueArn && host.queueUrlOf(queueArn);
  if (!url) return { ...record, outcome: "dropped" };
  const attribute = (value: string) => ({ DataType: "String", StringValue: value });
  try {
    await host.callAws(
      "sqs",
      "SendMessage",
      {
        QueueUrl: url,
        MessageBody: invocation.target.Input ?? "{}",
        MessageAttributes: {
          ERROR_CODE: attribute(failure.error?.code ?? "Unknown"),
          ERROR_MESSAGE: attribute(failure.error?.message ?? "Unknown"),
          EXHAUSTED_RETRY_CONDITION: attribute(failure.exhausted),
          RETRY_ATTEMPTS: attribute(String(failure.attempts - 1)),
          TARGET_ARN: attribute(invocation.target.Arn),
          SCHEDULE_ARN: attribute(invocation.scheduleArn),
        },
      },
      caller,
    );
  } catch (err) {
    if (!(err instanceof AwsError)) throw err;
    return { ...record, outcome: "dropped", error: `${record.error}; the dead-letter queue refused: ${err.message}` };
  }
  return { ...record, outcome: "dead-lettered" };
}
