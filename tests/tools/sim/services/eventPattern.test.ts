import assert from "node:assert/strict";
import { AwsError } from "../../../../tools/sim/aws";
import { matchesPattern, validatePattern } from "../../../../tools/sim/services/eventPattern";
import { ec2StateChange } from "../support/events";

/** The EC2 event of "Amazon EventBridge event patterns" (EventBridge User Guide). */
const EC2_TERMINATED = ec2StateChange({
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": "i-1234567890abcdef0", state: "terminated" },
});

/** The sample event of the aws/event-ruler README, which the content filtering examples are written against. */
const RULER_EVENT = {
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  time: "2017-10-02T16:24:49Z",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
  detail: { "c-count": 5, "d-count": 3, "x-limit": 301.8, "instance-id": "i-000000aaaaaa00000", state: "running" },
};

const withDetail = (detail: Record<string, unknown>) => ({
  ...RULER_EVENT,
  detail: { ...RULER_EVENT.detail, ...detail },
});

function assertInvalid(pattern: unknown, reason: RegExp): void {
  assert.throws(
    () => validatePattern(pattern),
    (err: unknown) =>
      err instanceof AwsError && err.code === "InvalidEventPatternException" && reason.test(err.message),
  );
}

describe("EventBridge event patterns", () => {
  describe("matching (examples of the EventBridge User Guide)", () => {
    it("matches the instance-termination example, and not the same event for a running instance", () => {
      const pattern = {
        source: ["aws.ec2"],
        "detail-type": ["EC2 Instance State-change Notification"],
        detail: { state: ["terminated"] },
      };
      assert.equal(matchesPattern(pattern, EC2_TERMINATED), true);
      assert.equal(matchesPattern(pattern, { ...EC2_TERMINATED, detail: { state: "running" } }), false);
    });

    it("needs every field the pattern names, at the same nesting; a field absent from the event does not match", () => {
      assert.equal(matchesPattern({ detail: { state: ["terminated"] } }, EC2_TERMINATED), true);
      assert.equal(matchesPattern({ state: ["terminated"] }, EC2_TERMINATED), false);
      assert.equal(matchesPattern({ detail: { missing: ["x"] } }, EC2_TERMINATED), false);
      assert.equal(matchesPattern({ detail: { state: [{ "anything-but": "running" }] } }, { detail: {} }), false);
    });

    it("matches any of the listed values (source is aws.ec2 or aws.fargate)", () => {
      assert.equal(matchesPattern({ source: ["aws.ec2", "aws.fargate"] }, EC2_TERMINATED), true);
      assert.equal(matchesPattern({ source: ["aws.fargate"] }, EC2_TERMINATED), false);
    });

    it("matches null and empty strings, which are not interchangeable (null values page)", () => {
      const event = { source: "aws.autoscaling", detail: { eventVersion: "", responseElements: null } };
      assert.equal(matchesPattern({ detail: { eventVersion: [""] } }, event), true);
      assert.equal(matchesPattern({ detail: { responseElements: [null] } }, event), true);
      assert.equal(matchesPattern({ detail: { responseElements: [""] } }, event), false);
      assert.equal(matchesPattern({ detail: { eventVersion: [null] } }, event), false);
    });

    it("matches numbers and nested objects: the Macie finding with severity score 1 and count 2", () => {
      const finding = {
        source: "aws.macie",
        "detail-type": "Macie Finding",
        detail: { severity: { score: 1 }, count: 2 },
      };
      const pattern = { source: ["aws.macie"], detail: { severity: { score: [1] }, count: [2] } };
      assert.equal(matchesPattern(pattern, finding), true);
      assert.equal(matchesPattern({ detail: { count: [3] } }, finding), false);
    });

    it("compares values by type: a string never matches a number or boolean of the same text", () => {
      const event = { detail: { n: 5, flag: true, text: "true" } };
      assert.equal(matchesPattern({ detail: { n: ["5"] } }, event), false);
      assert.equal(matchesPattern({ detail: { flag: ["true"] } }, event), false);
      assert.equal(matchesPattern({ detail: { text: [true] } }, event), false);
      assert.equal(matchesPattern({ detail: { flag: [true], n: [5] } }, event), true);
    });

    it("matches an array in the event when any element matches (the resources example of the arrays page)", () => {
      const pattern = {
        resources: [
          "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
          "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
        ],
      };
      const event = {
        resources: [
          "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b:autoScalingGroupName/ASGTerminate",
          "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        ],
      };
      assert.equal(matchesPattern(pattern, event), true);
      assert.equal(matchesPattern(pattern, { resources: [event.resources[0]] }), false);
    });

    it("matches fields of one array element together, never fields of different elements (event-ruler README)", () => {
      const event = {
        employees: [
          [
            { firstName: "John", lastName: "Doe", ids: [1234, 1000, 9999] },
            { firstName: "Anna", lastName: "Smith" },
          ],
          [{ firstName: "Peter", lastName: "Jones", ids: [] }],
        ],
      };
      assert.equal(matchesPattern({ employees: { firstName: ["Anna"] } }, event), true);
      assert.equal(matchesPattern({ employees: { firstName: ["John"], ids: [1000] } }, event), true);
      assert.equal(matchesPattern({ employees: { firstName: ["Anna"], ids: [{ exists: false }] } }, event), true);
      assert.equal(matchesPattern({ employees: { firstName: ["Anna"], lastName: ["Jones"] } }, event), false);
      assert.equal(matchesPattern({ employees: { firstName: ["Anna"], ids: [{ exists: true }] } }, event), false);
      assert.equal(matchesPattern({ employees: ["b"] }, event), false);
    });
  });

  describe("content filtering (Content filtering in Amazon EventBridge event patterns)", () => {
    it("prefix: time starting with 2017-10-02, also ignoring case", () => {
      assert.equal(matchesPattern({ time: [{ prefix: "2017-10-02" }] }, RULER_EVENT), true);
      assert.equal(matchesPattern({ time: [{ prefix: "2017-10-03" }] }, RULER_EVENT), false);
      const service = (s: string) => ({ detail: { service: s } });
      const pattern = { detail: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] } };
      assert.equal(matchesPattern(pattern, service("eventbridge")), true);
      assert.equal(matchesPattern(pattern, service("EVENTBRIDGE")), true);
      assert.equal(matchesPattern(pattern, service("sns")), false);
      assert.equal(matchesPattern({ detail: { "c-count": [{ prefix: "5" }] } }, RULER_EVENT), false, "numbers");
    });

    it("suffix: FileName ending with .png, also ignoring case", () => {
      const file = (name: string) => ({ FileName: name });
      assert.equal(matchesPattern({ FileName: [{ suffix: ".png" }] }, file("photo.png")), true);
      assert.equal(matchesPattern({ FileName: [{ suffix: ".png" }] }, file("photo.PNG")), false);
      assert.equal(
        matchesPattern({ FileName: [{ suffix: { "equals-ignore-case": ".png" } }] }, file("photo.PNG")),
        true,
      );
      assert.equal(matchesPattern({ FileName: [{ suffix: ".png" }] }, file("photo.jpg")), false);
    });

    it("anything-but a string, a number, or a list of either", () => {
      const state = (s: string) => withDetail({ state: s });
      assert.equal(matchesPattern({ detail: { state: [{ "anything-but": "initializing" }] } }, state("running")), true);
      assert.equal(
        matchesPattern({ detail: { state: [{ "anything-but": "initializing" }] } }, state("initializing")),
        false,
      );
      const list = { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } };
      assert.equal(matchesPattern(list, state("running")), true);
      assert.equal(matchesPattern(list, state("overloaded")), false);
      const limit = (n: number) => withDetail({ "x-limit": n });
      assert.equal(matchesPattern({ detail: { "x-limit": [{ "anything-but": 123 }] } }, limit(301.8)), true);
      assert.equal(matchesPattern({ detail: { "x-limit": [{ "anything-but": 123 }] } }, limit(123)), false);
      assert.equal(matchesPattern({ detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } }, limit(200)), false);
    });

    it("anything-but a prefix, a suffix, a value in any case, or a wildcard", () => {
      const state = (s: string) => withDetail({ state: s });
      const notInit = { detail: { state: [{ "anything-but": { prefix: "init" } }] } };
      assert.equal(matchesPattern(notInit, state("running")), true);
      assert.equal(matchesPattern(notInit, state("initializing")), false);
      const notPng = { FileName: [{ "anything-but": { suffix: ".png" } }] };
      assert.equal(matchesPattern(notPng, { FileName: "a.jpg" }), true);
      assert.equal(matchesPattern(notPng, { FileName: "a.png" }), false);
      const notStopped = {
        detail: { state: [{ "anything-but": { "equals-ignore-case": ["Stopped", "OverLoaded"] } }] },
      };
      assert.equal(matchesPattern(notStopped, state("STOPPED")), false);
      assert.equal(matchesPattern(notStopped, state("running")), true);
      const notLib = { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] };
      assert.equal(matchesPattern(notLib, { FilePath: "/usr/lib/x.so" }), false);
      assert.equal(matchesPattern(notLib, { FilePath: "/usr/bin/x" }), true);
    });

    it("numeric: the c-count, d-count and x-limit example matches only numbers in every range", () => {
      const pattern = {
        detail: {
          "c-count": [{ numeric: [">", 0, "<=", 5] }],
          "d-count": [{ numeric: ["<", 10] }],
          "x-limit": [{ numeric: ["=", 3.018e2] }],
        },
      };
      assert.equal(matchesPattern(pattern, RULER_EVENT), true);
      assert.equal(matchesPattern(pattern, withDetail({ "c-count": 6 })), false);
      assert.equal(matchesPattern(pattern, withDetail({ "c-count": 0 })), false);
      assert.equal(matchesPattern(pattern, withDetail({ "d-count": 10 })), false);
      assert.equal(matchesPattern(pattern, withDetail({ "c-count": "5" })), false, "a numeric string is not a number");
    });

    it("exists: true needs the field, false needs it absent (the detail.state example)", () => {
      const pending = { detail: { "instance-id": "i-abcd1111", state: "pending" } };
      const withoutState = { detail: { "c-count": { c1: 100 } } };
      assert.equal(matchesPattern({ detail: { state: [{ exists: true }] } }, pending), true);
      assert.equal(matchesPattern({ detail: { state: [{ exists: true }] } }, withoutState), false);
      assert.equal(matchesPattern({ detail: { state: [{ exists: false }] } }, withoutState), true);
      assert.equal(matchesPattern({ detail: { state: [{ exists: false }] } }, pending), false);
      assert.equal(matchesPattern({ detail: { state: [{ exists: false }] } }, {}), true, "no detail at all");
    });

    it("exists works on leaves only: a field holding an object counts as absent (event-ruler README)", () => {
      const event = { detail: { "c-count": { c1: 100 } } };
      assert.equal(matchesPattern({ detail: { "c-count": [{ exists: false }] } }, event), true);
      assert.equal(matchesPattern({ detail: { "c-count": [{ exists: true }] } }, event), false);
    });

    it("equals-ignore-case: detail-type in any case", () => {
      const pattern = { "detail-type": [{ "equals-ignore-case": "ec2 instance state-change notification" }] };
      assert.equal(matchesPattern(pattern, EC2_TERMINATED), true);
      assert.equal(matchesPattern(pattern, { "detail-type": "EC2 Instance Launch" }), false);
    });

    it("wildcard: any .png under dir, with an escaped * matching itself", () => {
      const pattern = { FileName: [{ wildcard: "dir/*.png" }] };
      assert.equal(matchesPattern(pattern, { FileName: "dir/a/b.png" }), true);
      assert.equal(matchesPattern(pattern, { FileName: "other/b.png" }), false);
      assert.equal(
        matchesPattern({ source: [{ wildcard: "Simple*Service" }] }, { source: "SimpleQueueService" }),
        true,
      );
      assert.equal(matchesPattern({ name: [{ wildcard: "a\\*b" }] }, { name: "a*b" }), true);
      assert.equal(matchesPattern({ name: [{ wildcard: "a\\*b" }] }, { name: "axb" }), false);
    });

    it("combines operators: the complex example of prefix, anything-but and numeric", () => {
      const pattern = {
        time: [{ prefix: "2017-10-02" }],
        detail: {
          state: [{ "anything-but": "initializing" }],
          "c-count": [{ numeric: [">", 0, "<=", 5] }],
          "d-count": [{ numeric: ["<", 10] }],
          "x-limit": [{ "anything-but": [100, 200, 300] }],
        },
      };
      assert.equal(matchesPattern(pattern, RULER_EVENT), true);
      assert.equal(matchesPattern(pattern, withDetail({ state: "initializing" })), false);
    });

    it("$or: matches when any of c-count, d-count or x-limit matches, and fails when none does", () => {
      const pattern = {
        detail: {
          $or: [
            { "c-count": [{ numeric: [">", 0, "<=", 5] }] },
            { "d-count": [{ numeric: ["<", 10] }] },
            { "x-limit": [{ numeric: ["=", 3.018e2] }] },
          ],
        },
      };
      assert.equal(matchesPattern(pattern, withDetail({ "c-count": 50, "d-count": 50 })), true, "x-limit");
      assert.equal(matchesPattern(pattern, withDetail({ "c-count": 50, "x-limit": 1 })), true, "d-count");
      assert.equal(matchesPattern(pattern, withDetail({ "c-count": 50, "d-count": 50, "x-limit": 1 })), false);
    });
  });

  describe("validation (PutRule refuses malformed patterns with InvalidEventPatternException)", () => {
    it("refuses a field whose value is neither a list of values nor an object", () => {
      assertInvalid({ source: "aws.ec2" }, /source: must be an array/);
      assertInvalid({ detail: { state: 5 } }, /detail\.state: must be an array/);
      assertInvalid("source", /must be a JSON object/);
    });

    it("refuses empty patterns, empty lists and nested lists", () => {
      assertInvalid({}, /at least one field/);
      assertInvalid({ detail: {} }, /detail: must name at least one field/);
      assertInvalid({ source: [] }, /at least one value/);
      assertInvalid({ source: [["aws.ec2"]] }, /cannot match/);
    });

    it("refuses unknown operators and operator objects with more than one key", () => {
      assertInvalid({ source: [{ contains: "ec2" }] }, /unknown operator "contains"/);
      assertInvalid({ source: [{ prefix: "aws.", suffix: "ec2" }] }, /exactly one key/);
      assertInvalid({ source: [{ exists: "yes" }] }, /exists takes true or false/);
    });

    it("refuses malformed numeric, wildcard and anything-but operands", () => {
      assertInvalid({ n: [{ numeric: [">", "0"] }] }, /numeric takes/);
      assertInvalid({ n: [{ numeric: ["<", 5, ">", 0] }] }, /numeric takes/);
      assertInvalid({ n: [{ numeric: [">", 5, "<", 5] }] }, /range is empty/);
      assertInvalid({ s: [{ wildcard: "a**b" }] }, /consecutive wildcards/);
      assertInvalid({ s: [{ wildcard: "a\\b" }] }, /invalid escape/);
      assertInvalid({ s: [{ "anything-but": ["a", 1] }] }, /only strings or only numbers/);
      assertInvalid({ s: [{ "anything-but": { prefix: "" } }] }, /non-empty string/);
    });

    it("refuses $or with fewer than two alternatives", () => {
      assertInvalid({ $or: [{ source: ["aws.ec2"] }] }, /\$or: must be an array of at least two/);
    });

    it("fails loudly on cidr, which the simulator does not implement", () => {
      assert.throws(
        () => validatePattern({ ip: [{ cidr: "10.0.0.0/24" }] }),
        (err: unknown) => !(err instanceof AwsError) && /does not implement cidr/.test(String(err)),
      );
    });

    it("matchesPattern validates too, so a malformed pattern never silently matches nothing", () => {
      assert.throws(() => matchesPattern({ source: "aws.ec2" }, EC2_TERMINATED), /InvalidEventPatternException/);
    });
  });
});
