/**
 * EventBridge input transformers: the text a rule's target receives, built from an input template whose
 * `<placeholder>`s are filled from JSON paths into the event ("Amazon EventBridge input transformation", EventBridge
 * User Guide; the InputTransformer type of the EventBridge API Reference).
 *
 * A placeholder outside quotes becomes the value as JSON (a string quoted and escaped). Inside quotes it becomes the
 * raw text, unescaped ("EventBridge doesn't escape values extracted by Input Path"), so a `"` in an event field can
 * rewrite a template that quotes its placeholders: the fake keeps that, as the project guards against it.
 */
import { AwsError, errors } from "../aws";

export interface InputTransformer {
  /** Placeholder name -> JSON path into the event (`$.detail.x`, `$.resources[0]`). */
  inputPaths?: Record<string, string>;
  inputTemplate: string;
}

/** What the predefined placeholders (`<aws.events.rule-name>`, ...) stand for. */
export interface TransformContext {
  ruleArn: string;
  ruleName: string;
  /** When EventBridge received the event, ISO 8601. */
  ingestionTime: string;
}

const PREDEFINED = new Set([
  "aws.events.rule-arn",
  "aws.events.rule-name",
  "aws.events.event.ingestion-time",
  "aws.events.event",
  "aws.events.event.json",
]);
// "Can only be used as a value for a JSON field, as its contents are not escaped" (predefined variables).
const JSON_VALUE_ONLY = new Set(["aws.events.event", "aws.events.event.json"]);

// InputPathsMap keys: pattern [A-Za-z0-9_-]+, at most 100 entries; InputTemplate: 1 to 8192 characters (API Reference).
const PATH_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const MAX_PATHS = 100;
const MAX_TEMPLATE = 8192;

interface Placeholder {
  name: string;
  start: number;
  end: number;
  /** Inside a JSON string of the template. */
  quoted: boolean;
}

type PathStep = string | number;

/**
 * Throws ValidationException where PutTargets would: a malformed path or template, a reserved or malformed
 * variable name, a placeholder neither defined nor predefined (message as AWS words it, recorded in LocalStack's
 * AWS-validated snapshot of test_put_events_with_input_transformer_missing_keys).
 */
export function validateInputTransformer(transformer: InputTransformer, targetId = "target"): void {
  const { inputPaths = {}, inputTemplate } = transformer;
  if (typeof inputTemplate !== "string" || inputTemplate.length < 1 || inputTemplate.length > MAX_TEMPLATE) {
    throw errors.validation("InputTemplate", `must be a string of 1 to ${MAX_TEMPLATE} characters`);
  }
  const names = Object.keys(inputPaths);
  if (names.length > MAX_PATHS) throw errors.validation("InputPathsMap", `has at most ${MAX_PATHS} entries`);
  for (const name of names) {
    if (PREDEFINED.has(name) || !PATH_NAME.test(name)) {
      throw errors.validation("InputPathsMap", `${JSON.stringify(name)} is reserved or does not match [A-Za-z0-9_-]+`);
    }
    parsePath(inputPaths[name]);
  }
  for (const placeholder of placeholdersOf(inputTemplate)) {
    if (!PREDEFINED.has(placeholder.name) && !Object.hasOwn(inputPaths, placeholder.name)) {
      throw new AwsError(
        "ValidationException",
        `InputTemplate for target ${targetId} contains invalid placeholder ${placeholder.name}.`,
      );
    }
    if (placeholder.quoted && JSON_VALUE_ONLY.has(placeholder.name)) {
      throw errors.validation("InputTemplate", `<${placeholder.name}> can only be the value of a JSON field`);
    }
  }
}

/** The input a target receives for `event`: `inputTemplate` with every placeholder filled in. */
export function transformInput(transformer: InputTransformer, event: unknown, context?: TransformContext): string {
  validateInputTransformer(transformer);
  const { inputPaths = {}, inputTemplate } = transformer;
  let output = "";
  let from = 0;
  for (const placeholder of placeholdersOf(inputTemplate)) {
    const value = PREDEFINED.has(placeholder.name)
      ? predefined(placeholder.name, event, context)
      : resolve(event, parsePath(inputPaths[placeholder.name]));
    output += inputTemplate.slice(from, placeholder.start) + render(value, placeholder.quoted);
    from = placeholder.end;
  }
  return output + inputTemplate.slice(from);
}

/**
 * A path that finds nothing leaves its variable undefined ("that variable isn't created and won't appear in the
 * output", Common issues with transforming input): the placeholder becomes empty text, which outside quotes is the
 * empty JSON string `""` (as AWS answers in LocalStack's AWS-validated snapshots of
 * test_put_events_with_input_transformer_input_template_json and ..._string).
 */
function render(value: unknown, quoted: boolean): string {
  if (value === undefined) return quoted ? "" : '""';
  if (!quoted) return JSON.stringify(value);
  if (typeof value === "string") return value;
  // Inside quotes an object or array loses its quotes: {acc_id:0a787ecb-4015,sf_id:baz} (same snapshots).
  if (typeof value === "object" && value !== null) return JSON.stringify(value).replaceAll('"', "");
  return String(value);
}

function predefined(name: string, event: unknown, context: TransformContext | undefined): unknown {
  if (!context) throw new Error(`transformInput needs the rule's context to fill <${name}>`);
  switch (name) {
    case "aws.events.rule-arn":
      return context.ruleArn;
    case "aws.events.rule-name":
      return context.ruleName;
    case "aws.events.event.ingestion-time":
      return context.ingestionTime;
    case "aws.events.event": {
      // The original event without its detail field (predefined variables).
      const { detail: _detail, ...envelope } = event as Record<string, unknown>;
      return envelope;
    }
    default:
      return event;
  }
}

/** The placeholders of a template, each marked as inside a JSON string or not. `<` and `>` cannot be escaped. */
function placeholdersOf(template: string): Placeholder[] {
  const found: Placeholder[] = [];
  let quoted = false;
  for (let i = 0; i < template.length; i++) {
    const char = template[i];
    if (quoted && char === "\\") i++;
    else if (char === '"') quoted = !quoted;
    else if (char === "<") {
      const match = /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i));
      if (match) {
        found.push({ name: match[1], start: i, end: i + match[0].length, quoted });
        i += match[0].length - 1;
      }
    }
  }
  return found;
}

/**
 * Dot notation with array indices (`$.detail.a[0]`); names may hold dashes, underscores and slashes. The API takes
 * dot notation only, not bracket notation; wildcards, which EventBridge accepts, are not implemented here.
 */
function parsePath(path: unknown): PathStep[] {
  if (typeof path !== "string" || !path.startsWith("$")) {
    throw errors.validation("InputPathsMap", `${JSON.stringify(path)} is not a JSON path starting with $`);
  }
  const steps: PathStep[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const step = /^(?:\.([^.[\]]+)|\[(\d+)\])/.exec(rest);
    if (!step) throw errors.validation("InputPathsMap", `${path} must use dot notation with array indices`);
    if (step[1]?.includes("*"))
      throw new Error(`the simulator's input transformer does not implement wildcards: ${path}`);
    steps.push(step[1] ?? Number(step[2]));
    rest = rest.slice(step[0].length);
  }
  return steps;
}

function resolve(event: unknown, steps: PathStep[]): unknown {
  let value: unknown = event;
  for (const step of steps) {
    if (typeof step === "number") value = Array.isArray(value) && step < value.length ? value[step] : undefined;
    else {
      const fields = typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
      value = fields && Object.hasOwn(fields, step) ? (fields as Record<string, unknown>)[step] : undefined;
    }
    if (value === undefined) return undefined;
  }
  return value;
}
