/**
 * What one approved request costs, read from its simulated run: Automation steps, the executions held while the grant
 * is active, and the API calls from the approval to usable access and from the grant's end to the access gone.
 */
import { names } from "../../shared/naming";
import type { CallRecord } from "../sim/cloudTrail";
import type { ScenarioRun } from "../sim/scenarios";

/**
 * How many calls were made one after another: calls made at one virtual instant were made together
 * (tools/sim/functions.ts gives each a round trip), except that an Invoke and the first calls of the function it
 * invokes share an instant and are two rounds.
 */
function sequential(calls: readonly CallRecord[]): number {
  return new Set(calls.map((c) => (c.api === "Invoke" ? `Invoke at ${c.at}` : String(c.at)))).size;
}

/**
 * Calls made in [from, to] on the request's path: by its roles and sessions, and no invocation of a function running
 * beside it (the request notifier, which EventBridge invokes as itself, or the reconciler).
 */
function criticalCalls(run: ScenarioRun, from: number, to: number, onPath: (name: string) => boolean) {
  return run.sim.world.calls.filter(
    (c) =>
      c.at >= from &&
      c.at <= to &&
      onPath(c.caller.roleArn) &&
      // The reader role's sessions are named after their reader (the request check, or the notifier).
      onPath(c.caller.sessionName) &&
      (c.api !== "Invoke" || onPath(String(c.input.FunctionName))),
  );
}

export function measure(run: ScenarioRun) {
  const { world } = run.sim;
  const approval = world.calls.find((c) => c.api === "SendAutomationSignal" && c.input.SignalType === "Approve")!;
  const created = world.ssoAdmin.history.find((h) => h.change === "created")!;
  const deleted = world.ssoAdmin.history.find((h) => h.change === "deleted")!;
  const { config } = run.sim.deployment.management;
  const grant = world.executionsOf(names(config).management.grantDocument)[0];
  // The grant's end: the approved duration after the assignment was made (no step name needed: a sleeping workflow
  // and a schedule end it alike).
  const unitMs = config.durationUnit === "minutes" ? 60_000 : 3_600_000;
  const sleepEnd = created.at + Number(grant.parameters.Duration?.[0] ?? 0) * unitMs;
  // Executions alive half-way through the grant: what AWS holds for one active grant.
  const midGrant = (created.at + deleted.at) / 2;
  const held = [...world.engine.executions.values()].filter(
    (x) => x.startTime.getTime() <= midGrant && (x.endTime === undefined || x.endTime.getTime() > midGrant),
  );
  // The request's own path: not the notifications beside it, nor the scheduled functions that run meanwhile.
  const aside = ["request-notifier", "requester-events", "reconciler", "permission-set-sync"];
  const grantPath = (name: string) => !aside.some((a) => name.includes(a));
  // Access is usable once Identity Center has taken the assignment: the calls after CreateAccountAssignment only
  // watch it being made. Calls made at one virtual instant were made together (tools/sim/functions.ts).
  const create = world.calls.find((c) => c.api === "CreateAccountAssignment" && !c.error)!;
  const toAccess = criticalCalls(run, approval.at, create.at, grantPath).filter((c) => c !== approval);
  const rounds = sequential(toAccess);
  const deleteCall = world.calls.find((c) => c.api === "DeleteAccountAssignment" && !c.error)!;
  const toRevoke = criticalCalls(run, sleepEnd, deleteCall.at, grantPath);
  const steps = [...world.engine.executions.values()].reduce((n, x) => n + x.steps.length, 0);
  const onPath = [...world.engine.executions.values()].filter((x) => grantPath(x.runAs.roleArn));
  const stepsToAccess = onPath
    .flatMap((x) => x.steps)
    .filter((s) => s.ExecutionStartTime.getTime() >= approval.at && s.ExecutionStartTime.getTime() <= created.at);
  return {
    steps,
    grantSteps: grant.steps.length,
    stepsToAccess: stepsToAccess.map((s) => s.StepName),
    toAccess: {
      calls: toAccess.map((c) => `${c.service}:${c.api}`),
      rounds,
      seconds: (created.at - approval.at) / 1000,
    },
    toRevoke: {
      calls: toRevoke.map((c) => `${c.service}:${c.api}`),
      rounds: sequential(toRevoke),
      seconds: (deleted.at - sleepEnd) / 1000,
    },
    apiCalls: world.calls.length,
    held: held.map((x) => x.document.name),
  };
}
