/**
 * The characters a regular expression can match, for the small dialect our parameter patterns use (literals,
 * classes, \d \w \s, groups, lookaheads, alternation, quantifiers, anchors). Anything that can match an unlisted character (`.`,
 * a negated class, \D \W \S) makes the alphabet unbounded. Proving a pattern's alphabet excludes `"`, `\` and
 * control characters proves no value it admits can break out of a JSON string it is interpolated into.
 */
export type Alphabet = Set<string> | "unbounded";

const DIGITS = "0123456789";
const WORD = `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ${DIGITS}_`;
const SPACE = " \t\n\r\v\f";

function escaped(c: string): string | "unbounded" {
  if (c === "d") return DIGITS;
  if (c === "w") return WORD;
  if (c === "s") return SPACE;
  if ("DWSbB".includes(c)) return c === "b" || c === "B" ? "" : "unbounded";
  return c;
}

/** The index of the `)` closing the group that opens at `start` (escapes and classes skipped). */
function lookaheadEnd(source: string, start: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  throw new Error(`an unclosed group in ${source}`);
}

export function alphabet(source: string): Alphabet {
  const chars = new Set<string>();
  const add = (s: string) => {
    for (const c of s) chars.add(c);
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    // A lookahead (such as END_OF_INPUT, `(?![\s\S])`) matches no character itself: skip it whole.
    if (source.startsWith("(?!", i) || source.startsWith("(?=", i)) {
      i = lookaheadEnd(source, i);
      continue;
    }
    if ("^$()|?*+".includes(c)) continue;
    if (c === "{") {
      i = source.indexOf("}", i);
      continue;
    }
    if (c === ".") return "unbounded";
    if (c === "\\") {
      const e = escaped(source[++i]);
      if (e === "unbounded") return e;
      add(e);
      continue;
    }
    if (c === "[") {
      if (source[i + 1] === "^") return "unbounded";
      let j = i + 1;
      while (source[j] !== "]") {
        let from = source[j];
        if (from === "\\") {
          const e = escaped(source[++j]);
          if (e === "unbounded") return e;
          if (e.length !== 1) {
            add(e);
            j++;
            continue;
          }
          from = e;
        }
        if (source[j + 1] === "-" && source[j + 2] !== "]") {
          const to = source[j + 2] === "\\" ? source[j + 3] : source[j + 2];
          for (let code = from.charCodeAt(0); code <= to.charCodeAt(0); code++) chars.add(String.fromCharCode(code));
          j += source[j + 2] === "\\" ? 4 : 3;
        } else {
          chars.add(from);
          j++;
        }
      }
      i = j;
      continue;
    }
    chars.add(c);
  }
  return chars;
}

/** Whether a value from this alphabet is safe inside a JSON string: no quote, backslash or control character. */
export function jsonSafe(a: Alphabet): boolean {
  if (a === "unbounded") return false;
  return [...a].every((c) => c !== '"' && c !== "\\" && c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f);
}
