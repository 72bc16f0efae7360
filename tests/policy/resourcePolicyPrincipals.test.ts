import assert from "node:assert/strict";
import { resourcePolicyPrincipals } from "../../policy/resourcePolicyPrincipals";
import type { PolicyDocument } from "../../shared/iam";
import { type Plan, sharedManagementPlan } from "../support/plan";
import { PLANNED_STACKS } from "./plannedStacks";
import { planViolations, validate, variant, withJson } from "./validation";

const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const ORGANIZATIONS_POLICY = "aws:organizations/resourcePolicy:ResourcePolicy";
const policy = resourcePolicyPrincipals;

describe("policy resource-policy-principals", () => {
  it("is advisory: it warns without blocking a deployment", () => {
    assert.equal(policy.enforcementLevel, "advisory");
  });

  for (const { label, plan } of PLANNED_STACKS) {
    it(`accepts the planned ${label} stack`, async () => {
      assert.deepEqual(await planViolations(policy, await plan()), []);
    });
  }

  describe("on the management side's topic policy and Organizations resource policy", () => {
    let plan: Plan;
    before(async () => {
      plan = await sharedManagementPlan();
    });

    it("applies to both, and to the topic itself", async () => {
      for (const type of [TOPIC_POLICY, ORGANIZATIONS_POLICY, "aws:sns/topic:Topic"]) {
        const [resource] = plan.ofType(type);
        assert.ok((await validate(policy, resource)).applicable, type);
      }
    });

    it('rejects a topic policy that lets Principal "*" publish without a condition', async () => {
      const bad = withJson<PolicyDocument>(plan.one(TOPIC_POLICY, "notifications-policy"), "policy", (doc) => {
        const s = doc.Statement[0] as unknown as Record<string, unknown>;
        s.Principal = "*";
        delete s.Condition;
      });
      assert.deepEqual((await validate(policy, bad)).violations, [
        `notifications-policy (${TOPIC_POLICY}): statement "RequesterNotifications" allows Principal "*" without an ` +
          "aws:PrincipalArn or aws:PrincipalOrgID condition",
      ]);
    });

    it("rejects an Organizations resource policy that admits any account's root", async () => {
      const [organizations] = plan.ofType(ORGANIZATIONS_POLICY);
      const bad = withJson<PolicyDocument>(organizations, "content", (doc) => {
        doc.Statement[0].Principal = { AWS: "arn:aws:iam::*:root" };
      });
      assert.deepEqual((await validate(policy, bad)).violations, [
        `${organizations.name} (${ORGANIZATIONS_POLICY}): statement "JitRequesterDescribeAccount" allows ` +
          "arn:aws:iam::*:root, whose account id is a wildcard",
      ]);
    });

    it("rejects content that is not a policy document", async () => {
      const [organizations] = plan.ofType(ORGANIZATIONS_POLICY);
      const { violations } = await validate(policy, variant(organizations, { content: "{}" }));
      assert.deepEqual(violations, [
        `${organizations.name} (${ORGANIZATIONS_POLICY}): content is not an IAM policy document (no Statement)`,
      ]);
    });
  });
});
