/**
 * The control-flow graph of an Automation document, with the semantics the checks rely on:
 * - success: `aws:branch` goes to each choice's NextStep and to Default (without Default, Automation runs the next
 *   step in order); any other step goes to `nextStep`, else the next step in document order;
 * - failure: `onFailure` Abort (the default) ends the execution, Continue goes on to the next step in order,
 *   `step:X` goes to X;
 * - cancel: `onCancel` Abort (the default) ends the execution, `step:X` goes to X;
 * - "the next step in order" ends the execution after the last step, or when the step has `isEnd: true`.
 * Explicit targets (`nextStep`, `step:X`) win over `isEnd`. Edges to steps that do not exist are left out (the
 * structure check reports them).
 */
import { type DocumentView, isRecord, type StepView } from "./content";

export const END = "end";
export type EdgeKind = "success" | "failure" | "cancel";

export interface Edge {
  kind: EdgeKind;
  to: number | typeof END;
  /** What in the document makes this edge, for messages: `nextStep`, `onFailure: Abort (default)`, ... */
  via: string;
}

export interface Graph {
  steps: readonly StepView[];
  /** Edges out of each step, by step index. */
  edges: readonly (readonly Edge[])[];
  /** Step index by name (the first step of that name). */
  byName: ReadonlyMap<string, number>;
}

const STEP_TARGET = /^step:(\w+)$/;

/** `step:X` -> X. */
export function stepTarget(edge: string | undefined): string | undefined {
  return edge === undefined ? undefined : STEP_TARGET.exec(edge)?.[1];
}

/** The NextStep of each choice and the Default of an `aws:branch` step's inputs. */
export function branchTargets(inputs: Readonly<Record<string, unknown>>): { via: string; target: unknown }[] {
  const choices = Array.isArray(inputs.Choices) ? inputs.Choices : [];
  const targets = choices.map((c, i) => ({ via: `Choices[${i}].NextStep`, target: isRecord(c) ? c.NextStep : c }));
  return "Default" in inputs ? [...targets, { via: "Default", target: inputs.Default }] : targets;
}

function edgesOf(step: StepView, doc: DocumentView, byName: ReadonlyMap<string, number>): Edge[] {
  const edges: Edge[] = [];
  const add = (kind: EdgeKind, target: unknown, via: string) => {
    const to = typeof target === "string" ? byName.get(target) : undefined;
    if (to !== undefined) edges.push({ kind, to, via });
  };
  // The next step in document order, unless the step ends the execution.
  const onward = (kind: EdgeKind, via: string) => {
    if (step.isEnd) edges.push({ kind, to: END, via: `${via}, isEnd` });
    else if (step.index === doc.steps.length - 1) edges.push({ kind, to: END, via: `${via}, last step` });
    else edges.push({ kind, to: step.index + 1, via: `${via}, next step in order` });
  };

  if (step.action === "aws:branch") {
    for (const { via, target } of branchTargets(step.inputs)) add("success", target, via);
    if (!("Default" in step.inputs)) onward("success", "no choice matched and no Default");
  } else if (step.nextStep !== undefined) {
    add("success", step.nextStep, "nextStep");
  } else {
    onward("success", "succeeded");
  }

  const failureTarget = stepTarget(step.onFailure);
  if (failureTarget !== undefined) add("failure", failureTarget, `onFailure: ${step.onFailure}`);
  else if (step.onFailure === "Continue") onward("failure", "onFailure: Continue");
  else edges.push({ kind: "failure", to: END, via: `onFailure: ${step.onFailure ?? "Abort (default)"}` });

  const cancelTarget = stepTarget(step.onCancel);
  if (cancelTarget !== undefined) add("cancel", cancelTarget, `onCancel: ${step.onCancel}`);
  else edges.push({ kind: "cancel", to: END, via: `onCancel: ${step.onCancel ?? "Abort (default)"}` });

  return edges;
}

export function buildGraph(doc: DocumentView): Graph {
  const byName = new Map<string, number>();
  for (const s of doc.steps) if (!byName.has(s.name)) byName.set(s.name, s.index);
  return { steps: doc.steps, edges: doc.steps.map((s) => edgesOf(s, doc, byName)), byName };
}

/** "step X's failure edge (onFailure: Abort (default))". */
export function describeEdge(graph: Graph, from: number, edge: Edge): string {
  return `step ${graph.steps[from].name}'s ${edge.kind} edge (${edge.via})`;
}
