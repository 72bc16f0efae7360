import assert from "node:assert/strict";
import { isWildcardOnlyAction } from "@cloud-copilot/iam-simulate";
import { readStatements } from "../../policy/policyDocument";
import { mayUseAnyResource, WITHOUT_RESOURCE_LEVEL_PERMISSIONS } from "../../policy/wildcardActions";
import { sharedManagementPlan } from "../support/plan";
import { CHAT_MANAGEMENT } from "../support/variants";
import { PLANNED_STACKS } from "./plannedStacks";

const split = (action: string) => action.split(":") as [string, string];

describe('the allowlist of actions a permission set may grant on Resource "*"', () => {
  it("lists as having no resource-level permissions only actions the Service Authorization Reference lists with no resource type", async () => {
    for (const action of WITHOUT_RESOURCE_LEVEL_PERMISSIONS) {
      assert.equal(await isWildcardOnlyAction(...split(action)), true, action);
    }
  });

  it('covers exactly the actions the planned permission sets grant on "*", chat user roles included', async () => {
    const granted = new Set<string>();
    for (const plan of [await sharedManagementPlan(), await sharedManagementPlan(CHAT_MANAGEMENT)]) {
      for (const inline of plan.ofType("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy")) {
        for (const s of readStatements(inline.inputs.inlinePolicy)) {
          if (s.effect === "Allow" && s.resources.includes("*")) for (const a of s.actions) granted.add(a);
        }
      }
    }
    const listed = [...WITHOUT_RESOURCE_LEVEL_PERMISSIONS];
    assert.equal(new Set(listed).size, listed.length, "an action is listed twice");
    assert.deepEqual([...granted].sort(), [...listed].sort());
  });

  it('lets no identity policy of any planned variant grant on "*" an action IAM can scope to a resource', async () => {
    const scopable: string[] = [];
    let statements = 0;
    for (const { label, plan } of PLANNED_STACKS) {
      for (const r of (await plan()).resources) {
        // Every identity policy the stacks declare: roles' inline policies, chat guardrails, permission sets'.
        const json = r.inputs.policy ?? r.inputs.inlinePolicy;
        if (typeof json !== "string" || r.type.startsWith("aws:organizations/")) continue;
        for (const s of readStatements(json)) {
          if (s.effect !== "Allow" || !s.resources.includes("*")) continue;
          statements++;
          for (const a of s.actions)
            if (!(await isWildcardOnlyAction(...split(a)))) scopable.push(`${label}: ${r.name} ${a}`);
        }
      }
    }
    assert.deepEqual(scopable, []);
    assert.ok(statements > 0, "no statement on * was found: is the scan reading the policies?");
  });

  it("admits no action outside the lists", () => {
    assert.equal(mayUseAnyResource("s3:GetObject"), false);
    assert.equal(mayUseAnyResource("ssm:*"), false);
    assert.equal(mayUseAnyResource("ssm:ListDocuments"), true);
  });
});
