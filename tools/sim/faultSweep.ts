/**
 * The fault sweep: the approved request of the example config (and one the request check rejects, and one delivered
 * twice), run once per fault aimed at the grant workflow, and every run checked against the lifecycle invariants. Each call site gets a throttle, a permanent error and a cancel
 * right after the call; each step gets a cancel as it starts; each Identity Center operation gets a FAILED outcome.
 * Steps that only run on a failure path get the same faults while another fault sends the workflow down that path.
 */
import { names } from "../../shared/naming";
import type { StepDefinition } from "./automation/document";
import { CALL_FAULTS, describeFault, type Fault } from "./faults";
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
export const SWEPT_SCENARIOS = ["approved", "ineligible", "delivered-twice"] as const;

export interface SweepCase {
  scenario: string;
  faults: Fault[];
  run: ScenarioRun;
  /** Whether every fault in the case took effect. */
  fired: boolean;
}

export interface SweepResult {
  cases: SweepCase[];
  callSites: number;
  /** Call sites that had a fault fire in at least one case. */
  callSitesFaulted: number;
  steps: number;
  stepsFaulted: number;
  passed: number;
  assignmentsLeft: number;
  /** Cases that raised a "NOT revoked" alarm with nothing left to revoke. */
  falseAlarms: number;
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

export async function runSweep(
  deployment: SimulatedDeployment,
  onCase?: (c: SweepCase) => void,
  variant?: Variant,
): Promise<SweepResult> {
  const grantName = names(deployment.management.config).management.grantDocument;
  const stepsRun = new Map<string, Set<string>>();
  const runs = new Map<string, ScenarioRun>();
  const key = (c: Chain) => `${c.scenario}: ${c.faults.map(describeFault).join(" + ")}`;
  const play = async (c: Chain) => {
    const k = key(c);
    let run = runs.get(k);
    if (!run) {
      const scenario = SCENARIOS.find((s) => s.name === c.scenario)!;
      run = await runScenario(scenario, deployment, c.faults, variant);
      runs.set(k, run);
      // Steps a run got through, in any of its grant workflows (cut short by a cancellation does not count: faults
      // there could not all fire).
      const steps = run.sim.world.executionsOf(grantName).flatMap((x) => x.steps);
      stepsRun.set(k, new Set(steps.filter((s) => s.StepStatus !== "Cancelled").map((s) => s.StepName)));
    }
    return run;
  };
  const bases = SWEPT_SCENARIOS.map((scenario) => ({ scenario, faults: [] }));
  const [first] = await Promise.all(bases.map(play));
  const content = first.sim.world.documents.all().find((d) => d.name === grantName)!.content;

  // Breadth first: every step's faults on their own; then each step no run has reached yet gets its faults added
  // to the shortest fault chain that does reach it.
  const cases: Chain[] = [];
  let frontier: Chain[] = bases;
  const faulted = new Set<string>();
  for (let depth = 1; depth <= MAX_DEPTH && frontier.length > 0; depth++) {
    const next: Chain[] = [];
    for (const step of content.mainSteps) {
      if (faulted.has(step.name)) continue;
      // A chain without cancellations first: steps reached while cancelling cannot be cancelled again.
      const reaching = frontier.filter((c) => stepsRun.get(key(c))?.has(step.name));
      const uncancelled = reaching.find((c) => !c.faults.some((f) => f.kind.startsWith("cancel")));
      // Reached only while cancelling, where a cancel cannot fire: a longer chain may reach it otherwise.
      const trigger = uncancelled ?? (depth < MAX_DEPTH ? undefined : reaching[0]);
      if (!trigger) continue;
      faulted.add(step.name);
      for (const fault of faultsAt(grantName, step)) {
        const chain = { scenario: trigger.scenario, faults: [...trigger.faults, fault] };
        await play(chain);
        cases.push(chain);
        next.push(chain);
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
  const callSteps = content.mainSteps.filter(makesCalls).map((s) => s.name);
  const faultedSteps = new Set(results.flatMap((c) => c.run.sim.world.faults.fired.map((f) => f.step)));
  return {
    cases: results,
    callSites: callSteps.length,
    callSitesFaulted: callSteps.filter((s) => faultedSteps.has(s)).length,
    steps: content.mainSteps.length,
    stepsFaulted: content.mainSteps.filter((s) => faultedSteps.has(s.name)).length,
    passed: results.filter((c) => c.run.outcome.violations.length === 0).length,
    assignmentsLeft: results.reduce((n, c) => n + c.run.outcome.assignmentsLeft, 0),
    falseAlarms: results.filter((c) => c.run.outcome.falseAlarms.length > 0).length,
  };
}
