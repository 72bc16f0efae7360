/**
 * What became of one access request in a simulated world: the executions on both sides, whether and when access
 * existed, who was told what, and the lifecycle invariants every request must keep, whatever went wrong.
 */
import type { GrantRecord } from "../../shared/grantLedger";
import { names } from "../../shared/naming";
import { isCritical } from "./automation/document";
import { type Execution, type ExecutionStatus, TERMINAL } from "./automation/execution";
import { requestRunbookId } from "./people";
import type { Simulation } from "./setup";

export interface Notification {
  at: string;
  eventType: string;
  subject: string;
  recipients: string[];
}

export interface Outcome {
  changeRequest: ExecutionStatus;
  runbook?: ExecutionStatus;
  grant?: { status: ExecutionStatus; failure?: string; steps: string[] };
  /** Whether the user held the assignment at any moment. */
  granted: boolean;
  /** Assignments that still exist at the end. */
  assignmentsLeft: number;
  notifications: Notification[];
  /** "NOT revoked" alarms raised while nothing was left to revoke. */
  falseAlarms: string[];
  /** Broken invariants; empty when the request ended as every request must. */
  violations: string[];
}

/**
 * The outcome of the request whose change request is `changeRequestId`, once the world has run to the end; `ledger`
 * is the grant ledger's grant items as the world left them (./ledger.ts grantsOf), none where nothing recorded one.
 */
export function outcomeOf(sim: Simulation, changeRequestId: string, ledger: readonly GrantRecord[] = []): Outcome {
  const { world } = sim;
  const n = names(sim.deployment.management.config);
  const changeRequest = world.engine.get(changeRequestId);
  const runbookId = requestRunbookId(world, changeRequestId);
  const runbook = runbookId ? world.engine.get(runbookId) : undefined;
  const grants = world
    .executionsOf(n.management.grantDocument)
    .filter((x) => runbookId !== undefined && x.parameters.RequesterExecutionId?.[0] === runbookId);
  const grant = grants[0];
  const notifications = world.sns.published.map((p) => ({
    at: p.time,
    eventType: p.attributes.EventType?.StringValue ?? "(none)",
    subject: p.subject ?? "",
    recipients: world.sns.deliveries.filter((d) => d.messageId === p.messageId).map((d) => d.endpoint),
  }));
  const outcome: Outcome = {
    changeRequest: changeRequest.status,
    runbook: runbook?.status,
    grant: grant && {
      status: grant.status,
      failure: grant.failureMessage,
      steps: grant.steps.map((s) => `${s.StepName}:${s.StepStatus}`),
    },
    granted: world.ssoAdmin.history.some((h) => h.change === "created"),
    assignmentsLeft: world.ssoAdmin.assignmentCount(),
    notifications,
    falseAlarms: [...world.falseAlarms],
    violations: [],
  };
  outcome.violations = [
    ...violations(sim, outcome, { changeRequest, runbook, grants }),
    ...accessViolations(sim, outcome, ledger),
    ...earlyEndViolations(sim, outcome, ledger),
  ];
  return outcome;
}

/** How late a removal may come past the grant's end: one reconciler interval, its grace, and the removal's own time. */
const GRACE_MS = 120_000;
const REMOVAL_ALLOWANCE_MS = 15 * 60_000;
const DEFAULT_RECONCILE_MINUTES = 5;

/** How far from `at` Identity Center reported the grant started; a grant never started is farthest. */
const distance = (g: GrantRecord, at: number) =>
  g.startedAt === undefined ? Number.MAX_SAFE_INTEGER : Math.abs(g.startedAt - at);

const accessOf = (a: { principalId: string; permissionSetArn: string; accountId: string }) =>
  `${a.principalId} ${a.permissionSetArn} ${a.accountId}`;

/**
 * The invariants judged from what the world recorded (Identity Center's history, the ledger, the notifications),
 * whatever workflow or function did the work: (a) an access is never created again while an earlier grant of it had
 * not ended, and no more often than requests were made; (b) every assignment a request made is gone by the grant's
 * end (the ledger's `endsAt`, else the approved duration after the creation) plus one reconciler interval, its grace
 * and the removal's own time, unless an Error notification says it was NOT revoked.
 */
function accessViolations(sim: Simulation, o: Outcome, ledger: readonly GrantRecord[]): string[] {
  const { world } = sim;
  const found: string[] = [];
  const n = names(sim.deployment.management.config);
  const runbook = names(sim.deployment.requester.config).requester.requestRunbook;
  const requests = world.executionsOf(runbook).length;
  const created = new Map<string, number>();
  for (const h of world.ssoAdmin.history) {
    if (h.change === "created") created.set(accessOf(h), (created.get(accessOf(h)) ?? 0) + 1);
  }
  for (const [access, count] of created) {
    if (count > Math.max(1, requests)) {
      found.push(`${access} was assigned ${count} times for ${requests} request(s): a request was granted twice`);
    }
  }
  const config = sim.deployment.management.config as { reconcileMinutes?: number; durationUnit: string };
  const lateMs = (config.reconcileMinutes ?? DEFAULT_RECONCILE_MINUTES) * 60_000 + GRACE_MS + REMOVAL_ALLOWANCE_MS;
  const notRevoked = o.notifications.some((m) => m.eventType === "Error" && / NOT revoked/.test(m.subject));
  const unitMs = config.durationUnit === "minutes" ? 60_000 : 3_600_000;
  const grantDurations = world
    .executionsOf(n.management.grantDocument)
    .map((x) => Number(x.parameters.Duration?.[0]))
    .filter((d) => Number.isFinite(d));
  const creations = world.ssoAdmin.history.filter((h) => h.change === "created");
  for (const c of creations) {
    const key = accessOf(c);
    const removal = world.ssoAdmin.history.find((h) => h.change === "deleted" && h.at >= c.at && accessOf(h) === key);
    // The grant this creation made: of the grants of the same access (one may follow another that ended), the one
    // whose start Identity Center reported nearest to it.
    const grant = ledger
      .filter(
        (g) => g.userId === c.principalId && g.permissionSetArn === c.permissionSetArn && g.accountId === c.accountId,
      )
      .sort((a, b) => distance(a, c.at) - distance(b, c.at))[0];
    const endsAt = grant
      ? grant.endsAt * 1000
      : grantDurations.length > 0
        ? c.at + Math.max(...grantDurations) * unitMs
        : undefined;
    if (endsAt === undefined || notRevoked) continue;
    const removedAt = removal?.at ?? world.clock.now();
    if (removedAt > endsAt + lateMs) {
      found.push(
        `the assignment created at ${world.clock.iso(c.at)} was ${removal ? `removed only at ${world.clock.iso(removedAt)}` : "never removed"}, ` +
          `later than its end (${world.clock.iso(endsAt)}) plus ${lateMs / 60_000} minutes, and no "NOT revoked" alarm was raised`,
      );
    }
  }
  return found;
}

/** The causes an early end somebody asked for is recorded with (functions/endAccess/requested.ts). */
const ASKED_CAUSES: readonly string[] = ["requester", "approver", "changeRequest"];

/**
 * The early ends people asked for (the requester side's end-access document): (c) each is either taken, the grant
 * closed with cause requester or approver naming that execution and its assignment removed within the removal's own
 * time of the ask, or refused with an Error notification ("end refused"), or finds the grant already closed; (d) a
 * grant closed for an ask (requester, approver, changeRequest) has no assignment left after that.
 */
function earlyEndViolations(sim: Simulation, o: Outcome, ledger: readonly GrantRecord[]): string[] {
  const { world } = sim;
  const found: string[] = [];
  const document = names(sim.deployment.requester.config).requester.endAccessDocument;
  const refusedNotices = o.notifications.filter((m) => m.eventType === "Error" && /end refused/.test(m.subject));
  // A refusal whose notification failed fails the end workflow: the failed step is the record.
  const endDocument = names(sim.deployment.management.config).management.endDocument;
  const refusalLost = world
    .executionsOf(endDocument)
    .some((x) => x.steps.some((st) => st.StepName === "Notify_End_Refused" && st.StepStatus !== "Success"));
  const asks = world.executionsOf(document).filter((x) => x.document.account === sim.org.requesterAccount);
  for (const ask of asks) {
    const requestId = ask.parameters.RequestId?.[0];
    const grant = ledger.find((g) => g.requestId === requestId);
    const taken = grant?.history.find((h) => ASKED_CAUSES.includes(h.cause) && h.note.includes(ask.id));
    const closedBefore = grant?.history.some(
      (h) => ["ended", "failed", "merged"].includes(h.to) && h.at <= ask.startTime.getTime(),
    );
    // An end workflow for this ask that failed or was cancelled is its own record (it alerts "end failed" first).
    const endRecorded = world
      .executionsOf(endDocument)
      .some((x) => x.parameters.EndRequestExecutionId?.[0] === ask.id && x.status !== "Success");
    if (!taken && !closedBefore && refusedNotices.length === 0 && !refusalLost && !endRecorded) {
      found.push(`the early end ${ask.id} asked for was neither taken nor refused with an Error notification`);
    }
  }
  for (const grant of ledger) {
    const closing = grant.history.find((h) => h.to === "ended" && ASKED_CAUSES.includes(h.cause));
    if (!closing) continue;
    const left = world.ssoAdmin.history.filter(
      (h) =>
        h.principalId === grant.userId &&
        h.permissionSetArn === grant.permissionSetArn &&
        h.accountId === grant.accountId &&
        h.at <= closing.at,
    );
    if (left.at(-1)?.change === "created") {
      found.push(`grant ${grant.requestId} was closed (${closing.cause}) while its assignment was still there`);
    }
  }
  return found;
}

const definitionOf = (x: Execution, step: string) => x.content.mainSteps.find((s) => s.name === step);
const calls = (x: Execution, step: string, service: string, api: string) => {
  const d = definitionOf(x, step);
  return d?.inputs.Service === service && d.inputs.Api === api;
};

/** Steps that publish notifications: when one fails, the failed step in the execution is the record of it. */
const notifies = (x: Execution, step: string) => calls(x, step, "sns", "Publish");

const criticalIn = (x: Execution, step: string) => {
  const definition = definitionOf(x, step);
  return definition !== undefined && isCritical(definition);
};

/** Whether a step of the execution confirmed that a deletion SUCCEEDED: the access was verified gone. */
function revocationConfirmed(x: Execution): boolean {
  return x.steps.some(
    (s) =>
      s.StepStatus === "Success" &&
      definitionOf(x, s.StepName)?.action === "aws:assertAwsResourceProperty" &&
      calls(x, s.StepName, "sso-admin", "DescribeAccountAssignmentDeletionStatus"),
  );
}

/**
 * Whether a grant workflow was stopped with Type Complete in a world where that ends it bare (variant
 * stop-complete-skips-cleanup): its check and grant finishes and schedules the end, nothing reports. The ledger
 * invariants (every grant closed, nothing left) still apply; only the reports are excused.
 */
function completedBare(sim: Simulation, grants: readonly Execution[]): boolean {
  if (sim.world.behaviour.stopComplete !== "skips-cleanup") return false;
  const ids = new Set(grants.map((g) => g.id));
  return sim.world.calls.some(
    (c) =>
      c.api === "StopAutomationExecution" &&
      c.input.Type === "Complete" &&
      !c.error &&
      ids.has(String(c.input.AutomationExecutionId)),
  );
}

function violations(
  sim: Simulation,
  o: Outcome,
  x: { changeRequest: Execution; runbook?: Execution; grants: Execution[] },
): string[] {
  const found: string[] = [];
  const errors = o.notifications.filter((m) => m.eventType === "Error");
  const grant = x.grants[0];
  const recorded = grant !== undefined && ["Failed", "Cancelled"].includes(grant.status) && errors.length > 0;
  if (o.assignmentsLeft > 0 && !recorded) {
    found.push("an assignment remains after the grant window, with no Error notification and no failed execution");
  }
  for (const a of sim.world.ssoAdmin.standingRemoved()) {
    found.push(`the assignment of ${a.permissionSetArn} on ${a.accountId} made outside JIT was removed`);
  }
  for (const e of [x.changeRequest, x.runbook, ...x.grants]) {
    if (e && !TERMINAL.has(e.status)) found.push(`${e.document.name} is still ${e.status} at the end`);
  }
  // A repeat delivery may start another workflow; only one may go past the request check to a grant.
  const granting = x.grants.filter((g) => g.steps.some((s) => s.StepName === "Create_Account_Assignment"));
  if (granting.length > 1) found.push(`one request was granted by ${granting.length} grant workflows`);
  const failedSteps = grant?.steps.filter((s) => s.StepStatus !== "Success") ?? [];
  // A notification step that failed or was cancelled is its own record: the channel to report on is what failed.
  const notificationLost = failedSteps.some((s) => notifies(grant!, s.StepName));
  // A Type Complete stop that ends the grant workflow bare (the world's `skips-cleanup` reading) runs none of its
  // reporting steps: a known gap (completedBare). What must still hold, every grant closed and nothing left, is
  // checked as in every run.
  const bare = completedBare(sim, x.grants);
  // The runbook ends once it has sent the request: from there, only the management side can tell the requester how
  // the request ended, so a request that was sent must have reached a grant workflow.
  // One EventBridge could not deliver goes to the grant rule's dead-letter queue, which the reconciler reports.
  const sent = x.runbook?.status === "Success";
  const undelivered = o.notifications.some((n) => n.eventType === "Error" && /request NOT delivered/.test(n.subject));
  if (sent && x.grants.length === 0 && !undelivered) {
    found.push("the request was sent and no grant workflow ran: nobody told the requester how it ended");
  }
  // Failures that need an Error notification: the execution did not succeed, or a critical step failed. Best-effort
  // steps of a successful execution are allowed to fail, and a cancellation after the access was removed is no failure.
  const critical = failedSteps.filter((s) => criticalIn(grant!, s.StepName) && s.StepStatus !== "Cancelled");
  // Stopped by someone, with the access verified gone: a cancellation, not a failure to report.
  const cancelledAndRevoked = grant?.status === "Cancelled" && revocationConfirmed(grant) && o.assignmentsLeft === 0;
  // Cancelled at its closing no-op, everything before it done: nothing was left undone.
  const cancelledAtEnd =
    grant?.status === "Cancelled" && failedSteps.length > 0 && failedSteps.every((s) => s.StepName === "End");
  const grantFailed =
    grant &&
    !notificationLost &&
    !cancelledAndRevoked &&
    !cancelledAtEnd &&
    (grant.status !== "Success" || critical.length > 0);
  if (grantFailed && errors.length === 0) {
    found.push(
      `the grant workflow ended ${grant.status} (${failedSteps.map((s) => `${s.StepName} ${s.StepStatus}`).join(", ")}) and no Error notification was sent`,
    );
  }
  // A change request that ended without success (cancelled, rejected, failed) is never granted after it ended,
  // even where cancelling it leaves its runbook running (variant changeRequestCancel leaves-runbook).
  const ended = x.changeRequest.endTime?.getTime();
  if (ended !== undefined && ["Cancelled", "Failed", "TimedOut"].includes(x.changeRequest.status)) {
    const late = x.grants.flatMap((g) => g.steps).filter((st) => st.StepName === "Create_Account_Assignment");
    if (late.some((st) => st.ExecutionStartTime.getTime() > ended)) {
      found.push(`access was granted after the change request ended ${x.changeRequest.status}`);
    }
  }
  // A request the screen stopped as it was raised (functions/requestNotifier/refusal.ts) was refused to its requester,
  // unless the notifier failed for good (its dead-letter queue, checked below, is then the record).
  const refuser = names(sim.deployment.management.config).crossSide.requestRefuserRoleArn;
  const screened = sim.world.calls.some(
    (c) =>
      c.api === "StopAutomationExecution" &&
      !c.error &&
      c.caller.roleArn === refuser &&
      c.input.AutomationExecutionId === x.changeRequest.id,
  );
  const refused = o.notifications.some((n) => n.eventType === "RequestRejected" && n.subject.startsWith("Refused"));
  if (screened && !refused && sim.world.lambda.dropped.length === 0) {
    found.push("the screen stopped the request and its requester was not told why");
  }
  // A request the check turned away (it wrote why, as it does before answering Rejected or Ignored) is never
  // granted by that workflow, and the administrators get an Error notification: failing closed is loud.
  const reasonPath = names(sim.deployment.management.config).management.checkReasonPath;
  for (const g of x.grants) {
    const turnedAway = sim.world.calls.some(
      (c) => c.api === "PutParameter" && !c.error && c.input.Name === `${reasonPath}${g.id}`,
    );
    if (!turnedAway) continue;
    if (g.steps.some((st) => st.StepName === "Create_Account_Assignment")) {
      found.push(`the grant workflow ${g.id} granted a request the check turned away`);
    }
    // A notification step that failed or was cancelled is its own record, as above.
    const lost = g.steps.some((st) => st.StepStatus !== "Success" && notifies(g, st.StepName));
    if (errors.length === 0 && !lost)
      found.push("the check turned the request away and no Error notification was sent");
  }
  // A grant workflow stopped with Type Complete may have ended without its cleanup: whatever removed the access, an
  // Error notification says the stop happened.
  const grantIds = new Set(x.grants.map((g) => g.id));
  const completed = sim.world.calls.some(
    (c) =>
      c.api === "StopAutomationExecution" &&
      c.input.Type === "Complete" &&
      !c.error &&
      grantIds.has(String(c.input.AutomationExecutionId)),
  );
  if (completed && errors.length === 0 && !bare) {
    found.push("a grant workflow was stopped with Type Complete and no Error notification was sent");
  }
  // An event a function failed on every attempt is lost unless it reached the function's dead-letter queue (the
  // request notifier's, which the reconciler reports).
  for (const d of sim.world.lambda.dropped) {
    const why = d.deadLetterError ? `; its dead-letter queue refused it: ${d.deadLetterError}` : "";
    found.push(`${d.functionArn} failed on an event for good (${d.error.errorType}: ${d.error.errorMessage})${why}`);
  }
  // A `{{ }}` left in a notification is a reference Automation could not resolve (an output that never came).
  for (const p of sim.world.sns.published) {
    if (`${p.subject ?? ""}\n${p.message}`.includes("{{")) {
      found.push(`a notification was published with an unresolved reference: ${p.subject ?? p.message.slice(0, 80)}`);
    }
  }
  if (sim.world.keepAliveExhausted) found.push(`the world could not end: ${sim.world.keepAliveExhausted}`);
  for (const e of sim.world.observations) found.push(e);
  for (const e of sim.world.backgroundErrors) found.push(`background error: ${e}`);
  // A delivery that failed for good is lost unless its target has a dead-letter queue, whose messages the reconciler
  // reports (the request invariant above checks that report arrived).
  const deadLettered = new Set(sim.world.sqs.sent().map((m) => eventIdOf(m.body)));
  for (const f of sim.world.events.failedInvocations) {
    if (deadLettered.has(f.eventId)) continue;
    found.push(`EventBridge could not deliver to ${f.targetArn}: ${f.error.code}: ${f.error.message}`);
  }
  return found;
}

/** The id of the event a dead letter holds (EventBridge's dead letter is the event itself), if it is one. */
function eventIdOf(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}
