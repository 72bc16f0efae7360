import assert from "node:assert/strict";
import { isWildcardOnlyAction } from "@cloud-copilot/iam-simulate";
import { readStatements } from "../../policy/policyDocument";
import { mayUseAnyResource, WITHOUT_RESOURCE_LEVEL_PERMISSIONS } from "../../policy/wildcardActions";
import { sharedManagementPlan } from "../support/plan";
import { CHAT_MANAGEMENT } from "../support/variants";

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

  it("admits no action outside the lists", () => {
    assert.equal(mayUseAnyResource("s3:GetObject"), false);
    assert.equal(mayUseAnyResource("ssm:*"), false);
    assert.equal(mayUseAnyResource("ssm:ListDocuments"), true);
  });
});
