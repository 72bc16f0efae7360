/**
 * Amazon SNS subscription filter policies with `FilterPolicyScope: MessageAttributes`: which published messages a
 * subscription accepts, and which policies Subscribe refuses. Rules from the SNS Developer Guide pages "Amazon SNS
 * subscription filter policies" and the pages it links (string, numeric, key matching, AND/OR logic, constraints).
 */
import { AwsError } from "../aws";

/** A message attribute as Publish takes it. */
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: unknown;
}

export type MessageAttributes = Record<string, MessageAttribute>;

type Scalar = string | number | boolean | null;
type NumericOperator = "=" | "<" | "<=" | ">" | ">=";

type Condition =
  | { kind: "equals"; value: Scalar }
  | { kind: "prefix" | "suffix" | "equals-ignore-case"; value: string }
  | { kind: "anything-but"; values: (string | number)[] }
  | { kind: "anything-but-prefix"; prefix: string }
  | { kind: "numeric"; bounds: [NumericOperator, number][] }
  | { kind: "exists"; value: boolean };

/** One attribute name and the conditions it must meet (any of them). */
interface Term {
  name: string;
  conditions: Condition[];
}

/** A policy is a set of alternatives (one per `$or` branch); a message matches one if it meets all its terms. */
type Alternative = Term[];

// https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html
const MAX_ATTRIBUTE_NAMES = 5;
const MAX_COMBINATIONS = 150;
const MAX_POLICY_BYTES = 256 * 1024;

// https://docs.aws.amazon.com/sns/latest/dg/and-or-logic.html: a `$or` branch may not use these as field names.
const RESERVED_KEYWORDS = new Set([
  "numeric",
  "prefix",
  "suffix",
  "anything-but",
  "exists",
  "equals-ignore-case",
  "cidr",
  "wildcard",
]);

function invalid(rule: string): AwsError {
  return new AwsError("InvalidParameter", `Invalid parameter: FilterPolicy: ${rule}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Throws the InvalidParameter error Subscribe answers for a policy SNS refuses: not a JSON object, nested, an empty
 * or non-array value, an unknown or malformed match expression, more than five attribute names, more than 150
 * combinations of values, or larger than 256 KB.
 */
export function validateFilterPolicy(policy: unknown): void {
  if (Buffer.byteLength(JSON.stringify(policy) ?? "") > MAX_POLICY_BYTES) throw invalid("Filter policy is too large");
  const alternatives = parsePolicy(policy);
  const names = new Set(alternatives.flatMap((alternative) => alternative.map((term) => term.name)));
  if (names.size > MAX_ATTRIBUTE_NAMES) {
    throw invalid(`Filter policy can not have more than ${MAX_ATTRIBUTE_NAMES} keys`);
  }
  // Each array multiplies the combinations; `$or` branches add theirs up.
  const combinations = alternatives.reduce(
    (sum, alternative) => sum + alternative.reduce((product, term) => product * term.conditions.length, 1),
    0,
  );
  if (combinations > MAX_COMBINATIONS) throw invalid("Filter policy is too complex");
}

/** Whether a subscription with this (valid) filter policy accepts a message published with these attributes. */
export function matchesFilterPolicy(policy: unknown, attributes: MessageAttributes): boolean {
  const values = filterableValues(attributes);
  const hasAttributes = Object.keys(attributes).length > 0;
  return parsePolicy(policy).some((alternative) =>
    alternative.every((term) =>
      term.conditions.some((condition) => conditionMatches(condition, values.get(term.name), hasAttributes)),
    ),
  );
}

function parsePolicy(policy: unknown): Alternative[] {
  if (!isObject(policy)) throw invalid("Filter policy must be a JSON object");
  let alternatives: Alternative[] = [[]];
  for (const [name, value] of Object.entries(policy)) {
    if (name === "$or" && isOrExpression(value)) {
      const branches = value.flatMap((branch) => parsePolicy(branch));
      alternatives = alternatives.flatMap((alternative) => branches.map((branch) => [...alternative, ...branch]));
    } else {
      const term = parseTerm(name, value);
      alternatives = alternatives.map((alternative) => [...alternative, term]);
    }
  }
  return alternatives;
}

// https://docs.aws.amazon.com/sns/latest/dg/and-or-logic.html: otherwise "$or" is an ordinary attribute name.
function isOrExpression(value: unknown): value is Record<string, unknown>[] {
  return (
    Array.isArray(value) &&
    value.length >= 2 &&
    value.every((branch) => isObject(branch) && Object.keys(branch).every((key) => !RESERVED_KEYWORDS.has(key)))
  );
}

function parseTerm(name: string, value: unknown): Term {
  if (isObject(value)) throw invalid("Filter policy scope MessageAttributes does not support nested filter policy");
  if (!Array.isArray(value)) throw invalid(`"${name}" must be an object or an array`);
  if (value.length === 0) throw invalid("Empty arrays are not allowed");
  return { name, conditions: value.map(parseCondition) };
}

function parseCondition(value: unknown): Condition {
  if (value === null || typeof value === "string" || typeof value === "boolean") return { kind: "equals", value };
  if (typeof value === "number" && Number.isFinite(value)) return { kind: "equals", value };
  if (!isObject(value)) throw invalid("Match value must be String, number, true, false, or null");
  const entries = Object.entries(value);
  if (entries.length !== 1) throw invalid("Only one key allowed in match expression");
  const [operator, operand] = entries[0];
  switch (operator) {
    case "prefix":
    case "suffix":
    case "equals-ignore-case":
      if (typeof operand !== "string") throw invalid(`${operator} match pattern must be a string`);
      return { kind: operator, value: operand };
    case "exists":
      if (typeof operand !== "boolean") throw invalid("exists match pattern must be either true or false.");
      return { kind: "exists", value: operand };
    case "anything-but":
      return parseAnythingBut(operand);
    case "numeric":
      return { kind: "numeric", bounds: parseNumeric(operand) };
    case "cidr":
      throw new Error("the simulator's SNS filter policies do not implement cidr matching");
    default:
      throw invalid(`Unrecognized match type ${operator}`);
  }
}

function parseAnythingBut(operand: unknown): Condition {
  const isValue = (v: unknown): v is string | number => typeof v === "string" || typeof v === "number";
  if (isValue(operand)) return { kind: "anything-but", values: [operand] };
  if (Array.isArray(operand) && operand.length > 0 && operand.every(isValue)) {
    return { kind: "anything-but", values: operand };
  }
  if (isObject(operand)) {
    const [inner, ...rest] = Object.keys(operand);
    if (inner !== "prefix" || rest.length > 0) throw invalid(`Unsupported anything-but pattern: ${inner}`);
    if (typeof operand.prefix !== "string") throw invalid("prefix match pattern must be a string");
    return { kind: "anything-but-prefix", prefix: operand.prefix };
  }
  throw invalid("Value of anything-but must be an array or single string/number value.");
}

/** `["=", 5]`, `["<", 0]` or a range `[">", 0, "<=", 150]`: a lower bound first, then an upper one. */
function parseNumeric(operand: unknown): [NumericOperator, number][] {
  if (!Array.isArray(operand) || operand.length === 0) throw invalid("Invalid member in numeric match: ]");
  const bounds: [NumericOperator, number][] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const [operator, value] = [operand[i], operand[i + 1]];
    if (!["=", "<", "<=", ">", ">="].includes(operator)) {
      throw invalid(`Unrecognized numeric range operator: ${operator}`);
    }
    if (typeof value !== "number") throw invalid(`Value of ${operator === "=" ? "equals" : operator} must be numeric`);
    bounds.push([operator as NumericOperator, value]);
  }
  if (bounds.length > 2) throw invalid("Too many terms in numeric range expression");
  if (bounds.length === 2) {
    const [[low, bottom], [high, top]] = bounds;
    if (!(low === ">" || low === ">=")) throw invalid("Too many elements in numeric expression");
    if (!(high === "<" || high === "<=")) throw invalid(`Bad numeric range operator: ${high}`);
    if (!(bottom < top)) throw invalid("Bottom must be less than top");
  }
  return bounds;
}

type FilterValue = string | number | boolean | null;

/**
 * The values each attribute offers the policy: a String its text, a Number its value, a String.Array each element.
 * Binary attributes are left out: "Amazon SNS ignores message attributes with the Binary data type"
 * (https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html).
 */
function filterableValues(attributes: MessageAttributes): Map<string, FilterValue[]> {
  const values = new Map<string, FilterValue[]>();
  for (const [name, attribute] of Object.entries(attributes)) {
    const text = attribute.StringValue;
    if (text === undefined || text === "") continue;
    if (attribute.DataType === "String") values.set(name, [text]);
    else if (attribute.DataType === "Number") values.set(name, [Number(text)]);
    else if (attribute.DataType === "String.Array") values.set(name, parseStringArray(text));
  }
  return values;
}

function parseStringArray(text: string): FilterValue[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((v) => v === null || typeof v !== "object") : [];
  } catch {
    return [];
  }
}

/** Numbers compare with five digits after the decimal point (filter policy constraints). */
const fixed = (n: number) => Math.round(n * 1e5) / 1e5;

function conditionMatches(condition: Condition, values: FilterValue[] | undefined, hasAttributes: boolean): boolean {
  if (condition.kind === "exists") {
    // https://docs.aws.amazon.com/sns/latest/dg/attribute-key-matching.html: "exists": false only matches if at
    // least one attribute is present.
    return condition.value ? values !== undefined : values === undefined && hasAttributes;
  }
  // A key the message does not have matches nothing but "exists": false.
  if (values === undefined) return false;
  if (condition.kind === "anything-but" || condition.kind === "anything-but-prefix") {
    // https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html: for a String.Array, anything-but
    // matches if none of the array elements are listed.
    return values.length > 0 && values.every((value) => !isExcluded(condition, value));
  }
  return values.some((value) => valueMatches(condition, value));
}

function isExcluded(condition: Condition & { kind: "anything-but" | "anything-but-prefix" }, value: FilterValue) {
  if (condition.kind === "anything-but-prefix") return typeof value === "string" && value.startsWith(condition.prefix);
  return condition.values.some((excluded) => sameValue(excluded, value));
}

function sameValue(policyValue: Scalar, value: FilterValue): boolean {
  if (typeof policyValue === "number") return typeof value === "number" && fixed(value) === fixed(policyValue);
  return policyValue === value;
}

function valueMatches(condition: Condition, value: FilterValue): boolean {
  switch (condition.kind) {
    case "equals":
      return sameValue(condition.value, value);
    case "prefix":
      return typeof value === "string" && value.startsWith(condition.value);
    case "suffix":
      return typeof value === "string" && value.endsWith(condition.value);
    case "equals-ignore-case":
      return typeof value === "string" && value.toLowerCase() === condition.value.toLowerCase();
    case "numeric":
      return typeof value === "number" && condition.bounds.every(([op, bound]) => compare(fixed(value), op, bound));
    default:
      return false;
  }
}

function compare(value: number, operator: NumericOperator, bound: number): boolean {
  switch (operator) {
    case "=":
      return value === fixed(bound);
    case "<":
      return value < bound;
    case "<=":
      return value <= bound;
    case ">":
      return value > bound;
    case ">=":
      return value >= bound;
  }
}
