import assert from "node:assert/strict";
import { requiredTags } from "../../policy/requiredTags";
import { type Plan, sharedManagementPlan, sharedRequesterPlan } from "../support/plan";
import { SLACK_CHAT } from "../support/variants";
import { PLANNED_STACKS } from "./plannedStacks";
import { planViolations, validate, variant } from "./validation";

const ROLE = "aws:iam/role:Role";
const policy = requiredTags;

describe("policy required-tags", () => {
  for (const { label, plan } of PLANNED_STACKS) {
    it(`accepts the planned ${label} stack`, async () => {
      assert.deepEqual(await planViolations(policy, await plan()), []);
    });

    it(`applies to every resource the planned ${label} stack declares with tags`, async () => {
      const tagged = (await plan()).resources.filter((r) => "tags" in r.inputs);
      assert.ok(tagged.length > 0);
      for (const r of tagged) assert.ok((await validate(policy, r)).applicable, `${r.type} ${r.name}`);
    });
  }

  describe("on a role of the management side", () => {
    let plan: Plan;
    before(async () => {
      plan = await sharedManagementPlan();
    });
    const role = () => plan.byPhysicalName(ROLE, "idc-jit-dev-grant-workflow");
    const tags = () => role().inputs.tags as Record<string, string>;
    const prefix = () => `${role().name} (${ROLE}): `;

    it("rejects a role missing the Environment tag", async () => {
      const { Environment: _, ...rest } = tags();
      const { violations } = await validate(policy, variant(role(), { tags: rest }));
      assert.deepEqual(violations, [`${prefix()}is missing the tag Environment`]);
    });

    it("rejects a role with no tags at all, naming each missing tag", async () => {
      const { violations } = await validate(policy, variant(role(), { tags: undefined }));
      assert.deepEqual(
        violations,
        ["Solution", "Environment", "Side", "ManagedBy"].map((key) => `${prefix()}is missing the tag ${key}`),
      );
    });

    it("rejects the wrong Solution and ManagedBy values", async () => {
      const bad = variant(role(), { tags: { ...tags(), Solution: "other", ManagedBy: "console" } });
      assert.deepEqual((await validate(policy, bad)).violations, [
        `${prefix()}has tag Solution=other, not identity-center-jit`,
        `${prefix()}has tag ManagedBy=console, not pulumi`,
      ]);
    });

    it("rejects a Side other than management or requester, and an Environment the config would not accept", async () => {
      const bad = variant(role(), { tags: { ...tags(), Side: "both", Environment: "Dev Env" } });
      const { violations } = await validate(policy, bad);
      assert.deepEqual(violations, [
        `${prefix()}has tag Side=both, not one of management, requester`,
        `${prefix()}has tag Environment=Dev Env, not 1 to 10 lower-case letters or digits, starting with a letter`,
      ]);
    });

    it("accepts extra tags, such as the change template's Component", async () => {
      const extra = variant(role(), { tags: { ...tags(), Component: "anything" } });
      assert.deepEqual((await validate(policy, extra)).violations, []);
    });
  });

  it("reads an AWS Chatbot channel's tags as the list of { key, value } Cloud Control takes", async () => {
    const plan = await sharedRequesterPlan(SLACK_CHAT);
    const [channel] = plan.ofType("aws-native:chatbot:SlackChannelConfiguration");
    assert.ok(channel);
    const tags = (channel.inputs.tags as { key: string; value: string }[]).filter((t) => t.key !== "Side");
    const { violations } = await validate(policy, variant(channel, { tags }));
    assert.deepEqual(violations, [
      `${channel.name} (aws-native:chatbot:SlackChannelConfiguration): is missing the tag Side`,
    ]);
  });
});
