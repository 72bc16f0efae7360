/**
 * DESIGN.md §9: Automation can build an EventBridge `Detail` only by interpolating values into JSON text. That is
 * safe only if no interpolated value can contain `"`, `\` or a control character. These tests prove it for every
 * value every document interpolates into JSON, from the patterns themselves (not from sample values).
 */
import assert from "node:assert/strict";
import { END_OF_INPUT, patterns } from "../../shared/patterns";
import { type DocumentContent, type Plan, planRequester } from "../support/plan";
import { alphabet, jsonSafe } from "../support/regexAlphabet";

/** Inputs whose value is JSON text Automation sends as it is after substituting `{{ ... }}`. */
const JSON_TEXT_INPUTS = new Set(["Detail", "Payload"]);

/** Values Automation itself produces and documents as identifiers of a fixed shape. */
const TRUSTED_BUILTINS = new Set(["automation:EXECUTION_ID"]);

function jsonTexts(value: unknown, key = ""): string[] {
  if (typeof value === "string") return JSON_TEXT_INPUTS.has(key) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => jsonTexts(v, key));
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => jsonTexts(v, k));
  return [];
}

/**
 * Every value a document interpolates into JSON text, with the step that does it, and whether it stands as a whole
 * JSON value (right after a `:`) rather than inside a string.
 */
function interpolationsIntoJson(doc: DocumentContent): { step: string; ref: string; wholeValue: boolean }[] {
  return doc.mainSteps.flatMap((s) =>
    jsonTexts(s.inputs).flatMap((text) =>
      [...text.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map((m) => ({
        step: s.name,
        ref: m[1],
        wholeValue: standsAsValue(text, m.index, m[0].length),
      })),
    ),
  );
}

/**
 * Whether the interpolation at `index` stands as a whole JSON value: put `""` there (and a digit in every other
 * interpolation) and the text is still JSON, which it would not be inside a string.
 */
function standsAsValue(text: string, index: number, length: number): boolean {
  const probe = `${text.slice(0, index)}""${text.slice(index + length)}`.replace(/\{\{\s*[^}\s]+\s*\}\}/g, "0");
  try {
    JSON.parse(probe);
    return true;
  } catch {
    return false;
  }
}

/** A whole JSON value may only be a Lambda function's payload, which the Lambda runtime serialized as JSON. */
function assertJsonValue(doc: DocumentContent, ref: string, where: string) {
  const [stepName, output] = ref.split(".");
  const source = doc.mainSteps.find((s) => s.name === stepName);
  assert.ok(
    source?.action === "aws:invokeLambdaFunction" && output === "Payload",
    `${where} inserts ${ref} as a whole JSON value, but only a function's Payload is JSON text`,
  );
}

function assertJsonSafe(doc: DocumentContent, ref: string, where: string) {
  if (TRUSTED_BUILTINS.has(ref)) return;
  const parameter = doc.parameters?.[ref];
  assert.ok(parameter, `${where} interpolates ${ref}, which is not a parameter: its value is not checked by a pattern`);
  if (parameter.allowedValues) {
    for (const value of parameter.allowedValues as string[]) {
      assert.ok(
        jsonSafe(new Set(value)),
        `${where}: allowed value ${JSON.stringify(value)} of ${ref} is not JSON-safe`,
      );
    }
    return;
  }
  const pattern = String(parameter.allowedPattern ?? "");
  assert.ok(
    pattern.startsWith("^") && pattern.endsWith(`$${END_OF_INPUT}`),
    `${where}: ${ref}'s pattern must be anchored at both ends (^ and $ then END_OF_INPUT)`,
  );
  assert.ok(jsonSafe(alphabet(pattern)), `${where}: ${ref}'s pattern ${pattern} admits a character unsafe in JSON`);
}

describe("values interpolated into JSON inside documents", () => {
  describe("the alphabet of a pattern", () => {
    it("lists the characters of classes, ranges and escapes", () => {
      assert.deepEqual([...(alphabet("^[a-c_]\\d{2}$") as Set<string>)].sort(), [..."0123456789_abc"].sort());
    });
    it("is unbounded for a dot, a negated class or a negated escape", () => {
      for (const source of ["^a.b$", "^[^x]+$", "^\\S+$", "^\\W$", "^\\D$"])
        assert.equal(alphabet(source), "unbounded");
    });
    it("is JSON-unsafe when it admits a quote, a backslash or whitespace control characters", () => {
      assert.equal(jsonSafe(alphabet('^[a-z"]+$')), false);
      assert.equal(jsonSafe(alphabet("^[a-z\\\\]+$")), false);
      assert.equal(jsonSafe(alphabet("^[a-z\\s]+$")), false);
      assert.equal(jsonSafe(alphabet("^[a-z ]+$")), true);
    });
  });

  describe("the shared patterns of values that cross a boundary", () => {
    const interpolated = [
      "accountId",
      "permissionSetName",
      "requestablePermissionSetName",
      "userName",
      "justification",
      "automationExecutionId",
    ] as const;
    for (const name of interpolated) {
      it(`${name} admits no quote, backslash or control character`, () => {
        assert.ok(jsonSafe(alphabet(patterns[name].source)), patterns[name].source);
      });
      it(`${name} rejects a crafted value even when the pattern is applied as a search`, () => {
        const search = new RegExp(patterns[name].source);
        for (const hostile of ['x", "signal": "Approve', "x\\", "x\n", '"']) {
          assert.equal(search.test(`123456789012${hostile}`), false);
          assert.equal(search.test(`${hostile}123456789012`), false);
        }
      });
    }
  });

  describe("every document of both stacks", () => {
    let plans: Plan[];
    before(async () => {
      const { requester, management } = await planRequester();
      plans = [management, requester];
    });

    it("interpolate into JSON only values whose patterns admit no quote, backslash or control character", () => {
      let checked = 0;
      for (const plan of plans) {
        for (const name of plan.ofType("aws:ssm/document:Document").map((d) => String(d.inputs.name))) {
          const doc = plan.document(name);
          for (const { step, ref, wholeValue } of interpolationsIntoJson(doc)) {
            if (wholeValue) assertJsonValue(doc, ref, `${name} step ${step}`);
            else assertJsonSafe(doc, ref, `${name} step ${step}`);
            checked++;
          }
        }
      }
      // The grant workflow's four feedback events (one field each) and the request event's six fields.
      assert.ok(checked >= 10, `only ${checked} interpolations were found`);
    });
  });
});
