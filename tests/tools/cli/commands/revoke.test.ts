import assert from "node:assert/strict";
import {
  type AutomationExecutionStatus,
  GetAutomationExecutionCommand,
  StopAutomationExecutionCommand,
} from "@aws-sdk/client-ssm";
import { runJit } from "../support/cli";
import { credentialsProviderError, EXECUTION_ID, type MockedSsm, mockedSsm } from "../support/ssm";

const GRANT_PARAMETERS = {
  AccountId: ["777788889999"],
  PermissionSet: ["AWSAdministratorAccess"],
  Duration: ["1"],
  RequestingUser: ["alice"],
  Justification: ["INC-4711: restart the payment service"],
  RequesterExecutionId: ["9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"],
};

describe("jit revoke", () => {
  let m: MockedSsm;
  const givenGrant = (status: AutomationExecutionStatus, parameters: Record<string, string[]> = GRANT_PARAMETERS) =>
    m.mock.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: {
        AutomationExecutionId: EXECUTION_ID,
        DocumentName: "idc-jit-dev-grant-access",
        AutomationExecutionStatus: status,
        Parameters: parameters,
      },
    });
  const stops = () => m.mock.commandCalls(StopAutomationExecutionCommand).map((c) => c.args[0].input);

  beforeEach(() => {
    m = mockedSsm();
    m.mock.on(StopAutomationExecutionCommand).resolves({});
  });

  it("cancels the running grant workflow (Type Cancel) and says what is being revoked", async () => {
    givenGrant("InProgress");
    const run = await runJit(m.ssm, ["revoke", EXECUTION_ID]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(stops(), [{ AutomationExecutionId: EXECUTION_ID, Type: "Cancel" }]);
    assert.match(run.stdout, /Revoking alice's AWSAdministratorAccess on 777788889999/);
  });

  it("prints the revoked grant as JSON with --json", async () => {
    givenGrant("InProgress");
    const run = await runJit(m.ssm, ["revoke", EXECUTION_ID, "--json"]);
    const result = JSON.parse(run.stdout);
    assert.equal(result.grantExecutionId, EXECUTION_ID);
    assert.equal(result.requestingUser, "alice");
    assert.equal(result.status, "InProgress");
  });

  it("refuses an execution that is not a grant workflow, such as a change request (exit 2, nothing stopped)", async () => {
    const changeRequestParameters = Object.fromEntries(
      Object.entries(GRANT_PARAMETERS).filter(([name]) => name !== "RequesterExecutionId"),
    );
    givenGrant("Waiting", changeRequestParameters);
    const run = await runJit(m.ssm, ["revoke", EXECUTION_ID]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /is an execution of idc-jit-dev-grant-access, not of the grant workflow/);
    assert.deepEqual(stops(), []);
  });

  it("refuses a grant that has already ended (exit 1, nothing stopped)", async () => {
    givenGrant("Success");
    const run = await runJit(m.ssm, ["revoke", EXECUTION_ID]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /is Success: there is no active grant to revoke/);
    assert.deepEqual(stops(), []);
  });

  it("refuses an id that is not an execution id (exit 2, no call)", async () => {
    const run = await runJit(m.ssm, ["revoke", "not-an-id"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /<grant-execution-id> "not-an-id" is not/);
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
    assert.deepEqual(stops(), []);
  });
});
