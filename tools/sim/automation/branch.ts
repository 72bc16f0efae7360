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
