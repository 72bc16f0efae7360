import * as assert from "node:assert/strict";
import { names } from "../../../shared/naming";
import { planDeployment } from "../../../tools/sim/planned";
import { runScenario, SCENARIOS, type ScenarioRun } from "../../../tools/sim/scenarios";
import type { SimulatedDeployment } from "../../../tools/sim/setup";
import { exampleDeployment } from "./support/deployment";

function play(name: string, deployment: SimulatedDeployment): Promise<ScenarioRun> {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  return runScenario(scenario, deployment);
}

const summaries = (run: ScenarioRun) =>
  run.sim.world.sns.published.filter((p) => p.attributes.EventType?.StringValue === "CloudTrailSummary");
/** The calls that invoked the summary function, and who made them. */
const summaryInvocations = (run: ScenarioRun) => {
  const { management } = names(run.sim.deployment.management.config);
  return run.sim.world.calls.filter(
    (c) =>
      c.service === "lambda" &&
      c.api === "Invoke" &&
      !c.error &&
      String(c.input.FunctionName).endsWith(management.cloudTrailSummaryFunction),
  );
};
const roleName = (arn: string) => arn.split("/").pop();

describe("the CloudTrail summary in the simulated world", () => {
  describe("waiting an hour (the example config): sent by a schedule, no execution held open", () => {
    let run: ScenarioRun;
    before(async function () {
      this.timeout(120_000);
      run = await play("approved", await exampleDeployment());
    });

    it("the end-of-grant workflow ends within a minute of its start: it never sleeps", () => {
      const { management } = names(run.sim.deployment.management.config);
      const ends = run.sim.world.executionsOf(management.endDocument);
      assert.ok(ends.length >= 1);
      for (const x of ends) {
        assert.equal(x.status, "Success");
        assert.ok(x.endTime && x.endTime.getTime() - x.startTime.getTime() < 60_000, `${x.id} lasted too long`);
        assert.deepEqual(
          x.steps.filter((s) => s.Action === "aws:sleep").map((s) => s.StepName),
          ["End"],
        );
      }
    });

    it("the scheduler role invokes the summary once, an hour after the assignment was removed", () => {
      const deleted = run.sim.world.ssoAdmin.history.find((h) => h.change === "deleted");
      assert.ok(deleted);
      const invoked = summaryInvocations(run);
      assert.deepEqual(
        invoked.map((c) => roleName(c.caller.roleArn)),
        ["idc-jit-dev-end-schedule"],
      );
      const after = invoked[0].at - deleted.at;
      assert.ok(after >= 3_600_000 && after < 3_600_000 + 60_000, `sent ${after / 1000} s after the removal`);
      assert.equal(summaries(run).length, 1);
      assert.match(summaries(run)[0].message, /ec2\.amazonaws\.com:RebootInstances/);
    });
  });

  describe("with no least wait (waitSeconds 0): still sent by a schedule, once the granted set's sessions expire", () => {
    it("the scheduler role invokes the summary once, the set's session duration (one hour) after the removal", async function () {
      this.timeout(120_000);
      const run = await play(
        "approved",
        await planDeployment({ management: { "jit:cloudTrailSummary": { enabled: true, waitSeconds: 0 } } }),
      );
      const deleted = run.sim.world.ssoAdmin.history.find((h) => h.change === "deleted");
      assert.ok(deleted);
      const invoked = summaryInvocations(run);
      assert.deepEqual(
        invoked.map((c) => roleName(c.caller.roleArn)),
        ["idc-jit-dev-end-schedule"],
      );
      const after = invoked[0].at - deleted.at;
      assert.ok(after >= 3_600_000 && after < 3_600_000 + 60_000, `sent ${after / 1000} s after the removal`);
      assert.equal(summaries(run).length, 1);
    });
  });
});
