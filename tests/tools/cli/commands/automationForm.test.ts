/**
 * The commands where the deployment offers the Automation form: no change template carries its tag, the request
 * runbook carries the request form's, and a request is an execution of that runbook, approved, followed and ended by
 * its own execution id.
 */
import assert from "node:assert/strict";
import {
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
  SendAutomationSignalCommand,
  StartAutomationExecutionCommand,
  StartChangeRequestExecutionCommand,
} from "@aws-sdk/client-ssm";
import { runJit } from "../support/cli";
import { EXECUTION_ID, FORM_RUNBOOK, givenAutomationForm, type MockedSsm, mockedSsm } from "../support/ssm";

const VALID = [
  "request",
  "--account",
  "777788889999",
  "--permission-set",
  "ViewOnlyAccess",
  "--duration",
  "2",
  "--reason",
  "INC-4711: read the payment service logs",
];

const PARAMETERS = {
  AccountId: ["777788889999"],
  PermissionSet: ["ViewOnlyAccess"],
  Duration: ["2"],
  DurationUnit: ["hours"],
  RequestingUser: ["alice"],
  Justification: ["INC-4711: read the payment service logs"],
};

/** A request runbook execution as GetAutomationExecution returns it. */
const runbookExecution = (id: string, requester: string, status: "Waiting" | "Success") => ({
  AutomationExecutionId: id,
  DocumentName: FORM_RUNBOOK,
  AutomationExecutionStatus: status,
  ExecutedBy: `arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_JitRequest_0123456789abcdef/${requester}`,
  ExecutionStartTime: new Date("2026-11-25T09:00:00Z"),
  CurrentStepName: status === "Waiting" ? "Approve_Access_Request" : undefined,
  CurrentAction: status === "Waiting" ? "aws:approve" : undefined,
  Parameters: { ...PARAMETERS, RequestingUser: [requester] },
});

describe("jit with the Automation form (the request runbook tagged as the request form)", () => {
  const jitUser = process.env.JIT_USER;
  after(() => {
    if (jitUser === undefined) delete process.env.JIT_USER;
    else process.env.JIT_USER = jitUser;
  });

  let m: MockedSsm;
  beforeEach(async () => {
    delete process.env.JIT_USER;
    m = mockedSsm();
    await givenAutomationForm(m.mock);
    m.mock.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: EXECUTION_ID });
  });

  const started = () => m.mock.commandCalls(StartAutomationExecutionCommand).map((c) => c.args[0].input);

  describe("jit request", () => {
    it("starts the request runbook with the form's parameters, no AutoApprove, and links to the execution", async () => {
      const run = await runJit(m.ssm, [...VALID, "--json"]);
      assert.equal(run.code, 0, run.stderr);
      // Tagged with the caller's aws:userid, so they (and approvers) may cancel it (shared/requestOwnership.ts).
      const tags = [{ Key: "JitRequestedBy", Value: "AROAEXAMPLEREQUEST001:alice" }];
      assert.deepEqual(started(), [{ DocumentName: FORM_RUNBOOK, Parameters: PARAMETERS, Tags: tags }]);
      assert.equal(m.mock.commandCalls(StartChangeRequestExecutionCommand).length, 0);
      const result = JSON.parse(run.stdout);
      assert.equal(result.form, "automation");
      assert.equal(result.id, EXECUTION_ID, "the request is the runbook execution");
      assert.equal(result.document, FORM_RUNBOOK);
      assert.equal(result.runbook, FORM_RUNBOOK);
      assert.match(result.link, new RegExp(`systems-manager/automation/execution/${EXECUTION_ID}\\?region=eu-west-1$`));
    });

    it('sends AutoApprove ["true"] only with --auto-approve', async () => {
      const run = await runJit(m.ssm, [...VALID, "--auto-approve"]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(started()[0].Parameters, { ...PARAMETERS, AutoApprove: ["true"] });
      assert.match(
        run.stdout,
        new RegExp(`^Access request ${EXECUTION_ID} raised: alice ViewOnlyAccess on 777788889999$`, "m"),
      );
    });

    it("refuses --auto-approve when the runbook declares no AutoApprove parameter (exit 2)", async () => {
      m = mockedSsm();
      await givenAutomationForm(m.mock, (runbook) => {
        delete (runbook.parameters as Record<string, unknown>).AutoApprove;
      });
      const run = await runJit(m.ssm, [...VALID, "--auto-approve"]);
      assert.equal(run.code, 2);
      assert.match(
        run.stderr,
        /--auto-approve: the request runbook idc-jit-sandbox-request-access does not allow auto-approval/,
      );
      assert.equal(started().length, 0);
    });

    it("checks each flag against the runbook's own parameters, and refuses --start, before starting anything (exit 2)", async () => {
      const flags = VALID.map((v, i) => (VALID[i - 1] === "--duration" ? "13" : v));
      const run = await runJit(m.ssm, [...flags, "--start", "2026-11-25T14:00Z"]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--duration "13" does not match/);
      assert.match(run.stderr, /--start: the request runbook idc-jit-sandbox-request-access has no start time/);
      assert.equal(started().length, 0);
    });
  });

  it("jit approve signals the runbook execution itself", async () => {
    m.mock.on(SendAutomationSignalCommand).resolves({});
    const run = await runJit(m.ssm, ["approve", EXECUTION_ID, "--comment", "OK for INC-4711"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(m.mock.commandCalls(SendAutomationSignalCommand)[0].args[0].input, {
      AutomationExecutionId: EXECUTION_ID,
      SignalType: "Approve",
      Payload: { Comment: ["OK for INC-4711"] },
    });
  });

  describe("jit list", () => {
    const WAITING = "1a2b3c4d-0000-4000-8000-000000000001";
    const DONE = "1a2b3c4d-0000-4000-8000-000000000002";
    beforeEach(() => {
      const listed = [runbookExecution(WAITING, "carol", "Waiting"), runbookExecution(DONE, "alice", "Success")];
      m.mock.on(DescribeAutomationExecutionsCommand).resolves({
        AutomationExecutionMetadataList: [
          ...listed.map(({ Parameters, ...metadata }) => metadata),
          { ...listed[0], AutomationExecutionId: "other", DocumentName: `${FORM_RUNBOOK}-old` },
        ],
      });
      for (const x of listed) {
        m.mock.on(GetAutomationExecutionCommand, { AutomationExecutionId: x.AutomationExecutionId }).resolves({
          AutomationExecution: x,
        });
      }
    });

    it("lists the runbook's executions (by its name, not as change requests), read in full for their parameters", async () => {
      const run = await runJit(m.ssm, ["list", "--json"]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(m.mock.commandCalls(DescribeAutomationExecutionsCommand)[0].args[0].input.Filters, [
        { Key: "DocumentNamePrefix", Values: [FORM_RUNBOOK] },
      ]);
      assert.deepEqual(
        JSON.parse(run.stdout).map((r: { id: string; requestingUser: string; account: string }) => [
          r.id,
          r.requestingUser,
          r.account,
        ]),
        [
          [WAITING, "carol", "777788889999"],
          [DONE, "alice", "777788889999"],
        ],
      );
    });

    it("--waiting-for-me: the executions waiting at an aws:approve step, reading only those", async () => {
      const run = await runJit(m.ssm, ["list", "--waiting-for-me", "--user", "bob", "--json"]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(
        JSON.parse(run.stdout).map((r: { id: string }) => r.id),
        [WAITING],
      );
      assert.equal(m.mock.commandCalls(GetAutomationExecutionCommand).length, 1);
    });
  });

  it("jit end takes the runbook execution as the request id", async () => {
    m.mock
      .on(GetAutomationExecutionCommand)
      .resolves({ AutomationExecution: runbookExecution(EXECUTION_ID, "alice", "Success") });
    const run = await runJit(m.ssm, ["end", EXECUTION_ID, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(started(), [
      {
        DocumentName: "idc-jit-sandbox-end-access",
        Parameters: { RequestId: [EXECUTION_ID], Reason: ["Ended early with jit end: the access is no longer needed"] },
      },
    ]);
  });
});
