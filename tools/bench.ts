/**
 * `npm run bench`: figures for the README, measured on this machine. Plans each example stack in its own process
 * (as `npm start` does) and times it, then plays the approved request repeatedly and reports, from the simulation,
 * how much work one request is: Automation steps, and the sequential API calls (with virtual time) from the
 * approval to usable access and from the end of the grant to the access being gone.
 */
import { mkdirSync } from "node:fs";
import { ledgerScaleRun } from "./bench/ledgerScale";
import { loadRun, percentile } from "./bench/load";
import { measure } from "./bench/measure";
import { refusalTimes } from "./bench/refusal";
import { PLAN_DIR, planInChildProcess } from "./planProcess";
import type { StackSummary } from "./planStack";
import { runScenario, SCENARIOS, type ScenarioRun } from "./sim/scenarios";
import { EXAMPLE_STACKS, plannedDeployment } from "./sim/setup";

const RUNS = 20;

function planTimes(): { stack: string; seconds: number; summary: StackSummary }[] {
  mkdirSync(PLAN_DIR, { recursive: true });
  return [EXAMPLE_STACKS.management, EXAMPLE_STACKS.requester].map((stack) => ({
    stack,
    ...planInChildProcess(stack, "ignore"),
  }));
}

async function main() {
  const plans = planTimes();
  const approved = SCENARIOS.find((s) => s.name === "approved")!;
  const deployment = plannedDeployment();
  await runScenario(approved, deployment); // warm-up: module loading and JIT
  const heapBefore = process.memoryUsage().heapUsed;
  const started = process.hrtime.bigint();
  let last: ScenarioRun | undefined;
  for (let i = 0; i < RUNS; i++) last = await runScenario(approved, deployment);
  const msPerRequest = Number(process.hrtime.bigint() - started) / 1e6 / RUNS;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  const m = measure(last!);

  const rows: [string, string][] = [];
  for (const p of plans) {
    rows.push([`${p.stack}: offline plan`, `${p.seconds.toFixed(1)} s (${p.summary.resources} resources)`]);
    for (const f of p.summary.functions)
      rows.push([`${p.stack}: ${f.name} archive`, `${(f.archiveBytes / 1024).toFixed(1)} KB`]);
  }
  rows.push([
    "simulated lifecycle, per approved request",
    `${msPerRequest.toFixed(0)} ms (mean of ${RUNS}, world setup included)`,
  ]);
  rows.push(["heap growth over those runs", `${heapMb.toFixed(1)} MB`]);
  rows.push([
    "Automation steps per approved request",
    `${m.steps} in all documents, ${m.grantSteps} in the grant workflow`,
  ]);
  rows.push(["API calls per approved request", `${m.apiCalls}`]);
  rows.push(["Automation executions held per active grant", `${m.held.length} (${m.held.join(", ")})`]);
  rows.push([
    "approval -> usable access",
    `${m.stepsToAccess.length} Automation steps; ${m.toAccess.rounds} sequential API calls to CreateAccountAssignment ` +
      `(${m.toAccess.calls.length} in all, the rest made together); ${m.toAccess.seconds} s virtual to the assignment made`,
  ]);
  rows.push([
    "end of grant -> access removed",
    `${m.toRevoke.rounds} sequential API calls to DeleteAccountAssignment (${m.toRevoke.calls.length} in all); ` +
      `${m.toRevoke.seconds} s virtual to the assignment gone`,
  ]);
  const refusals = await refusalTimes();
  rows.push([
    "ineligible request -> requester told",
    refusals
      .map(
        (r) =>
          `${r.seconds === undefined ? "never" : `${r.seconds} s virtual`} (${r.form} form, ${r.others} other notifications)`,
      )
      .join("; "),
  ]);
  const burst = await loadRun(deployment, 1000, 60_000);
  rows.push([
    "1000 requests approved in one minute: approval -> access p99",
    `${percentile(burst.waits, 99)} s virtual (p50 ${percentile(burst.waits, 50)} s); ${burst.granted} of ` +
      `${burst.requests} granted, ${burst.unfinished} executions never ended (the requester account's Automation ` +
      `quota); ${(burst.wallMs / 1000).toFixed(0)} s wall`,
  ]);
  const atRest = await ledgerScaleRun(deployment, 10_000, 15);
  rows.push([
    "active grants at once",
    `${atRest.open} open in the ledger with their assignments, ${atRest.executionsAlive} Automation executions alive; ` +
      `the reconciler in ${atRest.reconcilerRuns} runs: ${atRest.reconcilerErrors} errors, ${atRest.swept} ` +
      `assignments swept, at most ${atRest.callsPerRunMax} calls a run, ${atRest.alerts.length} alerts; ` +
      `${(atRest.wallMs / 1000).toFixed(0)} s wall`,
  ]);
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`| ${"measure".padEnd(width)} | value |`);
  console.log(`| ${"-".repeat(width)} | ----- |`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);
  console.log(`\napproval -> usable access: ${m.stepsToAccess.join(", ")}`);
  console.log(`  calls: ${m.toAccess.calls.join(", ")}`);
  console.log(`end of grant -> access removed: ${m.toRevoke.calls.join(", ")}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
