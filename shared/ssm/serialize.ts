/** Turns a typed document into the content SSM takes: a plain object, and its YAML text for `aws.ssm.Document`. */
import { stringify } from "yaml";
import {
  type CancelEdge,
  type FailureEdge,
  type ParameterSpec,
  Ref,
  resolveStep,
  type SsmDocument,
  type Step,
  type VariableSpec,
} from "./model";

function isStep(value: unknown): value is Step {
  return typeof value === "object" && value !== null && "action" in value && "flow" in value && "outputSpecs" in value;
}

/** Renders Refs to `{{ ... }}` and steps to their names, recursively. */
function render(value: unknown): unknown {
  if (value instanceof Ref) return value.toString();
  if (isStep(value)) return value.name;
  if (typeof value === "function") return render(value());
  if (Array.isArray(value)) return value.map(render);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, render(v)]),
    );
  }
  return value;
}

function edge(e: FailureEdge | CancelEdge | undefined): string | undefined {
  if (e === undefined || typeof e === "string") return e;
  return `step:${resolveStep(e).name}`;
}

function renderParameter(spec: ParameterSpec): Record<string, unknown> {
  if (spec.type !== "String") return render(spec) as Record<string, unknown>;
  const { pattern, ...rest } = spec;
  return render({ ...rest, allowedPattern: pattern?.source }) as Record<string, unknown>;
}

function renderVariable(spec: VariableSpec): Record<string, unknown> {
  return render(spec) as Record<string, unknown>;
}

function renderStep(s: Step): Record<string, unknown> {
  const { flow } = s;
  const outputs = Object.entries(s.outputSpecs).map(([name, o]) => ({
    Name: name,
    Selector: o.selector,
    Type: o.type,
  }));
  return render({
    name: s.name,
    action: s.action,
    description: flow.description,
    maxAttempts: flow.maxAttempts,
    timeoutSeconds: flow.timeoutSeconds,
    onFailure: edge(flow.onFailure),
    onCancel: edge(flow.onCancel),
    isCritical: flow.isCritical,
    nextStep: flow.nextStep && resolveStep(flow.nextStep).name,
    isEnd: flow.isEnd,
    inputs: s.inputs,
    outputs: outputs.length > 0 ? outputs : undefined,
  }) as Record<string, unknown>;
}

/** The document content as SSM reads it (the object YAML or JSON serializes). */
export function documentContent(doc: SsmDocument): Record<string, unknown> {
  const parameters = Object.fromEntries(
    Object.entries(doc.parameters.specs).map(([name, spec]) => [name, renderParameter(spec)]),
  );
  const variables = doc.variables
    ? Object.fromEntries(Object.entries(doc.variables.specs).map(([name, spec]) => [name, renderVariable(spec)]))
    : undefined;
  const common = {
    schemaVersion: "0.3",
    description: doc.description,
    parameters: Object.keys(parameters).length > 0 ? parameters : undefined,
    variables,
  };
  const mainSteps = doc.steps.map(renderStep);
  if (doc.kind === "Automation") {
    return render({
      ...common,
      assumeRole: doc.assumeRole,
      mainSteps,
      outputs: doc.outputs?.map((o) => o.expression),
    }) as Record<string, unknown>;
  }
  return render({
    ...common,
    templateInformation: doc.templateInformation,
    emergencyChange: doc.emergencyChange,
    autoApprovable: doc.autoApprovable,
    executableRunBooks: doc.executableRunBooks,
    mainSteps,
  }) as Record<string, unknown>;
}

/** The YAML text given to `aws.ssm.Document` (`documentFormat: "YAML"`). */
export function toYaml(doc: SsmDocument): string {
  return stringify(documentContent(doc), { lineWidth: 0 });
}
