/**
 * The fault sweep: the approved request of the example config (and one the screen refuses, one the request check
 * rejects, one delivered twice, and more), run once per fault, and every run checked against the lifecycle invariants. Faults are aimed at every
 * Automation document the management side deploys that the base runs execute (the grant workflow, and whatever else
 * the request's lifecycle runs, such as an end-of-grant workflow), and at the Lambda functions' own AWS calls.
 * Each call site of a document gets a throttle, a permanent error and a cancel right after the call; each step gets a
 * cancel as it starts; each Identity Center operation gets a FAILED outcome. Each API a function called in a base run
 * gets a throttle and a permanent error on its first call, and a failed condition on its first conditional write.
 * Steps that only run on a failure path get the same faults while another fault sends the workflow down that path.
 */
import type { StepDefinition } from "./automation/document";
import { CALL_FAULTS, describeFault, type Fault, type FunctionFault, isStepFault } from "./faults";
import { runScenario, SCENARIOS, type ScenarioRun } from "./scenarios";
import type { SimulatedDeployment } from "./setup";
import type { Variant } from "./variants";

const CALLING_ACTIONS = new Set([
  "aws:executeAwsApi",
  "aws:waitForAwsResourceProperty",
  "aws:assertAwsResourceProperty",
  "aws:invokeLambdaFunction",
]);
const OPERATIONS = new Set(["CreateAccountAssignment", "DeleteAccountAssignment"]);

export const makesCalls = (step: StepDefinition) => CALLING_ACTIONS.has(step.action);

/** The faults for one step. */
function faultsAt(document: string, step: StepDefinition): Fault[] {
  const kinds = makesCalls(step) ? [...CALL_FAULTS, "cancel" as const] : ["cancel" as const];
  const faults: Fault[] = kinds.map((kind) => ({ document, step: step.name, kind }));
  if (OPERATIONS.has(String(step.inputs.Api))) faults.push({ document, step: step.name, kind: "operation-failed" });
  if (step.inputs.Api === "PutEvents") faults.push({ document, step: step.name, kind: "entry-throttled" });
  return faults;
}

/** The scenarios the faults are aimed at: between them they take the workflow down every path faults do not. */
export const SWEPT_SCENARIOS = [
  "approved",
  // Refused as it is raised: the notifier's screen and its stop.
  "ineligible",
  // Past the screen, refused by the request check: the grant workflow's refusal path.
  "self-approval",
  "delivered-twice",
  "delivered-twice-early",
  "extended",
  "grant-failed",
  // Ended while Identity Center assigns: the removal the check confirms, and the one it hands over unconfirmed.
  "ended-as-assigned",
  "ended-as-assigned-slowly",
  "revoke-failed",
  "end-refused",
] as const;

export interface SweepCase {
  scenario: string;
  faults: Fault[];
  run: ScenarioRun;
  /** Whether every fault in the case took effect. */
  fired: boolean;
}

export interface SweepResult {
  cases: SweepCase[];
  /** The documents faults were aimed at. */
  documents: string[];
  callSites: number;
  /** Call sites that had a fault fire in at least one case. */
  callSitesFaulted: number;
  steps: number;
  stepsFaulted: number;
  /** APIs the functions called in the base runs (function and API), and those a fault fired at. */
  functionCalls: number;
  functionCallsFaulted: number;
  passed: number;
  assignmentsLeft: number;
  /** Cases that raised a "NOT revoked" alarm with nothing left to revoke. */
  falseAlarms: number;
}

/**
 * What a whole sweep under the baseline must reach, and did not: every call site and every step of the documents the
 * lifecycle runs, and every API the functions call, with a fault that took effect. Under other variants less may be
 * reachable (a request that fails closed stops before the grant), so `npm run faults` holds only the baseline to it.
 */
export function coverageShortfalls(r: SweepResult): string[] {
  const short = (what: string, reached: number, all: number) =>
    reached < all ? [`faults reached ${reached} of ${all} ${what}`] : [];
  return [
    ...short("call sites", r.callSitesFaulted, r.callSites),
    ...short("steps", r.stepsFaulted, r.steps),
    ...short("functions' APIs", r.functionCallsFaulted, r.functionCalls),
  ];
}

/**
 * The longest chain of faults the sweep combines to reach a step that only runs after other faults: the last
 * attempt's own check and alarm run only after three removals failed.
 */
const MAX_DEPTH = 4;

interface Chain {
  scenario: string;
  faults: Fault[];
}

/** The Automation documents the management stack deploys (change templates aside), by name. */
export function managementDocuments(deployment: SimulatedDeployment): string[] {
  return deployment.management.stack.resources
    .filter((r) => r.type === "aws:ssm/document:Document" && r.inputs.documentType === "Automation")
    .map((r) => String(r.inputs.name));
}

/**
 * The faults for the functions' own calls in a run: for each function and API it called, a throttle and a permanent
 * error on the first call, and a failed condition on the first conditional write.
 */
export function functionFaultsOf(run: ScenarioRun): FunctionFault[] {
  const { world } = run.sim;
  const seen = new Map<string, { calls: number; conflictAt?: number }>();
  const faults: FunctionFault[] = [];
  for (const c of world.calls) {
    const fn = c.caller.sessionName;
    if (!world.functionNames.has(fn)) continue;
    const key = `${fn} ${c.service}:${c.api}`;
    const entry = seen.get(key) ?? { calls: 0 };
    entry.calls++;
    const target = { function: fn, service: c.service, api: c.api };
    if (entry.calls === 1) {
      faults.push({ ...target, nth: 1, kind: "call-throttle" }, { ...target, nth: 1, kind: "call-error" });
    }
    if (entry.conflictAt === undefined && c.input.ConditionExpression !== undefined) {
      entry.conflictAt = entry.calls;
      faults.push({ ...target, nth: entry.calls, kind: "call-conflict" });
    }
    seen.set(key, entry);
  }
  return faults;
}

const siteOf = (f: FunctionFault) => `${f.function} ${f.service}:${f.api}`;

export async function runSweep(
  deployment: SimulatedDeployment,
  onCase?: (c: SweepCase) => void,
  variant?: Variant,
): Promise<SweepResult> {
  const deployed = managementDocuments(deployment);
  /** `document/step` of the steps a run got through, by the run's key. */
  const stepsRun = new Map<string, Set<string>>();
  const runs = new Map<string, ScenarioRun>();
  // Step names repeat across documents (End): the key names each step fault's document.
  const faultKey = (f: Fault) => (isStepFault(f) ? `${f.document}/${describeFault(f)}` : describeFault(f));
  const key = (c: Chain) => `${c.scenario}: ${c.faults.map(faultKey).join(" + ")}`;
  const play = async (c: Chain) => {
    const k = key(c);
    let run = runs.get(k);
    if (!run) {
      const scenario = SCENARIOS.find((s) => s.name === c.scenario)!;
      run = await runScenario(scenario, deployment, c.faults, variant);
      runs.set(k, run);
      // Steps a run got through, in any execution of the swept documents (cut short by a cancellation does not
      // count: faults there could not all fire).
      const reached = new Set<string>();
      for (const name of deployed) {
        for (const x of run.sim.world.executionsOf(name)) {
          for (const s of x.steps) if (s.StepStatus !== "Cancelled") reached.add(`${name}/${s.StepName}`);
        }
      }
      stepsRun.set(k, reached);
      // The run's records are all in memory now: its tables on the shared DynamoDB server can go.
      await run.sim.world.dispose();
    }
    return run;
  };
  const bases = SWEPT_SCENARIOS.map((scenario) => ({ scenario, faults: [] }));
  const baseRuns = await Promise.all(bases.map(play));
  // The documents the request's lifecycle runs: those a base run executed, in the order the stack deploys them.
  const ran = new Set(baseRuns.flatMap((r) => [...r.sim.world.engine.executions.values()].map((x) => x.document.name)));
  const documents = deployed.filter((d) => ran.has(d));
  const contents = documents.map((name) => {
    const record = baseRuns
      .flatMap((r) => r.sim.world.documents.all())
      .find((d) => d.name === name && d.account === deployment.management.stack.account)!;
    return { name, steps: record.content.mainSteps };
  });

  const cases: Chain[] = [];
  // The functions' own calls, each on the base run that made it.
  const functionSites = new Set<string>();
  const functionChains: Chain[] = [];
  // Each function's API gets its faults once, on the first base run that made the call.
  const aimed = new Set<string>();
  for (const [i, run] of baseRuns.entries()) {
    for (const fault of functionFaultsOf(run)) {
      functionSites.add(siteOf(fault));
      if (aimed.has(`${siteOf(fault)} ${fault.kind}`)) continue;
      aimed.add(`${siteOf(fault)} ${fault.kind}`);
      const chain = { scenario: bases[i].scenario, faults: [fault] };
      if (runs.has(key(chain))) continue;
      await play(chain);
      functionChains.push(chain);
    }
  }
  // Breadth first: every step's faults on their own; then each step no run has reached yet gets its faults added
  // to the shortest fault chain that does reach it (function faults count as a first fault).
  cases.push(...functionChains);
  let frontier: Chain[] = [...bases, ...functionChains];
  const faulted = new Set<string>();
  for (let depth = 1; depth <= MAX_DEPTH && frontier.length > 0; depth++) {
    const next: Chain[] = [];
    for (const document of contents) {
      for (const step of document.steps) {
        const site = `${document.name}/${step.name}`;
        if (faulted.has(site)) continue;
        // A chain without cancellations first: steps reached while cancelling cannot be cancelled again.
        const reaching = frontier.filter((c) => stepsRun.get(key(c))?.has(site));
        const uncancelled = reaching.find((c) => !c.faults.some((f) => f.kind.startsWith("cancel")));
        // Reached only while cancelling, where a cancel cannot fire: a longer chain may reach it otherwise.
        const trigger = uncancelled ?? (depth < MAX_DEPTH ? undefined : reaching[0]);
        if (!trigger) continue;
        faulted.add(site);
        for (const fault of faultsAt(document.name, step)) {
          const chain = { scenario: trigger.scenario, faults: [...trigger.faults, fault] };
          await play(chain);
          cases.push(chain);
          next.push(chain);
        }
      }
    }
    frontier = next;
  }

  const results: SweepCase[] = [];
  for (const chain of cases) {
    const run = await play(chain);
    const fired = chain.faults.every((f) => run.sim.world.faults.fired.includes(f));
    const c = { ...chain, run, fired };
    results.push(c);
    onCase?.(c);
  }
  const fired = results.flatMap((c) => c.run.sim.world.faults.fired);
  const faultedSteps = new Set(fired.filter(isStepFault).map((f) => `${f.document}/${f.step}`));
  const faultedFunctionSites = new Set(fired.filter((f) => !isStepFault(f)).map((f) => siteOf(f as FunctionFault)));
  const allSteps = contents.flatMap((d) => d.steps.map((s) => ({ site: `${d.name}/${s.name}`, step: s })));
  const callSteps = allSteps.filter((s) => makesCalls(s.step));
  return {
    cases: results,
    documents,
    callSites: callSteps.length,
    callSitesFaulted: callSteps.filter((s) => faultedSteps.has(s.site)).length,
    steps: allSteps.length,
    stepsFaulted: allSteps.filter((s) => faultedSteps.has(s.site)).length,
    functionCalls: functionSites.size,
    functionCallsFaulted: [...functionSites].filter((s) => faultedFunctionSites.has(s)).length,
    passed: results.filter((c) => c.run.outcome.violations.length === 0).length,
    assignmentsLeft: results.reduce((n, c) => n + c.run.outcome.assignmentsLeft, 0),
    falseAlarms: results.filter((c) => c.run.outcome.falseAlarms.length > 0).length,
  };
}
