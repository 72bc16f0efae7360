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
    console.log(`FAILED ${c.scenario}: ${c.faults.map(describeFault).join(" + ")}`);
    for (const v of c.run.outcome.violations) console.log(`  ${v}`);
  });
  const notFired = result.cases.filter((c) => !c.fired).length;
  console.log(
    `grant workflow: faults reached ${result.callSitesFaulted} of ${result.callSites} call sites and ${result.stepsFaulted} of ${result.steps} steps; ` +
      `${notFired} case(s) aimed a cancel at an execution already cancelling or ended, so it could not take effect; ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  for (const c of result.cases.filter((x) => x.run.outcome.falseAlarms.length > 0)) {
    console.log(`false alarm in ${c.scenario} after ${c.faults.map(describeFault).join(" + ")}`);
  }
  console.log(
    `${result.falseAlarms} case(s) raised a "NOT revoked" alarm with nothing left to revoke (on the safe side)`,
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
