/** What each Automation action does, for the actions our documents use; any other action is an explicit error. */
import { type ApiInput, AwsError, type Caller, sessionArn } from "../aws";
import { Interrupted } from "../clock";
import { chooseBranch, withLiteralOperands } from "./branch";
import type { StepDefinition } from "./document";
import { type AutomationEngine, type EngineHost, StepFailure } from "./engine";
import type { Execution, StepExecution } from "./execution";
import { durationMs, interpolate, readOutputs, select, unresolved } from "./values";

/** One API call's latency before and after it, in virtual time. */
export const CALL_LATENCY_MS = 200;
/** How often aws:waitForAwsResourceProperty reads the property again. */
export const POLL_INTERVAL_MS = 5_000;
/** "Automation supports a maximum delay of 604799 seconds (7 days)" (automation-action-sleep). */
export const MAX_SLEEP_MS = 604_799_000;

export interface StepContext {
  host: EngineHost;
  engine: AutomationEngine;
  x: Execution;
  step: StepDefinition;
  attempt: number;
  /** Aborts on cancel or timeout. */
  signal: AbortSignal;
  record: StepExecution;
}

interface ActionOutcome {
  branch?: string;
}

type Action = (ctx: StepContext, inputs: Record<string, unknown>) => Promise<ActionOutcome | undefined>;

const ACTIONS: Record<string, Action> = {
  "aws:executeAwsApi": async (ctx, inputs) => {
    const { Service, Api, ...rest } = inputs;
    setOutputs(ctx, await callApi(ctx, String(Service), String(Api), rest));
    return undefined;
  },

  "aws:waitForAwsResourceProperty": async (ctx, inputs) => {
    const { Service, Api, PropertySelector, DesiredValues, ...rest } = inputs;
    for (;;) {
      const value = select(await callApi(ctx, String(Service), String(Api), rest), String(PropertySelector));
      if ((DesiredValues as unknown[]).map(String).includes(String(value))) return undefined;
      await ctx.host.clock.sleep(POLL_INTERVAL_MS, ctx.signal);
    }
  },

  "aws:assertAwsResourceProperty": async (ctx, inputs) => {
    const { Service, Api, PropertySelector, DesiredValues, ...rest } = inputs;
    const value = select(await callApi(ctx, String(Service), String(Api), rest), String(PropertySelector));
    const desired = (DesiredValues as unknown[]).map(String);
    if (!desired.includes(String(value))) {
      throw new StepFailure(`${PropertySelector} is ${String(value)}, not one of ${desired.join(", ")}`);
    }
    return undefined;
  },

  // No choice true and no Default: the next step in the document (aws:branch reference).
  "aws:branch": async (ctx, inputs) => ({
    branch: chooseBranch(
      ctx.host.behaviour.branchOperandReferences === "literal" ? withLiteralOperands(inputs, ctx.step.inputs) : inputs,
    ),
  }),

  "aws:sleep": async (ctx, inputs) => {
    const ms =
      inputs.Duration !== undefined
        ? durationMs(String(inputs.Duration))
        : Math.max(0, Date.parse(String(inputs.Timestamp)) - ctx.host.clock.now());
    if (Number.isNaN(ms)) throw new StepFailure(`Timestamp ${String(inputs.Timestamp)} is not a date`);
    if (ms > MAX_SLEEP_MS) throw new StepFailure(`aws:sleep cannot wait longer than ${MAX_SLEEP_MS / 1000} seconds`);
    await ctx.host.clock.sleep(ms, ctx.signal);
    return undefined;
  },

  "aws:invokeLambdaFunction": async (ctx, inputs) => {
    const { InputPayload, Payload, ...rest } = inputs;
    const payload = InputPayload !== undefined ? JSON.stringify(InputPayload) : Payload;
    // The step's timeout (at most 300 s, ./engine.ts) ends the wait even while the function still runs.
    const invoked = callApi(ctx, "lambda", "Invoke", { ...rest, Payload: payload });
    const response = (await untilAborted(invoked, ctx.signal)) as Record<string, unknown>;
    setOutputs(ctx, { ...response, Payload: payloadOutput(ctx.host, response.Payload) });
    if (response.FunctionError) throw new StepFailure(`the function failed: ${String(response.FunctionError)}`);
    return undefined;
  },

  "aws:updateVariable": async (ctx, inputs) => {
    const name = String(inputs.Name);
    if (!name.startsWith("variable:") || !ctx.x.scope.has(name)) throw new StepFailure(`${name} is not a variable`);
    ctx.x.scope.set(name, inputs.Value);
    return undefined;
  },

  "aws:approve": async (ctx, inputs) => {
    if (ctx.x.changeRequest?.autoApprove) return undefined;
    await waitForApproval(ctx, approverSets(ctx.host, inputs));
    return undefined;
  },
};

/**
 * The step's `Payload` output for the function's response payload (JSON text, as Lambda returns it). An answer that
 * is a JSON string is its JSON text or the bare string: AWS does not document which (../variants.ts,
 * lambdaStringPayload). No payload (an `Event` invocation: Lambda answers 202 with an empty body) sets no output.
 */
function payloadOutput(host: EngineHost, payload: unknown): unknown {
  if (payload === undefined || payload === "") return undefined;
  if (host.behaviour.lambdaStringPayload === "json-text" || typeof payload !== "string") return payload;
  try {
    const parsed: unknown = JSON.parse(payload);
    return typeof parsed === "string" ? parsed : payload;
  } catch {
    return payload;
  }
}

/** `work`, unless `signal` aborts first: then Interrupted (whatever `work` does later is ignored). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(new Interrupted(String(signal.reason)));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Interrupted(String(signal.reason)));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

/** Runs the step's action once, with its inputs interpolated from the execution's current values. */
export async function runAction(ctx: StepContext): Promise<ActionOutcome> {
  const action = ACTIONS[ctx.step.action];
  if (!action) throw new Error(`the simulator does not support the action ${ctx.step.action}`);
  const inputs = interpolate(ctx.step.inputs, ctx.x.scope) as Record<string, unknown>;
  if (ctx.host.behaviour.unresolvedReferences === "fail-step") {
    // The references the document wrote that nothing set; a `{{ }}` inside a value (typed text) is not one.
    const missing = unresolved(ctx.step.inputs).filter((r) => !ctx.x.scope.has(r));
    if (missing.length > 0) throw new StepFailure(`unresolved references in the step's inputs: ${missing.join(", ")}`);
  }
  return (await action(ctx, inputs)) ?? {};
}

async function callApi(ctx: StepContext, service: string, api: string, input: ApiInput): Promise<unknown> {
  const { clock } = ctx.host;
  await clock.sleep(CALL_LATENCY_MS, ctx.signal);
  const site = { executionId: ctx.x.id, document: ctx.x.document.name, step: ctx.step.name, attempt: ctx.attempt };
  const response = await ctx.host.callAws(service, api, input, ctx.x.runAs, site);
  await clock.sleep(CALL_LATENCY_MS, ctx.signal);
  return response;
}

function setOutputs(ctx: StepContext, response: unknown): void {
  recordOutputs(ctx, readOutputs(response, ctx.step.outputs));
}

/** Makes `outputs` the step's: referable as `{{Step.Name}}` and shown on its StepExecution. */
function recordOutputs(ctx: StepContext, outputs: Map<string, unknown>): void {
  for (const [name, value] of outputs) ctx.x.scope.set(`${ctx.step.name}.${name}`, value);
  ctx.record.Outputs = Object.fromEntries([...outputs].map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
}

interface ApproverSet {
  /** Who counts: a test on the signalling caller. */
  admits: (caller: Caller) => boolean;
  describe: string;
  minimum: number;
}

function approverSets(host: EngineHost, inputs: Record<string, unknown>): ApproverSet[] {
  if (inputs.EnhancedApprovals !== undefined) {
    const approvers = (inputs.EnhancedApprovals as { Approvers: Record<string, unknown>[] }).Approvers;
    return approvers.map((a) => ({
      describe: `${String(a.type)} ${String(a.approver)}`,
      minimum: Number(a.minRequiredApprovals ?? 1),
      admits: (caller: Caller) => host.isApprover(caller, String(a.type), String(a.approver)),
    }));
  }
  const arns = (inputs.Approvers as unknown[]).map(String);
  return [
    {
      describe: arns.join(", "),
      minimum: Number(inputs.MinRequiredApprovals ?? 1),
      admits: (caller) => arns.includes(caller.roleArn) || arns.includes(sessionArn(caller)),
    },
  ];
}

/** One entry of aws:approve's ApproverDecisions output, in the simulator's own terms. */
interface ApproverDecision {
  Approver: string;
  Decision: "Approved" | "Rejected";
  time: string;
  Comment?: string;
}

/**
 * The ApproverDecisions output. The action reference documents it only as "a JSON map that includes the approval
 * decision of each approver", of type MapList (automation-action-approve); its shape is the approverDecisions
 * dimension (../variants.ts): one JSON string (`Decision: Approved`, `DecisionTime`), or a list of maps with the API's
 * names (`Decision: Approve`, `ApprovalDecisionTime`), which GetAutomationExecution lists as one JSON text per map.
 */
function decisionsOutput(host: EngineHost, decisions: ApproverDecision[]): unknown {
  const comment = (d: ApproverDecision) => (d.Comment !== undefined ? { Comment: d.Comment } : {});
  if (host.behaviour.approverDecisions === "json-string") {
    return JSON.stringify(
      decisions.map((d) => ({ Approver: d.Approver, Decision: d.Decision, DecisionTime: d.time, ...comment(d) })),
    );
  }
  return decisions.map((d) => ({
    Approver: d.Approver,
    Decision: d.Decision === "Approved" ? "Approve" : "Reject",
    ApprovalDecisionTime: d.time,
    ...comment(d),
  }));
}

/** Waits for the approvals; the step's outputs are its ApprovalStatus and ApproverDecisions (aws:approve reference). */
function waitForApproval(ctx: StepContext, sets: ApproverSet[]): Promise<void> {
  const approvals = sets.map(() => new Set<string>());
  const decisions: ApproverDecision[] = [];
  const decide = (caller: Caller, decision: ApproverDecision["Decision"], comment?: string) => {
    const approver = ctx.host.recordedApprover(caller);
    if (decision === "Approved" && decisions.some((d) => d.Approver === approver && d.Decision === "Approved")) return;
    decisions.push({
      Approver: approver,
      Decision: decision,
      time: ctx.host.clock.iso(),
      ...(comment !== undefined && { Comment: comment }),
    });
  };
  const x = ctx.x;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      x.approval = undefined;
      if (x.status === "Waiting") x.status = "InProgress";
      reject(new Interrupted(String(ctx.signal.reason)));
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    const settle = (status: ApproverDecision["Decision"], outcome: () => void) => {
      ctx.signal.removeEventListener("abort", onAbort);
      x.approval = undefined;
      x.status = x.status === "Waiting" ? "InProgress" : x.status;
      recordOutputs(
        ctx,
        new Map([
          ["ApprovalStatus", status],
          ["ApproverDecisions", decisionsOutput(ctx.host, decisions)],
        ]),
      );
      outcome();
    };
    const admitted = (caller: Caller) => {
      const matching = sets.map((s, i) => (s.admits(caller) ? i : -1)).filter((i) => i >= 0);
      if (matching.length === 0) {
        throw new AwsError("AccessDeniedException", `${sessionArn(caller)} is not an approver of ${ctx.step.name}`);
      }
      return matching;
    };
    x.status = "Waiting";
    x.approval = {
      step: ctx.step.name,
      approve(caller, comment) {
        for (const i of admitted(caller)) approvals[i].add(sessionArn(caller));
        decide(caller, "Approved", comment);
        if (sets.every((s, i) => approvals[i].size >= s.minimum)) settle("Approved", resolve);
      },
      reject(caller, comment) {
        admitted(caller);
        decide(caller, "Rejected", comment);
        settle("Rejected", () =>
          reject(new StepFailure(`rejected by ${sessionArn(caller)}${comment ? `: ${comment}` : ""}`)),
        );
      },
    };
  });
}
