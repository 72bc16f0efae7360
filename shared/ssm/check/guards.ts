/**
 * Guards: after a grant, every path reaches a revoke before the execution ends ("revoke-after-grant"); and a revoke
 * that fails or is cancelled raises an Error notification, or confirms the deletion SUCCEEDED after all, or reads
 * the assignments and finds the access gone, before the execution ends ("revoke-failure-alerts").
 */
import { describeEdge, type Graph } from "./graph";
import {
  callsApi,
  checksDeletionStatus,
  confirmsAbsence,
  confirmsDeletion,
  describeMatcher,
  publishesError,
} from "./matchers";
import { type EdgeFrom, endingsAvoiding } from "./paths";
import type { Finding, Guard } from "./types";

function edgesOut(graph: Graph, step: number, kinds: readonly string[]): EdgeFrom[] {
  return graph.edges[step].filter((edge) => kinds.includes(edge.kind)).map((edge) => ({ from: step, edge }));
}

function stepsWhere(graph: Graph, test: (step: number) => boolean): number[] {
  return graph.steps.map((s) => s.index).filter(test);
}

function revokeAfterGrant(graph: Graph, guard: Guard): Finding[] {
  const isRevoke = (i: number) => callsApi(graph.steps[i], guard.revoke);
  const grants = stepsWhere(graph, (i) => callsApi(graph.steps[i], guard.grant));
  // A failed grant call granted nothing, so only its success and cancel edges start a guarded path.
  return grants.flatMap((grant) =>
    endingsAvoiding(graph, edgesOut(graph, grant, ["success", "cancel"]), isRevoke).map(
      ({ from, edge }): Finding => ({
        severity: "error",
        rule: "revoke-after-grant",
        step: graph.steps[from].name,
        message: `after ${graph.steps[grant].name} (${describeMatcher(guard.grant)}), ${describeEdge(graph, from, edge)} ends the execution without reaching a revoke (${describeMatcher(guard.revoke)})`,
      }),
    ),
  );
}

function revokeFailureAlerts(graph: Graph, guards: readonly Guard[]): Finding[] {
  const isRevoke = (i: number) => guards.some((g) => callsApi(graph.steps[i], g.revoke));
  const checked = stepsWhere(graph, (i) => isRevoke(i) || checksDeletionStatus(graph.steps[i]));
  // A path that reaches another revoke hands over to it: that revoke's own failure and cancel edges are checked here.
  // One that reaches a check confirming a deletion SUCCEEDED is safe past it: its own failure edges are checked too.
  const stop = (i: number) => publishesError(graph.steps[i]) || isRevoke(i) || confirmsDeletion(graph.steps[i]);
  // The Default of a branch that found the user no longer holds the access: verified gone, as past a confirmation.
  const byName = new Map(graph.steps.map((s) => [s.name, s]));
  const removed = ({ from, edge }: EdgeFrom) =>
    edge.kind === "success" && edge.via === "Default" && confirmsAbsence(graph.steps[from], byName);
  return checked.flatMap((origin) =>
    endingsAvoiding(graph, edgesOut(graph, origin, ["failure", "cancel"]), stop, removed).map(
      ({ from, edge }): Finding => ({
        severity: "error",
        rule: "revoke-failure-alerts",
        step: graph.steps[from].name,
        message: `when ${graph.steps[origin].name} fails or is cancelled, ${describeEdge(graph, from, edge)} ends the execution without an Error notification (sns Publish with EventType Error)`,
      }),
    ),
  );
}

export function checkGuards(graph: Graph, guards: readonly Guard[]): Finding[] {
  return [...guards.flatMap((g) => revokeAfterGrant(graph, g)), ...revokeFailureAlerts(graph, guards)];
}
