/**
 * Java's regular expressions (java.util.regex.Pattern, default flags), as Automation may apply `allowedPattern`,
 * emulated by translating a pattern into a JavaScript RegExp (`u` flag: code points, as Java matches) that accepts
 * exactly what Java accepts. What differs between the two engines for the constructs covered, and how it is played:
 * - `$`: Java matches at the end of the input and also before a line terminator that ends it (`\n`, `\r\n`, `\r`,
 *   `\u0085`, `\u2028`, `\u2029`; never between `\r` and `\n`), so `^a$` admits `"a\n"` (java.util.regex.Pattern,
 *   "Line terminators"); JavaScript's `$` matches only at the end;
 * - `.`: Java excludes all six line terminators, JavaScript includes `\u0085`;
 * - `\s` `\S` `\d` `\D` `\w` `\W`: ASCII-only in Java (without UNICODE_CHARACTER_CLASS); JavaScript's `\s` also
 *   matches Unicode spaces such as `\u00a0`.
 * Covered: literals, escaped metacharacters, `\t \n \r \f \a \e \xhh \uhhhh \0ooo`, `\d \D \s \S \w \W`, classes with
 * ranges, negation and those escapes, `.`, `^`, `$`, groups `( )` `(?: )`, lookaheads `(?= )` `(?! )`, alternation,
 * greedy and lazy quantifiers `* + ? {n} {n,} {n,m}`. Anything else (lookbehinds, named groups, inline flags,
 * backreferences, `\b \A \z \Z \p{..} \Q..\E`, nested classes or intersections, possessive quantifiers) is refused with
 * an error naming it, never approximated. tests/tools/sim/automation/javaRegex.test.ts holds the emulation to
 * results recorded from a real JVM.
 */

/** Java's line terminators (java.util.regex.Pattern, "Line terminators"), without UNIX_LINES. */
const LINE_TERMINATORS = [0x0a, 0x0d, 0x85, 0x2028, 0x2029];
const MAX_CODE_POINT = 0x10ffff;

type Ranges = [number, number][];

const ASCII_SETS: Record<string, Ranges> = {
  d: [[0x30, 0x39]],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  // [ \t\n\x0B\f\r]
  s: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
};

const CONTROL_ESCAPES: Record<string, number> = { t: 0x09, n: 0x0a, r: 0x0d, f: 0x0c, a: 0x07, e: 0x1b };

class Unsupported extends Error {}

function normalize(ranges: Ranges): Ranges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: Ranges = [];
  for (const [from, to] of sorted) {
    const last = merged.at(-1);
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

function complement(ranges: Ranges): Ranges {
  const result: Ranges = [];
  let next = 0;
  for (const [from, to] of normalize(ranges)) {
    if (from > next) result.push([next, from - 1]);
    next = to + 1;
  }
  if (next <= MAX_CODE_POINT) result.push([next, MAX_CODE_POINT]);
  return result;
}

const hex = (code: number) => `\\u{${code.toString(16)}}`;

/** A JavaScript class (u flag) matching exactly these code points. */
function classOf(ranges: Ranges): string {
  const parts = normalize(ranges).map(([from, to]) => (from === to ? hex(from) : `${hex(from)}-${hex(to)}`));
  return parts.length === 0 ? "[^\\u{0}-\\u{10ffff}]" : `[${parts.join("")}]`;
}

class Translator {
  private i = 0;

  constructor(private readonly source: string) {}

  translate(): string {
    const out = this.alternation();
    if (this.i < this.source.length) this.fail(`an unmatched ) at ${this.i}`);
    return out;
  }

  private fail(what: string): never {
    throw new Unsupported(`the Java regex emulation does not cover ${what} in ${this.source}`);
  }

  private alternation(): string {
    let out = this.sequence();
    while (this.source[this.i] === "|") {
      this.i++;
      out += `|${this.sequence()}`;
    }
    return out;
  }

  private sequence(): string {
    let out = "";
    while (this.i < this.source.length && this.source[this.i] !== "|" && this.source[this.i] !== ")") {
      const atom = this.atom();
      out += atom.quantifiable ? this.quantifier(atom.text) : atom.text;
    }
    return out;
  }

  private quantifier(atom: string): string {
    const rest = this.source.slice(this.i);
    const q = /^(?:[*+?]|\{(\d+)(?:,(\d*))?\})/.exec(rest);
    if (!q) {
      if (rest.startsWith("{")) this.fail("a { that is not a quantifier");
      return atom;
    }
    if (q[1] !== undefined && q[2] !== undefined && q[2] !== "" && Number(q[2]) < Number(q[1])) {
      this.fail(`the quantifier ${q[0]}`);
    }
    this.i += q[0].length;
    let mode = "";
    if (this.source[this.i] === "?") {
      mode = "?";
      this.i++;
    } else if (this.source[this.i] === "+") {
      this.fail("a possessive quantifier");
    }
    return `${atom}${q[0]}${mode}`;
  }

  private atom(): { text: string; quantifiable: boolean } {
    const c = this.source[this.i];
    if (c === "^") {
      this.i++;
      // Without MULTILINE, Java's ^ matches only at the beginning of the input, as JavaScript's does without `m`.
      return { text: "^", quantifiable: false };
    }
    if (c === "$") {
      this.i++;
      return { text: "(?:$|(?=\\r\\n$)|(?<!\\r)(?=\\n$)|(?=[\\r\\u{85}\\u{2028}\\u{2029}]$))", quantifiable: false };
    }
    if (c === ".") {
      this.i++;
      return { text: classOf(complement(LINE_TERMINATORS.map((t) => [t, t]))), quantifiable: true };
    }
    if (c === "(") return this.group();
    if (c === "[") return { text: classOf(this.characterClass()), quantifiable: true };
    if (c === "\\") {
      this.i++;
      return { text: classOf(this.escape(false)), quantifiable: true };
    }
    if ("*+?{".includes(c)) this.fail(`a quantifier with nothing to repeat at ${this.i}`);
    if (c === "]" || c === "}") this.fail(`a bare ${c}`);
    const code = this.source.codePointAt(this.i) as number;
    this.i += code > 0xffff ? 2 : 1;
    return { text: classOf([[code, code]]), quantifiable: true };
  }

  private group(): { text: string; quantifiable: boolean } {
    this.i++;
    const rest = this.source.slice(this.i);
    let open = "(";
    let quantifiable = true;
    if (rest.startsWith("?:")) open = "(?:";
    else if (rest.startsWith("?=") || rest.startsWith("?!")) {
      open = `(${rest.slice(0, 2)}`;
      quantifiable = false;
    } else if (rest.startsWith("?")) this.fail(`the group construct (${rest.slice(0, 3)}`);
    this.i += open.length - 1;
    const inner = this.alternation();
    if (this.source[this.i] !== ")") this.fail("an unclosed group");
    this.i++;
    return { text: `${open}${inner})`, quantifiable };
  }

  /** After a backslash: the code points it stands for (one, or a predefined class). */
  private escape(inClass: boolean): Ranges {
    const c = this.source[this.i++];
    if (c === undefined) this.fail("a trailing backslash");
    const lower = c.toLowerCase();
    if (lower in ASCII_SETS) return c === lower ? ASCII_SETS[lower] : complement(ASCII_SETS[lower]);
    if (c in CONTROL_ESCAPES) return [[CONTROL_ESCAPES[c], CONTROL_ESCAPES[c]]];
    const numeric = /^(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|0([0-3]?[0-7]{1,2}))/.exec(this.source.slice(this.i - 1));
    if (numeric) {
      this.i += numeric[0].length - 1;
      const code =
        (numeric[1] ?? numeric[2]) ? Number.parseInt(numeric[1] ?? numeric[2], 16) : Number.parseInt(numeric[3], 8);
      return [[code, code]];
    }
    // Java: a backslash before a character that is not a letter or digit quotes it.
    if (/[A-Za-z0-9]/.test(c)) this.fail(`the escape \\${c}${inClass ? " in a class" : ""}`);
    const code = this.source.codePointAt(this.i - 1) as number;
    if (code > 0xffff) this.i++;
    return [[code, code]];
  }

  /** A bracketed class, as the set of code points it matches. */
  private characterClass(): Ranges {
    this.i++;
    const negated = this.source[this.i] === "^";
    if (negated) this.i++;
    if (this.source[this.i] === "]") this.fail("a class that starts with ]");
    const ranges: Ranges = [];
    while (this.source[this.i] !== "]") {
      if (this.i >= this.source.length) this.fail("an unclosed class");
      if (this.source[this.i] === "[") this.fail("a nested class");
      if (this.source.startsWith("&&", this.i)) this.fail("a class intersection (&&)");
      const from = this.classAtom();
      if (this.source[this.i] === "-" && this.source[this.i + 1] !== "]" && this.i + 1 < this.source.length) {
        if (this.source[this.i + 1] === "[") this.fail("a range ending in [");
        this.i++;
        const to = this.classAtom();
        if (from.length !== 1 || to.length !== 1 || from[0][0] !== from[0][1] || to[0][0] !== to[0][1]) {
          this.fail("a range whose end is a predefined class");
        }
        if (to[0][0] < from[0][0]) this.fail("an illegal character range");
        ranges.push([from[0][0], to[0][0]]);
      } else {
        ranges.push(...from);
      }
    }
    this.i++;
    return negated ? complement(ranges) : ranges;
  }

  private classAtom(): Ranges {
    if (this.source[this.i] === "\\") {
      this.i++;
      return this.escape(true);
    }
    const code = this.source.codePointAt(this.i) as number;
    this.i += code > 0xffff ? 2 : 1;
    return [[code, code]];
  }
}

/** The JavaScript source (for a RegExp with the `u` flag) that accepts what Java's Pattern accepts. */
export function javaToJavaScript(pattern: string): string {
  return new Translator(pattern).translate();
}

const compiled = new Map<string, { find: RegExp; matches: RegExp }>();

function compile(pattern: string): { find: RegExp; matches: RegExp } {
  let regexes = compiled.get(pattern);
  if (!regexes) {
    const js = javaToJavaScript(pattern);
    regexes = { find: new RegExp(js, "u"), matches: new RegExp(`^(?:${js})$`, "u") };
    compiled.set(pattern, regexes);
  }
  return regexes;
}

/** Java's `Pattern.compile(pattern).matcher(value).find()`: a match anywhere in the value. */
export function javaFind(pattern: string, value: string): boolean {
  return compile(pattern).find.test(value);
}

/** Java's `Pattern.matches(pattern, value)`: the whole value matches. */
export function javaMatches(pattern: string, value: string): boolean {
  return compile(pattern).matches.test(value);
}
