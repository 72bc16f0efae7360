/**
 * `npm run faults`: the fault sweep on the example stacks (planned in this process). Prints each case that broke an
 * invariant, the coverage, and as its last line `fault sweep: <N> scenarios, <P> passed, <L> assignments left
 * behind`; exits non-zero if any case failed.
 */
import { runSweep } from "./sim/faultSweep";
import { describeFault } from "./sim/faults";
import { planDeployment } from "./sim/planned";

async function main(): Promise<number> {
  const started = Date.now();
  const result = await runSweep(await planDeployment(), (c) => {
    if (c.run.outcome.violations.length === 0) return;
    console.log(`FAILED ${c.faults.map(describeFault).join(" + ")}`);
    for (const v of c.run.outcome.violations) console.log(`  ${v}`);
  });
  const notFired = result.cases.filter((c) => !c.fired).length;
  console.log(
    `grant workflow: faults reached ${result.callSitesFaulted} of ${result.callSites} call sites and ${result.stepsFaulted} of ${result.steps} steps; ` +
      `${notFired} case(s) aimed a cancel at an execution already cancelling or ended, so it could not take effect; ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(
    `fault sweep: ${result.cases.length} scenarios, ${result.passed} passed, ${result.assignmentsLeft} assignments left behind`,
  );
  return result.cases.length - result.passed;
}

main().then(
  (failed) => process.exit(failed > 0 ? 1 : 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
