/**
 * How Automation turns text into values: aws:sleep durations, output selectors and types, `{{ }}` references and the
 * checks on start parameters. Durations follow the aws:sleep reference (ISO 8601, "PT10M" in its example, a maximum
 * of 7 days enforced by the action); selectors are the `$.A.B[0]` subset of JSONPath Automation outputs use.
 */
import assert from "node:assert/strict";
import type { DocumentContent } from "../../../../tools/sim/automation/document";
import {
  durationMs,
  interpolate,
  readOutputs,
  resolveParameters,
  select,
  unresolved,
} from "../../../../tools/sim/automation/values";
import { awsError } from "../support/aws";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe("Automation values", () => {
  describe("durationMs (aws:sleep Duration)", () => {
    it("reads the aws:sleep reference's example, PT10M, as ten minutes", () => {
      assert.equal(durationMs("PT10M"), 10 * MINUTE);
    });

    it("reads days, hours, minutes and seconds, alone and combined", () => {
      const cases: [string, number][] = [
        ["PT12H", 12 * HOUR],
        ["PT90M", 90 * MINUTE],
        ["PT3600S", HOUR],
        ["P1D", DAY],
        ["P7D", 7 * DAY],
        ["P1DT2H", DAY + 2 * HOUR],
        ["PT1H30M15S", HOUR + 30 * MINUTE + 15 * SECOND],
        ["P2DT0H0M1S", 2 * DAY + SECOND],
        ["PT0S", 0],
      ];
      for (const [text, ms] of cases) assert.equal(durationMs(text), ms, text);
    });

    it("refuses text that is not a duration, and a designator with no number behind it", () => {
      for (const text of ["", "P", "PT", "P1DT", "12H", "PT12", "T12H", "PTH", "12 hours"]) {
        assert.throws(() => durationMs(text), /is not an ISO 8601 duration/, JSON.stringify(text));
      }
    });

    it("refuses a negative duration (the reference: 'You can't specify a negative duration')", () => {
      assert.throws(() => durationMs("-PT1H"), /is not an ISO 8601 duration/);
      assert.throws(() => durationMs("PT-1H"), /is not an ISO 8601 duration/);
    });

    it("refuses ISO 8601 forms outside the subset it reads, rather than misreading them", () => {
      // P1M is one month in ISO 8601, not one minute; weeks, years, fractions and lowercase are not read either.
      for (const text of ["P1M", "P1Y", "P1W", "PT1.5H", "PT0,5S", "pt1h", "PT1H ", " PT1H", "PT1M1H"]) {
        assert.throws(() => durationMs(text), /is not an ISO 8601 duration/, JSON.stringify(text));
      }
    });
  });

  describe("select (output selectors and PropertySelector)", () => {
    const response = {
      Parameter: { Name: "/spec/a", Value: "x", Version: 3, Empty: null, Zero: 0, Off: false },
      Items: [{ Id: "i-1", Tags: ["a", "b"] }, { Id: "i-2" }],
      "Hyphen-Key": "h",
      Nested: { List: [[1, 2], [3]] },
    };

    it("reads the whole value with $, nested keys with .Key and list items with [n]", () => {
      assert.equal(select(response, "$"), response);
      assert.equal(select(response, "$.Parameter.Value"), "x");
      assert.equal(select(response, "$.Items[1].Id"), "i-2");
      assert.equal(select(response, "$.Items[0].Tags[1]"), "b");
      assert.equal(select(response, "$.Nested.List[0][1]"), 2);
      assert.equal(select(response, "$.Hyphen-Key"), "h");
      assert.equal(select(["first", "second"], "$[1]"), "second");
    });

    it("keeps falsy values apart from missing ones: 0, false and null are found", () => {
      assert.equal(select(response, "$.Parameter.Zero"), 0);
      assert.equal(select(response, "$.Parameter.Off"), false);
      assert.equal(select(response, "$.Parameter.Empty"), null);
    });

    it("answers undefined for what is missing: a key, an index past the end, a path through a scalar or null", () => {
      assert.equal(select(response, "$.Parameter.Labels"), undefined);
      assert.equal(select(response, "$.Items[2]"), undefined);
      assert.equal(select(response, "$.Items[2].Id"), undefined);
      assert.equal(select(response, "$.Parameter.Value.Length"), undefined);
      assert.equal(select(response, "$.Parameter.Value[0]"), undefined);
      assert.equal(select(response, "$.Parameter.Empty.Name"), undefined);
      assert.equal(select(undefined, "$.Anything"), undefined);
    });

    // values.ts select: indexes with `current[key]`, so inherited properties (constructor, toString, length) are found.
    it("answers undefined for a key the value only inherits (constructor, toString, an array's length)", () => {
      assert.equal(select(response, "$.Parameter.constructor"), undefined);
      assert.equal(select(response, "$.toString"), undefined);
      assert.equal(select(response, "$.Items.length"), undefined);
    });

    it("refuses JSONPath it does not implement, rather than answering nothing", () => {
      for (const selector of [
        "Parameter.Value",
        "$..Id",
        "$.Items[*].Id",
        "$.Items[-1]",
        "$.Items[0:1]",
        "$['Parameter']",
        "$.Items[?(@.Id=='i-1')]",
        "$.Parameter.",
        "$.1st",
      ]) {
        assert.throws(() => select(response, selector), /does not support the selector/, selector);
      }
    });
  });

  describe("readOutputs (a step's outputs from its response)", () => {
    const response = {
      Parameter: { Value: "Sandbox", Version: 2, LastModifiedDate: new Date("2026-11-25T09:00:00Z"), Big: 1.5 },
      Names: ["a", "b"],
      Flag: true,
      Map: { a: "1" },
    };

    it("types each output: String (a Date as ISO 8601), Integer, Boolean, StringList, StringMap", () => {
      const outputs = readOutputs(response, [
        { Name: "Value", Selector: "$.Parameter.Value", Type: "String" },
        { Name: "Modified", Selector: "$.Parameter.LastModifiedDate", Type: "String" },
        { Name: "VersionText", Selector: "$.Parameter.Version", Type: "String" },
        { Name: "Version", Selector: "$.Parameter.Version", Type: "Integer" },
        { Name: "Flag", Selector: "$.Flag", Type: "Boolean" },
        { Name: "Names", Selector: "$.Names", Type: "StringList" },
        { Name: "Map", Selector: "$.Map", Type: "StringMap" },
      ]);
      assert.deepEqual(Object.fromEntries(outputs), {
        Value: "Sandbox",
        Modified: "2026-11-25T09:00:00.000Z",
        VersionText: "2",
        Version: 2,
        Flag: true,
        Names: ["a", "b"],
        Map: { a: "1" },
      });
    });

    it("leaves an output unset when its selector finds nothing or null", () => {
      const outputs = readOutputs({ ...response, Nothing: null }, [
        { Name: "Missing", Selector: "$.Parameter.Labels[0]", Type: "String" },
        { Name: "Nothing", Selector: "$.Nothing", Type: "String" },
      ]);
      assert.equal(outputs.size, 0);
    });

    it("refuses a value that is not of the output's type, and a type it does not implement", () => {
      assert.throws(
        () => readOutputs(response, [{ Name: "V", Selector: "$.Parameter.Value", Type: "Integer" }]),
        /not an Integer/,
      );
      assert.throws(
        () => readOutputs(response, [{ Name: "V", Selector: "$.Parameter.Big", Type: "Integer" }]),
        /not an Integer/,
      );
      assert.throws(() => readOutputs(response, [{ Name: "V", Selector: "$.Flag", Type: "StringList" }]), /StringList/);
      assert.throws(
        () => readOutputs(response, [{ Name: "V", Selector: "$.Flag", Type: "Map" }]),
        /does not support the type Map/,
      );
    });
  });

  describe("interpolate ({{ }} references)", () => {
    const scope = new Map<string, unknown>([
      ["Name", "alice"],
      ["Hours", 4],
      ["Accounts", ["111122223333", "444455556666"]],
      ["Read.Flag", false],
      ["variable:Ticket", "CHG-1"],
      ["global:ACCOUNT_ID", "111122223333"],
    ]);

    it("gives a value that is one reference the referenced value with its type", () => {
      assert.equal(interpolate("{{ Hours }}", scope), 4);
      assert.deepEqual(interpolate("{{Accounts}}", scope), ["111122223333", "444455556666"]);
      assert.equal(interpolate("{{ Read.Flag }}", scope), false);
    });

    it("writes references inside longer text as text, with or without spaces inside the braces", () => {
      assert.equal(
        interpolate("{{Name}} for {{ Hours }} h ({{ variable:Ticket }}) in {{ global:ACCOUNT_ID }}", scope),
        "alice for 4 h (CHG-1) in 111122223333",
      );
    });

    it("substitutes in every string of nested objects and lists, not in keys, and leaves other values alone", () => {
      assert.deepEqual(
        interpolate({ "{{ Name }}": ["{{ Name }}", { Deep: "x {{ Hours }}" }], Count: 3, On: true, None: null }, scope),
        { "{{ Name }}": ["alice", { Deep: "x 4" }], Count: 3, On: true, None: null },
      );
    });

    it("leaves a reference it cannot resolve as it is, whole or inside text", () => {
      assert.equal(interpolate("{{ Read.Missing }}", scope), "{{ Read.Missing }}");
      assert.equal(interpolate("to {{Nobody}} from {{ Name }}", scope), "to {{Nobody}} from alice");
      assert.deepEqual(unresolved(interpolate({ a: "{{ Read.Missing }}", b: ["{{Nobody}}"] }, scope)), [
        "Read.Missing",
        "Nobody",
      ]);
      assert.deepEqual(unresolved(interpolate("{{ Name }}", scope)), []);
    });
  });

  describe("resolveParameters (StartAutomationExecution's parameter checks)", () => {
    const content = (parameters: DocumentContent["parameters"]): DocumentContent => ({
      schemaVersion: "0.3",
      parameters,
      mainSteps: [{ name: "S", action: "aws:sleep", inputs: { Duration: "PT1S" } }],
    });
    const invalid = awsError("InvalidAutomationExecutionParametersException");

    it("types the values and fills in defaults", () => {
      const values = resolveParameters(
        content({
          Name: { type: "String" },
          Hours: { type: "Integer" },
          Urgent: { type: "Boolean" },
          Accounts: { type: "StringList" },
          Region: { type: "String", default: "eu-west-1" },
        }),
        { Name: ["alice"], Hours: "-3", Urgent: ["false"], Accounts: ["1", "2"] },
        "java-find",
      );
      assert.deepEqual(Object.fromEntries(values), {
        Name: "alice",
        Hours: -3,
        Urgent: false,
        Accounts: ["1", "2"],
        Region: "eu-west-1",
      });
    });

    it("ignores the names it is told to (AutomationAssumeRole) and refuses other unknown names", () => {
      const doc = content({ Name: { type: "String" } });
      assert.doesNotThrow(() =>
        resolveParameters(
          doc,
          { Name: "a", AutomationAssumeRole: "r" },
          "java-find",
          new Set(["AutomationAssumeRole"]),
        ),
      );
      assert.throws(() => resolveParameters(doc, { Name: "a", AutomationAssumeRole: "r" }, "java-find"), invalid);
    });

    it("refuses an allowedPattern or allowedValues mismatch in any StringList item", () => {
      const doc = content({ Accounts: { type: "StringList", allowedPattern: "^\\d{12}$" } });
      assert.throws(() => resolveParameters(doc, { Accounts: ["111122223333", "12"] }, "java-find"), invalid);
      const listed = content({ Env: { type: "StringList", allowedValues: ["dev", "prod"] } });
      assert.throws(() => resolveParameters(listed, { Env: ["dev", "test"] }, "java-find"), invalid);
    });

    it("refuses Integer text with anything but digits and a sign, and Booleans other than true and false", () => {
      const doc = content({ Hours: { type: "Integer" }, Urgent: { type: "Boolean", default: false } });
      for (const hours of ["1.5", "1e3", " 4", "", "0x10"]) {
        assert.throws(() => resolveParameters(doc, { Hours: hours }, "java-find"), invalid, hours);
      }
      assert.throws(() => resolveParameters(doc, { Hours: "4", Urgent: "True" }, "java-find"), invalid);
    });

    it("refuses parameter types it does not implement (StringMap, MapList) explicitly", () => {
      assert.throws(
        () => resolveParameters(content({ Tags: { type: "StringMap" } }), { Tags: "{}" }, "java-find"),
        invalid,
      );
    });

    // values.ts resolveParameters ignores minChars, maxChars, minItems and maxItems (SSM document syntax, parameters).
    it("refuses values shorter than minChars, longer than maxChars, and lists outside minItems..maxItems", () => {
      const doc = content({
        Reason: { type: "String", minChars: 10, maxChars: 20, default: "long enough reason" },
        Accounts: { type: "StringList", minItems: 1, maxItems: 2, default: ["1"] },
      });
      assert.throws(() => resolveParameters(doc, { Reason: "short" }, "java-find"), invalid);
      assert.throws(() => resolveParameters(doc, { Reason: "x".repeat(21) }, "java-find"), invalid);
      assert.throws(() => resolveParameters(doc, { Accounts: [] }, "java-find"), invalid);
      assert.throws(() => resolveParameters(doc, { Accounts: ["1", "2", "3"] }, "java-find"), invalid);
    });
  });
});
