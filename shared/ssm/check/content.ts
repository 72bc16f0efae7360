/**
 * A tolerant reading of raw document content: the checks after the schema must not crash on content the schema
 * already rejects, so anything malformed reads as absent.
 */
export interface StepView {
  index: number;
  name: string;
  action: string;
  inputs: Readonly<Record<string, unknown>>;
  /** The output names the step declares in `outputs`. */
  outputs: readonly string[];
  nextStep?: string;
  onFailure?: string;
  onCancel?: string;
  isEnd: boolean;
  timeoutSeconds?: number;
}

export interface DocumentView {
  steps: readonly StepView[];
  parameters: ReadonlySet<string>;
  variables: ReadonlySet<string>;
  assumeRole?: string;
  /** Top-level `outputs`: `Step.Output` expressions. */
  outputs: readonly string[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function keys(value: unknown): Set<string> {
  return new Set(isRecord(value) ? Object.keys(value) : []);
}

function readStep(raw: Record<string, unknown>, index: number): StepView {
  const outputs = Array.isArray(raw.outputs) ? raw.outputs : [];
  return {
    index,
    name: text(raw.name) ?? `#${index + 1}`,
    action: text(raw.action) ?? "",
    inputs: isRecord(raw.inputs) ? raw.inputs : {},
    outputs: outputs.flatMap((o) => (isRecord(o) && typeof o.Name === "string" ? [o.Name] : [])),
    nextStep: text(raw.nextStep),
    onFailure: text(raw.onFailure),
    onCancel: text(raw.onCancel),
    // The schema admits the string form too.
    isEnd: raw.isEnd === true || raw.isEnd === "true",
    timeoutSeconds: typeof raw.timeoutSeconds === "number" ? raw.timeoutSeconds : undefined,
  };
}

export function readDocument(content: unknown): DocumentView {
  const doc = isRecord(content) ? content : {};
  const steps = Array.isArray(doc.mainSteps) ? doc.mainSteps : [];
  const outputs = Array.isArray(doc.outputs) ? doc.outputs : [];
  return {
    steps: steps.filter(isRecord).map(readStep),
    parameters: keys(doc.parameters),
    variables: keys(doc.variables),
    assumeRole: text(doc.assumeRole),
    outputs: outputs.filter((o): o is string => typeof o === "string"),
  };
}
