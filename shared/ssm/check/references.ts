/**
 * References: every `{{ expression }}` resolves to a parameter, a declared variable, a built-in, or a declared output
 * of an existing step; and a step output is only read where that step has succeeded on every path to the reader.
 */
import { BUILTIN_EXPRESSIONS } from "../model";
import { type DocumentView, isRecord, type StepView } from "./content";
import type { Graph } from "./graph";
import { reachable } from "./paths";
import type { Finding } from "./types";

const REFERENCE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const STEP_OUTPUT = /^(\w+)\.(.+)$/;

/** Outputs Automation gives these actions without an `outputs` declaration. */
const BUILT_IN_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  "aws:invokeLambdaFunction": ["StatusCode", "FunctionError", "Payload", "LogResult"],
  "aws:executeScript": ["OutputPayload"],
};

interface Occurrence {
  where: string;
  expression: string;
}

function occurrences(value: unknown, where: string): Occurrence[] {
  if (typeof value === "string") {
    return [...value.matchAll(REFERENCE)].map((m) => ({ where, expression: m[1] }));
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => occurrences(v, `${where}[${i}]`));
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => occurrences(v, `${where}.${k}`));
  return [];
}

type Resolution = { ok: true; producer?: StepView } | { ok: false; reason: string };

function resolve(expression: string, doc: DocumentView, graph: Graph): Resolution {
  if (doc.parameters.has(expression) || BUILTIN_EXPRESSIONS.includes(expression)) return { ok: true };
  if (expression.startsWith("variable:")) {
    const name = expression.slice("variable:".length);
    return doc.variables.has(name) ? { ok: true } : { ok: false, reason: `no variable ${name} is declared` };
  }
  const output = STEP_OUTPUT.exec(expression);
  if (!output) return { ok: false, reason: "it is not a parameter, a variable, a built-in or a step output" };
  const [, stepName, outputName] = output;
  const index = graph.byName.get(stepName);
  if (index === undefined) return { ok: false, reason: `there is no step ${stepName} (nor a parameter of that name)` };
  const producer = doc.steps[index];
  const declared = [...producer.outputs, ...(BUILT_IN_OUTPUTS[producer.action] ?? [])];
  if (!declared.includes(outputName)) {
    const list = declared.length > 0 ? declared.join(", ") : "none";
    return { ok: false, reason: `step ${stepName} declares no output ${outputName} (it has: ${list})` };
  }
  return { ok: true, producer };
}

/** A step's outputs exist once it has succeeded: is there a path to `reader` that avoids the producer's success? */
function mayBeUnset(graph: Graph, producer: StepView, reader: StepView): boolean {
  if (producer.index === reader.index) return true;
  const seen = reachable(graph, 0, (e) => e.from === producer.index && e.edge.kind === "success");
  return seen.has(reader.index);
}

function unknown(step: string | undefined, o: Occurrence, reason: string): Finding {
  return {
    severity: "error",
    rule: "reference",
    step,
    message: `${o.where} refers to {{ ${o.expression} }}, but ${reason}`,
  };
}

function checkStep(s: StepView, doc: DocumentView, graph: Graph): Finding[] {
  const found = occurrences(s.inputs, "inputs");
  if (s.action === "aws:updateVariable" && typeof s.inputs.Name === "string") {
    found.push({ where: "inputs.Name", expression: s.inputs.Name });
  }
  return found.flatMap((o): Finding[] => {
    const r = resolve(o.expression, doc, graph);
    if (!r.ok) return [unknown(s.name, o, r.reason)];
    if (r.producer && mayBeUnset(graph, r.producer, s)) {
      const message = `${o.where} reads {{ ${o.expression} }}, but some path reaches ${s.name} without ${r.producer.name} having succeeded`;
      return [{ severity: "warning", rule: "reference-may-be-unset", step: s.name, message }];
    }
    return [];
  });
}

function checkTopLevel(doc: DocumentView, graph: Graph): Finding[] {
  const found = [
    ...occurrences(doc.assumeRole, "assumeRole"),
    // Top-level outputs are bare expressions (`Step.Output`), braces optional.
    ...doc.outputs.map((o, i) => ({ where: `outputs[${i}]`, expression: o.replace(/^\{\{\s*(.*?)\s*\}\}$/, "$1") })),
  ];
  return found.flatMap((o) => {
    const r = resolve(o.expression, doc, graph);
    if (!r.ok) return [unknown(undefined, o, r.reason)];
    if (r.producer && o.where === "assumeRole")
      return [unknown(undefined, o, "the role is assumed before any step runs")];
    return [];
  });
}

export function checkReferences(doc: DocumentView, graph: Graph): Finding[] {
  return [...doc.steps.flatMap((s) => checkStep(s, doc, graph)), ...checkTopLevel(doc, graph)];
}
