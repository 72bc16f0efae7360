/**
 * Generators of user-controlled text for property tests (fast-check): valid values, valid values with a
 * metacharacter slipped in, runs of metacharacters of YAML, JSON, shell, Automation and EventBridge, arbitrary unicode
 * and binary strings, and oversize text. Oracles say, without regular expressions, what each parameter accepts.
 */
import fc from "fast-check";

/** Characters and sequences that change meaning somewhere a value travels. */
export const METACHARACTERS = [
  '"',
  "\\",
  "'",
  "`",
  "{{",
  "}}",
  "{{ automation:EXECUTION_ID }}",
  "{{ global:ACCOUNT_ID }}",
  "<aws.events.event>",
  "<AccountId>",
  '"}',
  '","Signal":"Approve',
  "$",
  "$(id)",
  "; rm -rf /",
  "&&",
  "|",
  "*",
  "?",
  "[",
  "]",
  "{",
  "}",
  ",",
  ": ",
  "- ",
  "#",
  "&anchor",
  "!!js/function",
  "%",
  "\n",
  "\r",
  "\t",
  "\u0000",
  "\u0085",
  "\u00a0",
  "\u2028",
  "\u202e",
  "é",
  "漢",
  "😀",
  "\ud800",
];

/** A valid value turned hostile, or hostile text of its own. */
export function hostile(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const inserted = fc
    .tuple(valid, fc.constantFrom(...METACHARACTERS), fc.nat())
    .map(([v, m, at]) => v.slice(0, at % (v.length + 1)) + m + v.slice(at % (v.length + 1)));
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 3, arbitrary: inserted },
    {
      weight: 2,
      arbitrary: fc.array(fc.constantFrom(...METACHARACTERS), { minLength: 1, maxLength: 8 }).map((a) => a.join("")),
    },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 64 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 64 }) },
    {
      weight: 1,
      arbitrary: fc.string({
        unit: fc.constantFrom("a", "1", "-", ".", " ", '"', "\n"),
        minLength: 400,
        maxLength: 2000,
      }),
    },
  );
}

const codes = (text: string) => Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));
const within = (text: string, min: number, max: number) => text.length >= min && text.length <= max;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isLetterOrDigit = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
/** Printable ASCII without `"` and `\`. */
const isPlainPrintable = (c: number) => c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c;

/** What each user-controlled value may be, stated without a regular expression. */
export const oracles = {
  accountId: (s: string) => s.length === 12 && codes(s).every(isDigit),
  wholeNumberUpTo: (max: number) => (s: string) =>
    s.length > 0 && codes(s).every(isDigit) && s[0] !== "0" && Number(s) >= 1 && Number(s) <= max,
  userName: (s: string) =>
    within(s, 3, 128) && codes(s).every((c) => isLetterOrDigit(c) || "._@+~-".includes(String.fromCharCode(c))),
  plainText: (min: number, max: number) => (s: string) => within(s, min, max) && codes(s).every(isPlainPrintable),
  executionId: (s: string) => s.length === 36 && codes(s).every((c) => isLetterOrDigit(c) || c === 0x2d),
  oneOf: (values: readonly string[]) => (s: string) => values.includes(s),
  /** Letters, digits and `extra`, between `min` and `max` characters. */
  word: (min: number, max: number, extra: string) => (s: string) =>
    within(s, min, max) && codes(s).every((c) => isLetterOrDigit(c) || extra.includes(String.fromCharCode(c))),
  ruleDuration: (s: string) =>
    within(s, 2, 5) && "mh".includes(s.slice(-1)) && codes(s.slice(0, -1)).every(isDigit) && s[0] !== "0",
} as const;

/** Valid values of each kind. */
export const validValues = {
  accountId: fc.stringMatching(/^\d{12}$/),
  wholeNumberUpTo: (max: number) => fc.integer({ min: 1, max }).map(String),
  userName: fc.stringMatching(/^[a-zA-Z0-9._@+~-]{3,40}$/),
  plainText: (min: number, max: number) =>
    fc.string({
      unit: fc
        .integer({ min: 0x20, max: 0x7e })
        .filter((c) => c !== 0x22 && c !== 0x5c)
        .map((c) => String.fromCharCode(c)),
      minLength: min,
      maxLength: max,
    }),
  executionId: fc.uuid(),
  oneOf: (values: readonly string[]) => fc.constantFrom(...values),
  word: (min: number, max: number) =>
    fc.stringMatching(new RegExp(`^[a-zA-Z0-9][a-zA-Z0-9_-]{${min - 1},${max - 1}}$`)),
  groupId: fc.tuple(fc.stringMatching(/^[0-9a-f]{10}$/), fc.uuid()).map(([p, u]) => `${p}-${u}`),
  organizationalUnitId: fc.stringMatching(/^ou-[0-9a-z]{4,8}-[a-z0-9]{8,12}$/),
  ruleDuration: fc.tuple(fc.integer({ min: 1, max: 24 }), fc.constantFrom("h", "m")).map(([n, u]) => `${n}${u}`),
} as const;
