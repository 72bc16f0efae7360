/** Checks a flag's value against a runbook parameter's own rules, as SSM applies them to the whole value. */

import { CliFailure } from "./errors";
import type { RunbookParameter } from "./form";

/** Why `value` breaks `parameter`'s rules, naming `flag`; undefined when it keeps them. */
export function valueProblem(flag: string, value: string, parameter: RunbookParameter): string | undefined {
  const rule = parameter.description ? ` (${parameter.description.replace(/[.\s]+$/, "")})` : "";
  const shown = JSON.stringify(value);
  if (parameter.allowedValues && !parameter.allowedValues.includes(value)) {
    return `${flag} ${shown} is not allowed: choose one of ${parameter.allowedValues.join(", ")}`;
  }
  if (parameter.allowedPattern !== undefined && !wholeValue(flag, parameter.allowedPattern).test(value)) {
    return `${flag} ${shown} does not match ${parameter.allowedPattern}${rule}`;
  }
  if (parameter.minChars !== undefined && value.length < parameter.minChars) {
    return `${flag} must have at least ${parameter.minChars} characters${rule}`;
  }
  if (parameter.maxChars !== undefined && value.length > parameter.maxChars) {
    return `${flag} must have at most ${parameter.maxChars} characters${rule}`;
  }
  return undefined;
}

/** The pattern anchored at both ends, so it matches whole values even if the document's pattern is not anchored. */
function wholeValue(flag: string, pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    throw new CliFailure(
      `cannot check ${flag}: the runbook's pattern ${pattern} is not one this CLI can read (${err})`,
    );
  }
}
