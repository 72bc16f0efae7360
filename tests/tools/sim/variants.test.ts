/**
 * Every scenario once and every AWS behaviour variant once, paired in turn, the request forms taking turns: the slice of `npm run faults` that
 * `npm test` runs (the whole sweep, every scenario and fault under every variant, is `npm run faults`, which .ci/run
 * runs too).
 */
import * as assert from "node:assert/strict";
import { REQUEST_FORMS, type RequestForm } from "../../../shared/config/common";
import { planDeployment } from "../../../tools/sim/planned";
import { appliesTo, runScenario, SCENARIOS } from "../../../tools/sim/scenarios";
import type { SimulatedDeployment } from "../../../tools/sim/setup";
import { BASELINE, behaviourOf, VARIANTS, variantNamed } from "../../../tools/sim/variants";
import { exampleDeployment } from "./support/deployment";

const planned = new Map<string, Promise<SimulatedDeployment>>();
function deploymentFor(scenario: (typeof SCENARIOS)[number], form: RequestForm): Promise<SimulatedDeployment> {
  if (!scenario.overrides) return exampleDeployment(form);
  const key = `${scenario.name} ${form}`;
  let deployment = planned.get(key);
  if (!deployment) {
    deployment = planDeployment(scenario.overrides, form);
    planned.set(key, deployment);
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
    // The two request forms take turns (a scenario only one form has runs in that one).
    const turn = REQUEST_FORMS[i % REQUEST_FORMS.length];
    const form = appliesTo(scenario, turn) ? turn : (scenario.forms?.[0] ?? turn);
    it(`${scenario.name} (${form} form) under ${variant.name} keeps every lifecycle invariant and leaves nothing assigned`, async () => {
      const run = await runScenario(scenario, await deploymentFor(scenario, form), scenario.faults ?? [], variant);
      assert.deepEqual(run.outcome.violations, []);
      assert.equal(run.outcome.assignmentsLeft, 0);
      assert.equal(run.sim.world.variant.name, variant.name);
    });
  }
});
