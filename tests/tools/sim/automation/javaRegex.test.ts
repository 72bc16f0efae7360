/**
 * The Java regex emulation answers as a real JVM does (java.util.regex, recorded by support/recordJavaRegex.ts), and
 * refuses the constructs it does not cover instead of approximating them.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { javaFind, javaMatches, javaToJavaScript } from "../../../../tools/sim/automation/javaRegex";
import { regexCases } from "./support/javaRegexCases";

interface Recorded {
  java: string;
  patterns: { pattern: string; cases: [string, string][] }[];
}

const recorded = JSON.parse(readFileSync(join(__dirname, "support", "javaRegex.recorded.json"), "utf8")) as Recorded;

describe("the Java regex emulation (tools/sim/automation/javaRegex.ts)", () => {
  it("was recorded for exactly the current cases (re-run support/recordJavaRegex.ts when they change)", () => {
    const now = regexCases().map((c) => `${c.pattern}\u0000${c.value}`);
    const then = recorded.patterns.flatMap((p) => p.cases.map(([value]) => `${p.pattern}\u0000${value}`));
    assert.deepEqual(then, now);
  });

  it(`answers Matcher.find and Pattern.matches as ${recorded.java} did, for every recorded case`, () => {
    let compared = 0;
    for (const { pattern, cases } of recorded.patterns) {
      for (const [value, answer] of cases) {
        const shown = `${pattern} on ${JSON.stringify(value)}`;
        assert.equal(javaFind(pattern, value), answer[0] === "1", `find: ${shown}`);
        assert.equal(javaMatches(pattern, value), answer[1] === "1", `matches: ${shown}`);
        compared++;
      }
    }
    assert.ok(compared > 5000, `only ${compared} cases were compared`);
  });

  it("admits a value ending in a line terminator where `$` alone ends the pattern, as Java does", () => {
    for (const end of ["\n", "\r\n", "\r", "\u0085", "\u2028", "\u2029"]) {
      assert.equal(javaFind("^\\d{12}$", `123456789012${end}`), true, JSON.stringify(end));
      assert.equal(javaMatches("^\\d{12}$", `123456789012${end}`), false, JSON.stringify(end));
      assert.equal(javaFind("^\\d{12}$(?![\\s\\S])", `123456789012${end}`), false, JSON.stringify(end));
    }
    assert.equal(javaFind("^a$", "a\r\n"), true);
    assert.equal(javaFind("^a\\r$", "a\r\n"), false, "never between \\r and \\n");
  });

  it("refuses every construct it does not cover, naming it", () => {
    for (const source of [
      "(?<=a)b",
      "(?<name>a)",
      "(?i)a",
      "(a)\\1",
      "\\bword",
      "\\Aa\\z",
      "\\p{Alpha}",
      "\\Qa.b\\E",
      "[a[b]]",
      "[a-z&&[^b]]",
      "a++",
      "[]a]",
      "a{,3}",
      "(a",
      "a)",
    ]) {
      assert.throws(() => javaToJavaScript(source), /the Java regex emulation does not cover/, source);
    }
  });
});
