/**
 * AWS does not document how Automation applies `allowedPattern` (Java's Matcher.find or matches, by the look of its
 * errors, or something else): every pattern in shared/patterns.ts and every allowedPattern of every planned document
 * must accept and refuse exactly the same values under all three readings the simulator plays (tools/sim/variants.ts),
 * for valid values, hostile ones, and valid ones with each line terminator before, inside or after them.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { patterns } from "../../shared/patterns";
import { type PatternSemantics, patternAdmits } from "../../tools/sim/automation/values";
import { hostile } from "../support/hostileInput";
import { type Plan, planRequester } from "../support/plan";

const SEMANTICS: readonly PatternSemantics[] = ["java-find", "java-matches", "javascript-search"];
const LINE_TERMINATORS = ["\n", "\r\n", "\r", "\u0085", "\u2028", "\u2029"];
const RUNS = 300;

/** Valid values of the pattern (with the end lookahead taken off: fast-check reads the anchors), turned hostile. */
function values(source: string): fc.Arbitrary<string> {
  const valid = fc.stringMatching(new RegExp(source.replace(/\(\?!\[\\s\\S\]\)$/, "")));
  const terminated = fc
    .tuple(valid, fc.constantFrom(...LINE_TERMINATORS), fc.constantFrom("end", "start", "inside"))
    .map(([v, t, where]) => (where === "end" ? v + t : where === "start" ? t + v : v.slice(0, 1) + t + v.slice(1)));
  return fc.oneof(valid, terminated, hostile(valid));
}

function assertAgree(source: string, where: string): void {
  let admitted = 0;
  fc.assert(
    fc.property(values(source), (value) => {
      const answers = SEMANTICS.map((s) => patternAdmits(s, source, value));
      assert.ok(
        answers.every((a) => a === answers[0]),
        `${where} ${source} on ${JSON.stringify(value)}: ${SEMANTICS.map((s, i) => `${s} ${answers[i]}`).join(", ")}`,
      );
      if (answers[0]) admitted++;
    }),
    { numRuns: RUNS, seed: 7 },
  );
  assert.ok(admitted > 0, `${where}: no generated value was admitted`);
}

describe("patterns mean the same however Automation applies them (fast-check)", () => {
  for (const [name, pattern] of Object.entries(patterns)) {
    it(`shared pattern ${name} accepts and refuses the same values under Java find, Java matches and JavaScript`, () => {
      assertAgree(pattern.source, name);
      for (const end of LINE_TERMINATORS) assert.equal(pattern.test(`x${end}`), false);
    });
  }

  describe("every allowedPattern of every planned document", () => {
    let plans: Plan[];
    before(async () => {
      const { requester, management } = await planRequester();
      plans = [management, requester];
    });

    it("accepts and refuses the same values under all three readings", () => {
      let checked = 0;
      for (const plan of plans) {
        for (const name of plan.ofType("aws:ssm/document:Document").map((d) => String(d.inputs.name))) {
          for (const [parameter, definition] of Object.entries(plan.document(name).parameters ?? {})) {
            const source = (definition as { allowedPattern?: string }).allowedPattern;
            if (source === undefined) continue;
            assertAgree(source, `${name} ${parameter}`);
            checked++;
          }
        }
      }
      assert.ok(checked >= 10, `only ${checked} allowedPatterns were found`);
    });
  });
});
