/**
 * The cases the Java regex emulation (tools/sim/automation/javaRegex.ts) is held to: every shared pattern, as written
 * before END_OF_INPUT and as rendered now, and probes of each construct where Java and JavaScript differ, each against
 * valid values (generated from the pattern with a fixed seed) and the same values with a line terminator or a Unicode
 * space before, inside or after them. ./recordJavaRegex.ts records what a real JVM answers for each.
 */
import fc from "fast-check";
import { END_OF_INPUT, patterns, wholeNumberUpTo } from "../../../../../shared/patterns";

/** Java's line terminators, \r\n, and characters JavaScript's `.` or `\s` treat differently. */
export const TRICKY = ["\n", "\r", "\r\n", "\u0085", "\u2028", "\u2029", "\u00a0", "\t", "\u000b", "😀"];

/** Patterns probing one construct each. */
const PROBES = [
  "^a.b$",
  "^\\s$",
  "^\\S+$",
  "^\\w+\\W\\d\\D$",
  "^[^a]$",
  "a$",
  "^a$|^b$",
  "^(?:ab)+?c$",
  "^\\x41\\u00e9\\t$",
  "^[\\d-]{2}$",
  "^[a-c&]+$",
  "^(?=a)\\w{2}$",
  "^a(?!b)\\w$",
  "^[\\s\\S]$",
  `^x$${END_OF_INPUT}`,
];

function valuesFor(pattern: string): string[] {
  let samples: string[] = [];
  try {
    samples = fc.sample(fc.stringMatching(new RegExp(pattern.replace(END_OF_INPUT, ""))), { seed: 12, numRuns: 2 });
  } catch {
    samples = [];
  }
  // Long samples (a justification) are cut: the cases probe the ends and the constructs, not the lengths.
  const base = [...new Set([...samples.map((v) => v.slice(0, 40)), "a", "ab", "12"])];
  return base.flatMap((v) => [
    v,
    ...TRICKY.flatMap((t) => [`${v}${t}`, `${t}${v}`, `${v.slice(0, 1)}${t}${v.slice(1)}`]),
  ]);
}

export interface RegexCase {
  pattern: string;
  value: string;
}

export function regexCases(): RegexCase[] {
  const shared = Object.values(patterns).flatMap((p) => [p.source.slice(0, -END_OF_INPUT.length), p.source]);
  const numbers = [wholeNumberUpTo(24, "hours").source, wholeNumberUpTo(1440, "minutes").source];
  // Each pattern once: two shared patterns may have the same source (a user id and a group id look alike).
  return [...new Set([...shared, ...numbers, ...PROBES])].flatMap((pattern) =>
    valuesFor(pattern).map((value) => ({ pattern, value })),
  );
}
