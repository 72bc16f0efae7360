/**
 * Runs Automation executions the way the Automation service does for the features our documents use: step order
 * with `nextStep` / `isEnd`, `onFailure` (Abort, Continue, step:X), `onCancel` with its two-minute cancellation
 * workflow, `isCritical`, `maxAttempts`, `timeoutSeconds`, and the final status. What each action does is in
 * ./actions.ts. Each execution is one async coroutine on the virtual clock, so cancellation, timeouts and signals
 * interleave as they would in AWS.
 */
import { NOT_CANCEL_TARGETS } from "../../../shared/ssm/check/structure";
import { type ApiInput, AwsError, type Caller, sessionArn } from "../aws";
import { Interrupted, type VirtualClock } from "../clock";
import type { Ids } from "../ids";
import { PACES } from "../pace";
import type { Timeline } from "../timeline";
import type { AwsBehaviour } from "../variants";
import { runAction, type StepContext } from "./actions";
import { isCritical, type SsmDocumentRecord, type StepDefinition } from "./document";
import { type Execution, type ExecutionStatus, type StepExecution, TERMINAL } from "./execution";
import { resolveParameters } from "./values";

/** How long Automation lets a cancellation workflow (the steps an `onCancel` leads to) run. */
export const CANCELLATION_BUDGET_MS = 120_000;
/**
 * Automation's scheduling of a step, in virtual time: cancellations and faults land in this gap. This is the quick
 * pace's figure; the world's `pace` reading chooses (../pace.ts).
 */
export const STEP_OVERHEAD_MS = PACES.quick.stepSchedulingMs;
/**
 * How long Automation waits before retrying a throttled step within the account's throttling retry time limit
 * (service setting /ssm/automation/throttling-retry-time-limit, 0 to 3,600 s: "Configuring automatic retry for
 * throttled operations" in the Systems Manager user guide, which gives no schedule): doubling from this, at most
 * THROTTLING_RETRY_MAX_DELAY_MS.
 */
export const THROTTLING_RETRY_BASE_DELAY_MS = 1_000;
export const THROTTLING_RETRY_MAX_DELAY_MS = 30_000;
/** aws:approve's and the waits' default timeouts (Automation action reference). */
export const DEFAULT_TIMEOUT_MS: Record<string, number> = {
  "aws:approve": 7 * 24 * 3600_000,
  "aws:waitForAwsResourceProperty": 3600_000,
  // "Each aws:invokeLambdaFunction action can run up to a maximum duration of 300 seconds" (automation-action-lamb).
  "aws:invokeLambdaFunction": 300_000,
};
/** Longest an action may run whatever its timeoutSeconds says: timeoutSeconds can only limit it (automation-action-lamb). */
export const MAX_TIMEOUT_MS: Record<string, number> = { "aws:invokeLambdaFunction": 300_000 };
/** How an execution's failure message starts when the engine itself failed (an unsupported action, a bug). */
export const SIMULATOR_ERROR = "simulator error";

/**
 * The Automation quotas of an account and Region: "Each AWS account can run 100 automations simultaneously. This
 * includes child automations (automations that are started by another automation), and rate control automations. If
 * you attempt to run more automations than this, Systems Manager adds the additional automations to a queue and
 * displays a status of Pending"; "Each AWS account can queue 1,000 automations. When an automation is complete (or
 * reaches a terminal state), the first automation in the queue is started" (Systems Manager User Guide, AWS Systems
 * Manager Automation, "Automation quota" and "Automation queue quota"; "Allowing Automation to adapt to your
 * concurrency needs": 100 by default). Beyond the queue, StartAutomationExecution fails with
 * AutomationExecutionLimitExceededException, "The number of simultaneously running Automation executions exceeded the
 * allowable limit" (API_StartAutomationExecution, Errors).
 */
export interface AutomationQuota {
  /** Executions running at once per account and Region. */
  concurrent: number;
  /** Executions waiting (Pending) for a slot per account and Region. */
  queued: number;
}

export const DEFAULT_AUTOMATION_QUOTA: AutomationQuota = { concurrent: 100, queued: 1_000 };

/** A call an execution makes, so faults can be aimed at it. */
export interface CallSite {
  executionId: string;
  document: string;
  step: string;
  attempt: number;
}

/** What the engine needs from the world it runs in. */
export interface EngineHost {
  readonly clock: VirtualClock;
  /** How AWS behaves where it documents nothing (../variants.ts). */
  readonly behaviour: AwsBehaviour;
  /**
   * The account's Automation throttling retry time limit in seconds (0 to 3,600; "Configuring automatic retry for
   * throttled operations"): within it Automation retries a throttled step before counting an attempt. AWS does not
   * document its default; unset means 0, so the documents cannot lean on it.
   */
  readonly throttlingRetryTimeLimitSeconds?: number;
  /** The account's Automation concurrency and queue quotas; AWS's defaults if not given. */
  readonly automationQuota?: AutomationQuota;
  readonly ids: Ids;
  readonly timeline: Timeline;
  callAws(service: string, api: string, input: ApiInput, caller: Caller, site: CallSite): Promise<unknown>;
  /** Whether `caller` counts as `approver` (of `type`, as in a change template's EnhancedApprovals). */
  isApprover(caller: Caller, type: string, approver: string): boolean;
  /** How an aws:approve decision names `caller` (../variants.ts approverIdentity). */
  recordedApprover(caller: Caller): string;
  /** Called as each step starts (fault injection may cancel the execution here). */
  stepStarting(x: Execution, step: StepDefinition): void;
  /** Runs a change request's runbooks once its template's steps succeeded; the change request ends as they do. */
  runChangeRequestRunbooks(x: Execution): Promise<ExecutionStatus>;
  /** Called once an execution has ended. */
  executionEnded(x: Execution): void;
}

interface StepResult {
  status: "Success" | "Failed" | "TimedOut" | "Cancelled";
  /** The next step aws:branch chose. */
  branch?: string;
  failure?: string;
}

export class AutomationEngine {
  readonly executions = new Map<string, Execution>();
  /** Executions stopped with Type Complete where that ends them without their onCancel (`skips-cleanup`). */
  private readonly completed = new Set<string>();
  /** Per account and Region: the executions waiting for a slot (Pending), oldest first. */
  private readonly queues = new Map<string, Execution[]>();
  /** How each execution is finished once it ends (resolves its `done`). */
  private readonly finishers = new Map<string, (status: ExecutionStatus) => void>();

  constructor(private readonly host: EngineHost) {}

  /** How this world's Automation applies `allowedPattern` (../variants.ts). */
  get patternSemantics() {
    return this.host.behaviour.allowedPattern;
  }

  /** StartAutomationExecution: checks the parameters, then runs the execution in the background. */
  start(
    document: SsmDocumentRecord,
    parameters: Record<string, unknown>,
    startedBy: Caller,
    extra: Partial<Pick<Execution, "changeRequest" | "parentId" | "associationId">> = {},
  ): Execution {
    const content = document.content;
    const values = resolveParameters(content, parameters, this.patternSemantics, new Set(["AutomationAssumeRole"]));
    const runAs = this.runAs(content.assumeRole, startedBy);
    const id = this.host.ids.uuid();
    const scope = new Map<string, unknown>(values);
    scope.set("automation:EXECUTION_ID", id);
    scope.set("automation:DOCUMENT_NAME", document.name);
    scope.set("global:ACCOUNT_ID", document.account);
    scope.set("global:REGION", document.region);
    scope.set("global:AWS_PARTITION", "aws");
    for (const [name, v] of Object.entries(content.variables ?? {})) scope.set(`variable:${name}`, v.default);
    let finish: (status: ExecutionStatus) => void = () => {};
    const x: Execution = {
      id,
      document,
      content,
      parameters: Object.fromEntries(
        Object.entries(parameters).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : [String(v)]]),
      ),
      scope,
      status: "Pending",
      startedBy,
      runAs,
      startTime: new Date(this.host.clock.now()),
      steps: [],
      cancel: new AbortController(),
      done: new Promise((resolve) => {
        finish = resolve;
      }),
      ...extra,
    };
    const quota = this.host.automationQuota ?? DEFAULT_AUTOMATION_QUOTA;
    const place = `${document.account}/${document.region}`;
    const queue = this.queues.get(place) ?? [];
    const running = this.running(document.account, document.region);
    if (running >= quota.concurrent && queue.length >= quota.queued) {
      throw new AwsError(
        "AutomationExecutionLimitExceededException",
        "The number of simultaneously running Automation executions exceeded the allowable limit.",
      );
    }
    this.executions.set(id, x);
    this.finishers.set(id, finish);
    this.note(x, "step", `started by ${sessionArn(startedBy)}`);
    if (running < quota.concurrent) {
      this.launch(x);
    } else {
      this.queues.set(place, [...queue, x]);
      this.note(x, "step", `queued (Pending): ${running} automations running, the quota is ${quota.concurrent}`);
    }
    return x;
  }

  /** The executions of an account and Region that hold a slot: started, and not yet ended. */
  running(account: string, region: string): number {
    let n = 0;
    for (const x of this.executions.values()) {
      if (x.document.account === account && x.document.region === region && x.status !== "Pending") {
        if (!TERMINAL.has(x.status)) n++;
      }
    }
    return n;
  }

  /** Runs the execution in the background; when it ends, the oldest queued execution of its place takes the slot. */
  private launch(x: Execution): void {
    x.status = "InProgress";
    this.run(x)
      .catch((err: unknown) => {
        x.failureMessage = `${SIMULATOR_ERROR}: ${err instanceof Error ? err.stack : String(err)}`;
        return "Failed" as const;
      })
      .then((status) => {
        this.end(x, status);
        const queue = this.queues.get(`${x.document.account}/${x.document.region}`);
        const next = queue?.shift();
        if (next) this.launch(next);
      });
  }

  private end(x: Execution, status: ExecutionStatus): void {
    x.status = status;
    x.endTime = new Date(this.host.clock.now());
    x.currentStep = undefined;
    this.note(x, "step", `execution ${status}${x.failureMessage ? `: ${x.failureMessage}` : ""}`);
    this.host.executionEnded(x);
    this.finishers.get(x.id)?.(status);
    this.finishers.delete(x.id);
  }

  get(id: string): Execution {
    const x = this.executions.get(id);
    if (!x) throw new AwsError("AutomationExecutionNotFoundException", `execution ${id} does not exist`);
    return x;
  }

  /** StopAutomationExecution with Type Cancel. */
  stop(id: string): void {
    const x = this.get(id);
    if (TERMINAL.has(x.status) || x.status === "Cancelling") {
      throw new AwsError("InvalidAutomationStatusUpdateException", `execution ${id} is ${x.status}`);
    }
    this.note(x, "step", "cancel requested");
    if (this.dequeue(x)) {
      // Still waiting for a slot: it ends Cancelled without running a step.
      x.cancel.abort("cancelled");
      this.end(x, "Cancelled");
      return;
    }
    x.cancel.abort("cancelled");
  }

  /**
   * StopAutomationExecution with Type Complete. The API accepts it ("Valid types include the following: Cancel and
   * Complete", API_StopAutomationExecution); what it does to a running execution AWS does not document, so the
   * world's `stopComplete` reading decides: refused, run as a cancellation (its onCancel steps), or the execution
   * ends at once, Success, with no onCancel step run.
   */
  stopComplete(id: string): void {
    const x = this.get(id);
    if (TERMINAL.has(x.status) || x.status === "Cancelling") {
      throw new AwsError("InvalidAutomationStatusUpdateException", `execution ${id} is ${x.status}`);
    }
    const reading = this.host.behaviour.stopComplete;
    if (reading === "refused") {
      throw new AwsError("InvalidAutomationStatusUpdateException", `execution ${id} cannot be completed while running`);
    }
    this.note(x, "step", `complete requested (${reading})`);
    if (reading === "skips-cleanup") this.completed.add(id);
    x.cancel.abort("cancelled");
  }

  /** Takes a queued (Pending) execution out of its queue; whether it was queued. */
  private dequeue(x: Execution): boolean {
    const queue = this.queues.get(`${x.document.account}/${x.document.region}`);
    const index = queue?.indexOf(x) ?? -1;
    if (index < 0) return false;
    queue?.splice(index, 1);
    return true;
  }

  /** SendAutomationSignal with Approve or Reject. */
  signal(id: string, type: string, caller: Caller, comment?: string): void {
    const x = this.get(id);
    if (type !== "Approve" && type !== "Reject") throw new Error(`the simulator does not support signal ${type}`);
    if (!x.approval || TERMINAL.has(x.status)) {
      throw new AwsError("InvalidAutomationSignalException", `execution ${id} is not waiting for approval`);
    }
    if (type === "Approve") x.approval.approve(caller, comment);
    else x.approval.reject(caller, comment);
  }

  private runAs(assumeRole: string | undefined, startedBy: Caller): Caller {
    if (!assumeRole) return startedBy;
    const account = assumeRole.split(":")[4];
    return { account, region: startedBy.region, roleArn: assumeRole, sessionName: "Automation" };
  }

  private async run(x: Execution): Promise<ExecutionStatus> {
    const budget = { stop: () => {} };
    try {
      const status = await this.walk(x, budget);
      if (status === "TimedOut" && x.changeRequest) return this.changeRequestTimedOut(x);
      if (status !== "Success" || !x.changeRequest) return status;
      budget.stop();
      return await this.host.runChangeRequestRunbooks(x);
    } finally {
      budget.stop();
    }
  }

  /**
   * A change request whose template's step (its approval) timed out: how Change Manager records it is the world's
   * changeRequestApprovalTimeout reading (../variants.ts): TimedOut as Automation, or Failed with the step Failed.
   */
  private changeRequestTimedOut(x: Execution): ExecutionStatus {
    if (this.host.behaviour.changeRequestApprovalTimeout === "timed-out") return "TimedOut";
    for (const step of x.steps) if (step.StepStatus === "TimedOut") step.StepStatus = "Failed";
    return "Failed";
  }

  /** Follows the document's steps to the end, a cancellation, or an aborting failure. */
  private async walk(x: Execution, budget: { stop: () => void }): Promise<ExecutionStatus> {
    const steps = x.content.mainSteps;
    const byName = new Map(steps.map((s, i) => [s.name, i]));
    const stepAt = (name: string) => {
      const index = byName.get(name);
      if (index === undefined) throw new Error(`step ${name} does not exist`);
      return index;
    };
    x.status = "InProgress";
    let index: number | undefined = 0;
    let criticalFailure: string | undefined;
    let cancelling: AbortSignal | undefined;
    while (index !== undefined && index < steps.length) {
      const step: StepDefinition = steps[index];
      if (cancelling?.aborted) {
        x.failureMessage = `the cancellation workflow ran out of its ${CANCELLATION_BUDGET_MS / 1000} s before ${step.name}`;
        return "Cancelled";
      }
      const result = await this.runStep(x, step, cancelling);
      const following: number | undefined = step.isEnd
        ? undefined
        : step.nextStep !== undefined
          ? stepAt(step.nextStep)
          : index + 1;
      if (result.status === "Success") {
        index = result.branch !== undefined ? stepAt(result.branch) : following;
        continue;
      }
      if (result.status === "Cancelled") {
        if (this.completed.has(x.id)) return "Success";
        const target = step.onCancel?.startsWith("step:") ? step.onCancel.slice(5) : undefined;
        if (cancelling || !target) return "Cancelled";
        const action = steps[stepAt(target)].action;
        if (NOT_CANCEL_TARGETS.has(action)) {
          x.failureMessage = `${step.name}: onCancel names ${target}, an ${action} step, which Automation does not move to on cancellation`;
          return "Cancelled";
        }
        x.status = "Cancelling";
        const timer = new AbortController();
        budget.stop = this.host.clock.later(CANCELLATION_BUDGET_MS, () => timer.abort("cancellation budget"), rethrow);
        cancelling = timer.signal;
        index = stepAt(target);
        continue;
      }
      if (isCritical(step)) criticalFailure = `${step.name}: ${result.failure}`;
      const onFailure = step.onFailure ?? "Abort";
      if (onFailure === "Abort") {
        x.failureMessage = criticalFailure ?? `${step.name}: ${result.failure}`;
        // "By default, if an action times out, the automation execution status will be Timed Out" (Systems Manager
        // User Guide, "Handling timeouts in runbooks").
        return cancelling ? "Cancelled" : result.status === "TimedOut" ? "TimedOut" : "Failed";
      }
      // isEnd "stops an automation at the end of a specific step ... if the step run failed or succeeded" (Automation
      // actions reference, isEnd); whether a failure still follows onFailure is the isEndOnFailure reading.
      if (step.isEnd && this.host.behaviour.isEndOnFailure === "ends-execution") {
        index = undefined;
        continue;
      }
      const onward = step.nextStep !== undefined ? stepAt(step.nextStep) : index + 1;
      index = onFailure === "Continue" ? onward : stepAt(onFailure.replace(/^step:/, ""));
    }
    if (cancelling) return "Cancelled";
    if (criticalFailure) {
      x.failureMessage = criticalFailure;
      return "Failed";
    }
    return "Success";
  }

  private async runStep(x: Execution, step: StepDefinition, cancelling?: AbortSignal): Promise<StepResult> {
    const record: StepExecution = {
      StepName: step.name,
      Action: step.action,
      StepStatus: "InProgress",
      Attempts: 0,
      ExecutionStartTime: new Date(this.host.clock.now()),
    };
    x.steps.push(record);
    x.currentStep = step.name;
    const result = await this.attempt(x, step, record, cancelling);
    record.StepStatus = result.status;
    record.ExecutionEndTime = new Date(this.host.clock.now());
    if (result.failure) record.FailureMessage = result.failure;
    x.approval = undefined;
    this.note(x, "step", `${step.name} ${result.status}${result.failure ? `: ${result.failure}` : ""}`);
    return result;
  }

  private async attempt(
    x: Execution,
    step: StepDefinition,
    record: StepExecution,
    cancelling?: AbortSignal,
  ): Promise<StepResult> {
    // Once cancelling, the cancellation workflow itself cannot be cancelled, only run out of time.
    const cancel = cancelling ?? x.cancel.signal;
    try {
      await this.host.clock.sleep(PACES[this.host.behaviour.pace].stepSchedulingMs, cancel);
    } catch (err) {
      if (err instanceof Interrupted) return { status: "Cancelled" };
      throw err;
    }
    this.host.stepStarting(x, step);
    const maxAttempts = step.maxAttempts ?? 1;
    let failure = "";
    let timedOut = false;
    const throttlingRetry = { limitMs: (this.host.throttlingRetryTimeLimitSeconds ?? 0) * 1000, since: 0, delay: 0 };
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      record.Attempts = attempt;
      const timeoutMs = stepTimeoutMs(step);
      const timeout = new AbortController();
      const stopTimer =
        timeoutMs === undefined ? () => {} : this.host.clock.later(timeoutMs, () => timeout.abort("timeout"), rethrow);
      const signal = AbortSignal.any([cancel, timeout.signal]);
      const context: StepContext = { host: this.host, engine: this, x, step, attempt, signal, record };
      try {
        const outcome = await runAction(context);
        return { status: "Success", branch: outcome.branch };
      } catch (err) {
        if (err instanceof Interrupted) {
          if (cancel.aborted) return { status: "Cancelled" };
          // A step is timed out only once every attempt has been (Automation actions reference, timeoutSeconds).
          timedOut = true;
          failure = `the step timed out after ${(timeoutMs ?? 0) / 1000} s`;
          continue;
        }
        if (!(err instanceof AwsError) && !(err instanceof StepFailure)) throw err;
        timedOut = false;
        failure = err.message;
        if (err instanceof AwsError && (await this.retriedThrottle(err, throttlingRetry, cancel))) attempt--;
        if (cancel.aborted) return { status: "Cancelled" };
      } finally {
        stopTimer();
      }
    }
    return { status: timedOut ? "TimedOut" : "Failed", failure };
  }

  /**
   * Whether a throttled call is retried within the account's throttling retry time limit, before its attempt counts
   * ("the system first attempts throttling retries within the specified time limit, then applies the maxAttempts
   * setting"); waits out the delay if so.
   */
  private async retriedThrottle(
    err: AwsError,
    retry: { limitMs: number; since: number; delay: number },
    cancel: AbortSignal,
  ): Promise<boolean> {
    if (err.code !== "ThrottlingException" || retry.limitMs <= 0) return false;
    const now = this.host.clock.now();
    if (retry.delay === 0) retry.since = now;
    retry.delay = Math.min(
      THROTTLING_RETRY_MAX_DELAY_MS,
      retry.delay === 0 ? THROTTLING_RETRY_BASE_DELAY_MS : retry.delay * 2,
    );
    if (now + retry.delay - retry.since > retry.limitMs) return false;
    try {
      await this.host.clock.sleep(retry.delay, cancel);
    } catch (e) {
      if (e instanceof Interrupted) return false;
      throw e;
    }
    return true;
  }

  note(x: Execution, kind: "step", what: string): void {
    this.host.timeline.add({
      at: this.host.clock.now(),
      kind,
      actor: `${x.document.name}/${x.id.slice(0, 8)}`,
      what,
    });
  }
}

/** How long one attempt of the step may run: its timeoutSeconds, else the action's default, within the action's cap. */
function stepTimeoutMs(step: StepDefinition): number | undefined {
  const set = step.timeoutSeconds !== undefined ? step.timeoutSeconds * 1000 : DEFAULT_TIMEOUT_MS[step.action];
  const cap = MAX_TIMEOUT_MS[step.action];
  return cap !== undefined && (set === undefined || set > cap) ? cap : set;
}

const rethrow = (err: unknown) => {
  throw err;
};

/** A step failed for a reason of its own (a rejected approval, a property with the wrong value). */
export class StepFailure extends Error {}
