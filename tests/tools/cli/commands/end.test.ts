import assert from "node:assert/strict";
import {
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
  StartAutomationExecutionCommand,
} from "@aws-sdk/client-ssm";
import { DEFAULT_END_REASON } from "../../../../tools/cli/commands/end";
import { runJit } from "../support/cli";
import { EXECUTION_ID, givenDeployedForm, type MockedSsm, mockedSsm, RUNBOOK, TEMPLATE } from "../support/ssm";

const REQUEST_ID = "9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
const END_EXECUTION_ID = "5b6c7d8e-9f01-4a2b-8c3d-4e5f60718293";
const END_DOCUMENT = "idc-jit-dev-end-access";

describe("jit end", () => {
  let m: MockedSsm;
  const starts = () => m.mock.commandCalls(StartAutomationExecutionCommand).map((c) => c.args[0].input);

  beforeEach(async () => {
    m = mockedSsm();
    await givenDeployedForm(m.mock);
    m.mock.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: END_EXECUTION_ID });
  });

  it("starts the end-access document of the same deployment with the request id and the reason", async () => {
    m.mock
      .on(GetAutomationExecutionCommand)
      .resolves({ AutomationExecution: { AutomationExecutionId: REQUEST_ID, DocumentName: RUNBOOK } });
    const run = await runJit(m.ssm, ["end", REQUEST_ID, "--reason", "INC-4711 resolved early"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(starts(), [
      { DocumentName: END_DOCUMENT, Parameters: { RequestId: [REQUEST_ID], Reason: ["INC-4711 resolved early"] } },
    ]);
    assert.match(run.stdout, new RegExp(`Asked to end the grant of request ${REQUEST_ID}`));
  });

  it("takes the change request's id: ends the request its runbook execution is, with the default reason", async () => {
    m.mock.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: {
        AutomationExecutionId: EXECUTION_ID,
        DocumentName: TEMPLATE,
        AutomationSubtype: "ChangeRequest",
      },
    });
    m.mock.on(DescribeAutomationExecutionsCommand).resolves({
      AutomationExecutionMetadataList: [{ AutomationExecutionId: REQUEST_ID, DocumentName: RUNBOOK }],
    });
    const run = await runJit(m.ssm, ["end", EXECUTION_ID, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      requestId: REQUEST_ID,
      document: END_DOCUMENT,
      endExecutionId: END_EXECUTION_ID,
    });
    assert.deepEqual(m.mock.commandCalls(DescribeAutomationExecutionsCommand)[0].args[0].input.Filters, [
      { Key: "ParentExecutionId", Values: [EXECUTION_ID] },
    ]);
    assert.deepEqual(starts()[0].Parameters, { RequestId: [REQUEST_ID], Reason: [DEFAULT_END_REASON] });
  });

  it("refuses a reason the document would refuse, naming --reason and its rule (exit 2, nothing started)", async () => {
    const run = await runJit(m.ssm, ["end", REQUEST_ID, "--reason", "short"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--reason must be a reason of 10 to 500 printable characters/);
    assert.deepEqual(starts(), []);
  });

  it("refuses an id that is not an execution id, and one this account does not hold (exit 2)", async () => {
    const bad = await runJit(m.ssm, ["end", "not-an-id"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /<request-id> "not-an-id" is not/);
    const notFound = Object.assign(new Error("no such execution"), { name: "AutomationExecutionNotFoundException" });
    m.mock.on(GetAutomationExecutionCommand).rejects(notFound);
    const elsewhere = await runJit(m.ssm, ["end", REQUEST_ID]);
    assert.equal(elsewhere.code, 2);
    assert.match(elsewhere.stderr, /requester account's credentials/);
    assert.deepEqual(starts(), []);
  });
});
