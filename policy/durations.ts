/**
 * ISO 8601 durations (`PT8H`, `P1DT30M`) as permission sets and `aws:sleep` take them, where an amount may also be an
 * SSM parameter reference (`PT{{ Duration }}H`). Years and months have no fixed length, so they are not accepted.
 */

export type Amount = { value: number } | { parameter: string };

export interface DurationTerm {
  amount: Amount;
  /** Seconds per unit of the amount. */
  unitSeconds: number;
}

const UNIT_SECONDS = {
  date: { W: 7 * 86400, D: 86400 } as Record<string, number>,
  time: { H: 3600, M: 60, S: 1 } as Record<string, number>,
};

const TERM = /(\d+(?:\.\d+)?|\{\{\s*([A-Za-z0-9_]+)\s*\}\})([A-Z])/y;

function readPart(text: string, units: Record<string, number>, into: DurationTerm[]): boolean {
  const seen = new Set<string>();
  TERM.lastIndex = 0;
  while (TERM.lastIndex < text.length) {
    const m = TERM.exec(text);
    if (!m || !(m[3] in units) || seen.has(m[3])) return false;
    seen.add(m[3]);
    into.push({ amount: m[2] ? { parameter: m[2] } : { value: Number(m[1]) }, unitSeconds: units[m[3]] });
  }
  return true;
}

/** The terms of a duration, or undefined when it is not a day-time ISO 8601 duration. */
export function durationTerms(text: string): DurationTerm[] | undefined {
  const m = /^P([^T]*)(?:T(.+))?$/.exec(text);
  if (!m) return undefined;
  const terms: DurationTerm[] = [];
  if (!readPart(m[1], UNIT_SECONDS.date, terms) || !readPart(m[2] ?? "", UNIT_SECONDS.time, terms)) return undefined;
  return terms.length > 0 ? terms : undefined;
}

/** The length of a literal duration in seconds, or undefined when it is malformed or refers to a parameter. */
export function literalSeconds(text: string): number | undefined {
  const terms = durationTerms(text);
  if (!terms) return undefined;
  let total = 0;
  for (const { amount, unitSeconds } of terms) {
    if (!("value" in amount)) return undefined;
    total += amount.value * unitSeconds;
  }
  return total;
}

/** Seconds as the shortest ISO 8601 duration that reads naturally in messages (`PT12H`, `PT90M`, `PT3600S`). */
export function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `PT${seconds / 3600}H`;
  if (seconds % 60 === 0) return `PT${seconds / 60}M`;
  return `PT${seconds}S`;
}
