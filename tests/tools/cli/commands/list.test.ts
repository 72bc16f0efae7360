import assert from "node:assert/strict";
import { DescribeAutomationExecutionsCommand, ListDocumentsCommand } from "@aws-sdk/client-ssm";
import { runJit } from "../support/cli";
import {
  changeRequest,
  credentialsProviderError,
  givenChangeRequests,
  givenDeployedForm,
  type MockedSsm,
  mockedSsm,
  TEMPLATE,
} from "../support/ssm";

const ALICE_WAITING = "11111111-1111-4111-8111-111111111111";
const DAVE_WAITING = "22222222-2222-4222-8222-222222222222";
const ALICE_DONE = "33333333-3333-4333-8333-333333333333";
const DAVE_RUNNING = "44444444-4444-4444-8444-444444444444";

describe("jit list", () => {
  let m: MockedSsm;
  beforeEach(async () => {
    m = mockedSsm();
    await givenDeployedForm(m.mock);
    givenChangeRequests(m.mock, [
      changeRequest(ALICE_WAITING, "alice", "Waiting"),
      changeRequest(DAVE_WAITING, "dave", "Waiting", { ExecutionStartTime: new Date("2026-11-25T10:00:00Z") }),
      changeRequest(ALICE_DONE, "alice", "Success", { CurrentStepName: undefined, CurrentAction: undefined }),
      // Approved: the template's steps are done and its runbook is running.
      changeRequest(DAVE_RUNNING, "dave", "InProgress"),
      changeRequest("55555555-5555-4555-8555-555555555555", "erin", "Waiting", { DocumentName: `${TEMPLATE}-v2` }),
    ]);
  });

  const ids = (stdout: string) => (JSON.parse(stdout) as { id: string }[]).map((r) => r.id);

  it("asks for the template's change requests only", async () => {
    await runJit(m.ssm, ["list"]);
    assert.deepEqual(m.mock.commandCalls(DescribeAutomationExecutionsCommand)[0].args[0].input.Filters, [
      { Key: "DocumentNamePrefix", Values: [TEMPLATE] },
      { Key: "AutomationSubtype", Values: ["ChangeRequest"] },
    ]);
  });

  it("lists every request of the template, newest first, leaving out templates that share its prefix", async () => {
    const run = await runJit(m.ssm, ["list", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(ids(run.stdout), [DAVE_WAITING, ALICE_WAITING, ALICE_DONE, DAVE_RUNNING]);
  });

  it("shows id, status, requester, account, permission set and duration as a table", async () => {
    const run = await runJit(m.ssm, ["list", "--mine", "--user", "dave"]);
    const lines = run.stdout.trimEnd().split("\n");
    assert.match(lines[0], /^ID\s+STATUS\s+REQUESTER\s+ACCOUNT\s+PERMISSION SET\s+DURATION\s+STARTED$/);
    assert.match(
      lines[1],
      new RegExp(`^${DAVE_WAITING}\\s+Waiting\\s+dave\\s+777788889999\\s+ViewOnlyAccess\\s+2\\s+`),
    );
    assert.equal(lines.length, 3);
  });

  it("--mine keeps the requests you raised", async () => {
    const run = await runJit(m.ssm, ["list", "--mine", "--user", "alice", "--json"]);
    assert.deepEqual(ids(run.stdout), [ALICE_WAITING, ALICE_DONE]);
  });

  it("--waiting-for-me keeps requests waiting at the approval step, other than your own", async () => {
    const run = await runJit(m.ssm, ["list", "--waiting-for-me", "--user", "alice", "--json"]);
    assert.deepEqual(ids(run.stdout), [DAVE_WAITING]);
  });

  it("--mine needs a user name (exit 2, no AWS call)", async () => {
    const saved = process.env.JIT_USER;
    delete process.env.JIT_USER;
    try {
      const run = await runJit(m.ssm, ["list", "--mine"]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--mine needs your user name: pass --user or set JIT_USER/);
      assert.equal(m.mock.calls().length, 0);
    } finally {
      if (saved !== undefined) process.env.JIT_USER = saved;
    }
  });

  it("refuses --mine with --waiting-for-me", async () => {
    const run = await runJit(m.ssm, ["list", "--mine", "--waiting-for-me", "--user", "alice"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /cannot be used with/);
  });

  it("follows NextToken through every page", async () => {
    m.mock
      .on(DescribeAutomationExecutionsCommand)
      .resolvesOnce({
        AutomationExecutionMetadataList: [changeRequest(ALICE_WAITING, "alice", "Waiting")],
        NextToken: "p2",
      })
      .resolvesOnce({ AutomationExecutionMetadataList: [changeRequest(DAVE_WAITING, "dave", "Waiting")] });
    const run = await runJit(m.ssm, ["list", "--json"]);
    assert.equal(ids(run.stdout).length, 2);
    assert.equal(m.mock.commandCalls(DescribeAutomationExecutionsCommand)[1].args[0].input.NextToken, "p2");
  });

  it("says so when there is nothing to list", async () => {
    givenChangeRequests(m.mock, []);
    const run = await runJit(m.ssm, ["list"]);
    assert.equal(run.stdout, "No access requests.\n");
  });

  it("turns missing credentials into one line (exit 1)", async () => {
    m.mock.on(ListDocumentsCommand).rejects(credentialsProviderError());
    const run = await runJit(m.ssm, ["list"]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^jit: no AWS credentials: Could not load credentials from any providers/);
  });
});
