/**
 * What a change request shows through the SSM API once Change Manager has run it: the runbook execution it started
 * links back to it (ParentAutomationExecutionId) and to the association that started it (AssociationId), and its
 * aws:approve step carries the outputs the aws:approve reference documents (ApprovalStatus, ApproverDecisions).
 */
import assert from "node:assert/strict";
import type { DocumentContent } from "../../../../tools/sim/automation/document";
import type { ApiInput, Caller } from "../../../../tools/sim/aws";
import { START_TIME } from "../../../../tools/sim/clock";
import { World } from "../../../../tools/sim/world";
import { ACCOUNT, REGION, runbook, STARTER, sleep, step } from "../support/automation";

const approver = (name: string, sessionName = name.toLowerCase()): Caller => ({
  account: ACCOUNT,
  region: REGION,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
  sessionName,
});
const APPROVER_A = approver("ApproverA");
const APPROVER_B = approver("ApproverB");
const sessionOf = (c: Caller) => `arn:aws:sts::${ACCOUNT}:assumed-role/${c.roleArn.split("/").pop()}/${c.sessionName}`;

/** A change template both approvers' roles must approve, running `spec-runbook`. */
const TEMPLATE: DocumentContent = {
  ...runbook([
    step("Approve_Access_Request", "aws:approve", {
      Message: "Approve?",
      EnhancedApprovals: {
        Approvers: [APPROVER_A, APPROVER_B].map((a) => ({
          type: "IamRole",
          approver: a.roleArn,
          minRequiredApprovals: 1,
        })),
      },
    }),
  ]),
  autoApprovable: true,
  executableRunBooks: [{ name: "spec-runbook", version: "$DEFAULT" }],
};

interface Described {
  AutomationExecutionId: string;
  AutomationExecutionStatus: string;
  ParentAutomationExecutionId?: string;
  AssociationId?: string;
  StepExecutions: { StepName: string; Outputs?: Record<string, string[]> }[];
}

/** A world with the template and its runbook, a change request of it started (AutoApprove as given). */
async function changeRequest(autoApprove = false) {
  const world = new World();
  const add = (name: string, documentType: "Automation" | "Automation.ChangeTemplate", content: DocumentContent) =>
    world.documents.add({ account: ACCOUNT, region: REGION, name, documentType, content, tags: {} });
  add("spec-runbook", "Automation", runbook([sleep("Wait", { Duration: "PT1M" })]));
  add("spec-template", "Automation.ChangeTemplate", TEMPLATE);
  const call = (api: string, input: ApiInput, caller = STARTER) => world.callAws("ssm", api, input, caller);
  const { AutomationExecutionId: id } = (await call("StartChangeRequestExecution", {
    DocumentName: "spec-template",
    ChangeRequestName: "alice ReadOnly on 777788889999",
    AutoApprove: autoApprove,
    Runbooks: [{ DocumentName: "spec-runbook", Parameters: {} }],
  })) as { AutomationExecutionId: string };
  const get = async (executionId: string) =>
    (
      (await call("GetAutomationExecution", { AutomationExecutionId: executionId })) as {
        AutomationExecution: Described;
      }
    ).AutomationExecution;
  const signal = (caller: Caller, type: "Approve" | "Reject", comment?: string) =>
    call(
      "SendAutomationSignal",
      { AutomationExecutionId: id, SignalType: type, ...(comment && { Payload: { Comment: [comment] } }) },
      caller,
    );
  return { world, id, call, get, signal };
}

/** The change request's approve step outputs, ApproverDecisions parsed. */
function approvalOutputs(change: Described) {
  const outputs = change.StepExecutions.find((s) => s.StepName === "Approve_Access_Request")?.Outputs;
  assert.ok(outputs, "the approve step has outputs");
  assert.equal(outputs.ApproverDecisions.length, 1);
  return { status: outputs.ApprovalStatus, decisions: JSON.parse(outputs.ApproverDecisions[0]) as unknown };
}

describe("Change Manager: a change request's runbook execution", () => {
  it("names the change request as its parent and the association that started it", async () => {
    const { world, id, call, get } = await changeRequest(true);
    await world.run();
    const change = world.engine.get(id);
    assert.equal(change.status, "Success");
    const [runbookId] = change.changeRequest?.runbookExecutionIds ?? [];
    const association = world.calls.find((c) => c.api === "CreateAssociation")?.response as {
      AssociationDescription: { AssociationId: string };
    };
    const associationId = association.AssociationDescription.AssociationId;
    assert.deepEqual(change.changeRequest?.associationIds, [associationId]);

    const run = await get(runbookId);
    assert.equal(run.ParentAutomationExecutionId, id);
    assert.equal(run.AssociationId, associationId);
    const { AutomationExecutionMetadataList: listed } = (await call("DescribeAutomationExecutions", {
      Filters: [{ Key: "ExecutionId", Values: [runbookId] }],
    })) as { AutomationExecutionMetadataList: Described[] };
    assert.equal(listed[0].ParentAutomationExecutionId, id);
    assert.equal(listed[0].AssociationId, associationId);

    const self = await get(id);
    assert.ok(!("ParentAutomationExecutionId" in self), "the change request itself has no parent");
  });

  it("records nothing new on an auto-approved change request's approve step", async () => {
    const { world, id, get } = await changeRequest(true);
    await world.run();
    const change = await get(id);
    assert.equal(change.StepExecutions[0].Outputs, undefined);
  });
});

describe("Change Manager: a change request's approval outputs", () => {
  it("records ApprovalStatus Approved and each approver's decision once, in order, with the virtual time", async () => {
    const { world, id, get, signal } = await changeRequest();
    await world.run(START_TIME + 60_000);
    assert.equal((await get(id)).AutomationExecutionStatus, "Waiting");
    await signal(APPROVER_A, "Approve", "fine by me");
    await world.run(START_TIME + 120_000);
    await signal(APPROVER_A, "Approve");
    await world.run(START_TIME + 180_000);
    await signal(APPROVER_B, "Approve");
    await world.run();

    const change = await get(id);
    assert.equal(change.AutomationExecutionStatus, "Success");
    const { status, decisions } = approvalOutputs(change);
    assert.deepEqual(status, ["Approved"]);
    assert.deepEqual(decisions, [
      {
        Approver: sessionOf(APPROVER_A),
        Decision: "Approved",
        DecisionTime: new Date(START_TIME + 60_000).toISOString(),
        Comment: "fine by me",
      },
      {
        Approver: sessionOf(APPROVER_B),
        Decision: "Approved",
        DecisionTime: new Date(START_TIME + 180_000).toISOString(),
      },
    ]);
  });

  it("records ApprovalStatus Rejected, with the approvals before the rejection and the rejection's comment", async () => {
    const { world, id, get, signal } = await changeRequest();
    await world.run(START_TIME + 60_000);
    await signal(APPROVER_A, "Approve");
    await world.run(START_TIME + 120_000);
    await signal(APPROVER_B, "Reject", "not during the freeze");
    await world.run();

    const change = await get(id);
    assert.equal(change.AutomationExecutionStatus, "Failed");
    const { status, decisions } = approvalOutputs(change);
    assert.deepEqual(status, ["Rejected"]);
    assert.deepEqual(decisions, [
      {
        Approver: sessionOf(APPROVER_A),
        Decision: "Approved",
        DecisionTime: new Date(START_TIME + 60_000).toISOString(),
      },
      {
        Approver: sessionOf(APPROVER_B),
        Decision: "Rejected",
        DecisionTime: new Date(START_TIME + 120_000).toISOString(),
        Comment: "not during the freeze",
      },
    ]);
    assert.deepEqual(world.engine.get(id).changeRequest?.runbookExecutionIds, []);
  });
});
