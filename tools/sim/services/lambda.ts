/**
 * AWS Lambda's Invoke (`lambda`) for functions whose handlers are TypeScript functions running on the virtual clock:
 * synchronous, asynchronous (with Lambda's retries) and dry-run invocations, each recorded.
 */
import { type ApiInput, AwsError, type Caller, errors, type ServiceFake, unsupported } from "../aws";
import type { VirtualClock } from "../clock";

export type Handler = (event: unknown) => Promise<unknown>;
export type InvocationType = "RequestResponse" | "Event" | "DryRun";

export interface FunctionSetup {
  account: string;
  region: string;
  name: string;
  handler: Handler;
  /** The function's timeout; Lambda's default is 3 seconds (CreateFunction, Timeout). */
  timeoutSeconds?: number;
  /** Retries of a failed asynchronous invocation; Lambda's default is 2 (PutFunctionEventInvokeConfig). */
  maximumRetryAttempts?: number;
  /**
   * The function's dead-letter queue (CreateFunction, DeadLetterConfig): where an asynchronous event that failed every
   * attempt goes, sent as the function's role would send it. Absent, such an event is dropped.
   */
  deadLetter?: DeadLetterSender;
}

/**
 * Sends a failed event to the function's dead-letter queue: its body is the event, its attributes RequestID,
 * ErrorCode and ErrorMessage (Lambda Developer Guide, "Dead-letter queues" under asynchronous invocation).
 */
export type DeadLetterSender = (event: unknown, attributes: Record<string, string>) => Promise<void>;

/** An asynchronous event that failed every attempt and reached no dead-letter queue. */
export interface DroppedEvent {
  functionArn: string;
  event: unknown;
  error: ErrorPayload;
  /** Why the dead-letter queue did not take it, if the function has one. */
  deadLetterError?: string;
}

export interface Invocation {
  /** Virtual time (ms) the handler started and finished. */
  at: number;
  finishedAt: number;
  functionArn: string;
  invocationType: InvocationType;
  /** 1 for the first run of an event, 2 and 3 for Lambda's retries of an asynchronous one. */
  attempt: number;
  event: unknown;
  result?: unknown;
  error?: ErrorPayload;
}

/** What the Node.js runtime returns as the payload of a failed invocation. */
export interface ErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

interface LambdaFunction extends Required<Omit<FunctionSetup, "deadLetter">> {
  arn: string;
  deadLetter?: DeadLetterSender;
}

// The FunctionName pattern of the Lambda API reference (API_Invoke), with its parts captured.
const FUNCTION_NAME =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?(-iso([a-z])?)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?$/;
/** Synchronous payloads are limited to 6 MB (Lambda quotas, "Invocation payload"). */
const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
/** Lambda waits one minute before the first retry of a failed asynchronous invocation and two before the second. */
const RETRY_DELAYS_MS = [60_000, 120_000];

export class LambdaFake implements ServiceFake {
  readonly service = "lambda";
  readonly invocations: Invocation[] = [];
  readonly dropped: DroppedEvent[] = [];
  private readonly functions = new Map<string, LambdaFunction>();

  constructor(private readonly clock: VirtualClock) {}

  createFunction(setup: FunctionSetup): string {
    const arn = `arn:aws:lambda:${setup.region}:${setup.account}:function:${setup.name}`;
    if (this.functions.has(arn)) throw new Error(`function ${arn} exists`);
    this.functions.set(arn, { timeoutSeconds: 3, maximumRetryAttempts: 2, ...setup, arn });
    return arn;
  }

  /**
   * UpdateFunctionConfiguration and UpdateFunctionCode of a deployment: invocations from then on run the new code and
   * environment; one already running finishes as it started.
   */
  updateFunction(setup: FunctionSetup): string {
    const arn = `arn:aws:lambda:${setup.region}:${setup.account}:function:${setup.name}`;
    const current = this.functions.get(arn);
    if (!current) throw new Error(`function ${arn} does not exist`);
    this.functions.set(arn, { ...current, ...setup, arn });
    return arn;
  }

  async call(api: string, input: ApiInput, caller: Caller): Promise<unknown> {
    if (api !== "Invoke") return unsupported(this.service, api);
    const fn = this.resolve(input, caller);
    const type = input.InvocationType ?? "RequestResponse";
    if (type !== "RequestResponse" && type !== "Event" && type !== "DryRun") {
      throw errors.validation("InvocationType", "must be RequestResponse, Event or DryRun");
    }
    if (input.LogType !== undefined && input.LogType !== "None") {
      throw new Error("the simulator's lambda fake does not return function logs (LogType Tail)");
    }
    const event = parsePayload(input.Payload);
    // Only RequestResponse answers with the function's response (Lambda API reference, Invoke: 202 for Event, 204
    // for DryRun, and the payload is "the response from the function").
    if (type === "DryRun") return { StatusCode: 204 };
    if (type === "Event") {
      this.schedule(0, fn, event, 1);
      return { StatusCode: 202 };
    }
    const record = await this.run(fn, "RequestResponse", event, 1);
    return {
      StatusCode: 200,
      ...(record.error && { FunctionError: "Unhandled" }),
      Payload: JSON.stringify(record.error ?? record.result ?? null),
      ExecutedVersion: "$LATEST",
    };
  }

  /** Lambda retries a failed asynchronous invocation after 1 and then 2 minutes (Lambda Developer Guide). */
  private async runAsync(fn: LambdaFunction, event: unknown, attempt: number): Promise<void> {
    const record = await this.run(fn, "Event", event, attempt);
    if (!record.error) return;
    if (attempt <= Math.min(fn.maximumRetryAttempts, RETRY_DELAYS_MS.length)) {
      this.schedule(RETRY_DELAYS_MS[attempt - 1], fn, event, attempt + 1);
      return;
    }
    const dropped: DroppedEvent = { functionArn: fn.arn, event, error: record.error };
    if (!fn.deadLetter) {
      this.dropped.push(dropped);
      return;
    }
    const attributes = {
      RequestID: `${fn.arn}/${record.at}/${attempt}`,
      ErrorCode: "200",
      ErrorMessage: record.error.errorMessage.slice(0, 1000),
    };
    await fn.deadLetter(event, attributes).catch((err: unknown) => {
      this.dropped.push({ ...dropped, deadLetterError: String(err) });
    });
  }

  /** run() records the handler's own errors, so a rejection here is a bug in the fake: let it surface. */
  private schedule(ms: number, fn: LambdaFunction, event: unknown, attempt: number): void {
    this.clock.later(
      ms,
      () => this.runAsync(fn, event, attempt),
      (err) => {
        throw err;
      },
    );
  }

  private async run(fn: LambdaFunction, type: InvocationType, event: unknown, attempt: number): Promise<Invocation> {
    const at = this.clock.now();
    const timer = new AbortController();
    const timeout = this.clock.sleep(fn.timeoutSeconds * 1000, timer.signal).then((): never => {
      throw new TimeoutError(fn.timeoutSeconds);
    });
    const record: Invocation = { at, finishedAt: at, functionArn: fn.arn, invocationType: type, attempt, event };
    try {
      record.result = await Promise.race([Promise.resolve().then(() => fn.handler(structuredClone(event))), timeout]);
    } catch (err) {
      record.error = errorPayload(err);
    } finally {
      timer.abort("the handler finished");
    }
    record.finishedAt = this.clock.now();
    this.invocations.push(record);
    return record;
  }

  private resolve(input: ApiInput, caller: Caller): LambdaFunction {
    const reference = input.FunctionName;
    const parts = typeof reference === "string" && reference.length <= 170 ? FUNCTION_NAME.exec(reference) : null;
    if (!parts) throw errors.validation("FunctionName", `must match ${FUNCTION_NAME.source}`);
    const region = parts[3]?.slice(0, -1) ?? caller.region;
    const account = parts[7]?.slice(0, -1) ?? caller.account;
    const qualifier = parts[11] ?? input.Qualifier;
    if (account !== caller.account) {
      throw errors.accessDenied(
        `${caller.roleArn} cannot invoke ${reference}: cross-account invocation is not simulated`,
      );
    }
    const arn = `arn:aws:lambda:${region}:${account}:function:${parts[9]}`;
    const fn = region === caller.region ? this.functions.get(arn) : undefined;
    if (!fn || (qualifier !== undefined && qualifier !== "$LATEST")) {
      throw new AwsError("ResourceNotFoundException", `Function not found: ${arn}${qualifier ? `:${qualifier}` : ""}`);
    }
    return fn;
  }
}

class TimeoutError extends Error {
  constructor(seconds: number) {
    super(`Task timed out after ${seconds.toFixed(2)} seconds`);
    this.name = "Sandbox.Timedout";
  }
}

/** The event a JSON payload carries; no payload is an empty object, as the Node.js runtime passes it. */
function parsePayload(payload: unknown): unknown {
  if (payload === undefined) return {};
  const text = payload instanceof Uint8Array ? Buffer.from(payload).toString("utf8") : payload;
  if (typeof text !== "string") throw errors.validation("Payload", "must be a JSON document as text or bytes");
  if (Buffer.byteLength(text) > MAX_SYNC_PAYLOAD) {
    throw new AwsError(
      "RequestTooLargeException",
      "Request must be smaller than 6291456 bytes for the Invoke operation",
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AwsError("InvalidRequestContentException", "Could not parse request body into json");
  }
}

function errorPayload(err: unknown): ErrorPayload {
  if (err instanceof Error) {
    return { errorType: err.name, errorMessage: err.message, trace: err.stack?.split("\n") ?? [] };
  }
  return { errorType: typeof err, errorMessage: String(err) };
}
