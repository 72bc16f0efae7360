import assert from "node:assert/strict";
import { SendAutomationSignalCommand } from "@aws-sdk/client-ssm";
import { runJit } from "../support/cli";
import { credentialsProviderError, EXECUTION_ID, type MockedSsm, mockedSsm } from "../support/ssm";

describe("jit approve", () => {
  let m: MockedSsm;
  beforeEach(() => {
    m = mockedSsm();
    m.mock.on(SendAutomationSignalCommand).resolves({});
  });

  const signals = () => m.mock.commandCalls(SendAutomationSignalCommand).map((c) => c.args[0].input);

  it("approves with an Approve signal carrying the comment in Payload.Comment", async () => {
    const run = await runJit(m.ssm, ["approve", EXECUTION_ID, "--comment", "Looks right for INC-4711"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(signals(), [
      {
        AutomationExecutionId: EXECUTION_ID,
        SignalType: "Approve",
        Payload: { Comment: ["Looks right for INC-4711"] },
      },
    ]);
    assert.match(run.stdout, new RegExp(`^Approved ${EXECUTION_ID}`));
  });

  it("approves without a payload when no comment is given", async () => {
    await runJit(m.ssm, ["approve", EXECUTION_ID]);
    assert.deepEqual(signals(), [{ AutomationExecutionId: EXECUTION_ID, SignalType: "Approve" }]);
  });

  it("prints the decision as JSON with --json", async () => {
    const run = await runJit(m.ssm, ["approve", EXECUTION_ID, "--json"]);
    assert.deepEqual(JSON.parse(run.stdout), { id: EXECUTION_ID, signal: "Approve" });
  });

  const badComments: [string, string][] = [
    ["a double quote", 'say "no"'],
    ["a backslash", "C:\\temp"],
    ["a newline", "line one\nline two"],
    ["more than 200 characters", "x".repeat(201)],
    ["nothing", ""],
  ];
  for (const [what, comment] of badComments) {
    it(`refuses a comment with ${what}, naming the rule (exit 2, no signal)`, async () => {
      const run = await runJit(m.ssm, ["approve", EXECUTION_ID, "--comment", comment]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--comment must be 1 to 200 printable characters without " or \\/);
      assert.deepEqual(signals(), []);
    });
  }

  it("refuses an id that is not an execution id (exit 2, no signal)", async () => {
    const run = await runJit(m.ssm, ["approve", "oi-0123456789ab"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /<id> "oi-0123456789ab" is not a Systems Manager Automation execution id/);
    assert.deepEqual(signals(), []);
  });

  it("reports what SSM answers, such as a request not waiting for approval (exit 1)", async () => {
    const error = Object.assign(new Error("The execution is not waiting for a signal"), {
      name: "InvalidAutomationSignalException",
      $metadata: { httpStatusCode: 400 },
    });
    m.mock.on(SendAutomationSignalCommand).rejects(error);
    const run = await runJit(m.ssm, ["approve", EXECUTION_ID]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, "jit: InvalidAutomationSignalException: The execution is not waiting for a signal\n");
  });

  it("turns missing credentials into one line (exit 1)", async () => {
    m.mock.on(SendAutomationSignalCommand).rejects(credentialsProviderError());
    const run = await runJit(m.ssm, ["approve", EXECUTION_ID]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^jit: no AWS credentials:/);
  });
});
