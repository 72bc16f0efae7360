/**
 * The jit CLI end to end against the simulated deployment of the example stacks, in each request form (Change
 * Manager's dev stacks, the Automation form's sandbox stacks): each command runs with real SDK clients (SSM, and STS
 * for who the person is) whose calls go to the simulated world as the person's Identity Center session, on the
 * virtual clock.
 */
import assert from "node:assert/strict";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import type { RequestForm } from "../../../shared/config/common";
import { names } from "../../../shared/naming";
import type { Caller } from "../../../tools/sim/aws";
import { simulatedClient } from "../../../tools/sim/functions";
import { identityCenterSession } from "../../../tools/sim/identities";
import { WORKLOAD_ACCOUNT } from "../../../tools/sim/organization";
import { type Simulation, simulate } from "../../../tools/sim/setup";
import { exampleDeployment } from "../sim/support/deployment";
import { type CliRun, runJit } from "./support/cli";

const MINUTE = 60_000;

let sim: Simulation;

/** Each test of the enclosing block runs in a world of `form`'s example stacks, deployed afresh. */
function deployed(form: RequestForm): void {
  // `jit request` takes the user from the session, and --user from JIT_USER: not in these tests.
  const jitUser = process.env.JIT_USER;
  beforeEach(async () => {
    delete process.env.JIT_USER;
    sim = await simulate(await exampleDeployment(form));
  });
  after(() => {
    if (jitUser !== undefined) process.env.JIT_USER = jitUser;
  });
}

const jit = (caller: Caller, argv: readonly string[]): Promise<CliRun> =>
  runJit(simulatedClient(SSMClient, "ssm", sim.world, caller), argv, {
    sts: simulatedClient(STSClient, "sts", sim.world, caller),
    now: () => sim.world.clock.now(),
    sleep: (ms) => sim.world.clock.sleep(ms),
  });
const alice = () => sim.people.session(sim.org.requester, sim.org.solutionPermissionSets.request);
const bob = () => sim.people.session(sim.org.approvers[0], sim.org.solutionPermissionSets.approve);
const operator = () =>
  identityCenterSession(sim.org.managementAccount, sim.org.region, "AWSAdministratorAccess", "operator");
const later = (minutes: number) => sim.world.run(sim.world.clock.now() + minutes * MINUTE);
const assignments = () => sim.world.ssoAdmin.assignments().length;

/**
 * `jit request` for Alice: AWSAdministratorAccess on the workload account for `duration` hours. No --user: the CLI
 * takes her user name from her session, as the request check does from the request.
 */
const requestFlags = (duration: string) => [
  "request",
  "--account",
  WORKLOAD_ACCOUNT.id,
  "--permission-set",
  "AWSAdministratorAccess",
  "--duration",
  duration,
  "--reason",
  "INC-4711: restart the payment service after the failed deployment",
];

/** Alice requests an hour of AWSAdministratorAccess on the workload account; returns the request id. */
async function aliceRequests(): Promise<string> {
  const run = await jit(alice(), [...requestFlags("1"), "--json"]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout).id;
}

describe("jit against the simulated deployment (Change Manager form)", () => {
  deployed("changeManager");

  it("request as alice, approve as bob: access is granted, the request ends Success, and the grant ends after the window", async () => {
    const id = await aliceRequests();
    const change = sim.world.engine.get(id);
    assert.equal(change.changeRequest?.autoApprove, false);
    assert.equal(change.document.name, names(sim.deployment.requester.config).requester.changeTemplate);

    await later(2);
    const waiting = await jit(bob(), ["list", "--waiting-for-me", "--user", "bob", "--json"]);
    assert.deepEqual(
      JSON.parse(waiting.stdout).map((r: { id: string; requester: string }) => [r.id, r.requester]),
      [[id, "alice"]],
    );

    const approved = await jit(bob(), ["approve", id, "--comment", "Approved for INC-4711"]);
    assert.equal(approved.code, 0, approved.stderr);
    await later(10);
    assert.equal(assignments(), 1, "alice holds the assignment during the window");
    // The request's runbook ends once the grant is reported; the grant's end comes from its schedule.
    const watched = await jit(alice(), ["status", id, "--watch", "--interval", "30"]);
    assert.equal(watched.code, 0, watched.stderr);
    assert.match(watched.stdout, /idc-jit-dev-access-request Success$/m);
    assert.equal(assignments(), 1, "the grant outlives its request's runbook");

    await sim.world.run();
    assert.equal(assignments(), 0, "the assignment is gone after the window");
    const [created, deleted] = sim.world.ssoAdmin.history;
    assert.ok(Math.abs(deleted.at - created.at - 60 * MINUTE) < MINUTE, "granted for the hour asked for");

    const mine = await jit(alice(), ["list", "--mine", "--user", "alice", "--json"]);
    assert.deepEqual(
      JSON.parse(mine.stdout).map((r: { status: string }) => r.status),
      ["Success"],
    );
  });

  it("a bad flag is refused before Change Manager is asked: no change request exists", async () => {
    const run = await jit(alice(), [...requestFlags("13")]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--duration "13" does not match/);
    assert.deepEqual(
      sim.world.calls.map((c) => c.api),
      ["GetCallerIdentity", "ListDocuments", "GetDocument", "GetDocument"],
    );
    assert.equal(sim.world.engine.executions.size, 0);
  });

  it("a request in someone else's name is refused before Change Manager is asked, as the request check would", async () => {
    const run = await jit(bob(), [...requestFlags("1"), "--user", "alice"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--user "alice" is not you: you are signed in to IAM Identity Center as bob/);
    assert.equal(sim.world.engine.executions.size, 0);
  });

  it("reject as bob: the change request fails and nothing is granted", async () => {
    const id = await aliceRequests();
    await later(2);
    const rejected = await jit(bob(), ["reject", id, "--comment", "Not during the change freeze"]);
    assert.equal(rejected.code, 0, rejected.stderr);
    await sim.world.run();
    const status = await jit(alice(), ["status", id, "--json"]);
    assert.equal(JSON.parse(status.stdout).status, "Failed");
    assert.equal(sim.world.ssoAdmin.history.length, 0);
  });

  it("revoke as a management operator ends a running grant early: the assignment is gone and everyone is told", async () => {
    const id = await aliceRequests();
    await later(2);
    await jit(bob(), ["approve", id]);
    await later(10);
    assert.equal(assignments(), 1);
    const management = names(sim.deployment.management.config).management;
    const [grant] = sim.world.executionsOf(management.grantDocument);

    const revoked = await jit(operator(), ["revoke", grant.id, "--json"]);
    assert.equal(revoked.code, 0, revoked.stderr);
    const result = JSON.parse(revoked.stdout);
    assert.equal(result.requestId, grant.parameters.RequesterExecutionId?.[0]);
    assert.equal(result.document, management.endDocument);
    await later(5);
    assert.equal(assignments(), 0, "the assignment is deleted at once, not at the end of the hour");
    // What is left of the end-of-grant workflow (the wait before the CloudTrail summary) runs to its end.
    await sim.world.run();
    const status = await jit(operator(), ["status", result.endExecutionId, "--json"]);
    assert.equal(JSON.parse(status.stdout).status, "Success");
    const told = sim.world.sns.published.map((p) => p.attributes.EventType?.StringValue);
    assert.ok(told.includes("AccessRevoked"), `notified: ${told.join(", ")}`);
  });

  it("revoke of an id it cannot place asks for the end document: nothing is started or stopped", async () => {
    const id = await aliceRequests();
    const run = await jit(alice(), ["revoke", id]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--end-document/);
    const apis = sim.world.calls.map((c) => c.api);
    assert.ok(!apis.includes("StartAutomationExecution") && !apis.includes("StopAutomationExecution"));
  });
});

describe("jit against the simulated deployment (Automation form: the request runbook is the form)", () => {
  deployed("automation");
  const runbookName = () => names(sim.deployment.requester.config).requester.requestRunbook;

  it("request as alice starts the request runbook, bob finds it waiting and approves it: access is granted for the hour", async () => {
    const id = await aliceRequests();
    const request = sim.world.engine.get(id);
    assert.equal(request.changeRequest, undefined, "no change request: the request is the runbook execution");
    assert.equal(request.document.name, runbookName());
    assert.equal(request.parameters.AutoApprove, undefined, "AutoApprove is sent only to skip approval");

    await later(2);
    const waiting = await jit(bob(), ["list", "--waiting-for-me", "--user", "bob", "--json"]);
    assert.equal(waiting.code, 0, waiting.stderr);
    assert.deepEqual(
      JSON.parse(waiting.stdout).map((r: { id: string; requester: string }) => [r.id, r.requester]),
      [[id, "alice"]],
    );

    const approved = await jit(bob(), ["approve", id, "--comment", "Approved for INC-4711"]);
    assert.equal(approved.code, 0, approved.stderr);
    await later(10);
    assert.equal(assignments(), 1, "alice holds the assignment during the window");
    const [grant] = sim.world.executionsOf(names(sim.deployment.management.config).management.grantDocument);
    assert.deepEqual(grant.parameters.RequesterExecutionId, [id], "the management side knows the request by its id");
    const watched = await jit(alice(), ["status", id, "--watch", "--interval", "30"]);
    assert.equal(watched.code, 0, watched.stderr);
    assert.match(watched.stdout, new RegExp(`${runbookName()} Success$`, "m"));

    await sim.world.run();
    assert.equal(assignments(), 0, "the assignment is gone after the window");
    const mine = await jit(alice(), ["list", "--mine", "--user", "alice", "--json"]);
    assert.deepEqual(
      JSON.parse(mine.stdout).map((r: { id: string; status: string }) => [r.id, r.status]),
      [[id, "Success"]],
    );
  });

  it("a bad flag is refused against the runbook's own parameters before anything is started", async () => {
    const run = await jit(alice(), [...requestFlags("13")]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--duration "13" does not match/);
    assert.deepEqual(
      sim.world.calls.map((c) => c.api),
      ["GetCallerIdentity", "ListDocuments", "ListDocuments", "GetDocument"],
      "no change template, so the request form; then its runbook",
    );
    assert.equal(sim.world.engine.executions.size, 0);
  });

  it("reject as bob: the request runbook fails without sending, and nothing is granted", async () => {
    const id = await aliceRequests();
    await later(2);
    const rejected = await jit(bob(), ["reject", id, "--comment", "Not during the change freeze"]);
    assert.equal(rejected.code, 0, rejected.stderr);
    await sim.world.run();
    const status = await jit(alice(), ["status", id, "--json"]);
    assert.equal(JSON.parse(status.stdout).status, "Failed");
    assert.equal(sim.world.ssoAdmin.history.length, 0);
  });

  it("end as alice, by the request id jit request printed: her grant ends before its time", async () => {
    const id = await aliceRequests();
    await later(2);
    await jit(bob(), ["approve", id]);
    await later(10);
    assert.equal(assignments(), 1);
    const ended = await jit(alice(), ["end", id, "--reason", "INC-4711 resolved, access no longer needed"]);
    assert.equal(ended.code, 0, ended.stderr);
    await later(5);
    assert.equal(assignments(), 0, "the assignment is deleted at once, not at the end of the hour");
  });
});
