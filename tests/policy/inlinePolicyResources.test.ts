import assert from "node:assert/strict";
import { noWildcardResourcesInPermissionSets } from "../../policy/inlinePolicyResources";
import type { PolicyDocument, Statement } from "../../shared/iam";
import { type Plan, sharedManagementPlan } from "../support/plan";
import { PLANNED_STACKS } from "./plannedStacks";
import { type PlannedResource, planViolations, validate, variant, withJson } from "./validation";

const INLINE_POLICY = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy";
const policy = noWildcardResourcesInPermissionSets;
const PREFIX = `permission-sets-request-policy (${INLINE_POLICY}): `;

describe("policy no-wildcard-resources-in-permission-sets", () => {
  for (const { label, plan } of PLANNED_STACKS) {
    it(`accepts the planned ${label} stack`, async () => {
      assert.deepEqual(await planViolations(policy, await plan()), []);
    });
  }

  describe("on the request permission set's inline policy", () => {
    let plan: Plan;
    before(async () => {
      plan = await sharedManagementPlan();
    });
    const inline = () => plan.one(INLINE_POLICY, "permission-sets-request-policy");
    const adding = (statement: Statement): PlannedResource =>
      withJson<PolicyDocument>(inline(), "inlinePolicy", (doc) => {
        doc.Statement.push(statement);
      });

    it("applies to each of the four inline policies, and lets the canary's deny-all deny everything", async () => {
      const inlines = plan.ofType(INLINE_POLICY);
      assert.equal(inlines.length, 4);
      const canary = plan.one(INLINE_POLICY, "verify-canary-deny-all");
      assert.deepEqual((await validate(policy, canary)).violations, []);
      for (const r of inlines) assert.ok((await validate(policy, r)).applicable, r.name);
    });

    it('rejects s3:GetObject on Resource "*": it supports resource-level permissions', async () => {
      const bad = adding({ Sid: "ReadEverything", Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" });
      assert.deepEqual((await validate(policy, bad)).violations, [
        `${PREFIX}statement "ReadEverything" allows s3:GetObject on Resource "*"; name its resources, or, if it has ` +
          "no resource-level permissions, add it to the allowlist in policy/wildcardActions.ts",
      ]);
    });

    it("rejects an allowlisted action's neighbour slipped into the allowlisted statement", async () => {
      const bad = withJson<PolicyDocument>(inline(), "inlinePolicy", (doc) => {
        (doc.Statement[0].Action as string[]).push("ssm:StartAutomationExecution");
      });
      const { violations } = await validate(policy, bad);
      assert.equal(violations.length, 1);
      assert.match(violations[0], /statement "ChangeManagerList" allows ssm:StartAutomationExecution on Resource "\*"/);
    });

    it('rejects an action pattern such as ssm:Get* on Resource "*"', async () => {
      const bad = adding({ Effect: "Allow", Action: "ssm:Get*", Resource: ["*"] });
      const added = JSON.parse(String(bad.inputs.inlinePolicy)).Statement.length;
      assert.deepEqual((await validate(policy, bad)).violations, [
        `${PREFIX}statement #${added} allows the action pattern ssm:Get* on Resource "*"; name each action`,
      ]);
    });

    it('rejects NotAction on Resource "*" and NotResource', async () => {
      const bad = withJson<{ Statement: Record<string, unknown>[] }>(inline(), "inlinePolicy", (doc) => {
        doc.Statement.push(
          { Sid: "AllButIam", Effect: "Allow", NotAction: "iam:*", Resource: "*" },
          { Sid: "AllButOne", Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::x/*" },
        );
      });
      assert.deepEqual((await validate(policy, bad)).violations, [
        `${PREFIX}statement "AllButIam" allows NotAction on Resource "*", which is every other action on everything`,
        `${PREFIX}statement "AllButOne" uses NotResource, which allows its actions on every other resource`,
      ]);
    });

    it("accepts s3:GetObject on a named object, and a Deny on everything", async () => {
      const named = adding({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::reports/*" });
      assert.deepEqual((await validate(policy, named)).violations, []);
      const deny = adding({ Effect: "Deny", Action: ["s3:*"], Resource: "*" });
      assert.deepEqual((await validate(policy, deny)).violations, []);
    });

    it("matches allowlisted actions case-insensitively, as IAM does", async () => {
      const bad = adding({ Effect: "Allow", Action: ["SSM:listdocuments"], Resource: "*" });
      assert.deepEqual((await validate(policy, bad)).violations, []);
    });

    it("rejects an inline policy that is not JSON", async () => {
      const { violations } = await validate(policy, variant(inline(), { inlinePolicy: "{ not json" }));
      assert.equal(violations.length, 1);
      assert.match(violations[0], /^permission-sets-request-policy \(.*\): inlinePolicy is not valid JSON/);
    });
  });
});
