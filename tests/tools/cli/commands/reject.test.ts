import assert from "node:assert/strict";
import { SendAutomationSignalCommand } from "@aws-sdk/client-ssm";
import { runJit } from "../support/cli";
import { credentialsProviderError, EXECUTION_ID, type MockedSsm, mockedSsm } from "../support/ssm";

describe("jit reject", () => {
  let m: MockedSsm;
  beforeEach(() => {
    m = mockedSsm();
    m.mock.on(SendAutomationSignalCommand).resolves({});
  });

  const signals = () => m.mock.commandCalls(SendAutomationSignalCommand).map((c) => c.args[0].input);

  it("rejects with a Reject signal and its reason, printed as JSON with --json", async () => {
    const run = await runJit(m.ssm, ["reject", EXECUTION_ID, "--comment", "Not during the change freeze", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(signals(), [
      {
        AutomationExecutionId: EXECUTION_ID,
        SignalType: "Reject",
        Payload: { Comment: ["Not during the change freeze"] },
      },
    ]);
    assert.deepEqual(JSON.parse(run.stdout), {
      id: EXECUTION_ID,
      signal: "Reject",
      comment: "Not during the change freeze",
    });
  });

  it("requires a comment to reject (exit 2, no signal)", async () => {
    const run = await runJit(m.ssm, ["reject", EXECUTION_ID]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /required option '--comment <text>' not specified/);
    assert.deepEqual(signals(), []);
  });

  it("refuses a reason that breaks the comment rule (exit 2, no signal)", async () => {
    const run = await runJit(m.ssm, ["reject", EXECUTION_ID, "--comment", 'not "now"']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--comment must be 1 to 200 printable characters/);
    assert.deepEqual(signals(), []);
  });

  it("turns missing credentials into one line (exit 1)", async () => {
    m.mock.on(SendAutomationSignalCommand).rejects(credentialsProviderError());
    const run = await runJit(m.ssm, ["reject", EXECUTION_ID, "--comment", "No"]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^jit: no AWS credentials:/);
  });
});
