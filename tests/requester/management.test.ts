import assert from "node:assert/strict";
import { disagreements, type ReadOutputs } from "../../requester/management";
import { readRequesterConfig } from "../../shared/config/requester";
import { configReader } from "../support/configIssues";
import { SLACK_CHAT } from "../support/variants";

const { read } = configReader("requester-dev", readRequesterConfig);

/** The example management stack's outputs, as far as the agreement check reads them. */
const MANAGEMENT: ReadOutputs = {
  managementAccountId: "111122223333",
  region: "eu-west-1",
  environment: "dev",
  namePrefix: "idc-jit",
  requestBusArn: "arn:aws:events:eu-west-1:111122223333:event-bus/idc-jit-dev-access-requests",
  topicArn: "arn:aws:sns:eu-west-1:111122223333:idc-jit-dev-notifications",
  requestCheckRoleArn: "arn:aws:iam::111122223333:role/idc-jit-dev-request-check",
  requestablePermissionSets: ["AWSReadOnlyAccess"],
  maxDuration: 12,
  durationUnit: "hours",
  chatbotUserRoles: true,
  mostApprovals: 1,
  approvalsBySet: { AWSReadOnlyAccess: 0 },
  approvalMode: "webAndCli",
  requestForm: "changeManager",
  approvalTimeout: 24,
  approvalReminder: 4,
  approvePermissionSet: "ApproveAWSAccountAccess",
};

describe("the requester side's agreement with the management stack", () => {
  it("finds nothing to disagree on in the example stacks", () => {
    assert.deepEqual(disagreements(read(), MANAGEMENT), []);
  });

  it("requires the form to collect at least the approvals the management side's rules count", () => {
    const issues = disagreements(read({ "jit:approvalsRequired": 1 }), { ...MANAGEMENT, mostApprovals: 2 });
    assert.deepEqual(
      issues.map((i) => i.key),
      ["jit:approvalsRequired"],
    );
    assert.match(
      issues[0].rule,
      /must be at least 2, the most approvals the management stack's .* eligibility rules require/,
    );
    assert.deepEqual(disagreements(read({ "jit:approvalsRequired": 3 }), { ...MANAGEMENT, mostApprovals: 2 }), []);
  });

  it("leaves approvals to the chat approver role in chat-only mode", () => {
    assert.deepEqual(
      disagreements(read(SLACK_CHAT), { ...MANAGEMENT, mostApprovals: 2, approvalMode: "chatOnly" }),
      [],
    );
  });

  it("requires the management side to word notifications for the same approval mode", () => {
    assert.deepEqual(
      disagreements(read(SLACK_CHAT), MANAGEMENT).map((i) => i.key),
      ["jit:approvalMode"],
    );
  });
});
