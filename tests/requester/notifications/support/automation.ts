/**
 * Just enough of Automation to walk the notification document: parameters checked against their patterns (as a
 * search, the stricter reading of DESIGN.md §9) and allowed values before the start, `{{ }}` substitution that
 * leaves unresolved references in the text as they are (as Automation does), aws:executeAwsApi with a fake per API
 * and simple JSONPath selectors, aws:branch (StringEquals, StartsWith), aws:updateVariable and aws:sleep, with
 * nextStep / isEnd / onFailure / isCritical.
 */

interface RawStep {
  name: string;
  action: string;
  inputs: Record<string, unknown>;
  outputs?: { Name: string; Selector: string; Type: string }[];
  nextStep?: string;
  isEnd?: boolean;
  onFailure?: string;
  isCritical?: boolean;
}

interface RawDocument {
  parameters: Record<string, { allowedPattern?: string; allowedValues?: string[] }>;
  variables?: Record<string, { default: unknown }>;
  mainSteps: RawStep[];
}

/** Answers an API call, or throws to fail it. */
export type FakeAws = (service: string, api: string, params: Record<string, unknown>) => unknown;

export interface Publication {
  step: string;
  eventType: unknown;
  subject: string;
  message: string;
}

export interface Run {
  status: "Success" | "Failed";
  steps: string[];
  published: Publication[];
}

export class RefusedToStart extends Error {}

/** Reads `$.A.B[0].C` from a value; undefined when any part is missing. */
export function select(value: unknown, selector: string): unknown {
  if (!selector.startsWith("$")) throw new Error(`unsupported selector ${selector}`);
  let current = value;
  for (const [, key, index] of selector.slice(1).matchAll(/\.([A-Za-z_]\w*)|\[(\d+)\]/g)) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key ?? Number(index)];
  }
  return current;
}

function substitute(value: unknown, context: ReadonlyMap<string, string>): unknown {
  if (typeof value === "string") {
    return value.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (whole, expression: string) => context.get(expression) ?? whole);
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, context));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, context)]));
  }
  return value;
}

function checkParameters(doc: RawDocument, values: Readonly<Record<string, string>>) {
  for (const [name, spec] of Object.entries(doc.parameters)) {
    const value = values[name];
    if (value === undefined) throw new RefusedToStart(`parameter ${name} is missing`);
    if (spec.allowedValues && !spec.allowedValues.includes(value)) {
      throw new RefusedToStart(`parameter ${name}: ${JSON.stringify(value)} is not an allowed value`);
    }
    if (spec.allowedPattern !== undefined && !new RegExp(spec.allowedPattern).test(value)) {
      throw new RefusedToStart(`parameter ${name}: ${JSON.stringify(value)} breaks ${spec.allowedPattern}`);
    }
  }
  for (const name of Object.keys(values)) {
    if (!(name in doc.parameters)) throw new RefusedToStart(`the document has no parameter ${name}`);
  }
}

function chosen(step: RawStep, context: ReadonlyMap<string, string>): string | undefined {
  const choices = (step.inputs.Choices ?? []) as Record<string, unknown>[];
  for (const choice of choices) {
    const variable = String(substitute(choice.Variable, context));
    if ("StringEquals" in choice && variable === choice.StringEquals) return String(choice.NextStep);
    if ("StartsWith" in choice && variable.startsWith(String(choice.StartsWith))) return String(choice.NextStep);
  }
  return step.inputs.Default as string | undefined;
}

export function runAutomation(content: unknown, values: Readonly<Record<string, string>>, aws: FakeAws): Run {
  const doc = content as RawDocument;
  checkParameters(doc, values);
  const context = new Map<string, string>(Object.entries(values));
  for (const [name, spec] of Object.entries(doc.variables ?? {})) context.set(`variable:${name}`, String(spec.default));
  const index = (name: string) => {
    const i = doc.mainSteps.findIndex((s) => s.name === name);
    if (i < 0) throw new Error(`no step ${name}`);
    return i;
  };

  const run: Run = { status: "Success", steps: [], published: [] };
  let i: number | undefined = 0;
  while (i !== undefined && i < doc.mainSteps.length) {
    const step: RawStep = doc.mainSteps[i];
    run.steps.push(step.name);
    const onward: number | undefined = step.isEnd ? undefined : i + 1;
    let next: number | undefined = step.nextStep !== undefined ? index(step.nextStep) : onward;
    const inputs = substitute(step.inputs, context) as Record<string, unknown>;
    switch (step.action) {
      case "aws:executeAwsApi": {
        const { Service, Api, ...params } = inputs;
        let response: unknown;
        try {
          response = aws(String(Service), String(Api), params);
        } catch {
          const target = /^step:(\w+)$/.exec(step.onFailure ?? "")?.[1];
          const carriesOn = target !== undefined || step.onFailure === "Continue";
          next = target !== undefined ? index(target) : step.onFailure === "Continue" ? onward : undefined;
          // A failed step ends the execution Failed unless the document carries on past a non-critical step.
          if (!carriesOn || step.isCritical !== false) run.status = "Failed";
          break;
        }
        for (const output of step.outputs ?? []) {
          const value = select(response, output.Selector);
          if (value !== undefined) context.set(`${step.name}.${output.Name}`, String(value));
        }
        if (Service === "sns" && Api === "Publish") {
          const attributes = params.MessageAttributes as Record<string, { StringValue: unknown }>;
          run.published.push({
            step: step.name,
            eventType: attributes.EventType.StringValue,
            subject: String(params.Subject),
            message: String(params.Message),
          });
        }
        break;
      }
      case "aws:branch": {
        const target = chosen(step, context);
        next = target === undefined ? onward : index(target);
        break;
      }
      case "aws:updateVariable":
        context.set(String(step.inputs.Name), String(inputs.Value));
        break;
      case "aws:sleep":
        break;
      default:
        throw new Error(`the walker does not know ${step.action}`);
    }
    i = next;
  }
  return run;
}
