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

export interface Fault {
  document: string;
  step: string;
  kind: FaultKind;
}

export const describeFault = (f: Fault) => `${f.kind} at ${f.step}`;

export class FaultInjector {
  /** The faults that took effect, in order. */
  readonly fired: Fault[] = [];
  private readonly throttled = new Set<Fault>();
  private readonly cancelledAfterCall = new Set<Fault>();

  private readonly failedOperations = new Set<Fault>();
  private readonly throttledEntries = new Set<Fault>();

  constructor(
    private readonly faults: readonly Fault[],
    private readonly cancel: (executionId: string) => void,
    /** Makes the next Identity Center operation the API starts end FAILED. */
    private readonly failOperation: (api: string) => void,
  ) {}

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
