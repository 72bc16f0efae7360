/** Structure: unique step names, edges that lead to existing steps, every step reachable from the first. */
import type { DocumentView, StepView } from "./content";
import { branchTargets, END, type Graph, stepTarget } from "./graph";
import { reachable } from "./paths";
import type { Finding } from "./types";

function uniqueNames(doc: DocumentView): Finding[] {
  const counts = new Map<string, number>();
  for (const s of doc.steps) counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
  return [...counts]
    .filter(([, n]) => n > 1)
    .map(([name, n]) => ({
      severity: "error",
      rule: "unique-step-names",
      step: name,
      message: `${n} steps are named ${name}; step names must be unique`,
    }));
}

function namedTargets(s: StepView): { via: string; target: unknown }[] {
  const targets: { via: string; target: unknown }[] = [];
  if (s.nextStep !== undefined) targets.push({ via: "nextStep", target: s.nextStep });
  const onFailure = stepTarget(s.onFailure);
  if (onFailure !== undefined) targets.push({ via: "onFailure", target: onFailure });
  const onCancel = stepTarget(s.onCancel);
  if (onCancel !== undefined) targets.push({ via: "onCancel", target: onCancel });
  if (s.action === "aws:branch")
    targets.push(...branchTargets(s.inputs).map((t) => ({ ...t, via: `inputs.${t.via}` })));
  return targets;
}

function edgeTargets(doc: DocumentView, graph: Graph): Finding[] {
  return doc.steps.flatMap((s) =>
    namedTargets(s)
      .filter(({ target }) => typeof target !== "string" || !graph.byName.has(target))
      .map(({ via, target }) => ({
        severity: "error" as const,
        rule: "edge-target",
        step: s.name,
        message: `${via} names ${JSON.stringify(target)}, which is not a step of this document`,
      })),
  );
}

function reachability(doc: DocumentView, graph: Graph): Finding[] {
  if (doc.steps.length === 0) return [];
  const seen = reachable(graph, 0);
  return doc.steps
    .filter((s) => !seen.has(s.index))
    .map((s) => ({
      severity: "error",
      rule: "reachable",
      step: s.name,
      message: `no path from the first step (${doc.steps[0].name}) reaches this step`,
    }));
}

function branchDefaults(doc: DocumentView, graph: Graph): Finding[] {
  return doc.steps
    .filter((s) => s.action === "aws:branch" && !("Default" in s.inputs))
    .map((s) => {
      const fallThrough = graph.edges[s.index].find((e) => e.via.startsWith("no choice matched"))?.to;
      const where =
        fallThrough === END || fallThrough === undefined ? "the execution ends" : `${doc.steps[fallThrough].name} runs`;
      return {
        severity: "warning",
        rule: "branch-default",
        step: s.name,
        message: `aws:branch has no Default: when no choice matches, ${where}`,
      };
    });
}

/**
 * Actions Automation does not move to when an execution is cancelled: "The onCancel property doesn't support moving
 * to the following actions" (Automation actions reference, "Properties shared by all actions", onCancel). The checker
 * refuses them as targets and the simulator's engine ends a cancellation instead of moving to one.
 */
export const NOT_CANCEL_TARGETS: ReadonlySet<string> = new Set([
  "aws:approve",
  "aws:copyImage",
  "aws:createImage",
  "aws:createStack",
  "aws:createTags",
  "aws:pause",
  "aws:runInstances",
  "aws:sleep",
]);

function cancelTargets(doc: DocumentView, graph: Graph): Finding[] {
  return doc.steps.flatMap((s) => {
    const target = stepTarget(s.onCancel);
    const to = typeof target === "string" ? graph.byName.get(target) : undefined;
    const action = to === undefined ? undefined : doc.steps[to].action;
    if (action === undefined || !NOT_CANCEL_TARGETS.has(action)) return [];
    return [
      {
        severity: "error" as const,
        rule: "cancel-target",
        step: s.name,
        message: `onCancel goes to ${target}, an ${action} step; Automation does not run such a step on cancellation`,
      },
    ];
  });
}

export function checkStructure(doc: DocumentView, graph: Graph): Finding[] {
  return [
    ...uniqueNames(doc),
    ...edgeTargets(doc, graph),
    ...reachability(doc, graph),
    ...branchDefaults(doc, graph),
    ...cancelTargets(doc, graph),
  ];
}
