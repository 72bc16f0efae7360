import assert from "node:assert/strict";
import { resourcePolicyPrincipals } from "../../policy/resourcePolicyPrincipals";
import type { PolicyDocument } from "../../shared/iam";
import { type Plan, sharedManagementPlan } from "../support/plan";
import { PLANNED_STACKS } from "./plannedStacks";
import { type PlannedResource, planViolations, validate, variant, withJson } from "./validation";

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

  /**
   * The stacks declare no Organizations policy and one topic policy (the delivery alarm topic's), but an organization
   * may add others: the rule guards them, shown on policies shaped as one would be.
   */
  describe("on a topic policy or an Organizations resource policy an organization adds", () => {
    let plan: Plan;
    let topicPolicy: PlannedResource;
    let organizationsPolicy: PlannedResource;
    const cross = (sid: string, action: string, resource: string): PolicyDocument => ({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: sid,
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::444455556666:root" },
          Action: [action],
          Resource: resource,
          Condition: { ArnEquals: { "aws:PrincipalArn": ["arn:aws:iam::444455556666:role/reader"] } },
        },
      ],
    });
    before(async () => {
      plan = await sharedManagementPlan();
      const topic = plan.one("aws:sns/topic:Topic", "notifications-topic");
      topicPolicy = {
        ...topic,
        type: TOPIC_POLICY,
        name: "topic-policy",
        inputs: { arn: "arn", policy: JSON.stringify(cross("Publishers", "sns:Publish", "*")) },
      };
      organizationsPolicy = {
        ...topic,
        type: ORGANIZATIONS_POLICY,
        name: "organizations-policy",
        inputs: { content: JSON.stringify(cross("DescribeAccount", "organizations:DescribeAccount", "*")) },
      };
    });

    it("applies to both, and to the topic itself, and accepts them as shaped", async () => {
      for (const resource of [
        topicPolicy,
        organizationsPolicy,
        plan.one("aws:sns/topic:Topic", "notifications-topic"),
      ]) {
        const outcome = await validate(policy, resource);
        assert.ok(outcome.applicable, resource.type);
        assert.deepEqual(outcome.violations, [], resource.type);
      }
    });

    it('rejects a topic policy that lets Principal "*" publish without a condition', async () => {
      const bad = withJson<PolicyDocument>(topicPolicy, "policy", (doc) => {
        const s = doc.Statement[0] as unknown as Record<string, unknown>;
        s.Principal = "*";
        delete s.Condition;
      });
      assert.deepEqual((await validate(policy, bad)).violations, [
        `topic-policy (${TOPIC_POLICY}): statement "Publishers" allows Principal "*" without an ` +
          "aws:PrincipalArn or aws:PrincipalOrgID condition",
      ]);
    });

    it("accepts a service principal on a topic only with a source condition naming concrete accounts", async () => {
      const service = (condition: Record<string, Record<string, string[]>> | undefined) =>
        withJson<PolicyDocument>(topicPolicy, "policy", (doc) => {
          const s = doc.Statement[0] as unknown as Record<string, unknown>;
          s.Principal = { Service: "cloudwatch.amazonaws.com" };
          if (condition) s.Condition = condition;
          else delete s.Condition;
        });
      const guarded = service({
        StringEquals: { "aws:SourceAccount": ["111122223333"] },
        ArnLike: { "aws:SourceArn": ["arn:aws:cloudwatch:eu-west-1:111122223333:alarm:idc-jit-dev-*"] },
      });
      assert.deepEqual((await validate(policy, guarded)).violations, []);
      const unguarded = `topic-policy (${TOPIC_POLICY}): statement "Publishers" allows the Service principal cloudwatch.amazonaws.com without an aws:SourceAccount or aws:SourceArn condition naming concrete accounts`;
      assert.deepEqual((await validate(policy, service(undefined))).violations, [unguarded]);
      const anyAccount = service({ StringLike: { "aws:SourceAccount": ["*"] } });
      assert.deepEqual((await validate(policy, anyAccount)).violations, [unguarded]);
      const anyAlarm = service({ ArnLike: { "aws:SourceArn": ["arn:aws:cloudwatch:eu-west-1:*:alarm:*"] } });
      assert.deepEqual((await validate(policy, anyAlarm)).violations, [unguarded]);
    });

    it("rejects an Organizations resource policy that admits any account's root", async () => {
      const bad = withJson<PolicyDocument>(organizationsPolicy, "content", (doc) => {
        doc.Statement[0].Principal = { AWS: "arn:aws:iam::*:root" };
      });
      assert.deepEqual((await validate(policy, bad)).violations, [
        `organizations-policy (${ORGANIZATIONS_POLICY}): statement "DescribeAccount" allows ` +
          "arn:aws:iam::*:root, whose account id is a wildcard",
      ]);
    });

    it("rejects content that is not a policy document", async () => {
      const { violations } = await validate(policy, variant(organizationsPolicy, { content: "{}" }));
      assert.deepEqual(violations, [
        `organizations-policy (${ORGANIZATIONS_POLICY}): content is not an IAM policy document (no Statement)`,
      ]);
    });
  });
});
