/**
 * `npm run faults`: the fault sweep on the example stacks of both request forms (planned in this process), under every
 * AWS behaviour variant (tools/sim/variants.ts), plus every scenario once under each variant and form. Prints each case that broke an
 * invariant, the coverage per variant, and as its last line
 * `fault sweep: <N> scenarios across <V> AWS behaviour variants, <P> passed, <L> assignments left behind`;
 * exits non-zero if any case failed. `--variant <name>` (repeatable) sweeps only the variants named. Without it, the
 * variants are shared out among `--jobs <n>` worker processes (the machine's cores, at most 4, by default), each
 * running this script on its share; the last line then sums theirs.
 */
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { REQUEST_FORMS, type RequestForm } from "../shared/config/common";
import { coverageShortfalls, runSweep } from "./sim/faultSweep";
import { describeFault } from "./sim/faults";
import { planDeployment } from "./sim/planned";
import { appliesTo, runScenario, SCENARIOS } from "./sim/scenarios";
import type { SimulatedDeployment } from "./sim/setup";
import { BASELINE_VARIANT, VARIANTS, variantNamed } from "./sim/variants";

const optionValues = (argv: string[], option: string) =>
  argv.flatMap((arg, i) => (argv[i - 1] === option ? [arg] : []));

function chosenVariants(argv: string[]) {
  const names = optionValues(argv, "--variant");
  return names.length > 0 ? names.map(variantNamed) : VARIANTS;
}

const SUMMARY =
  /^fault sweep: (\d+) scenarios across (\d+) AWS behaviour variants, (\d+) passed, (\d+) assignments left behind$/;

/** Runs this script once per share of the variants, in parallel; prints their output and the summed last line. */
async function inWorkers(jobs: number): Promise<number> {
  const started = Date.now();
  const shares = Array.from({ length: jobs }, (_, i) => VARIANTS.filter((_, v) => v % jobs === i));
  const totals = [0, 0, 0, 0];
  const results = await Promise.all(
    shares.map(
      (share) =>
        new Promise<boolean>((resolve) => {
          const args = [
            "-r",
            "ts-node/register/transpile-only",
            __filename,
            ...share.flatMap((v) => ["--variant", v.name]),
          ];
          const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
          let pending = "";
          let summarised = false;
          child.stdout.on("data", (chunk: Buffer) => {
            const lines = (pending + chunk.toString()).split("\n");
            pending = lines.pop() ?? "";
            for (const line of lines) {
              const summary = SUMMARY.exec(line);
              if (!summary) console.log(line);
              else {
                summarised = true;
                summary.slice(1).forEach((n, i) => {
                  totals[i] += Number(n);
                });
              }
            }
          });
          child.on("close", (code) => resolve(code === 0 && summarised));
        }),
    ),
  );
  const [cases, variants, passed, left] = totals;
  console.log(`${jobs} worker(s); ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  console.log(
    `fault sweep: ${cases} scenarios across ${variants} AWS behaviour variants, ${passed} passed, ${left} assignments left behind`,
  );
  const workersFailed = results.filter((ok) => !ok).length;
  if (workersFailed > 0) console.log(`${workersFailed} worker(s) failed or printed no summary`);
  return cases - passed + left + workersFailed;
}

/** A request form's example stacks, and each scenario's own plan where it needs config beyond them. */
async function plannedForm(form: RequestForm) {
  const deployment = await planDeployment({}, form);
  const planned = new Map<string, SimulatedDeployment>();
  for (const s of SCENARIOS) {
    if (s.overrides && appliesTo(s, form)) planned.set(s.name, await planDeployment(s.overrides, form));
  }
  return { form, deployment, planned };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const jobs = Number(optionValues(argv, "--jobs")[0] ?? Math.min(availableParallelism(), 4));
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new Error("--jobs: give a whole number of worker processes, 1 or more");
  if (optionValues(argv, "--variant").length === 0 && jobs > 1) return inWorkers(jobs);
  const started = Date.now();
  const variants = chosenVariants(argv);
  const forms = await Promise.all(REQUEST_FORMS.map((form) => plannedForm(form)));
  let cases = 0;
  let passed = 0;
  let left = 0;
  let falseAlarms = 0;
  let uncovered = 0;
  for (const variant of variants) {
    for (const { form, deployment, planned } of forms) {
      const began = Date.now();
      const result = await runSweep(
        deployment,
        (c) => {
          if (c.run.outcome.violations.length === 0) return;
          console.log(`FAILED [${variant.name}, ${form}] ${c.scenario}: ${c.faults.map(describeFault).join(" + ")}`);
          for (const v of c.run.outcome.violations) console.log(`  ${v}`);
        },
        variant,
      );
      // Every scenario of the form once under the variant, faults or none as the scenario itself says.
      const scenarios = SCENARIOS.filter((s) => appliesTo(s, form));
      let scenariosPassed = 0;
      for (const scenario of scenarios) {
        const run = await runScenario(
          scenario,
          planned.get(scenario.name) ?? deployment,
          scenario.faults ?? [],
          variant,
        );
        if (run.outcome.violations.length === 0) scenariosPassed++;
        else {
          console.log(`FAILED [${variant.name}, ${form}] ${scenario.name}`);
          for (const v of run.outcome.violations) console.log(`  ${v}`);
        }
        left += run.outcome.assignmentsLeft;
        // Its tables would otherwise stay on the shared DynamoDB to the end, growing the worker past gigabytes.
        await run.sim.world.dispose();
      }
      // The whole sweep under the baseline reaches everything: what it misses fails the run.
      const shortfalls = variant.name === BASELINE_VARIANT.name ? coverageShortfalls(result) : [];
      for (const s of shortfalls) console.log(`FAILED [${variant.name}, ${form}] coverage: ${s}`);
      uncovered += shortfalls.length;
      cases += result.cases.length + scenarios.length;
      passed += result.passed + scenariosPassed;
      left += result.assignmentsLeft;
      falseAlarms += result.falseAlarms;
      console.log(
        `[${variant.name}, ${form} form] ${result.cases.length} fault cases (${result.passed} passed) and ${scenarios.length} scenarios ` +
          `(${scenariosPassed} passed); faults reached ${result.callSitesFaulted} of ${result.callSites} call sites and ` +
          `${result.stepsFaulted} of ${result.steps} steps of ${result.documents.join(", ")}, and ` +
          `${result.functionCallsFaulted} of ${result.functionCalls} functions' APIs; ` +
          `${result.falseAlarms} false "NOT revoked" alarm(s); ` +
          `${((Date.now() - began) / 1000).toFixed(1)} s`,
      );
    }
  }
  console.log(
    `${falseAlarms} case(s) raised a "NOT revoked" alarm with nothing left to revoke (on the safe side); ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s in all`,
  );
  console.log(
    `fault sweep: ${cases} scenarios across ${variants.length} AWS behaviour variants, ${passed} passed, ${left} assignments left behind`,
  );
  return cases - passed + left + uncovered;
}

main().then(
  (failed) => process.exit(failed > 0 ? 1 : 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
