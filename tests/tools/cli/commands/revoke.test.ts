import assert from "node:assert/strict";
import {
  GetAutomationExecutionCommand,
  StartAutomationExecutionCommand,
  StopAutomationExecutionCommand,
} from "@aws-sdk/client-ssm";
import { runJit } from "../support/cli";
import { credentialsProviderError, EXECUTION_ID, type MockedSsm, mockedSsm } from "../support/ssm";

const REQUEST_ID = "9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
const END_EXECUTION_ID = "5b6c7d8e-9f01-4a2b-8c3d-4e5f60718293";
const GRANT_PARAMETERS = {
  AccountId: ["777788889999"],
  PermissionSet: ["AWSAdministratorAccess"],
  Duration: ["1"],
  RequestingUser: ["alice"],
  Justification: ["INC-4711: restart the payment service"],
  RequesterExecutionId: [REQUEST_ID],
};

function notFound(): Error {
  const err = new Error("execution not found");
  err.name = "AutomationExecutionNotFoundException";
  return err;
}

describe("jit revoke", () => {
  let m: MockedSsm;
  const givenGrantWorkflow = (parameters: Record<string, string[]> = GRANT_PARAMETERS) =>
    m.mock.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: {
        AutomationExecutionId: EXECUTION_ID,
        DocumentName: "idc-jit-dev-grant-access",
        AutomationExecutionStatus: "Success",
        Parameters: parameters,
      },
    });
  const starts = () => m.mock.commandCalls(StartAutomationExecutionCommand).map((c) => c.args[0].input);

  beforeEach(() => {
    m = mockedSsm();
    m.mock.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: END_EXECUTION_ID });
  });

  it("starts the end-of-grant workflow with Cause operator for a request id, and cancels nothing", async () => {
    m.mock.on(GetAutomationExecutionCommand).rejects(notFound());
    const run = await runJit(m.ssm, ["revoke", REQUEST_ID, "--end-document", "idc-jit-dev-end-access"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(starts(), [
      { DocumentName: "idc-jit-dev-end-access", Parameters: { RequestId: [REQUEST_ID], Cause: ["operator"] } },
    ]);
    assert.equal(m.mock.commandCalls(StopAutomationExecutionCommand).length, 0);
    assert.match(run.stdout, new RegExp(`Ending the grant of request ${REQUEST_ID}`));
  });

  it("takes a grant workflow execution id: ends its request, with the end document of the same deployment", async () => {
    givenGrantWorkflow();
    const run = await runJit(m.ssm, ["revoke", EXECUTION_ID, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      requestId: REQUEST_ID,
      document: "idc-jit-dev-end-access",
      endExecutionId: END_EXECUTION_ID,
    });
    assert.deepEqual(starts(), [
      { DocumentName: "idc-jit-dev-end-access", Parameters: { RequestId: [REQUEST_ID], Cause: ["operator"] } },
    ]);
  });

  it("asks for --end-document when it cannot tell the deployment (exit 2, nothing started)", async () => {
    m.mock.on(GetAutomationExecutionCommand).rejects(notFound());
    const run = await runJit(m.ssm, ["revoke", REQUEST_ID]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--end-document/);
    assert.deepEqual(starts(), []);
  });

  it("refuses an id that is not an execution id (exit 2, no call)", async () => {
    const run = await runJit(m.ssm, ["revoke", "not-an-id"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /<request-id> "not-an-id" is not/);
    assert.equal(m.mock.calls().length, 0);
  });

  it("explains in --help that it runs with management-account credentials", async () => {
    const run = await runJit(m.ssm, ["revoke", "--help"]);
    assert.equal(run.code, 0);
    assert.match(run.stdout.replace(/\s+/g, " "), /Run it with management-account credentials/);
  });

  it("turns missing credentials into one line (exit 1)", async () => {
    m.mock.on(GetAutomationExecutionCommand).rejects(credentialsProviderError());
    const run = await runJit(m.ssm, ["revoke", EXECUTION_ID]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^jit: no AWS credentials:/);
    assert.deepEqual(starts(), []);
  });
});
