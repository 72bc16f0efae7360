/** aws:branch: which choice applies to the current values, with the operators the Automation reference lists. */

type Choice = Record<string, unknown>;

const STRING_OPERATORS: Record<string, (value: string, operand: string) => boolean> = {
  StringEquals: (v, o) => v === o,
  EqualsIgnoreCase: (v, o) => v.toLowerCase() === o.toLowerCase(),
  StartsWith: (v, o) => v.startsWith(o),
  EndsWith: (v, o) => v.endsWith(o),
  Contains: (v, o) => v.includes(o),
};

const NUMERIC_OPERATORS: Record<string, (value: number, operand: number) => boolean> = {
  NumericEquals: (v, o) => v === o,
  NumericGreater: (v, o) => v > o,
  NumericLesser: (v, o) => v < o,
  NumericGreaterOrEquals: (v, o) => v >= o,
  NumericLesserOrEquals: (v, o) => v <= o,
};

/** Whether one (already interpolated) choice holds. */
export function choiceHolds(choice: Choice): boolean {
  if (Array.isArray(choice.And)) return (choice.And as Choice[]).every(choiceHolds);
  if (Array.isArray(choice.Or)) return (choice.Or as Choice[]).some(choiceHolds);
  if (choice.Not !== undefined) return !choiceHolds(choice.Not as Choice);
  const variable = choice.Variable;
  for (const [name, test] of Object.entries(STRING_OPERATORS)) {
    if (name in choice) return test(String(variable), String(choice[name]));
  }
  for (const [name, test] of Object.entries(NUMERIC_OPERATORS)) {
    if (name in choice) return test(Number(variable), Number(choice[name]));
  }
  if ("BooleanEquals" in choice) return String(variable) === String(choice.BooleanEquals);
  const operator = Object.keys(choice).filter((k) => k !== "NextStep" && k !== "Variable");
  throw new Error(`aws:branch: the simulator does not support the operator ${operator.join(", ")}`);
}

/** The next step's name, or undefined when no choice holds and there is no default. */
export function chooseBranch(inputs: Record<string, unknown>): string | undefined {
  const choices = inputs.Choices as Choice[];
  for (const choice of choices) if (choiceHolds(choice)) return String(choice.NextStep);
  return inputs.Default === undefined ? undefined : String(inputs.Default);
}

/**
 * The choices as Automation would compare them if it resolved `{{ }}` references only in each choice's `Variable`,
 * not in the value it is compared with (variant branch-operands-literal: the aws:branch reference shows references
 * in `Variable` only, and says nothing of operands): every operand is taken from the step's definition as written.
 */
export function withLiteralOperands(resolved: Record<string, unknown>, written: Record<string, unknown>) {
  const merge = (r: Choice, w: Choice): Choice => {
    if (Array.isArray(r.And)) return { ...r, And: (r.And as Choice[]).map((c, i) => merge(c, (w.And as Choice[])[i])) };
    if (Array.isArray(r.Or)) return { ...r, Or: (r.Or as Choice[]).map((c, i) => merge(c, (w.Or as Choice[])[i])) };
    if (r.Not !== undefined) return { ...r, Not: merge(r.Not as Choice, w.Not as Choice) };
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === "Variable" || k === "NextStep" ? v : w[k]]));
  };
  const choices = (resolved.Choices as Choice[]).map((c, i) => merge(c, (written.Choices as Choice[])[i]));
  return { ...resolved, Choices: choices };
}
