/**
 * The simulator does not evaluate identity policies (tests/*\/iam/ do, statement by statement, with
 * @cloud-copilot/iam-simulate); this ties the two together. Every API call a planned role's session made in any
 * scenario is a request the role's planned inline policy allows: the action, on each resource the call is authorized
 * against (derived from the call's input by ./support/resourceArns.ts). A handler or document that calls something
 * its role was never given, or calls it on another resource than the policy names, fails here, not in the first real
 * deployment. Resource policies (buses, topics, trust policies, the Organizations delegation) are proven by their own
 * tests and are not consulted here. Only principals the plan gives an inline policy are checked: people's Identity
 * Center sessions, service-linked roles and EventBridge's service principal make calls too, but have no policy here.
 */
import * as assert from "node:assert/strict";
import type { PolicyDocument, Statement } from "../../../shared/iam";
import type { CallRecord } from "../../../tools/sim/cloudTrail";
import type { PlannedStack } from "../../../tools/sim/deployment";
import { runScenario, SCENARIOS, type ScenarioRun } from "../../../tools/sim/scenarios";
import type { SimulatedDeployment } from "../../../tools/sim/setup";
import { type Decision, decide } from "../../support/iam";
import { exampleDeployment } from "./support/deployment";
import { apiOf, type Known, knownFrom, RESOURCE_ARNS } from "./support/resourceArns";

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

const roleName = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

/** What a run's calls by planned roles came to. */
interface Findings {
  /** `role action resource` of each request decided. */
  checked: Set<string>;
  /** `role action resource: decision` of each request the role's policy does not allow. */
  denied: string[];
  /** Calls whose resources could not be derived: no entry in RESOURCE_ARNS, or an input the entry cannot read. */
  unmapped: string[];
}

/**
 * Decides calls against planned policies, each distinct (role, action, resource) once: most requests recur in every
 * scenario.
 *
 * Every request is decided with the caller's own account as `resourceAccount`. decide() gives the simulator that
 * account as the resource's owner, and the simulator takes a request whose principal and resource accounts differ as
 * cross-account: allowed only if the resource's policy admits the caller too, so with no resource policy (none is
 * passed here) it is ImplicitlyDenied whatever the caller's policy says (the last test shows it). With the caller's
 * account, the identity policy alone decides, matched against the resource's real ARN (the other account's bus, the
 * reader role), which is the question this test asks: does the caller's own policy allow the request? The simulator
 * derives no context key (aws:ResourceAccount) from the account, and the planned policies have no condition on it.
 */
class Prover {
  private readonly decisions = new Map<string, Promise<Decision>>();

  constructor(private readonly policies: ReadonlyMap<string, PolicyDocument>) {}

  private decision(call: CallRecord, action: string, resource: string): Promise<Decision> {
    const role = call.caller.roleArn;
    const key = `${role} ${action} ${resource}`;
    let decision = this.decisions.get(key);
    if (!decision) {
      decision = decide({
        principal: role,
        action,
        resource,
        resourceAccount: call.caller.account,
        identityPolicies: [this.policies.get(role)!],
      });
      this.decisions.set(key, decision);
    }
    return decision;
  }

  async check(run: ScenarioRun): Promise<Findings> {
    const { world, org } = run.sim;
    const known: Known = knownFrom(world.calls, {
      organization: world.organizations.organization(),
      // populateOrganization creates the Identity Center instance (and its identity store) in the management account.
      identityCenterAccount: org.managementAccount,
    });
    const findings: Findings = { checked: new Set(), denied: [], unmapped: [] };
    const pending: Promise<void>[] = [];
    for (const call of world.calls) {
      if (!this.policies.has(call.caller.roleArn)) continue;
      const who = roleName(call.caller.roleArn);
      const entry = RESOURCE_ARNS[apiOf(call)];
      if (!entry) {
        findings.unmapped.push(`${who} called ${apiOf(call)}, which RESOURCE_ARNS does not map`);
        continue;
      }
      let resources: string[];
      try {
        resources = entry.resources(call.input, call.caller, known, call.response);
      } catch (err) {
        findings.unmapped.push(`${who} called ${apiOf(call)}: ${err instanceof Error ? err.message : err}`);
        continue;
      }
      for (const resource of resources) {
        const request = `${who} ${entry.action} ${resource}`;
        findings.checked.add(request);
        pending.push(
          this.decision(call, entry.action, resource).then((decision) => {
            if (decision !== "Allowed" && !refusedByDesign(entry.action, resource)) {
              findings.denied.push(`${request}: ${decision}`);
            }
          }),
        );
      }
    }
    await Promise.all(pending);
    findings.denied = [...new Set(findings.denied)].sort();
    return findings;
  }
}

/**
 * Calls the caller's policy refuses on purpose, whose refusal is the answer: the request check asks IAM for a role
 * named like Identity Center's, and the reader role may read only roles under Identity Center's path, so for any other
 * role AWS answers AccessDenied (the simulator, which does not evaluate identity policies, answers with the role).
 */
function refusedByDesign(action: string, resource: string): boolean {
  return action === "iam:GetRole" && !resource.includes(":role/aws-reserved/sso.amazonaws.com/");
}

describe("every call a planned role made in the simulated scenarios is allowed by its policy, resources included", () => {
  let deployment: SimulatedDeployment;
  let policies: Map<string, PolicyDocument>;
  let prover: Prover;
  before(async () => {
    deployment = await exampleDeployment();
    policies = plannedPolicies(deployment);
    prover = new Prover(policies);
  });

  for (const scenario of SCENARIOS.filter((s) => !s.overrides)) {
    it(scenario.name, async () => {
      const findings = await prover.check(await runScenario(scenario, deployment));
      assert.deepEqual(findings.unmapped, [], "calls whose resources are not known");
      assert.deepEqual(findings.denied, [], "requests the caller's planned policy does not allow");
      assert.ok(findings.checked.size > 0, "no call by a planned role was seen");
    });
  }

  describe("the check itself", () => {
    const GRANT_FUNCTION = "arn:aws:iam::111122223333:role/idc-jit-dev-request-check";
    const REQUEST = "arn:aws:iam::444455556666:role/idc-jit-dev-request";
    const REQUEST_BUS = "arn:aws:events:eu-west-1:111122223333:event-bus/idc-jit-dev-access-requests";
    const FEEDBACK_BUS = "arn:aws:events:eu-west-1:444455556666:event-bus/idc-jit-dev-access-feedback";

    /** `policy` with the Resource of each statement that allows `action` rewritten by `edit`. */
    function narrowed(policy: PolicyDocument, action: string, edit: (resources: string[]) => string[]): PolicyDocument {
      const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
      let found = false;
      const Statement = policy.Statement.map((s: Statement) => {
        if (s.Effect !== "Allow" || !list(s.Action).includes(action)) return s;
        found = true;
        return { ...s, Resource: edit(list(s.Resource as string | string[])) };
      });
      assert.ok(found, `no statement allows ${action}`);
      return { ...policy, Statement };
    }

    it("reports a call on a resource the role's policy does not name, though it names the action", async () => {
      const doctored = new Map(policies);
      // The check (which grants) may assign only on an account that is not the workload account...
      doctored.set(
        GRANT_FUNCTION,
        narrowed(policies.get(GRANT_FUNCTION)!, "sso:CreateAccountAssignment", (resources) => [
          ...resources.filter((r) => r !== "arn:aws:sso:::account/*"),
          "arn:aws:sso:::account/000000000000",
        ]),
      );
      // ...and the request role may put events on its own feedback bus, not on the management account's request bus.
      doctored.set(
        REQUEST,
        narrowed(policies.get(REQUEST)!, "events:PutEvents", () => [FEEDBACK_BUS]),
      );
      const approved = SCENARIOS.find((s) => s.name === "approved")!;
      const findings = await new Prover(doctored).check(await runScenario(approved, deployment));
      assert.deepEqual(findings.unmapped, []);
      // Only the narrowed resource is denied: the instance and the permission set the assignment names still pass.
      assert.deepEqual(findings.denied, [
        `idc-jit-dev-request events:PutEvents ${REQUEST_BUS}: ImplicitlyDenied`,
        "idc-jit-dev-request-check sso:CreateAccountAssignment arn:aws:sso:::account/777788889999: ImplicitlyDenied",
      ]);
    });

    it("decides with the caller's account, because with the resource owner's and no resource policy nothing passes", async () => {
      const request = { principal: REQUEST, action: "events:PutEvents", resource: REQUEST_BUS };
      const identityPolicies = [policies.get(REQUEST)!];
      assert.equal(await decide({ ...request, resourceAccount: "444455556666", identityPolicies }), "Allowed");
      assert.equal(await decide({ ...request, resourceAccount: "111122223333", identityPolicies }), "ImplicitlyDenied");
    });
  });
});
