/**
 * How long an Automation document's `aws:sleep` steps can wait: a literal duration, or one built from parameters
 * whose allowedPattern (or allowedValues) bounds them. A sleep nothing bounds could keep a grant open indefinitely.
 */
import { type Amount, durationTerms, formatSeconds } from "./durations";
import { largestWholeNumber } from "./numericPattern";

export interface AutomationContent {
  parameters?: Record<string, { type?: string; allowedPattern?: string; allowedValues?: unknown[] }>;
  mainSteps?: { name?: string; action?: string; inputs?: Record<string, unknown> }[];
}

/** The largest value an amount can take, or why nothing bounds it. */
function largestAmount(amount: Amount, doc: AutomationContent): number | string {
  if ("value" in amount) return amount.value;
  const parameter = doc.parameters?.[amount.parameter];
  if (!parameter) return `{{ ${amount.parameter} }} is not a parameter of the document`;
  if (parameter.allowedValues !== undefined) {
    const values = parameter.allowedValues.map(String);
    return values.every((v) => /^\d+$/.test(v))
      ? Math.max(...values.map(Number))
      : `parameter ${amount.parameter}'s allowedValues are not all whole numbers`;
  }
  if (parameter.type !== "String" || typeof parameter.allowedPattern !== "string") {
    return `parameter ${amount.parameter} has no allowedPattern to bound it`;
  }
  const bound = largestWholeNumber(parameter.allowedPattern);
  return "max" in bound
    ? bound.max
    : `parameter ${amount.parameter}'s allowedPattern ${parameter.allowedPattern} does not bound it: ${bound.unbounded}`;
}

/** The longest a sleep's Duration can be, in seconds, or why it is unbounded. */
export function longestSleep(duration: unknown, doc: AutomationContent): number | string {
  const terms = typeof duration === "string" ? durationTerms(duration) : undefined;
  if (!terms)
    return `Duration ${JSON.stringify(duration)} is not an ISO 8601 duration of days, hours, minutes, seconds`;
  let total = 0;
  for (const term of terms) {
    const largest = largestAmount(term.amount, doc);
    if (typeof largest === "string") return largest;
    total += largest * term.unitSeconds;
  }
  return total;
}

/** What is wrong with the document's sleeps, given the longest any may last. */
export function sleepProblems(doc: AutomationContent, limitSeconds: number): string[] {
  const problems: string[] = [];
  for (const step of doc.mainSteps ?? []) {
    if (step.action !== "aws:sleep") continue;
    const inputs = step.inputs ?? {};
    if (inputs.Timestamp !== undefined) {
      problems.push(`aws:sleep step ${step.name} waits until a Timestamp; use a bounded Duration instead`);
      continue;
    }
    const longest = longestSleep(inputs.Duration, doc);
    if (typeof longest === "string") {
      problems.push(`aws:sleep step ${step.name} is unbounded: ${longest}`);
    } else if (longest > limitSeconds) {
      problems.push(
        `aws:sleep step ${step.name} can last ${formatSeconds(longest)}, longer than ${formatSeconds(limitSeconds)}`,
      );
    }
  }
  return problems;
}

/**
 * The document's aws:sleep steps that wait at all (anything but a literal zero duration, such as the `End` step of
 * PT0S). The grant and end-of-grant workflows may have none (./sessionDurations.ts): a grant's end and its CloudTrail
 * summary are held by schedules, never slept through.
 */
export const waitingSleeps = (doc: AutomationContent): string[] =>
  (doc.mainSteps ?? [])
    .filter((s) => s.action === "aws:sleep" && !/^P(T0+[HMS])?$|^PT0S$/.test(String(s.inputs?.Duration)))
    .map((s) => String(s.name));
