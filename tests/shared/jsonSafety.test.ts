/**
 * DESIGN.md §9: Automation can build an EventBridge `Detail` only by interpolating values into JSON text. That is
 * safe only if no interpolated value can contain `"`, `\` or a control character. These tests prove it for every
 * value every document interpolates into JSON, from the patterns themselves (not from sample values).
 */
import assert from "node:assert/strict";
import { END_OF_INPUT, patterns } from "../../shared/patterns";
import { readDocument } from "../../shared/ssm/check/content";
import { buildGraph } from "../../shared/ssm/check/graph";
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

/** Nothing is pasted into JSON as a whole value: not even a function's Payload, whose form AWS does not document. */
function assertNotWholeValue(ref: string, where: string) {
  assert.fail(`${where} inserts ${ref} as a whole JSON value: only values checked to be JSON-safe may be interpolated`);
}

/** The characters that break out of a JSON string: `"`, `\` and U+0000 to U+001F. */
const JSON_UNSAFE = ['"', "\\", ...Array.from({ length: 0x20 }, (_, c) => String.fromCharCode(c))];

/** Whether a branch condition (rendered) requires `value` to contain none of JSON_UNSAFE. */
function excludesUnsafe(choice: Record<string, unknown>, value: string): boolean {
  const excluded = new Set(
    ((choice.And ?? []) as Record<string, unknown>[]).flatMap((c) => {
      const not = c.Not as Record<string, unknown> | undefined;
      return not?.Variable === value && typeof not.Contains === "string" ? [not.Contains] : [];
    }),
  );
  return JSON_UNSAFE.every((c) => excluded.has(c));
}

/**
 * A document variable is JSON-safe if its default is, and every aws:updateVariable that sets it copies a value that
 * the only way into that step checked: an aws:branch choice requiring it to contain no unsafe character.
 */
function assertVariableJsonSafe(doc: DocumentContent, ref: string, where: string) {
  const name = ref.slice("variable:".length);
  const declared = (doc.variables as Record<string, { default?: unknown }> | undefined)?.[name];
  assert.ok(declared, `${where} interpolates ${ref}, which is not declared`);
  assert.ok(jsonSafe(new Set(String(declared.default))), `${where}: ${ref}'s default is not JSON-safe`);
  const view = readDocument(doc);
  const graph = buildGraph(view);
  const setters = view.steps.filter((st) => st.action === "aws:updateVariable" && st.inputs.Name === ref);
  assert.ok(setters.length > 0, `${where}: nothing sets ${ref}`);
  for (const setter of setters) {
    const value = String(setter.inputs.Value);
    const into = graph.edges.flatMap((edges, from) =>
      edges.filter((e) => e.to === setter.index).map((e) => ({ from, e })),
    );
    assert.ok(into.length > 0, `${where}: nothing leads to ${setter.name}`);
    for (const { from, e } of into) {
      const source = view.steps[from];
      const choice = /^Choices\[(\d+)\]\.NextStep$/.exec(e.via);
      const choices = (source.inputs.Choices ?? []) as Record<string, unknown>[];
      assert.ok(
        source.action === "aws:branch" &&
          choice &&
          e.kind === "success" &&
          excludesUnsafe(choices[Number(choice[1])], value),
        `${where}: ${source.name} leads to ${setter.name} (${e.via}) without checking ${value} holds no quote, backslash or control character`,
      );
    }
  }
}

function assertJsonSafe(doc: DocumentContent, ref: string, where: string) {
  if (TRUSTED_BUILTINS.has(ref)) return;
  if (ref.startsWith("variable:")) return assertVariableJsonSafe(doc, ref, where);
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
            if (wholeValue) assertNotWholeValue(ref, `${name} step ${step}`);
            else assertJsonSafe(doc, ref, `${name} step ${step}`);
            checked++;
          }
        }
      }
      // The request event's six fields and the end request's three.
      assert.ok(checked >= 9, `only ${checked} interpolations were found`);
    });
  });
});
