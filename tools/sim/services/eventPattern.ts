/**
 * EventBridge event patterns: whether a rule's pattern is well formed, and which events it matches. Semantics from
 * the EventBridge User Guide pages "Amazon EventBridge event patterns", "Content filtering in Amazon EventBridge
 * event patterns", "Arrays in Amazon EventBridge event patterns" and "Matching null values and empty strings", with
 * the details those pages leave open taken from the README of aws/event-ruler, the matcher EventBridge runs.
 *
 * Known differences: numbers are compared as numbers (EventBridge compares exact values by their JSON text, so to it
 * 300 and 300.0 differ); `cidr` is not implemented (an error, never a silent non-match).
 */
import { AwsError } from "../aws";

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function invalid(path: string, reason: string): AwsError {
  return new AwsError("InvalidEventPatternException", `Event pattern is not valid. Reason: ${path}: ${reason}`);
}

// ---- Validation ----

/** Throws InvalidEventPatternException (as PutRule does) if `pattern` is not a well-formed event pattern. */
export function validatePattern(pattern: unknown): void {
  checkFields(pattern, "pattern");
}

function checkFields(pattern: unknown, path: string): void {
  if (!isObject(pattern)) throw invalid(path, "must be a JSON object of fields");
  const entries = Object.entries(pattern);
  if (entries.length === 0) throw invalid(path, "must name at least one field");
  for (const [key, value] of entries) {
    const at = path === "pattern" ? key : `${path}.${key}`;
    if (key === "$or") checkOr(value, at);
    else if (Array.isArray(value)) checkValues(value, at);
    else if (isObject(value)) checkFields(value, at);
    else throw invalid(at, "must be an array of values to match, or an object of nested fields");
  }
}

// "$or" takes two or more alternative field sets (event-ruler README, "The $or primitive").
function checkOr(value: unknown, at: string): void {
  if (!Array.isArray(value) || value.length < 2) throw invalid(at, "must be an array of at least two field objects");
  value.forEach((alternative, i) => {
    checkFields(alternative, `${at}[${i}]`);
  });
}

function checkValues(values: unknown[], at: string): void {
  if (values.length === 0) throw invalid(at, "must list at least one value to match");
  for (const value of values) {
    if (value === null || typeof value === "string" || typeof value === "boolean") continue;
    if (typeof value === "number" && Number.isFinite(value)) continue;
    if (isObject(value)) checkOperator(value, at);
    else
      throw invalid(
        at,
        `cannot match ${JSON.stringify(value)}: values are strings, numbers, booleans, null or operators`,
      );
  }
}

function checkOperator(operator: Fields, at: string): void {
  const keys = Object.keys(operator);
  if (keys.length !== 1) throw invalid(at, `an operator object has exactly one key, not ${JSON.stringify(keys)}`);
  const [name] = keys;
  const arg = operator[name];
  switch (name) {
    case "prefix":
    case "suffix":
      if (typeof arg === "string") return;
      if (isObject(arg) && Object.keys(arg).length === 1 && typeof arg["equals-ignore-case"] === "string") return;
      throw invalid(at, `${name} takes a string or {"equals-ignore-case": string}`);
    case "equals-ignore-case":
      if (typeof arg !== "string") throw invalid(at, "equals-ignore-case takes a string");
      return;
    case "wildcard":
      checkWildcard(arg, at);
      return;
    case "exists":
      if (typeof arg !== "boolean") throw invalid(at, "exists takes true or false");
      return;
    case "numeric":
      checkNumeric(arg, at);
      return;
    case "anything-but":
      checkAnythingBut(arg, at);
      return;
    case "cidr":
      throw new Error(`the simulator's event pattern matcher does not implement cidr (at ${at})`);
    default:
      throw invalid(at, `unknown operator ${JSON.stringify(name)}`);
  }
}

// A wildcard value may not hold consecutive "*"; a backslash escapes only "*" or "\" (event-ruler README).
function checkWildcard(arg: unknown, at: string): void {
  if (typeof arg !== "string") throw invalid(at, "wildcard takes a string");
  let previousWasWildcard = false;
  for (let i = 0; i < arg.length; i++) {
    const char = arg[i];
    if (char === "\\") {
      const next = arg[++i];
      if (next !== "*" && next !== "\\") throw invalid(at, `wildcard ${JSON.stringify(arg)} has an invalid escape`);
      previousWasWildcard = false;
    } else if (char === "*") {
      if (previousWasWildcard) throw invalid(at, `wildcard ${JSON.stringify(arg)} has consecutive wildcards`);
      previousWasWildcard = true;
    } else previousWasWildcard = false;
  }
}

const LOWER_BOUNDS = [">", ">="];
const UPPER_BOUNDS = ["<", "<="];

// One comparison, or a range given as a lower bound then an upper bound ("Numeric matching").
function checkNumeric(arg: unknown, at: string): void {
  const shape = 'numeric takes [op, number] or [">"|">=", low, "<"|"<=", high]';
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) throw invalid(at, shape);
  for (let i = 0; i < arg.length; i += 2) {
    if (!["=", ...LOWER_BOUNDS, ...UPPER_BOUNDS].includes(arg[i])) throw invalid(at, shape);
    if (typeof arg[i + 1] !== "number" || !Number.isFinite(arg[i + 1])) throw invalid(at, shape);
  }
  if (arg.length === 4) {
    if (!LOWER_BOUNDS.includes(arg[0]) || !UPPER_BOUNDS.includes(arg[2])) throw invalid(at, shape);
    if (arg[1] >= arg[3]) throw invalid(at, "numeric range is empty: its low bound is not below its high bound");
  }
}

const ANYTHING_BUT_FORMS = ["prefix", "suffix", "equals-ignore-case", "wildcard"];

// Anything-but takes a string, a number, a list of only strings or only numbers, or one of the string forms.
function checkAnythingBut(arg: unknown, at: string): void {
  if (typeof arg === "string" || (typeof arg === "number" && Number.isFinite(arg))) return;
  if (Array.isArray(arg)) {
    const allStrings = arg.every((v) => typeof v === "string");
    const allNumbers = arg.every((v) => typeof v === "number" && Number.isFinite(v));
    if (arg.length > 0 && (allStrings || allNumbers)) return;
    throw invalid(at, "anything-but takes a non-empty list of only strings or only numbers");
  }
  if (isObject(arg) && Object.keys(arg).length === 1 && ANYTHING_BUT_FORMS.includes(Object.keys(arg)[0])) {
    const [form] = Object.keys(arg);
    const values = Array.isArray(arg[form]) ? (arg[form] as unknown[]) : [arg[form]];
    if (values.length === 0 || values.some((v) => typeof v !== "string" || v === "")) {
      throw invalid(at, `anything-but ${form} takes a non-empty string or a non-empty list of them`);
    }
    if (form === "wildcard") {
      for (const value of values) checkWildcard(value, at);
    }
    return;
  }
  throw invalid(at, `anything-but takes a string, a number, a list, or one of ${ANYTHING_BUT_FORMS.join(", ")}`);
}

// ---- Matching ----

/**
 * Whether `event` matches `pattern` (validated first). Every pattern field must match (AND), any listed value may
 * (OR); a field absent from the event matches only `{"exists": false}`.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  validatePattern(pattern);
  return matchObject(pattern as Fields, event);
}

// An object pattern over an array of objects needs one element to match all of it: fields from different elements
// never combine ("JSON Array Matching" in the event-ruler README).
function matchObject(pattern: Fields, value: unknown): boolean {
  if (Array.isArray(value)) {
    const elements = value.flat(Number.POSITIVE_INFINITY).filter(isObject);
    if (elements.length > 0) return elements.some((element) => matchFields(pattern, element));
    return matchFields(pattern, undefined);
  }
  return matchFields(pattern, isObject(value) ? value : undefined);
}

function matchFields(pattern: Fields, fields: Fields | undefined): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === "$or") return (sub as Fields[]).some((alternative) => matchFields(alternative, fields));
    const value = fields && Object.hasOwn(fields, key) ? fields[key] : undefined;
    return Array.isArray(sub) ? matchValues(sub, leavesOf(value)) : matchObject(sub as Fields, value);
  });
}

/**
 * The leaf values at a field: the value itself, or an array's scalar elements (a pattern matches an array when it
 * matches any element). An object is not a leaf, so `exists` treats a field holding one as absent (event-ruler README,
 * "Exists matching").
 */
function leavesOf(value: unknown): unknown[] {
  if (value === undefined || isObject(value)) return [];
  if (Array.isArray(value)) return value.flat(Number.POSITIVE_INFINITY).filter((v) => !isObject(v));
  return [value];
}

function matchValues(conditions: unknown[], leaves: unknown[]): boolean {
  return conditions.some((condition) => {
    if (!isObject(condition)) return leaves.some((leaf) => leaf === condition);
    const [[operator, arg]] = Object.entries(condition);
    if (operator === "exists") return arg === leaves.length > 0;
    return leaves.some((leaf) => matchOperator(operator, arg, leaf));
  });
}

function matchOperator(operator: string, arg: unknown, leaf: unknown): boolean {
  switch (operator) {
    case "prefix":
      return typeof leaf === "string" && startsWith(leaf, arg);
    case "suffix":
      return typeof leaf === "string" && endsWith(leaf, arg);
    case "equals-ignore-case":
      return typeof leaf === "string" && leaf.toLowerCase() === (arg as string).toLowerCase();
    case "wildcard":
      return typeof leaf === "string" && wildcardRegExp(arg as string).test(leaf);
    case "numeric":
      return typeof leaf === "number" && inRange(arg as (string | number)[], leaf);
    case "anything-but":
      return isAnythingBut(arg, leaf);
    default:
      throw new Error(`unvalidated event pattern operator ${operator}`);
  }
}

const ignoringCase = (arg: unknown): string | undefined =>
  isObject(arg) ? String(arg["equals-ignore-case"]) : undefined;

function startsWith(leaf: string, arg: unknown): boolean {
  const folded = ignoringCase(arg);
  return folded === undefined ? leaf.startsWith(arg as string) : leaf.toLowerCase().startsWith(folded.toLowerCase());
}

function endsWith(leaf: string, arg: unknown): boolean {
  const folded = ignoringCase(arg);
  return folded === undefined ? leaf.endsWith(arg as string) : leaf.toLowerCase().endsWith(folded.toLowerCase());
}

function wildcardRegExp(wildcard: string): RegExp {
  let source = "";
  for (let i = 0; i < wildcard.length; i++) {
    if (wildcard[i] === "*") source += ".*";
    else {
      const literal = wildcard[i] === "\\" ? wildcard[++i] : wildcard[i];
      source += literal.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`, "s");
}

function inRange(spec: (string | number)[], leaf: number): boolean {
  for (let i = 0; i < spec.length; i += 2) {
    const bound = spec[i + 1] as number;
    const ok = { "=": leaf === bound, "<": leaf < bound, "<=": leaf <= bound, ">": leaf > bound, ">=": leaf >= bound };
    if (!ok[spec[i] as keyof typeof ok]) return false;
  }
  return true;
}

/**
 * Anything-but with a value or list matches every leaf not listed, whatever its type; its prefix, suffix,
 * equals-ignore-case and wildcard forms test string leaves only (a non-string leaf does not match them).
 */
function isAnythingBut(arg: unknown, leaf: unknown): boolean {
  if (!isObject(arg)) return Array.isArray(arg) ? !arg.includes(leaf) : leaf !== arg;
  if (typeof leaf !== "string") return false;
  const [[form, value]] = Object.entries(arg);
  const excluded = (Array.isArray(value) ? value : [value]) as string[];
  return !excluded.some((x) => matchOperator(form, x, leaf));
}
