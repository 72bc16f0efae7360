/**
 * The access-request scenarios the simulator plays: what people do and when, and what must come of it. Each runs in
 * a fresh world, to the end of virtual time (every wait and timeout included).
 */

import { sessionMinutes } from "../../shared/accessWindow";
import type { DurationUnit, RequestForm } from "../../shared/config/common";
import { EVENT_TYPE_ATTRIBUTE } from "../../shared/events";
import type { GrantRecord } from "../../shared/grantLedger";
import { names } from "../../shared/naming";
import type { Overrides } from "../evaluate";
import { AwsError } from "./aws";
import { START_TIME } from "./clock";
import { updateStack } from "./deployment";
import { expiredWithReminders } from "./expiry";
import type { Fault } from "./faults";
import { identityCenterSession, reservedSsoRoleArn } from "./identities";
import { grantsOf } from "./ledger";
import { EXAMPLE_ORGANIZATION, type Person, WORKLOAD_ACCOUNT } from "./organization";
import { type Outcome, outcomeOf } from "./outcome";
import { type AccessRequest, requestRunbookId, requestSending } from "./people";
import { planDeployment } from "./planned";
import { type OpenSession, type SessionStanding, sessionStanding } from "./sessions";
import { type SimulatedDeployment, type Simulation, simulate } from "./setup";
import type { Variant } from "./variants";

export const EXAMPLE_REQUEST: AccessRequest = {
  accountId: WORKLOAD_ACCOUNT.id,
  permissionSet: "AWSAdministratorAccess",
  duration: "1",
  justification: "INC-4711: restart the payment service after the failed deployment",
};

/** What the example rules let engineers take without approval. */
export const READ_ONLY_REQUEST: AccessRequest = {
  ...EXAMPLE_REQUEST,
  permissionSet: "ViewOnlyAccess",
  justification: "INC-4712: read the payment service's logs and metrics",
};

const minutes = (n: number) => START_TIME + n * 60_000;

/** What the document-rewritten scenario's forged version announces. */
const FORGED_NOTIFICATION = "Carol approved AWSAdministratorAccess for Alice (forged by a rewritten grant workflow)";

/** An account under Infrastructure that the name-differs-in-case scenario adds. */
const NETWORK_ACCOUNT = "888899990000";

export interface Scenario {
  name: string;
  title: string;
  /** The request forms the scenario applies to (both unless given). */
  forms?: readonly RequestForm[];
  /** Config the scenario needs beyond the example stacks; such scenarios are planned in-process. */
  overrides?: { management?: Overrides; requester?: Overrides };
  faults?: readonly Fault[];
  /** Plays the people's part; returns the change request's id. */
  play(sim: Simulation): Promise<string>;
  /**
   * What this scenario must come to beyond every request's invariants (./outcome.ts), judged from what the world
   * recorded; each string is a broken expectation.
   */
  expect?(sim: Simulation, ledger: readonly GrantRecord[]): string[];
}

export interface ScenarioRun {
  scenario: Scenario;
  sim: Simulation;
  changeRequestId: string;
  outcome: Outcome;
}

/** Whether an Error announced the management account's `api` call on a resource of the solution (management/changeAlerts/). */
function changeAlerted(sim: Simulation, api: string): string[] {
  const alerted = sim.world.sns.published.some(
    (p) => p.attributes[EVENT_TYPE_ATTRIBUTE]?.StringValue === "Error" && p.message.includes(` called ${api} on `),
  );
  return alerted ? [] : [`no Error said that ${api} changed a resource of the solution outside its deployment`];
}

/** The example's subscriber that is a chat channel's email address. */
function channelSubscriber(sim: Simulation): string {
  const { notifications } = sim.deployment.management.config as { notifications: { email: string }[] };
  const channel = notifications.find((n) => n.email.endsWith(".slack.com"));
  if (!channel) throw new Error("the example management stack has no chat channel subscriber");
  return channel.email;
}

/** `requester` (Alice unless given) requests the access; the first approver approves it five minutes later. */
async function requestApproved(sim: Simulation, request = EXAMPLE_REQUEST, requester?: Person): Promise<string> {
  const { world, people, org } = sim;
  const id = await people.request(requester ?? org.requester, request);
  await world.run(minutes(5));
  await people.approve(org.approvers[0], id);
  return id;
}

/** A second request for the example access, raised now and approved five minutes later. */
async function requestAgain(sim: Simulation): Promise<string> {
  const { world, people, org } = sim;
  const id = await people.request(org.requester, EXAMPLE_REQUEST);
  await world.run(world.clock.now() + 5 * 60_000);
  await people.approve(org.approvers[0], id);
  return id;
}

/** At-least-once delivery: the request bus rule's target starts the grant workflow again, with the same event. */
async function deliverAgain(sim: Simulation): Promise<void> {
  const [grant] = sim.world.executionsOf(names(sim.deployment.management.config).management.grantDocument);
  await sim.world.callAws(
    "ssm",
    "StartAutomationExecution",
    { DocumentName: grant.document.name, Parameters: grant.parameters },
    grant.startedBy,
  );
}

/** Alice holds `permissionSet` on the example request's account through an assignment made outside JIT. */
function assignedOutsideJit(sim: Simulation, permissionSet: string): void {
  const { world, org } = sim;
  world.ssoAdmin.createStandingAssignment(org.instanceArn, {
    accountId: EXAMPLE_REQUEST.accountId,
    permissionSetArn: world.ssoAdmin.permissionSetArn(org.instanceArn, permissionSet),
    principalType: "USER",
    principalId: org.requester.userId,
  });
}

/** The requester works in the account (allowed only while the assignment exists). */
function work(sim: Simulation): boolean {
  const { accountId, permissionSet } = EXAMPLE_REQUEST;
  return sim.people.useAccess(sim.org.requester, accountId, permissionSet, "ec2", "RebootInstances");
}

/** The example request, approved, granted, and used half an hour in; returns the change request's id. */
async function grantedAndUsed(sim: Simulation): Promise<string> {
  const id = await requestApproved(sim);
  await sim.world.run(minutes(35));
  work(sim);
  return id;
}

/** Each open-session-cut run's session, as it stood before it would have expired on its own. */
const standings = new WeakMap<Simulation, SessionStanding>();

/** Alice opens a session with the example access now, while it is assigned. */
function openSession(sim: Simulation): OpenSession {
  const { world, org } = sim;
  return {
    userId: org.requester.userId,
    userName: org.requester.userName,
    accountId: EXAMPLE_REQUEST.accountId,
    permissionSetArn: world.ssoAdmin.permissionSetArn(org.instanceArn, EXAMPLE_REQUEST.permissionSet),
    openedAt: world.clock.now(),
  };
}

/** The management stack re-planned with another duration unit, by form and unit. */
const switchedPlans = new Map<string, Promise<SimulatedDeployment>>();

/**
 * The operator switches the management stack's jit:durationUnit to `unit` and runs `pulumi up` on it alone (the
 * requester stack, built for the old unit, is not updated yet): the management side's functions and documents change.
 */
async function switchDurationUnit(sim: Simulation, unit: DurationUnit): Promise<void> {
  const form = sim.deployment.requester.config.requestForm;
  const key = `${form} ${unit}`;
  // Planned once per process: the fault sweep plays the scenario under every variant.
  if (!switchedPlans.has(key))
    switchedPlans.set(key, planDeployment({ management: { "jit:durationUnit": unit } }, form));
  const updated = await (switchedPlans.get(key) as Promise<SimulatedDeployment>);
  updateStack(sim.world, sim.deployment.management.stack, updated.management.stack);
}

/** The runbook execution (the request id) of a change request. */
function requestIdOf(sim: Simulation, changeRequestId: string): string {
  const id = requestRunbookId(sim.world, changeRequestId);
  if (!id) throw new Error(`change request ${changeRequestId} ran no runbook`);
  return id;
}

/** `person`, signed in with `permissionSet`, asks to end the grant of the change request's request now. */
function endEarly(sim: Simulation, person: Person, permissionSet: string, changeRequestId: string): Promise<string> {
  return sim.people.endAccess(person, permissionSet, {
    documentName: names(sim.deployment.requester.config).requester.endAccessDocument,
    requestId: requestIdOf(sim, changeRequestId),
    reason: "INC-4711 resolved: the access is no longer needed",
  });
}

/** Granted, used, and ended early by `who` (the requester unless given) half an hour in. */
async function endedEarly(sim: Simulation, who?: { person: Person; permissionSet: string }): Promise<string> {
  const id = await grantedAndUsed(sim);
  const { person, permissionSet } = who ?? {
    person: sim.org.requester,
    permissionSet: sim.org.solutionPermissionSets.request,
  };
  await endEarly(sim, person, permissionSet, id);
  await sim.world.run(sim.world.clock.now() + 10 * 60_000);
  return id;
}

/** The grants of the example access in the ledger, oldest first. */
const exampleGrants = (ledger: readonly GrantRecord[]) =>
  ledger
    .filter((g) => g.accountId === EXAMPLE_REQUEST.accountId && g.permissionSet === EXAMPLE_REQUEST.permissionSet)
    .sort((a, b) => a.recordedAt - b.recordedAt);

/** The grant ended early for `cause`, within ten minutes of the ask, long before its end; nothing left. */
function endedFor(cause: string) {
  return (sim: Simulation, ledger: readonly GrantRecord[]): string[] => {
    const [grant] = exampleGrants(ledger);
    if (!grant) return ["no grant was recorded"];
    const closing = grant.history.find((h) => h.to === "ended");
    const found: string[] = [];
    if (closing?.cause !== cause) found.push(`the grant ended for ${closing?.cause ?? "nothing"}, not for ${cause}`);
    if (closing && closing.at > minutes(50)) found.push(`the grant ended only at ${sim.world.clock.iso(closing.at)}`);
    if (sim.world.ssoAdmin.history.filter((h) => h.change === "deleted").length !== 1) {
      found.push("the assignment was not removed exactly once");
    }
    return found;
  };
}

/** How soon a request no rule could grant must be refused to its requester (issue 13: at most a minute). */
export const REFUSAL_WITHIN_MS = 60_000;

/**
 * The screen refused the request as it was raised: one notification, the refusal with `reason`, within a minute of
 * the request and heard by the requesters' channel; no approver asked, no grant workflow started.
 */
function refusedAtOnce(sim: Simulation, reason: RegExp): string[] {
  const found: string[] = [];
  // The first start is the request itself (a change request, or the Automation form's run).
  const raised = sim.world.calls.find((c) =>
    ["StartChangeRequestExecution", "StartAutomationExecution"].includes(c.api),
  );
  if (!raised) return ["no request was raised"];
  const published = sim.world.sns.published;
  const refusal = published.find((p) => p.subject?.startsWith("Refused - JIT access request"));
  if (!refusal) return ["the requester was not told the request was refused"];
  if (published.length !== 1) found.push(`${published.length} notifications were sent, not the refusal alone`);
  if (!reason.test(refusal.message)) found.push(`the refusal does not say ${reason}: ${refusal.message}`);
  const waited = Date.parse(refusal.time) - raised.at;
  if (waited > REFUSAL_WITHIN_MS) found.push(`the requester was told only ${waited / 1000} s after the request`);
  const heard = sim.world.sns.deliveries.filter((d) => d.messageId === refusal.messageId).map((d) => d.endpoint);
  if (!heard.includes("jit-requests-channel@example.slack.com")) found.push("the requesters' channel did not hear it");
  const grants = sim.world.executionsOf(names(sim.deployment.management.config).management.grantDocument);
  if (grants.length > 0) found.push("a grant workflow ran for a refused request");
  return found;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "approved",
    title: "An approver approves the request in the web form; access is granted, used, and revoked on time",
    async play(sim) {
      const id = await grantedAndUsed(sim);
      await sim.world.run();
      work(sim);
      return id;
    },
  },
  {
    name: "auto-approved",
    title: "The requester uses the no-approval permission set for what the rules let engineers take without approval",
    async play(sim) {
      return sim.people.request(sim.org.requester, READ_ONLY_REQUEST, { autoApprove: true });
    },
  },
  {
    name: "approval-skipped-without-right",
    title:
      "Alice, signed in with the ordinary request set, starts the Automation form asking to skip approval; the check refuses it",
    forms: ["automation"],
    play: (sim) =>
      sim.people.request(sim.org.requester, READ_ONLY_REQUEST, {
        autoApprove: true,
        signedInWith: sim.org.solutionPermissionSets.request,
      }),
    expect(sim) {
      const refused = sim.world.sns.published.some((p) => /only \S+ may skip approval/.test(p.message));
      return refused ? [] : ["no notification said that only the no-approval set may skip approval"];
    },
  },
  {
    name: "impersonation",
    title: "Mallory raises the request in Alice's name and an approver approves it; the check rejects it",
    play: (sim) =>
      requestApproved(sim, { ...EXAMPLE_REQUEST, requestingUser: sim.org.requester.userName }, sim.org.outsider),
  },
  {
    name: "impostor-role",
    title:
      "An administrator of the requester account makes a role named like Identity Center's and raises Alice's request with it",
    async play(sim) {
      const { world, org, people } = sim;
      const set = org.solutionPermissionSets.request;
      // The same name as Identity Center's role for the set, outside its path: the session ARN looks the same.
      const name = reservedSsoRoleArn(org.requesterAccount, org.region, set).split("/").pop() as string;
      const roleArn = `arn:aws:iam::${org.requesterAccount}:role/${name}`;
      world.iam.createRole(roleArn);
      const impostor = {
        account: org.requesterAccount,
        region: org.region,
        roleArn,
        sessionName: org.requester.userName,
      };
      const { api, input } = people.requestCall(org.requester.userName, EXAMPLE_REQUEST);
      const { AutomationExecutionId: id } = (await world.callAws("ssm", api, input, impostor)) as {
        AutomationExecutionId: string;
      };
      await world.run(minutes(5));
      await people.approve(org.approvers[0], id);
      return id;
    },
  },
  {
    name: "ineligible",
    title: "Mallory, in no group the rules admit, asks for administrator access; the check rejects it",
    play: (sim) => requestApproved(sim, EXAMPLE_REQUEST, sim.org.outsider),
  },
  {
    name: "refused-before-approval",
    title:
      "Alice asks for administrator access on the management account, which no rule names; she is told at once, and no approver is asked",
    play: (sim) => sim.people.request(sim.org.requester, { ...EXAMPLE_REQUEST, accountId: sim.org.managementAccount }),
    expect: (sim) => refusedAtOnce(sim, /no eligibility rule lets alice request AWSAdministratorAccess on account/),
  },
  {
    name: "name-differs-in-case",
    title:
      "Another user, Alice, in no group, asks for the network set that a rule gives only to alice, and an approver approves; nothing is granted",
    async play(sim) {
      const { world, org, people } = sim;
      // An account under Infrastructure that is not one of the solution's own: the rule covers it.
      world.organizations.createAccount(NETWORK_ACCOUNT, "network-prod", EXAMPLE_ORGANIZATION.infrastructure);
      const other: Person = {
        userName: "Alice",
        displayName: "Alice Other",
        userId: world.identityStore.createUser(org.identityStoreId, "Alice", "Alice Other"),
      };
      world.identityStore.addMember(org.identityStoreId, org.requesterGroupId, other.userId);
      const request = { ...EXAMPLE_REQUEST, accountId: NETWORK_ACCOUNT, permissionSet: "NetworkAdministrator" };
      const id = await people.request(other, request);
      await world.run(minutes(5));
      await people.approve(org.approvers[0], id);
      return id;
    },
    expect(sim) {
      const granted = sim.world.ssoAdmin.history.some((h) => h.change === "created");
      const refused = sim.world.sns.published.some((p) =>
        /no eligibility rule lets Alice request NetworkAdministrator/.test(p.message),
      );
      return [
        ...(granted ? ["Alice was granted what the rule gives alice"] : []),
        ...(refused ? [] : ["Alice was not told that no rule lets her request the network set"]),
      ];
    },
  },
  {
    name: "parameter-swapped",
    title:
      "Someone who may put parameters in the management account maps the view-only set's name to the administrator set's ARN; Alice's view-only request is refused, not granted as administrator",
    async play(sim) {
      const { world, org, deployment } = sim;
      const path = names(deployment.management.config).management.permissionSetParameterPath;
      const operator = identityCenterSession(org.managementAccount, org.region, "AWSAdministratorAccess", "operator");
      await world.callAws(
        "ssm",
        "PutParameter",
        {
          Name: `${path}${READ_ONLY_REQUEST.permissionSet}`,
          Value: world.ssoAdmin.permissionSetArn(org.instanceArn, EXAMPLE_REQUEST.permissionSet),
          Type: "String",
          Overwrite: true,
        },
        operator,
      );
      return sim.people.request(org.requester, READ_ONLY_REQUEST, { autoApprove: true });
    },
    expect(sim) {
      const admin = sim.world.ssoAdmin.permissionSetArn(sim.org.instanceArn, EXAMPLE_REQUEST.permissionSet);
      const granted = sim.world.ssoAdmin.history.some((h) => h.change === "created" && h.permissionSetArn === admin);
      const refused = sim.world.sns.published.some((p) => /name-to-ARN parameter holds the ARN of/.test(p.message));
      return [
        ...(granted ? ["the administrator set was granted for a view-only request"] : []),
        ...(refused ? [] : ["nobody was told that the parameter maps the name to another set"]),
        ...changeAlerted(sim, "PutParameter"),
      ];
    },
  },
  {
    name: "unsubscribed-through-link",
    title:
      "Someone in the Slack channel that receives the notifications by email follows a message's unsubscribe link (the channel confirmed its subscription through the link); the other subscribers are told the channel hears nothing any more",
    async play(sim) {
      const channel = channelSubscriber(sim);
      sim.world.sns.confirmThroughLink(channel);
      if (!sim.world.sns.unsubscribeThroughLink(channel)) throw new Error(`${channel} was not unsubscribed`);
      return requestApproved(sim);
    },
    expect(sim) {
      const channel = channelSubscriber(sim);
      const told = sim.world.sns.published.some(
        (p) =>
          p.attributes.EventType?.StringValue === "Error" && p.subject === `JIT notifications NOT reaching ${channel}`,
      );
      return told ? [] : [`nobody was told that ${channel} no longer receives the notifications`];
    },
  },
  {
    name: "document-rewritten",
    title:
      "Someone who may only update documents in the management account puts a new version of the grant workflow that announces a forged grant; Alice's view-only request runs the version the stack deployed",
    async play(sim) {
      const { world, org, deployment } = sim;
      const name = names(deployment.management.config).management.grantDocument;
      const operator = identityCenterSession(org.managementAccount, org.region, "AWSAdministratorAccess", "operator");
      const { Content } = (await world.callAws("ssm", "GetDocument", { Name: name }, operator)) as { Content: string };
      type Step = { name: string; action: string; inputs: Record<string, unknown> };
      const deployed = JSON.parse(Content) as { mainSteps: Step[] };
      // The grant workflow's own notification step saying what the forger wants, run as the workflow's role.
      const notify = deployed.mainSteps.find((s) => s.action === "aws:executeAwsApi" && s.inputs.Api === "Publish");
      if (!notify) throw new Error(`${name} has no notification step to copy`);
      const forged = {
        name: notify.name,
        action: notify.action,
        inputs: { ...notify.inputs, Subject: "JIT access granted", Message: FORGED_NOTIFICATION },
        isEnd: true,
      };
      const rewritten = { ...deployed, mainSteps: [forged] };
      await world.callAws("ssm", "UpdateDocument", { Name: name, Content: JSON.stringify(rewritten) }, operator);
      return sim.people.request(org.requester, READ_ONLY_REQUEST, { autoApprove: true });
    },
    expect(sim) {
      const forged = sim.world.sns.published.some((p) => p.message.includes(FORGED_NOTIFICATION));
      const granted = sim.world.ssoAdmin.history.some((h) => h.change === "created");
      return [
        ...(forged ? ["the rewritten version of the grant workflow ran: its forged notification went out"] : []),
        ...(granted ? [] : ["the view-only request was not granted by the deployed grant workflow"]),
        ...changeAlerted(sim, "UpdateDocument"),
      ];
    },
  },
  {
    name: "unit-switched",
    title:
      "Alice asks for 4 minutes of administrator access; before it is approved, the management stack's duration unit is switched to hours; she is not granted 4 hours",
    overrides: { management: { "jit:durationUnit": "minutes" } },
    async play(sim) {
      const { world, people, org } = sim;
      const id = await people.request(org.requester, { ...EXAMPLE_REQUEST, duration: "4" });
      await world.run(minutes(2));
      await switchDurationUnit(sim, "hours");
      await world.run(minutes(5));
      await people.approve(org.approvers[0], id);
      return id;
    },
    expect(sim, ledger) {
      const longer = ledger.filter((g) => g.durationMinutes > 4 && g.startedAt !== undefined);
      const refused = sim.world.sns.published.some((p) => /DurationUnit/.test(p.message));
      const granted = ledger.some((g) => g.startedAt !== undefined);
      return [
        ...longer.map((g) => `the 4-minute request was granted ${g.durationMinutes} minutes`),
        ...(granted || refused ? [] : ["nothing was granted, and nobody was told the request's DurationUnit is why"]),
      ];
    },
  },
  {
    name: "over-long",
    title: "Alice asks for 8 hours of administrator access, which the form offers but her rule caps at 4",
    play: (sim) => requestApproved(sim, { ...EXAMPLE_REQUEST, duration: "8" }),
  },
  {
    name: "self-approval",
    title: "Carol, an approver, approves her own request; her approval does not count and nothing is granted",
    async play(sim) {
      const { people, org, world } = sim;
      const carol = org.approvers[1];
      const id = await people.request(carol, EXAMPLE_REQUEST);
      await world.run(minutes(5));
      await people.approve(carol, id);
      return id;
    },
  },
  {
    name: "delivered-twice",
    title: "EventBridge delivers the request a second time after the grant; the repeat grants nothing",
    async play(sim) {
      const id = await grantedAndUsed(sim);
      await deliverAgain(sim);
      return id;
    },
  },
  {
    name: "delivered-twice-early",
    title: "EventBridge delivers the request a second time while the first workflow is still granting; it is ignored",
    async play(sim) {
      const id = await requestApproved(sim);
      // Seconds after the first workflow started, however long AWS took to start it (tools/sim/pace.ts).
      const grantDocument = names(sim.deployment.management.config).management.grantDocument;
      while (sim.world.executionsOf(grantDocument).length === 0 && sim.world.clock.pending() > 0) {
        await sim.world.run(sim.world.clock.now() + 1_000);
      }
      await sim.world.run(sim.world.clock.now() + 2_000);
      await deliverAgain(sim);
      return id;
    },
  },
  {
    name: "overlapping-requests",
    title:
      "Alice raises two requests for the same access, approved together; the second is refused while the first runs",
    async play(sim) {
      const { people, org, world } = sim;
      const first = await people.request(org.requester, EXAMPLE_REQUEST);
      const second = await people.request(org.requester, { ...EXAMPLE_REQUEST, duration: "2" });
      await world.run(minutes(5));
      await people.approve(org.approvers[0], first);
      await people.approve(org.approvers[0], second);
      return second;
    },
  },
  {
    name: "already-assigned",
    title:
      "Alice already holds administrator access on the account, assigned outside JIT; the check refuses to grant it",
    async play(sim) {
      assignedOutsideJit(sim, EXAMPLE_REQUEST.permissionSet);
      return requestApproved(sim);
    },
  },
  {
    name: "rejected",
    title: "An approver rejects the request; nothing is granted",
    async play(sim) {
      const id = await sim.people.request(sim.org.requester, EXAMPLE_REQUEST);
      await sim.world.run(minutes(5));
      await sim.people.reject(sim.org.approvers[0], id, "Not during the change freeze");
      return id;
    },
  },
  {
    name: "cancelled-before-grant",
    title: "The requester cancels the change request while it waits for approval",
    async play(sim) {
      const id = await sim.people.request(sim.org.requester, EXAMPLE_REQUEST);
      await sim.world.run(minutes(2));
      await sim.people.cancel(sim.org.requester, id);
      return id;
    },
  },
  {
    name: "cancelled-while-sending",
    title:
      "The requester cancels the approved change request as its runbook starts; nothing is granted, whether the cancel stops the runbook or leaves it to send the request",
    async play(sim) {
      const { world, people, org } = sim;
      const id = await requestApproved(sim);
      await runUntil(world, () => requestSending(world, id));
      await people.cancel(org.requester, id);
      return id;
    },
  },
  {
    name: "raised-without-name",
    title:
      "Alice raises the request from a script that sends neither a name nor autoApprove; approvers are told, and it is granted once approved",
    async play(sim) {
      const { world, people, org } = sim;
      const id = await people.request(org.requester, EXAMPLE_REQUEST, { bare: true });
      await world.run(minutes(5));
      await people.approve(org.approvers[0], id);
      return id;
    },
  },
  {
    name: "cancelled-after-grant",
    title:
      "The requester tries to cancel the change request half an hour into the grant; it has closed, so Change Manager refuses, and the access ends on time",
    async play(sim) {
      const id = await grantedAndUsed(sim);
      await sim.people.cancel(sim.org.requester, id);
      return id;
    },
  },
  {
    name: "ended-by-requester",
    title: "Alice ends her grant half an hour in (jit end); the access is removed at once",
    play: (sim) => endedEarly(sim),
    expect: endedFor("requester"),
  },
  {
    name: "ended-by-approver",
    title: "Bob, an approver, ends Alice's grant half an hour in; the access is removed at once",
    play: (sim) =>
      endedEarly(sim, { person: sim.org.approvers[0], permissionSet: sim.org.solutionPermissionSets.approve }),
    expect: endedFor("approver"),
  },
  {
    name: "end-refused",
    title:
      "Mallory, neither Alice nor an approver, asks to end Alice's grant; it is refused, alerted, and runs to its end",
    play: (sim) => endedEarly(sim, { person: sim.org.outsider, permissionSet: sim.org.solutionPermissionSets.request }),
    expect(sim, ledger) {
      const [grant] = exampleGrants(ledger);
      const found: string[] = [];
      const closing = grant?.history.find((h) => h.to === "ended");
      // At its end: by its schedule, or by the reconciler where the schedule fires late or never.
      if (closing?.cause !== "schedule" && closing?.cause !== "reconciler") {
        found.push(`the grant ended for ${closing?.cause ?? "nothing"}, not at its end`);
      }
      const refused = sim.world.sns.published.some((p) => /end refused/.test(p.subject ?? ""));
      const endDocument = names(sim.deployment.management.config).management.endDocument;
      // The end workflow Mallory's ask started failed or was cancelled (its notification lost, or the end function
      // failed): that execution is the record.
      const lost = sim.world
        .executionsOf(endDocument)
        .some((x) => Boolean(x.parameters.EndRequestExecutionId?.[0]) && x.status !== "Success");
      if (!refused && !lost) found.push("no Error notification said the end was refused, and no end workflow failed");
      return found;
    },
  },
  {
    name: "cancelled-as-granted",
    title:
      "Alice cancels the change request the moment the access is assigned: a change request that has closed refuses the cancel and the grant runs its hour; one still open is cancelled, and that ends the grant",
    async play(sim) {
      const { world, people, org } = sim;
      const id = await requestApproved(sim);
      await runUntil(world, () => world.ssoAdmin.history.some((h) => h.change === "created"));
      await people.cancel(org.requester, id);
      return id;
    },
    expect(sim, ledger) {
      const { changeTemplate, requestRunbook } = names(sim.deployment.requester.config).requester;
      const form = sim.deployment.requester.config.requestForm === "automation" ? requestRunbook : changeTemplate;
      const status = sim.world.executionsOf(form)[0]?.status;
      if (status === "Cancelled") return endedFor("changeRequest")(sim, ledger);
      const closing = exampleGrants(ledger)[0]?.history.find((h) => h.to === "ended");
      const onTime = closing?.cause === "schedule" || closing?.cause === "reconciler";
      return status === "Success" && onTime
        ? []
        : [`the change request ended ${status} and the grant ended for ${closing?.cause ?? "nothing"}`];
    },
  },
  {
    name: "replayed-after-early-end",
    title: "Alice ends her grant early; the same approved request is then delivered again, and grants nothing",
    async play(sim) {
      const id = await endedEarly(sim);
      await deliverAgain(sim);
      return id;
    },
    expect(sim) {
      const created = sim.world.ssoAdmin.history.filter((h) => h.change === "created").length;
      return created === 1 ? [] : [`the access was assigned ${created} times`];
    },
  },
  {
    name: "requested-again-after-end",
    title: "Alice ends her grant early and asks for the same access again at once; it is granted again",
    async play(sim) {
      await endedEarly(sim);
      return requestAgain(sim);
    },
    expect(_sim, ledger) {
      const grants = exampleGrants(ledger);
      const found: string[] = [];
      if (grants.length !== 2 || grants.some((g) => g.startedAt === undefined)) {
        found.push(`${grants.filter((g) => g.startedAt !== undefined).length} of 2 requests were granted`);
      }
      return found;
    },
  },
  {
    name: "extended",
    title: "Alice asks for the same access again while she holds it; the grant is extended and ends an hour later",
    async play(sim) {
      await grantedAndUsed(sim);
      return requestAgain(sim);
    },
    expect(sim, ledger) {
      const grants = exampleGrants(ledger);
      const found: string[] = [];
      const [first, second] = grants;
      if (!first?.startedAt || second?.state !== "merged") found.push("the second request did not extend the first");
      const created = sim.world.ssoAdmin.history.filter((h) => h.change === "created").length;
      if (created !== 1) found.push(`the access was assigned ${created} times`);
      const removal = sim.world.ssoAdmin.history.find((h) => h.change === "deleted");
      if (first?.startedAt && removal && removal.at < first.startedAt + 2 * 3_600_000 - 60_000) {
        found.push(`the extended access was removed at ${sim.world.clock.iso(removal.at)}, before its moved end`);
      }
      return found;
    },
  },
  {
    name: "stopped-by-administrator",
    title:
      "An administrator stops the grant workflow as Identity Center assigns the access; whatever was assigned is removed at once",
    async play(sim) {
      const id = await grantingNow(sim);
      // Under a variant where the request fails closed, the workflow has already ended: the stop is refused.
      await stopGrant(sim, "Cancel").catch((err: unknown) => {
        if (!(err instanceof AwsError && err.code === "InvalidAutomationStatusUpdateException")) throw err;
      });
      return id;
    },
  },
  {
    name: "stopped-while-checking",
    title:
      "An administrator stops the grant workflow while its check runs, before anything is recorded; nothing is granted",
    async play(sim) {
      const id = await requestApproved(sim);
      const role = names(sim.deployment.management.config).management.grantWorkflowRole;
      await runUntil(sim.world, () =>
        sim.world.calls.some((c) => c.api === "Invoke" && c.caller.roleArn.endsWith(`/${role}`)),
      );
      await stopGrant(sim, "Cancel").catch((err: unknown) => {
        if (!(err instanceof AwsError && err.code === "InvalidAutomationStatusUpdateException")) throw err;
      });
      return id;
    },
  },
  {
    name: "stopped-complete-by-administrator",
    title:
      "An administrator stops the grant workflow with Type Complete as Identity Center assigns the access; whatever was assigned is removed, whatever Complete does",
    async play(sim) {
      const id = await grantingNow(sim);
      // AWS may refuse it (the `stopComplete` reading): the administrator's console shows the error, nothing changes.
      await stopGrant(sim, "Complete").catch((err: unknown) => {
        if (!(err instanceof AwsError)) throw err;
      });
      return id;
    },
  },
  {
    name: "ended-as-assigned",
    title:
      "Alice ends her grant while Identity Center is still assigning it (a minute's creation): the check removes what it made and confirms it gone; nobody is told 'nothing was granted'",
    play: (sim) => endedAsAssigned(sim, 60_000),
    expect: toldOnlyWhatIsConfirmed,
  },
  {
    name: "ended-as-assigned-slowly",
    title:
      "Alice ends her grant while Identity Center takes longer to assign it than the check waits: the retried check finds the end under way and hands it to the end-of-grant workflow's verified removal, saying the access may have been granted",
    play: (sim) => endedAsAssigned(sim, 150_000),
    expect: toldOnlyWhatIsConfirmed,
  },
  {
    name: "grant-failed",
    title: "Identity Center fails to create the assignment (status FAILED)",
    async play(sim) {
      sim.world.ssoAdmin.failNextCreation("Received a 409 status error: the permission set is being provisioned");
      return requestApproved(sim);
    },
  },
  {
    name: "revoke-failed",
    title: "Identity Center fails the deletion when the time is up; the workflow's second attempt removes the access",
    async play(sim) {
      const id = await grantedAndUsed(sim);
      sim.world.ssoAdmin.failNextDeletion("Received a 500 status error: internal failure");
      return id;
    },
  },
  {
    name: "revoke-failed-with-other-access",
    title:
      "Alice also holds view-only access on the account, assigned outside JIT; every removal of her grant fails, and the check that reads her assignments must not take a partial listing for 'removed'",
    async play(sim) {
      assignedOutsideJit(sim, READ_ONLY_REQUEST.permissionSet);
      const id = await grantedAndUsed(sim);
      sim.world.ssoAdmin.failDeletions(3, "Received a 500 status error: internal failure");
      return id;
    },
  },
  {
    name: "below-minimum-approvals",
    title: "Two approvals are required and only one approver approves; the request times out ungranted",
    // The Automation form asks for as many approvals as the rules need; the change template for jit:approvalsRequired.
    forms: ["changeManager"],
    overrides: { requester: { "jit:approvalsRequired": 2 } },
    play: (sim) => requestApproved(sim),
  },
  {
    name: "expired-with-reminders",
    title:
      "Nobody approves Alice's request: approvers are reminded every jit:approvalReminder hours while it waits, it expires after jit:approvalTimeout hours, her channel is told, and nothing is granted",
    play: (sim) => sim.people.request(sim.org.requester, EXAMPLE_REQUEST),
    expect: expiredWithReminders,
  },
  {
    name: "open-session-cut",
    title:
      "With jit:revokeOpenSessions on, the console session Alice opened during her grant stops working once the grant ends, not when the session would have expired",
    overrides: { management: { "jit:revokeOpenSessions": true } },
    async play(sim) {
      const id = await grantedAndUsed(sim);
      const session = openSession(sim);
      // A minute before the session would have expired on its own: the grant ended half an hour ago.
      const { sessionDuration } = sim.world.ssoAdmin.permissionSetDetails(session.permissionSetArn);
      await sim.world.run(session.openedAt + sessionMinutes(sessionDuration) * 60_000 - 60_000);
      standings.set(sim, await sessionStanding(sim.world.ssoAdmin, session, sim.world.clock.now()));
      return id;
    },
    expect(sim) {
      const standing = standings.get(sim);
      const told = (text: string) => sim.world.sns.published.some((p) => `${p.subject}\n${p.message}`.includes(text));
      return [
        // Where EventBridge Scheduler delivers nothing (variant schedule-never-fires), the reconciler says so.
        ...(standing === "denied" || told("sessions may NOT be cut")
          ? []
          : [`the session Alice opened during her grant is ${standing} after it ended, and no Error says so`]),
        ...(told("jit:revokeOpenSessions") ? [] : ["no notification said that open sessions are cut"]),
        ...(told("Sessions opened during the grant last until") ? ["a notification said open sessions last"] : []),
      ];
    },
  },
  {
    name: "invalid-parameters",
    title: "The form is submitted with a duration the runbook does not allow; the start is refused and alerted",
    // Change Manager accepts the change request and its runbook's start is refused later; Automation refuses the
    // runbook's own start at once, to the person submitting it (tests/tools/sim/scenarios.test.ts).
    forms: ["changeManager"],
    play: (sim) => requestApproved(sim, { ...EXAMPLE_REQUEST, duration: "13" }),
  },
];

/** Alice ends her grant as soon as Identity Center is asked to assign it, each creation taking `creationMs`. */
export async function endedAsAssigned(sim: Simulation, creationMs: number): Promise<string> {
  sim.world.ssoAdmin.assignmentDelayMs = creationMs;
  const id = await grantingNow(sim);
  await endEarly(sim, sim.org.requester, sim.org.solutionPermissionSets.request, id);
  await sim.world.run(sim.world.clock.now() + 20 * 60_000);
  return id;
}

/**
 * The access was assigned and then removed: no notification may say nothing was granted. (What the grant workflow
 * says instead, removed or may have been granted, is tests/tools/sim/scenarios.test.ts's: a fault may lose it.)
 */
export function toldOnlyWhatIsConfirmed(sim: Simulation): string[] {
  if (!sim.world.ssoAdmin.history.some((h) => h.change === "created")) return ["the access was never assigned"];
  return sim.world.sns.published
    .filter((p) => /nothing was granted/.test(p.message))
    .map((p) => `"${p.subject}" says nothing was granted, but the access was assigned`);
}

/** The example request, approved, and Identity Center just asked to assign it (if the grant gets that far). */
async function grantingNow(sim: Simulation): Promise<string> {
  const id = await requestApproved(sim);
  await runUntil(sim.world, () => sim.world.calls.some((c) => c.api === "CreateAccountAssignment"));
  return id;
}

/** An administrator of the management account stops the (first) grant workflow. */
async function stopGrant(sim: Simulation, type: "Cancel" | "Complete"): Promise<void> {
  const [grant] = sim.world.executionsOf(names(sim.deployment.management.config).management.grantDocument);
  const admin = identityCenterSession(sim.org.managementAccount, sim.org.region, "AWSAdministratorAccess", "operator");
  await sim.world.callAws("ssm", "StopAutomationExecution", { AutomationExecutionId: grant.id, Type: type }, admin);
}

/** Runs the world a tenth of a second at a time until `happened`, for at most ten minutes of virtual time. */
async function runUntil(world: Simulation["world"], happened: () => boolean): Promise<void> {
  const until = world.clock.now() + 10 * 60_000;
  while (!happened() && world.clock.now() < until) await world.run(world.clock.now() + 100);
}

/** Plays a scenario in a fresh world built from `deployment`, to the end of virtual time. */
export async function runScenario(
  scenario: Scenario,
  deployment: SimulatedDeployment,
  faults: readonly Fault[] = scenario.faults ?? [],
  variant?: Variant,
): Promise<ScenarioRun> {
  const sim = await simulate(deployment, { faults, seed: scenario.name, variant });
  const changeRequestId = await scenario.play(sim);
  await sim.world.run();
  const { config } = deployment.management;
  const ledger = await grantsOf(sim.world.dynamodb, {
    account: config.managementAccountId,
    region: config.region,
    name: names(config).management.grantTable,
  });
  const outcome = outcomeOf(sim, changeRequestId, ledger);
  // Where the world's reading makes the check fail closed (./variants.ts: approvals that name no person, a runbook that
  // names no change request), nothing is granted: a scenario's own expectations, all about its grant, do not apply.
  // The invariants above still do.
  const { approverIdentity, runbookParentLink } = sim.world.behaviour;
  const closedReading = approverIdentity === "role-arn" || runbookParentLink === "absent";
  const failedClosed = closedReading && !sim.world.ssoAdmin.history.some((h) => h.change === "created");
  if (!failedClosed) outcome.violations.push(...(scenario.expect?.(sim, ledger) ?? []));
  return { scenario, sim, changeRequestId, outcome };
}

/** Whether `scenario` applies to the request form `form`. */
export function appliesTo(scenario: Scenario, form: RequestForm): boolean {
  return scenario.forms === undefined || scenario.forms.includes(form);
}
