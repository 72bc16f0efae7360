/**
 * The simulator does not evaluate identity policies (tests/*\/iam/ do, statement by statement, with
 * @cloud-copilot/iam-simulate); this ties the two together. Every API call a planned role's session made in any
 * scenario is an action the role's planned inline policy allows, so a handler or document that calls something its
 * role was never given fails here, not in the first real deployment.
 */
import * as assert from "node:assert/strict";
import type { PolicyDocument, Statement } from "../../../shared/iam";
import type { PlannedStack } from "../../../tools/sim/deployment";
import { runScenario, SCENARIOS } from "../../../tools/sim/scenarios";
import type { SimulatedDeployment } from "../../../tools/sim/setup";
import { exampleDeployment } from "./support/deployment";

/** The IAM service prefix of each service the simulator's fakes answer as. */
const IAM_PREFIX: Record<string, string> = { "sso-admin": "sso" };
/** API operations whose IAM action has another name. */
const IAM_ACTION: Record<string, string> = { "lambda:Invoke": "lambda:InvokeFunction" };
/** Calls that need no permission. */
const UNAUTHORIZED = new Set(["sts:GetCallerIdentity"]);

/** Each planned role's inline policy, by role ARN. */
function plannedPolicies(deployment: SimulatedDeployment): Map<string, PolicyDocument> {
  const policies = new Map<string, PolicyDocument>();
  const stacks: PlannedStack[] = [deployment.management.stack, deployment.requester.stack];
  for (const stack of stacks) {
    for (const role of stack.resources.filter((r) => r.type === "aws:iam/role:Role")) {
      const inline = stack.resources.find(
        (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === `${role.name}-policy`,
      );
      if (inline) {
        const arn = `arn:aws:iam::${stack.account}:role/${String(role.inputs.name)}`;
        policies.set(arn, JSON.parse(String(inline.inputs.policy)) as PolicyDocument);
      }
    }
  }
  return policies;
}

const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );

function allowsAction(policy: PolicyDocument, action: string): boolean {
  const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
  return policy.Statement.some((s) => s.Effect === "Allow" && actions(s).some((a) => wildcard(a).test(action)));
}

describe("every call a planned role made in the simulated scenarios is an action its policy allows", () => {
  let deployment: SimulatedDeployment;
  let policies: Map<string, PolicyDocument>;
  before(async () => {
    deployment = await exampleDeployment();
    policies = plannedPolicies(deployment);
  });

  for (const scenario of SCENARIOS.filter((s) => !s.overrides)) {
    it(scenario.name, async () => {
      const run = await runScenario(scenario, deployment);
      const checked = new Set<string>();
      const missing = new Set<string>();
      for (const call of run.sim.world.calls) {
        const policy = policies.get(call.caller.roleArn);
        const api = `${IAM_PREFIX[call.service] ?? call.service}:${call.api}`;
        if (!policy || UNAUTHORIZED.has(api)) continue;
        const action = IAM_ACTION[api] ?? api;
        const who = call.caller.roleArn.slice(call.caller.roleArn.lastIndexOf("/") + 1);
        checked.add(`${who} ${action}`);
        if (!allowsAction(policy, action)) missing.add(`${who} called ${action}, which its policy does not allow`);
      }
      assert.deepEqual([...missing], []);
      assert.ok(checked.size > 0, "no call by a planned role was seen");
    });
  }
});
