/**
 * Faults aimed at one step of one document: an API call that is throttled once and then succeeds, one that fails
 * every attempt, and a cancellation as the step starts or right after its call returned. Each fault fires at most
 * as described and records that it did, so a sweep can tell a fault that never fired from one that was survived.
 */
import type { CallSite } from "./automation/engine";
import type { Execution } from "./automation/execution";
import { AwsError } from "./aws";

export type FaultKind =
  /** The step's first call is throttled once; the next attempt succeeds. */
  | "throttle"
  /** Every call of the step fails with a non-retryable error. */
  | "error"
  /** The execution is cancelled as the step starts. */
  | "cancel"
  /** The execution is cancelled once the step's first call has returned (the call took effect). */
  | "cancel-after-call"
  /** The Identity Center operation the step's first call starts ends FAILED. */
  | "operation-failed"
  /** PutEvents answers, but with the step's first entry throttled: EventBridge reports that per entry, not as an error. */
  | "entry-throttled";

/** What every call site gets in a sweep. */
export const CALL_FAULTS: readonly FaultKind[] = ["throttle", "error", "cancel-after-call"];

/** A fault aimed at one step of one Automation document. */
export interface StepFault {
  document: string;
  step: string;
  kind: FaultKind;
}

export type FunctionFaultKind =
  /** The function's Nth call of the API is throttled once (ThrottlingException); its SDK client retries. */
  | "call-throttle"
  /** The function's Nth call of the API fails with an error no client retries (AccessDeniedException). */
  | "call-error"
  /** The function's Nth call of the API, a conditional write, fails its condition (ConditionalCheckFailedException). */
  | "call-conflict";

export const FUNCTION_FAULTS: readonly FunctionFaultKind[] = ["call-throttle", "call-error", "call-conflict"];

/** A fault aimed at a Lambda function's own AWS calls: the `nth` (from 1) call of `api` the function makes. */
export interface FunctionFault {
  function: string;
  service: string;
  api: string;
  nth: number;
  kind: FunctionFaultKind;
}

export type Fault = StepFault | FunctionFault;

export const isStepFault = (f: Fault): f is StepFault => "step" in f;

export const describeFault = (f: Fault) =>
  isStepFault(f) ? `${f.kind} at ${f.step}` : `${f.kind} at ${f.function} ${f.service}:${f.api} #${f.nth}`;

/** The error a function fault answers its call with. */
function functionFaultError(kind: FunctionFaultKind, api: string): AwsError {
  switch (kind) {
    case "call-throttle":
      return new AwsError("ThrottlingException", "Rate exceeded (injected)", true);
    case "call-error":
      return new AwsError("AccessDeniedException", `not authorized to perform ${api} (injected)`);
    case "call-conflict":
      return new AwsError("ConditionalCheckFailedException", "The conditional request failed (injected)");
  }
}

export class FaultInjector {
  /** The faults that took effect, in order. */
  readonly fired: Fault[] = [];
  private readonly throttled = new Set<Fault>();
  private readonly cancelledAfterCall = new Set<Fault>();

  private readonly failedOperations = new Set<Fault>();
  private readonly throttledEntries = new Set<Fault>();

  private readonly faults: readonly StepFault[];
  private readonly functionFaults: readonly FunctionFault[];
  /** Calls each function has made of each API: `function service:api` -> count. */
  private readonly functionCalls = new Map<string, number>();

  constructor(
    faults: readonly Fault[],
    private readonly cancel: (executionId: string) => void,
    /** Makes the next Identity Center operation the API starts end FAILED. */
    private readonly failOperation: (api: string) => void,
  ) {
    this.faults = faults.filter(isStepFault);
    this.functionFaults = faults.filter((f): f is FunctionFault => !isStepFault(f));
  }

  /**
   * Before a call a Lambda function's code makes (as its role session, named after the function): the error to fail
   * it with, if a fault is aimed at this call. A conflict is aimed only at a conditional write.
   */
  beforeFunctionCall(functionName: string, service: string, api: string, input: Record<string, unknown>) {
    if (this.functionFaults.length === 0) return undefined;
    const key = `${functionName} ${service}:${api}`;
    const nth = (this.functionCalls.get(key) ?? 0) + 1;
    this.functionCalls.set(key, nth);
    const fault = this.functionFaults.find(
      (f) => f.function === functionName && f.service === service && f.api === api && f.nth === nth,
    );
    if (!fault) return undefined;
    if (fault.kind === "call-conflict" && input.ConditionExpression === undefined) return undefined;
    this.fired.push(fault);
    return functionFaultError(fault.kind, api);
  }

  private matching(document: string, step: string, kind: FaultKind): Fault | undefined {
    return this.faults.find((f) => f.document === document && f.step === step && f.kind === kind);
  }

  /** Before a call: the error to fail it with, if a fault says so. */
  beforeCall(site: CallSite, api: string): AwsError | undefined {
    const failed = this.matching(site.document, site.step, "operation-failed");
    if (failed && !this.failedOperations.has(failed)) {
      this.failedOperations.add(failed);
      this.failOperation(api);
      this.fired.push(failed);
    }
    const throttle = this.matching(site.document, site.step, "throttle");
    if (throttle && !this.throttled.has(throttle)) {
      this.throttled.add(throttle);
      this.fired.push(throttle);
      return new AwsError("ThrottlingException", "Rate exceeded (injected)", true);
    }
    const error = this.matching(site.document, site.step, "error");
    if (error) {
      this.fired.push(error);
      return new AwsError("InternalFailure", "the service failed (injected)");
    }
    return undefined;
  }

  /** Instead of a call: the answer it gets, if a fault says it is answered without taking effect. */
  answerInstead(site: CallSite, api: string, input: Record<string, unknown>): unknown {
    const fault = this.matching(site.document, site.step, "entry-throttled");
    if (!fault || api !== "PutEvents" || this.throttledEntries.has(fault)) return undefined;
    this.throttledEntries.add(fault);
    this.fired.push(fault);
    const entries = (input.Entries as unknown[]).map(() => ({
      ErrorCode: "ThrottlingException",
      ErrorMessage: "Rate exceeded (injected)",
    }));
    return { FailedEntryCount: entries.length, Entries: entries };
  }

  /** After a call returned. */
  afterCall(site: CallSite): void {
    const fault = this.matching(site.document, site.step, "cancel-after-call");
    if (fault && !this.cancelledAfterCall.has(fault)) {
      this.cancelledAfterCall.add(fault);
      this.fire(fault, site.executionId);
    }
  }

  stepStarting(x: Execution, step: string): void {
    const fault = this.matching(x.document.name, step, "cancel");
    if (fault && !this.fired.includes(fault)) this.fire(fault, x.id);
  }

  private fire(fault: Fault, executionId: string): void {
    try {
      this.cancel(executionId);
      this.fired.push(fault);
    } catch (err) {
      // Already ending or cancelling: the fault did not take effect, and the sweep reports it as not fired.
      if (!(err instanceof AwsError)) throw err;
    }
  }
}

/**
 * The `first-call-throttled` reading of the world's `throttling` dimension (./variants.ts): the first call of each
 * service API by each of the solution's roles is answered with a ThrottlingException; every later one goes through.
 * Callers retry as they do in AWS: Automation steps per `maxAttempts` (and the account's throttling retry time
 * limit), Lambda functions through their SDK clients' standard retry, EventBridge per its retry policy. People's
 * consoles and CLIs retry too, which the scenarios do not play, so only the solution's roles are throttled.
 */
export class FirstCallThrottle {
  private readonly seen = new Set<string>();

  constructor(
    private readonly enabled: () => boolean,
    /** Whether the caller's role is one of the solution's (the plan's). */
    private readonly throttles: (roleArn: string) => boolean,
  ) {}

  /** The error to answer the call with, if it is the caller's first of this API. */
  beforeCall(roleArn: string, service: string, api: string): AwsError | undefined {
    if (!this.enabled() || !this.throttles(roleArn)) return undefined;
    const key = `${roleArn} ${service}:${api}`;
    if (this.seen.has(key)) return undefined;
    this.seen.add(key);
    return new AwsError("ThrottlingException", "Rate exceeded", true);
  }
}
