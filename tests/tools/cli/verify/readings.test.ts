/**
 * How `jit verify` reads each AWS behaviour from a record, for every reading the simulator can play: the records as
 * AWS would show them under that reading, and the reading named (or why the record cannot tell).
 */
import assert from "node:assert/strict";
import type { AutomationExecution } from "@aws-sdk/client-ssm";
import {
  approverIdentity,
  approverReadings,
  changeRequestRecord,
  consoleRunbookParameters,
  failsClosed,
  lambdaStringPayload,
  runbookParentLink,
} from "../../../../tools/cli/verify/readings";

const ID = "0c7f3c5e-8f25-4d9b-9a43-2f7c8e1d5a10";
const SESSION = "arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_ApproveAWSAccountAccess_0123456789abcdef/bob";
const ROLE =
  "arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ApproveAWSAccountAccess_0123456789abcdef";

const withCheck = (payload: string): AutomationExecution => ({
  StepExecutions: [{ StepName: "Check_And_Grant", StepStatus: "Success", Outputs: { Payload: [payload] } }],
});
const approval = (decisions: string[]): AutomationExecution => ({
  StepExecutions: [
    {
      StepName: "Approve_Access_Request",
      Action: "aws:approve",
      StepStatus: "Success",
      Outputs: { ApproverDecisions: decisions },
    },
  ],
});

describe("jit verify's readings", () => {
  describe("lambdaStringPayload: the request check's answer as Check_And_Grant's Payload", () => {
    it("is json-text when the Payload starts with the string's quote", () => {
      assert.equal(lambdaStringPayload(withCheck('"Eligible"'), "Check_And_Grant").reading, "json-text");
    });
    it("is bare-string when it does not", () => {
      assert.equal(lambdaStringPayload(withCheck("Eligible"), "Check_And_Grant").reading, "bare-string");
    });
    it("cannot tell without a Payload, and says what would", () => {
      const finding = lambdaStringPayload({ StepExecutions: [] }, "Check_And_Grant");
      assert.equal(finding.reading, undefined);
      assert.match(finding.needs ?? "", /request check answered/);
    });
  });

  describe("runbookParentLink: the runbook's ParentAutomationExecutionId", () => {
    it("is recorded when the runbook names its change request, and absent (failing closed) when not", () => {
      const recorded = runbookParentLink({ AutomationExecutionId: ID, ParentAutomationExecutionId: ID });
      const absent = runbookParentLink({ AutomationExecutionId: ID });
      assert.deepEqual([recorded.reading, absent.reading], ["recorded", "absent"]);
      assert.equal(failsClosed(recorded), undefined);
      assert.match(failsClosed(absent) ?? "", /every Change Manager request is refused/);
    });
  });

  describe("consoleRunbookParameters: AutomationAssumeRole among the runbook's parameters", () => {
    const form = { AccountId: ["444455556666"], Justification: ["a reason for it"] };
    it("is adds-assume-role whoever raised the request, when it is there", () => {
      const runbook = { Parameters: { ...form, AutomationAssumeRole: ["arn:aws:iam::1:role/x"] } };
      assert.equal(consoleRunbookParameters(runbook, false).reading, "adds-assume-role");
    });
    it("is form-only for a request raised elsewhere (--records) without it", () => {
      assert.equal(consoleRunbookParameters({ Parameters: form }, true).reading, "form-only");
    });
    it("cannot tell from the CLI's own request, and says to raise one in the console", () => {
      const finding = consoleRunbookParameters({ Parameters: form }, false);
      assert.equal(finding.reading, undefined);
      assert.match(finding.needs ?? "", /console.*jit verify --records/);
    });
  });

  describe("approverDecisions and approverIdentity: the approval step's ApproverDecisions", () => {
    const decision = { Approver: SESSION, Decision: "Approved", DecisionTime: "2026-11-25T09:05:00Z" };
    it("is json-string for one JSON string holding the list", () => {
      const [shape, identity] = approverReadings(approval([JSON.stringify([decision])]));
      assert.deepEqual([shape.reading, identity.reading], ["json-string", "session-arn"]);
    });
    it("is list-of-maps for one map per decision, in AWS's API spelling", () => {
      const map = { Approver: SESSION, Decision: "Approve", ApprovalDecisionTime: "2026-11-25T09:05:00Z" };
      const [shape] = approverReadings(approval([JSON.stringify(map), JSON.stringify({ ...map, Approver: SESSION })]));
      assert.equal(shape.reading, "list-of-maps");
    });
    it("names the approver's identity: a session ARN, a role ARN (failing closed) or a user id", () => {
      assert.equal(approverIdentity(SESSION), "session-arn");
      assert.equal(approverIdentity(ROLE), "role-arn");
      assert.equal(approverIdentity("94482488-3041-7026-18f3-be45837cd0e4"), "user-id");
      const [, identity] = approverReadings(approval([JSON.stringify([{ ...decision, Approver: ROLE }])]));
      assert.match(failsClosed(identity) ?? "", /every request that needs an approval is refused/);
    });
    it("cannot tell without a decision, and says a real approval would", () => {
      const findings = approverReadings({ StepExecutions: [] });
      assert.deepEqual(
        findings.map((f) => [f.dimension, f.reading]),
        [
          ["approverDecisions", undefined],
          ["approverIdentity", undefined],
        ],
      );
      assert.match(findings[0].needs ?? "", /real approval.*jit verify --records/);
    });
    it("says so when the decisions are in a shape the request check does not read", () => {
      const [shape] = approverReadings(approval(["{Approver=bob, Decision=Approve}"]));
      assert.equal(shape.reading, undefined);
      assert.match(shape.evidence, /no shape the request check reads/);
    });
  });

  describe("changeRequestRecord: CloudTrail's StartChangeRequestExecution requestParameters", () => {
    const both = { documentName: "t", autoApprove: false, changeRequestName: "alice JitVerifyCanary" };
    const { autoApprove, ...noAuto } = both;
    const { changeRequestName, ...noName } = both;
    it("for a request raised elsewhere: omits-auto-approve, omits-name, or all-fields", () => {
      assert.equal(changeRequestRecord(noAuto).reading, "omits-auto-approve");
      assert.equal(changeRequestRecord(noName).reading, "omits-name");
      assert.equal(changeRequestRecord(both).reading, "all-fields");
    });
    it("for the self-test's own request, which sends both: no reading, and what would decide it", () => {
      const finding = changeRequestRecord(both, { autoApprove: true, name: true });
      assert.equal(finding.reading, undefined);
      assert.match(finding.needs ?? "", /without AutoApprove or without a name/);
    });
    it("without a record: no reading, naming the trail's log group", () => {
      assert.match(changeRequestRecord(undefined).needs ?? "", /--trail-log-group/);
    });
  });
});
