import assert from "node:assert/strict";
import { componentGroups, componentOf } from "../../../tools/diagrams/components";
import type { PlannedResource } from "../../../tools/sim/deployment";
import { exampleDeployment } from "../sim/support/deployment";

const resource = (type: string, name: string, inputs: Record<string, unknown> = {}): PlannedResource => ({
  type,
  name,
  inputs,
});

describe("component groups of a planned stack", () => {
  it("puts each resource in the component whose name is the longest prefix of its own, up to a hyphen", () => {
    const { groups, ungrouped } = componentGroups([
      resource("jit:management:SolutionPermissionSets", "permission-sets"),
      resource("jit:management:PermissionSetSync", "permission-set-sync"),
      resource("jit:management:GrantWorkflow", "grant"),
      resource("jit:management:GrantWorkflowRule", "grant-rule"),
      resource("aws:ssoadmin/permissionSet:PermissionSet", "permission-sets-request"),
      resource("aws:iam/role:Role", "permission-set-sync-role"),
      resource("aws:cloudwatch/eventRule:EventRule", "grant-rule-schedule"),
      resource("aws:iam/role:Role", "grantee"),
    ]);
    const members = Object.fromEntries(groups.map((g) => [g.type, g.resources.map((r) => r.name)]));
    assert.deepEqual(members, {
      SolutionPermissionSets: ["permission-sets-request"],
      PermissionSetSync: ["permission-set-sync-role"],
      GrantWorkflow: [],
      GrantWorkflowRule: ["grant-rule-schedule"],
    });
    assert.deepEqual(
      ungrouped.map((r) => r.name),
      ["grantee"],
    );
  });

  it("makes one group of components with the same name, named after the first", () => {
    const { groups } = componentGroups([
      resource("jit:management:CloudTrailSummary", "cloudtrail-summary"),
      resource("jit:management:InlineFunction", "cloudtrail-summary"),
      resource("aws:lambda/function:Function", "cloudtrail-summary-function"),
    ]);
    assert.deepEqual(
      groups.map((g) => [g.type, g.resources.length]),
      [["CloudTrailSummary", 1]],
    );
  });

  it("groups the example management stack's grant workflow resources, and finds a document's component", async () => {
    const { management } = await exampleDeployment();
    const grant = componentGroups(management.stack.resources).groups.find((g) => g.type === "GrantWorkflow");
    assert.deepEqual(grant?.resources.map((r) => r.type).sort(), [
      "aws:cloudwatch/eventRule:EventRule",
      "aws:cloudwatch/eventTarget:EventTarget",
      "aws:iam/role:Role",
      "aws:iam/role:Role",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:sqs/queue:Queue",
      "aws:sqs/queuePolicy:QueuePolicy",
      "aws:ssm/document:Document",
    ]);
    assert.equal(
      componentOf(management.stack.resources, "aws:ssm/document:Document", "idc-jit-dev-grant-access")?.type,
      "GrantWorkflow",
    );
  });
});
