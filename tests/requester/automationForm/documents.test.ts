import assert from "node:assert/strict";
import { parse } from "yaml";
import { approvedRequestRunbook } from "../../../requester/automationForm/documents";
import { toYaml } from "../../../shared/ssm/serialize";

const APPROVERS = [
  "arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Approve_0123456789abcdef",
  "arn:aws:iam::444455556666:role/AWSReservedSSO_Approve_0123456789abcdef",
];

function runbook(approvalsBySet: Record<string, number>, autoApprovable = true) {
  const document = approvedRequestRunbook({
    requestablePermissionSets: Object.keys(approvalsBySet),
    maxDuration: 4,
    durationUnit: "hours",
    assumeRoleArn: "arn:aws:iam::444455556666:role/idc-jit-dev-request",
    requestBusArn: "arn:aws:events:eu-west-1:111122223333:event-bus/idc-jit-dev-access-requests",
    approvers: APPROVERS,
    approvalsBySet,
    autoApprovable,
    approvalTimeoutHours: 24,
  });
  return parse(toYaml(document)) as {
    parameters: Record<string, { allowedValues?: string[]; default?: string }>;
    mainSteps: {
      name: string;
      action: string;
      nextStep?: string;
      timeoutSeconds?: number;
      inputs: Record<string, unknown>;
    }[];
  };
}

describe("the Automation form's request runbook", () => {
  it("waits for one approval by the approve set's role, then sends the request", () => {
    const { mainSteps } = runbook({ AWSAdministratorAccess: 1 }, false);
    assert.deepEqual(
      mainSteps.map((s) => [s.name, s.action]),
      [
        ["Approve_Access_Request", "aws:approve"],
        ["Send_Request_To_Management", "aws:assertAwsResourceProperty"],
      ],
    );
    const approval = mainSteps[0];
    assert.deepEqual(approval.inputs.Approvers, APPROVERS);
    // MinRequiredApprovals may not exceed the approvers listed (automation-action-approve): one role, one approval.
    assert.equal(approval.inputs.MinRequiredApprovals, 1);
    assert.equal(approval.timeoutSeconds, 24 * 3600);
  });

  it("asks one approval step per approval a set's rules need, and only for the sets that need it", () => {
    const { mainSteps } = runbook({ AWSReadOnlyAccess: 0, AWSPowerUserAccess: 2, AWSAdministratorAccess: 3 });
    assert.deepEqual(
      mainSteps.map((s) => s.name),
      [
        "Skip_Approval_If_Asked",
        "Approve_Access_Request",
        "Needs_Approval_2",
        "Approve_Access_Request_2",
        "Needs_Approval_3",
        "Approve_Access_Request_3",
        "Send_Request_To_Management",
      ],
    );
    const step = (name: string) => mainSteps.find((s) => s.name === name)!;
    const choices = (name: string) => step(name).inputs.Choices as Record<string, unknown>[];
    assert.deepEqual(choices("Needs_Approval_2"), [
      {
        NextStep: "Approve_Access_Request_2",
        Or: [
          { Variable: "{{ PermissionSet }}", StringEquals: "AWSPowerUserAccess" },
          { Variable: "{{ PermissionSet }}", StringEquals: "AWSAdministratorAccess" },
        ],
      },
    ]);
    assert.equal(step("Needs_Approval_2").inputs.Default, "Send_Request_To_Management");
    assert.deepEqual(choices("Needs_Approval_3"), [
      { NextStep: "Approve_Access_Request_3", Variable: "{{ PermissionSet }}", StringEquals: "AWSAdministratorAccess" },
    ]);
    assert.equal(step("Approve_Access_Request").nextStep, "Needs_Approval_2");
    assert.equal(step("Approve_Access_Request_3").nextStep, "Send_Request_To_Management");
  });

  it("skips approval only when asked (AutoApprove true; the management side checks who asked)", () => {
    const { parameters, mainSteps } = runbook({ AWSReadOnlyAccess: 0 });
    assert.deepEqual(parameters.AutoApprove.allowedValues, ["false", "true"]);
    assert.equal(parameters.AutoApprove.default, "false");
    assert.deepEqual(mainSteps[0].inputs, {
      Choices: [{ NextStep: "Send_Request_To_Management", Variable: "{{ AutoApprove }}", StringEquals: "true" }],
      Default: "Approve_Access_Request",
    });
    assert.equal(runbook({ AWSReadOnlyAccess: 0 }, false).parameters.AutoApprove, undefined);
  });
});
