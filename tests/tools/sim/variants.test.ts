/**
 * Every scenario once and every AWS behaviour variant once, paired in turn: the slice of `npm run faults` that
 * `npm test` runs (the whole sweep, every scenario and fault under every variant, is `npm run faults`, which .ci/run
 * runs too).
 */
import * as assert from "node:assert/strict";
import { planDeployment } from "../../../tools/sim/planned";
import { runScenario, SCENARIOS } from "../../../tools/sim/scenarios";
import type { SimulatedDeployment } from "../../../tools/sim/setup";
import { BASELINE, behaviourOf, VARIANTS, variantNamed } from "../../../tools/sim/variants";
import { exampleDeployment } from "./support/deployment";

const planned = new Map<string, Promise<SimulatedDeployment>>();
function deploymentFor(scenario: (typeof SCENARIOS)[number]): Promise<SimulatedDeployment> {
  if (!scenario.overrides) return exampleDeployment();
  let deployment = planned.get(scenario.name);
  if (!deployment) {
    deployment = planDeployment(scenario.overrides);
    planned.set(scenario.name, deployment);
  }
  return deployment;
}

describe("the AWS behaviour variants", () => {
  it("name each reading once, and every reading of every dimension is played by some variant", () => {
    const names = VARIANTS.map((v) => v.name);
    assert.equal(new Set(names).size, names.length);
    for (const v of VARIANTS) assert.match(v.name, /^[a-z0-9-]+$/);
    const played = new Map<string, Set<string>>();
    for (const v of VARIANTS) {
      for (const [dimension, reading] of Object.entries(behaviourOf(v))) {
        if (!played.has(dimension)) played.set(dimension, new Set());
        played.get(dimension)?.add(String(reading));
      }
    }
    for (const dimension of Object.keys(BASELINE)) assert.ok((played.get(dimension)?.size ?? 0) >= 2, dimension);
  });

  it("refuses an unknown variant name, naming the known ones", () => {
    assert.throws(() => variantNamed("nope"), /no AWS behaviour variant named nope: one of baseline, /);
  });

  const pairs = Math.max(VARIANTS.length, SCENARIOS.length);
  for (let i = 0; i < pairs; i++) {
    const variant = VARIANTS[i % VARIANTS.length];
    const scenario = SCENARIOS[i % SCENARIOS.length];
    it(`${scenario.name} under ${variant.name} keeps every lifecycle invariant and leaves nothing assigned`, async () => {
      const run = await runScenario(scenario, await deploymentFor(scenario), scenario.faults ?? [], variant);
      assert.deepEqual(run.outcome.violations, []);
      assert.equal(run.outcome.assignmentsLeft, 0);
      assert.equal(run.sim.world.variant.name, variant.name);
    });
  }
});
