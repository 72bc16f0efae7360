import assert from "node:assert/strict";
import { sequenceDiagram } from "../../../tools/diagrams/sequence";
import { runScenario, SCENARIOS, type ScenarioRun } from "../../../tools/sim/scenarios";
import { exampleDeployment } from "../sim/support/deployment";
import { sequenceProblems } from "./support/mermaidSyntax";

const scenario = (name: string) => {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
};

/** The index of the first line matching `pattern`, failing when there is none. */
function lineOf(lines: string[], pattern: RegExp): number {
  const i = lines.findIndex((l) => pattern.test(l));
  assert.ok(i >= 0, `no line matches ${pattern}`);
  return i;
}

describe("sequence diagram of a simulated request", () => {
  let run: ScenarioRun;
  let diagram: string;
  let lines: string[];

  before(async () => {
    run = await runScenario(scenario("approved"), await exampleDeployment());
    diagram = sequenceDiagram(run);
    lines = diagram.split("\n");
  });

  it("is a Mermaid sequence diagram that passes the syntax check line by line", () => {
    assert.equal(lines[0], "sequenceDiagram");
    assert.deepEqual(sequenceProblems(diagram), []);
  });

  it("declares the people, Change Manager, the runbooks, Identity Center, the topic and its subscribers", () => {
    for (const label of [
      "actor alice as alice<br/>(requester)",
      "actor bob as bob<br/>(approver)",
      "as Change Manager<br/>idc-jit-dev-access-request",
      "as Request runbook<br/>idc-jit-dev-request-access",
      "as Event bus<br/>idc-jit-dev-access-requests",
      "as Grant workflow<br/>idc-jit-dev-grant-access",
      "as IAM<br/>Identity Center",
      "as SNS topic<br/>idc-jit-dev-notifications",
      "as Topic<br/>subscribers",
    ]) {
      assert.ok(diagram.includes(label), `no participant ${label}`);
    }
  });

  it("groups the participants of each account in a box, the requester's first", () => {
    const requester = lineOf(lines, /^ {2}box .* Requester account 444455556666$/);
    const management = lineOf(lines, /^ {2}box .* Management account 111122223333$/);
    assert.ok(requester < management);
    assert.ok(
      requester < lineOf(lines, /participant ChangeManager /) &&
        lineOf(lines, /participant ChangeManager /) < management,
    );
    assert.ok(management < lineOf(lines, /participant GrantAccess /));
  });

  it("draws the approval, then the grant, the access used, the scheduled end and the access refused, in that order", () => {
    const order = [
      /^ {2}alice->>ChangeManager: \+00:00:00 StartChangeRequestExecution: alice AWSAdministratorAccess on 777788889999$/,
      /^ {2}bob->>ChangeManager: \+00:05:00 SendAutomationSignal Approve$/,
      /^ {2}RequestAccess->>BusAccessRequests: PutEvents AccessRequest$/,
      /^ {2}BusAccessRequests-->>GrantAccess: StartAutomationExecution$/,
      /^ {2}GrantAccess->>FnRequestCheck: Invoke \(RequestResponse\)$/,
      /^ {2}TopicNotifications-->>Subscribers: AccessBeingAssigned to /,
      /^ {2}FnRequestCheck->>IdentityCenter: CreateAccountAssignment$/,
      /^ {2}GrantAccess->>TopicNotifications: Publish AccessGranted$/,
      /^ {2}alice->>Account777788889999: \+00:35:00 ec2:RebootInstances$/,
      /^ {2}idcjitdevendschedule->>EndAccess: StartAutomationExecution$/,
      /^ {2}FnEndAccess->>IdentityCenter: DeleteAccountAssignment$/,
      /^ {2}EndAccess->>TopicNotifications: Publish AccessRevoked$/,
      /^ {2}alice->>Account777788889999: \+\d\d:\d\d:\d\d ec2:RebootInstances fails: AccessDenied$/,
    ].map((pattern) => lineOf(lines, pattern));
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
  });

  it("collapses the status polls into one note and draws no lookup as a message", () => {
    assert.ok(lineOf(lines, /^ {2}Note over FnEndAccess: polls DescribeAccountAssignmentDeletionStatus x\d/));
    assert.ok(lineOf(lines, /^ {2}Note over FnRequestCheck: .*calls AssumeRole, then /));
    const messages = lines.filter((l) => /->>/.test(l));
    assert.deepEqual(
      messages.filter((l) => /: (Describe|Get|List)[A-Z]/.test(l)),
      [],
    );
  });

  it("draws no routine run of the reconciler (it ended nothing here)", () => {
    assert.deepEqual(
      lines.filter((l) => /reconcil/i.test(l)),
      [],
    );
  });

  it("notes the waits where they start, and no workflow sleeps for the grant", () => {
    assert.ok(lines.includes("  Note over ChangeManager: waits for approval at Approve_Access_Request"));
    assert.ok(!lines.some((l) => l.startsWith("  Note over RequestAccess: waits")), "the runbook waits for nothing");
    const granted = lineOf(lines, /GrantAccess->>TopicNotifications: Publish AccessGranted$/);
    const ended = lineOf(lines, /^ {2}Note over GrantAccess: idc-jit-dev-grant-access ends Success$/);
    assert.ok(granted < ended, "the grant workflow ends once the access is granted");
    assert.deepEqual(
      lines.filter((l) => /Note over (GrantAccess|EndAccess): sleeps/.test(l)),
      [],
    );
  });

  it("draws each notification delivered to the subscribers it reached", () => {
    const delivered = lines.filter((l) => l.startsWith("  TopicNotifications-->>Subscribers: "));
    assert.deepEqual(
      delivered.map((l) => l.split(": ")[1].split(" ")[0]),
      run.outcome.notifications.map((n) => n.eventType),
    );
    assert.ok(
      delivered.includes(
        "  TopicNotifications-->>Subscribers: AccessGranted to cloud-security@example.com, jit-requests-channel@example.slack.com",
      ),
    );
  });

  it("draws a valid diagram of every scenario of the example stacks, failures included", async () => {
    const deployment = await exampleDeployment();
    for (const s of SCENARIOS.filter((s) => !s.overrides)) {
      const text = sequenceDiagram(await runScenario(s, deployment));
      assert.deepEqual(sequenceProblems(text), [], s.name);
    }
  });

  it("notes a failed step and how the execution ended", async () => {
    const failed = sequenceDiagram(await runScenario(scenario("stopped-by-administrator"), await exampleDeployment()));
    assert.match(failed, /\n {2}Note over GrantAccess: Check_And_Grant Cancelled/);
    assert.match(failed, /\n {2}Note over GrantAccess: idc-jit-dev-grant-access ends Cancelled/);
  });
});
