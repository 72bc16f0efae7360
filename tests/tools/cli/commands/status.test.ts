import assert from "node:assert/strict";
import { type AutomationExecution, GetAutomationExecutionCommand } from "@aws-sdk/client-ssm";
import { runJit } from "../support/cli";
import { changeRequest, credentialsProviderError, EXECUTION_ID, type MockedSsm, mockedSsm } from "../support/ssm";

/** The change request as GetAutomationExecution shows it at each poll. */
function polls(...states: Partial<AutomationExecution>[]): AutomationExecution[] {
  const base = changeRequest(EXECUTION_ID, "alice", "Waiting");
  return states.map((s) => ({ ...base, Parameters: {}, StepExecutions: [], ...s }));
}

const approving = { StepName: "Approve_Access_Request", StepStatus: "Waiting" } as const;
const approved = { StepName: "Approve_Access_Request", StepStatus: "Success" } as const;

describe("jit status", () => {
  let m: MockedSsm;
  beforeEach(() => {
    m = mockedSsm();
  });

  const given = (...states: AutomationExecution[]) => {
    const stub = m.mock.on(GetAutomationExecutionCommand);
    for (const state of states) stub.resolvesOnce({ AutomationExecution: state });
  };

  it("shows the status, the current step and what was requested", async () => {
    given(...polls({ StepExecutions: [approving] }));
    const run = await runJit(m.ssm, ["status", EXECUTION_ID]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^Change request ${EXECUTION_ID}: Waiting`));
    assert.match(run.stdout, /^ {2}current step {2}Approve_Access_Request$/m);
    assert.match(run.stdout, /^ {2}request {7}alice: ViewOnlyAccess on 777788889999, duration 2$/m);
  });

  it("prints the snapshot as JSON with --json", async () => {
    given(...polls({ StepExecutions: [approving] }));
    const run = await runJit(m.ssm, ["status", EXECUTION_ID, "--json"]);
    const snapshot = JSON.parse(run.stdout);
    assert.equal(snapshot.status, "Waiting");
    assert.equal(snapshot.currentStep, "Approve_Access_Request");
    assert.deepEqual(snapshot.steps, [{ name: "Approve_Access_Request", status: "Waiting" }]);
    assert.equal(snapshot.request.requestingUser, "alice");
  });

  it("--watch polls at the interval and prints each change once, until the request ends", async () => {
    given(
      ...polls(
        { StepExecutions: [approving] },
        { StepExecutions: [approving] },
        { AutomationExecutionStatus: "InProgress", StepExecutions: [approved] },
        { AutomationExecutionStatus: "Success", StepExecutions: [approved], CurrentStepName: undefined },
      ),
    );
    const slept: number[] = [];
    const run = await runJit(m.ssm, ["status", EXECUTION_ID, "--watch", "--interval", "3"], {
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(slept, [3000, 3000, 3000]);
    const lines = run.stdout
      .trimEnd()
      .split("\n")
      .map((l) => l.replace(/^\S+ {2}/, ""));
    assert.deepEqual(lines, [
      "Approve_Access_Request: Waiting",
      "idc-jit-dev-access-request Waiting at Approve_Access_Request",
      "Approve_Access_Request: Success",
      "idc-jit-dev-access-request InProgress: approved, running idc-jit-dev-request-access",
      "idc-jit-dev-access-request Success",
    ]);
  });

  it("--watch --json prints one JSON snapshot per line at each change", async () => {
    given(...polls({}, { AutomationExecutionStatus: "Success" }));
    const run = await runJit(m.ssm, ["status", EXECUTION_ID, "--watch", "--json"]);
    const statuses = run.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l).status);
    assert.deepEqual(statuses, ["Waiting", "Success"]);
  });

  it("--watch exits 1 with the failure when the request does not succeed", async () => {
    given(...polls({ AutomationExecutionStatus: "Failed", FailureMessage: "Approve_Access_Request: rejected by bob" }));
    const run = await runJit(m.ssm, ["status", EXECUTION_ID, "--watch"]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /ended Failed: Approve_Access_Request: rejected by bob/);
  });

  it("refuses an --interval that is not a whole number of seconds (exit 2, no call)", async () => {
    const run = await runJit(m.ssm, ["status", EXECUTION_ID, "--watch", "--interval", "0.5"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /option '--interval <seconds>' argument '0.5' is invalid/);
    assert.equal(m.mock.calls().length, 0);
  });

  it("turns missing credentials into one line (exit 1)", async () => {
    m.mock.on(GetAutomationExecutionCommand).rejects(credentialsProviderError());
    const run = await runJit(m.ssm, ["status", EXECUTION_ID]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^jit: no AWS credentials:/);
  });
});
