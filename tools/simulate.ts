/**
 * The second half of `npm start`: plays the access-request scenarios on the example stacks as planned in
 * out/plan/, prints the approved request's timeline and a line per scenario, and writes out/sim/<scenario>.json and
 * the Mermaid diagrams out/diagrams/*.mmd (the approved request's sequence, each stack's resources).
 * Scenarios that need another config (planned in-process) run in `npm test`.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { RequestForm } from "../shared/config/common";
import { diagramsOf, writeDiagrams } from "./diagrams/write";
import { ROOT } from "./evaluate";
import { START_TIME } from "./sim/clock";
import { appliesTo, runScenario, SCENARIOS, type ScenarioRun } from "./sim/scenarios";
import { EXAMPLE_STACKS, FORM_STACKS, plannedDeployment } from "./sim/setup";
import type { TimelineKind } from "./sim/timeline";

const SIM_DIR = path.join(ROOT, "out", "sim");
const SHOWN: ReadonlySet<TimelineKind> = new Set(["action", "step", "call", "notification", "fault"]);

/** What out/sim/<scenario>.json holds: the outcome, and the timeline with times relative to the start. */
function record(run: ScenarioRun) {
  return {
    scenario: run.scenario.name,
    title: run.scenario.title,
    outcome: run.outcome,
    timeline: run.sim.world.timeline.entries.map((e) => ({ ...e, at: (e.at - START_TIME) / 1000 })),
    apiCalls: run.sim.world.calls.length,
  };
}

function line(run: ScenarioRun): string {
  const o = run.outcome;
  const notified = [...new Set(o.notifications.map((n) => n.eventType))].join(", ");
  const verdict = o.violations.length === 0 ? "ok" : `VIOLATED: ${o.violations.join("; ")}`;
  return `  ${run.scenario.name.padEnd(26)} request ${o.changeRequest.padEnd(9)} granted ${String(o.granted).padEnd(5)} notified ${notified || "-"}  ${verdict}`;
}

/** Every scenario of `form` on its example stacks as planned; each run's record goes to `dir`. */
async function simulateForm(form: RequestForm, dir: string): Promise<ScenarioRun[]> {
  const deployment = plannedDeployment(undefined, FORM_STACKS[form]);
  mkdirSync(dir, { recursive: true });
  const runs: ScenarioRun[] = [];
  for (const scenario of SCENARIOS.filter((s) => !s.overrides && appliesTo(s, form))) {
    const run = await runScenario(scenario, deployment);
    writeFileSync(path.join(dir, `${scenario.name}.json`), `${JSON.stringify(record(run), null, 2)}\n`);
    runs.push(run);
  }
  return runs;
}

export async function simulateExamples(): Promise<number> {
  rmSync(SIM_DIR, { recursive: true, force: true });
  const runs = await simulateForm("changeManager", SIM_DIR);
  const automation = await simulateForm("automation", path.join(SIM_DIR, "automation"));
  const approved = runs.find((r) => r.scenario.name === "approved")!;
  console.log(`\nSimulated access request (virtual time; ${approved.scenario.title.toLowerCase()}):`);
  for (const l of approved.sim.world.timeline.lines(START_TIME, SHOWN)) console.log(`  ${l}`);
  console.log("\nThe approved request through each form:");
  for (const [form, run] of [
    ["Change Manager form (requester-dev)", approved],
    ["Automation form (requester-sandbox)", automation.find((r) => r.scenario.name === "approved")!],
  ] as const) {
    console.log(`  ${form.padEnd(38)} ${line(run).trim()}`);
  }
  console.log(`\nScenarios, Change Manager form (out/sim/<scenario>.json):`);
  for (const run of runs) console.log(line(run));
  console.log(`\nScenarios, Automation form (out/sim/automation/<scenario>.json):`);
  for (const run of automation) console.log(line(run));
  const stacks = {
    [EXAMPLE_STACKS.management]: approved.sim.deployment.management.stack,
    [EXAMPLE_STACKS.requester]: approved.sim.deployment.requester.stack,
  };
  const files = writeDiagrams(diagramsOf(approved, stacks));
  console.log(`\nMermaid diagrams: ${files.join(", ")} (npm run docs embeds them in README.md)`);
  return [...runs, ...automation].filter((r) => r.outcome.violations.length > 0).length;
}

if (require.main === module) {
  simulateExamples().then(
    (failed) => process.exit(failed > 0 ? 1 : 0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
