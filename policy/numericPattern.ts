/**
 * The largest whole number an SSM parameter's `allowedPattern` admits, proven rather than sampled: the pattern must
 * be anchored at both ends of every alternative, match only digits, and have a bounded length; then every digit
 * string up to that length is tried. Anything the small analysis below cannot follow counts as unbounded.
 */

import { END_OF_INPUT } from "../shared/patterns";

export type NumericBound = { max: number } | { unbounded: string };

const LONGEST_DIGITS = 6;
const DIGITS = "0123456789";
const WORD = `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ${DIGITS}_`;

interface Shape {
  maxLength: number;
  /** The characters a match can contain; `any` when the analysis cannot bound them. */
  chars: Set<string> | "any";
}

const ZERO: Shape = { maxLength: 0, chars: new Set() };
const ANY: Shape = { maxLength: Number.POSITIVE_INFINITY, chars: "any" };

function union(a: Shape["chars"], b: Shape["chars"]): Shape["chars"] {
  return a === "any" || b === "any" ? "any" : new Set([...a, ...b]);
}

function escapeChars(c: string): string | "any" | "" {
  if (c === "d") return DIGITS;
  if (c === "w") return WORD;
  if (c === "s") return " \t\n\r\v\f";
  if (c === "b" || c === "B") return "";
  // Negated classes, backreferences and code-point escapes: not followed.
  if (/[DWSux1-9ckpP]/.test(c)) return "any";
  return c;
}

class Analysis {
  private i = 0;
  constructor(private readonly source: string) {}

  run(): Shape {
    const shape = this.alternation();
    return this.i < this.source.length ? ANY : shape;
  }

  private alternation(): Shape {
    let shape = this.sequence();
    while (this.source[this.i] === "|") {
      this.i++;
      const next = this.sequence();
      shape = { maxLength: Math.max(shape.maxLength, next.maxLength), chars: union(shape.chars, next.chars) };
    }
    return shape;
  }

  private sequence(): Shape {
    let shape = ZERO;
    while (this.i < this.source.length && this.source[this.i] !== "|" && this.source[this.i] !== ")") {
      const atom = this.quantified(this.atom());
      shape = { maxLength: shape.maxLength + atom.maxLength, chars: union(shape.chars, atom.chars) };
    }
    return shape;
  }

  private quantified(atom: Shape): Shape {
    const rest = this.source.slice(this.i);
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    let times = 1;
    if (rest[0] === "*" || rest[0] === "+") {
      times = Number.POSITIVE_INFINITY;
      this.i++;
    } else if (rest[0] === "?") {
      this.i++;
    } else if (braces) {
      times = braces[2] === undefined ? Number(braces[1]) : braces[3] ? Number(braces[3]) : Number.POSITIVE_INFINITY;
      this.i += braces[0].length;
    } else {
      return atom;
    }
    if (this.source[this.i] === "?") this.i++;
    return { maxLength: atom.maxLength === 0 ? 0 : atom.maxLength * times, chars: atom.chars };
  }

  private atom(): Shape {
    const c = this.source[this.i++];
    if (c === "^" || c === "$") return ZERO;
    if (c === ".") return ANY;
    if (c === "\\") return this.escaped(this.source[this.i++]);
    if (c === "[") return this.characterClass();
    if (c === "(") return this.group();
    return { maxLength: 1, chars: new Set(c) };
  }

  private escaped(c: string): Shape {
    const chars = escapeChars(c);
    if (chars === "any") return ANY;
    return chars === "" ? ZERO : { maxLength: 1, chars: new Set(chars) };
  }

  private group(): Shape {
    const lookaround = /^\?(=|!|<=|<!)/.exec(this.source.slice(this.i));
    const named = /^\?<[A-Za-z_][A-Za-z0-9_]*>/.exec(this.source.slice(this.i));
    if (lookaround) {
      // A lookaround only restricts what the rest matches; it consumes nothing, so its inside is not followed.
      this.i += lookaround[0].length;
      return this.skipToGroupEnd() ? ZERO : ANY;
    }
    if (named) this.i += named[0].length;
    else if (this.source.startsWith("?:", this.i)) this.i += 2;
    const inner = this.alternation();
    if (this.source[this.i++] !== ")") return ANY;
    return inner;
  }

  /** Moves past the `)` that closes the current group (escapes and classes skipped); false if there is none. */
  private skipToGroupEnd(): boolean {
    let depth = 1;
    let inClass = false;
    while (this.i < this.source.length) {
      const c = this.source[this.i++];
      if (c === "\\") this.i++;
      else if (inClass) inClass = c !== "]";
      else if (c === "[") inClass = true;
      else if (c === "(") depth++;
      else if (c === ")" && --depth === 0) return true;
    }
    return false;
  }

  private characterClass(): Shape {
    // Negated classes, and a leading `]` (literal in Java, an empty class in JavaScript): not followed.
    if (this.source[this.i] === "^" || this.source[this.i] === "]") return ANY;
    const chars = new Set<string>();
    while (this.i < this.source.length && this.source[this.i] !== "]") {
      const c = this.source[this.i++];
      if (c === "\\") {
        const e = escapeChars(this.source[this.i++]);
        if (e === "any") return ANY;
        for (const x of e) chars.add(x);
      } else if (this.source[this.i] === "-" && this.i + 1 < this.source.length && this.source[this.i + 1] !== "]") {
        const to = this.source[this.i + 1];
        this.i += 2;
        if (to === "\\") return ANY;
        for (let code = c.charCodeAt(0); code <= to.charCodeAt(0); code++) chars.add(String.fromCharCode(code));
      } else {
        chars.add(c);
      }
    }
    if (this.source[this.i++] !== "]") return ANY;
    return { maxLength: 1, chars };
  }
}

/** The top-level alternatives of a pattern (split on `|` outside groups and classes). */
function alternatives(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      parts.push(source.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}

/** Anchored at both ends: `^` first, and an unescaped `$` last or followed only by END_OF_INPUT. */
const anchored = (part: string) => {
  const body = part.endsWith(END_OF_INPUT) ? part.slice(0, -END_OF_INPUT.length) : part;
  return body.startsWith("^") && body.endsWith("$") && !/(^|[^\\])(\\\\)*\\\$$/.test(body);
};

export function largestWholeNumber(source: string): NumericBound {
  if (!alternatives(source).every(anchored)) {
    return { unbounded: "it is not anchored with ^ and $, so a longer value can contain a match" };
  }
  const shape = new Analysis(source).run();
  if (shape.chars === "any" || [...shape.chars].some((c) => !DIGITS.includes(c))) {
    return { unbounded: "it admits characters other than digits" };
  }
  if (shape.maxLength > LONGEST_DIGITS) {
    const digits = Number.isFinite(shape.maxLength) ? `up to ${shape.maxLength}` : "any number of";
    return { unbounded: `it admits ${digits} digits (at most ${LONGEST_DIGITS} are checked)` };
  }
  const regex = new RegExp(source);
  let max: number | undefined;
  for (let length = 1; length <= shape.maxLength; length++) {
    for (let n = 0; n < 10 ** length; n++) {
      if (regex.test(String(n).padStart(length, "0"))) max = Math.max(max ?? n, n);
    }
  }
  return max === undefined ? { unbounded: "it admits no whole number" } : { max };
}
