/**
 * How Automation turns text into values: `{{ }}` references, output selectors, and the checks on start parameters.
 */
import { AwsError } from "../aws";
import type { AwsBehaviour } from "../variants";
import type { DocumentContent, OutputDefinition, ParameterDefinition } from "./document";
import { javaFind, javaMatches } from "./javaRegex";

/** Every value a running execution can refer to, by expression (`Param`, `Step.Output`, `variable:X`, `global:X`). */
export type Scope = ReadonlyMap<string, unknown>;

const REFERENCE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE_REFERENCE = /^\{\{\s*([^{}]*?)\s*\}\}$/;

/**
 * Substitutes references in every string of `value`. A string that is only one reference takes the referenced value
 * with its type (a StringList stays a list); inside longer text values are written as text. A reference that
 * cannot be resolved stays in the text as it is, as Automation leaves it.
 */
export function interpolate(value: unknown, scope: Scope): unknown {
  if (typeof value === "string") {
    const whole = WHOLE_REFERENCE.exec(value);
    if (whole && scope.has(whole[1])) return scope.get(whole[1]);
    return value.replace(REFERENCE, (text, expression: string) =>
      scope.has(expression) ? asText(scope.get(expression)) : text,
    );
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, scope));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, scope)]));
  }
  return value;
}

function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The references in a value that are still unresolved after interpolation. */
export function unresolved(value: unknown): string[] {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return [...(text ?? "").matchAll(REFERENCE)].map((m) => m[1]);
}

/** Reads a JSONPath of the form `$.A.B[0].C` (the subset Automation selectors use); undefined when missing. */
export function select(value: unknown, selector: string): unknown {
  if (!/^\$((\.[A-Za-z_][\w-]*)|(\[\d+\]))*$/.test(selector)) {
    throw new Error(`the simulator does not support the selector ${selector}`);
  }
  let current = value;
  for (const [, key, index] of selector.slice(1).matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]/g)) {
    if (current === null || typeof current !== "object") return undefined;
    const name = key ?? Number(index);
    // Only the value's own fields and array elements: not `length`, `constructor` or anything inherited.
    if (Array.isArray(current) ? key !== undefined : !Object.hasOwn(current, name)) return undefined;
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}

/** A step's outputs from an API response; an output whose selector finds nothing is left unset. */
export function readOutputs(response: unknown, outputs: readonly OutputDefinition[] = []): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const output of outputs) {
    const raw = select(response, output.Selector);
    if (raw === undefined || raw === null) continue;
    values.set(output.Name, coerce(raw, output));
  }
  return values;
}

function coerce(raw: unknown, output: OutputDefinition): unknown {
  switch (output.Type) {
    case "String":
      return raw instanceof Date ? raw.toISOString() : typeof raw === "string" ? raw : JSON.stringify(raw);
    case "Integer":
      if (typeof raw !== "number" || !Number.isInteger(raw)) throw new Error(`output ${output.Name} is not an Integer`);
      return raw;
    case "Boolean":
      if (typeof raw !== "boolean") throw new Error(`output ${output.Name} is not a Boolean`);
      return raw;
    case "StringList":
      if (!Array.isArray(raw)) throw new Error(`output ${output.Name} is not a StringList`);
      return raw.map(String);
    case "StringMap":
    case "MapList":
      return raw;
    default:
      throw new Error(`output ${output.Name}: the simulator does not support the type ${output.Type}`);
  }
}

const invalid = (message: string) => new AwsError("InvalidAutomationExecutionParametersException", message);

/** How Automation applies an `allowedPattern`: AWS does not document it (../variants.ts, allowedPattern). */
export type PatternSemantics = AwsBehaviour["allowedPattern"];

/** Whether `value` passes `pattern` under `semantics`. */
export function patternAdmits(semantics: PatternSemantics, pattern: string, value: string): boolean {
  switch (semantics) {
    case "java-find":
      return javaFind(pattern, value);
    case "java-matches":
      return javaMatches(pattern, value);
    case "javascript-search":
      return new RegExp(pattern).test(value);
  }
}

/**
 * Checks start parameters (`{Name: [values]}`, as StartAutomationExecution takes them) against the document's
 * definitions and returns their typed values, defaults filled in. Patterns are applied with `semantics`: AWS does
 * not document whether Automation matches the whole value or searches it, nor that it uses Java's regex library.
 */
export function resolveParameters(
  content: DocumentContent,
  given: Record<string, unknown>,
  semantics: PatternSemantics,
  ignore: ReadonlySet<string> = new Set(),
): Map<string, unknown> {
  const definitions = content.parameters ?? {};
  for (const name of Object.keys(given)) {
    if (!(name in definitions) && !ignore.has(name)) throw invalid(`${name} is not a parameter of the document`);
  }
  const values = new Map<string, unknown>();
  for (const [name, definition] of Object.entries(definitions)) {
    const raw = given[name];
    if (raw === undefined) {
      if (definition.default === undefined) throw invalid(`${name} is required`);
      values.set(name, definition.default);
      continue;
    }
    const list = Array.isArray(raw) ? raw.map(String) : [String(raw)];
    values.set(name, parameterValue(name, definition.type, list));
    checkLengths(name, definition, list);
    for (const item of definition.type === "StringList" ? list : [list[0]]) {
      if (definition.allowedValues && !definition.allowedValues.map(String).includes(item)) {
        throw invalid(`${name}: ${JSON.stringify(item)} is not one of the allowed values`);
      }
      const pattern = definition.allowedPattern;
      if (pattern !== undefined && !patternAdmits(semantics, pattern, item)) {
        throw invalid(`${name}: ${JSON.stringify(item)} does not match ${pattern}`);
      }
    }
  }
  return values;
}

function checkLengths(name: string, d: ParameterDefinition, list: string[]): void {
  if (d.type === "StringList" || d.type === "MapList") {
    if (d.minItems !== undefined && list.length < d.minItems)
      throw invalid(`${name} needs at least ${d.minItems} items`);
    if (d.maxItems !== undefined && list.length > d.maxItems)
      throw invalid(`${name} takes at most ${d.maxItems} items`);
  }
  for (const item of d.type === "StringList" ? list : [list[0]]) {
    if (d.minChars !== undefined && item.length < d.minChars)
      throw invalid(`${name} needs at least ${d.minChars} characters`);
    if (d.maxChars !== undefined && item.length > d.maxChars)
      throw invalid(`${name} takes at most ${d.maxChars} characters`);
  }
}

function parameterValue(name: string, type: string, list: string[]): unknown {
  if (type === "StringList") return list;
  if (list.length !== 1) throw invalid(`${name} takes exactly one value`);
  const [value] = list;
  switch (type) {
    case "String":
      return value;
    case "Integer":
      if (!/^-?\d+$/.test(value)) throw invalid(`${name}: ${value} is not an Integer`);
      return Number(value);
    case "Boolean":
      if (value !== "true" && value !== "false") throw invalid(`${name}: ${value} is not a Boolean`);
      return value === "true";
    default:
      throw invalid(`${name}: the simulator does not support parameters of type ${type}`);
  }
}

/** Parses an ISO 8601 duration as aws:sleep takes it (`PT12H`, `PT90M`, `PT3600S`, `P1DT2H`) into milliseconds. */
export function durationMs(text: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!m || text === "P" || text.endsWith("T")) throw new Error(`aws:sleep: ${text} is not an ISO 8601 duration`);
  const [d, h, min, s] = m.slice(1).map((v) => Number(v ?? 0));
  return (((d * 24 + h) * 60 + min) * 60 + s) * 1000;
}
