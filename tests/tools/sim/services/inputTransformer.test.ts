import assert from "node:assert/strict";
import { AwsError } from "../../../../tools/sim/aws";
import {
  type TransformContext,
  transformInput,
  validateInputTransformer,
} from "../../../../tools/sim/services/inputTransformer";
import { ec2StateChange } from "../support/events";

/** The EC2 event and input paths of "Amazon EventBridge input transformation" (EventBridge User Guide). */
const EC2_EVENT = ec2StateChange({
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  account: "123456789012",
  time: "2015-11-11T21:29:54Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  detail: { "instance-id": "i-0123456789", state: "RUNNING" },
});

const INPUT_PATHS = {
  timestamp: "$.time",
  instance: "$.detail.instance-id",
  state: "$.detail.state",
  resource: "$.resources[0]",
};

const CONTEXT: TransformContext = {
  ruleArn: "arn:aws:events:us-east-2:123456789012:rule/example",
  ruleName: "example",
  ingestionTime: "2015-11-11T21:29:55Z",
};

const transform = (
  inputTemplate: string,
  event: unknown = EC2_EVENT,
  inputPaths: Record<string, string> = INPUT_PATHS,
) => transformInput({ inputPaths, inputTemplate }, event, CONTEXT);

function assertValidation(inputTemplate: string, inputPaths: Record<string, string>, message: RegExp): void {
  assert.throws(
    () => validateInputTransformer({ inputPaths, inputTemplate }, "grant-target"),
    (err: unknown) => err instanceof AwsError && err.code === "ValidationException" && message.test(err.message),
  );
}

describe("EventBridge input transformer", () => {
  describe("the input transform examples of the EventBridge User Guide", () => {
    it("simple string: placeholders inside the quoted template become the raw values", () => {
      assert.equal(transform('"instance <instance> is in <state>"'), '"instance i-0123456789 is in RUNNING"');
    });

    it("simple JSON: unquoted placeholders become JSON strings", () => {
      const output = transform('{ "instance" : <instance>, "state": <state> }');
      assert.equal(output, '{ "instance" : "i-0123456789", "state": "RUNNING" }');
    });

    it("JSON with strings and variables, and with a mix of variables and static values", () => {
      const template = '{"state": "<state>", "instanceStatus": "instance \\"<instance>\\" is in <state>"}';
      assert.deepEqual(JSON.parse(transform(template)), {
        state: "RUNNING",
        instanceStatus: 'instance "i-0123456789" is in RUNNING',
      });
      const mixed = '{ "instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes" }';
      assert.deepEqual(JSON.parse(transform(mixed)), {
        instance: "i-0123456789",
        state: [9, "RUNNING", true],
        Transformed: "Yes",
      });
    });

    it("reads array elements by index ($.resources[0]) and top-level fields ($.time)", () => {
      assert.deepEqual(JSON.parse(transform('{"r": <resource>, "t": <timestamp>}')), {
        r: "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111",
        t: "2015-11-11T21:29:54Z",
      });
    });

    it("fills the reserved variables: rule ARN and name, ingestion time, and the event with and without detail", () => {
      const template =
        '{"ruleArn": <aws.events.rule-arn>, "ruleName": <aws.events.rule-name>, "at": <aws.events.event.ingestion-time>,' +
        ' "original": <aws.events.event.json>, "envelope": <aws.events.event>}';
      const output = JSON.parse(transform(template));
      assert.equal(output.ruleArn, CONTEXT.ruleArn);
      assert.equal(output.ruleName, "example");
      assert.equal(output.at, "2015-11-11T21:29:55Z");
      assert.deepEqual(output.original, EC2_EVENT);
      const { detail: _detail, ...envelope } = EC2_EVENT;
      assert.deepEqual(output.envelope, envelope);
      assert.equal(transform('"<aws.events.rule-name> triggered"'), '"example triggered"');
    });
  });

  describe("quoting", () => {
    const event = { detail: { comment: 'ok","Signal":"Approve', count: 3, valid: true, payload: { a: "x", b: 1 } } };
    const paths = {
      comment: "$.detail.comment",
      count: "$.detail.count",
      valid: "$.detail.valid",
      payload: "$.detail.payload",
    };

    it("inserts a value inside quotes raw and unescaped, so a quote in the event rewrites the template", () => {
      const output = transform('{"Signal":"Reject","Comment":"<comment>"}', event, paths);
      assert.equal(output, '{"Signal":"Reject","Comment":"ok","Signal":"Approve"}');
      assert.equal(JSON.parse(output).Signal, "Approve", "the injected key wins");
    });

    it("inserts a value outside quotes as escaped JSON, so the same quote stays inside its string", () => {
      const output = transform('{"Signal":["Reject"],"Comment":[<comment>]}', event, paths);
      assert.deepEqual(JSON.parse(output), { Signal: ["Reject"], Comment: ['ok","Signal":"Approve'] });
    });

    it("inserts numbers, booleans and objects as JSON outside quotes, and as text inside them", () => {
      assert.deepEqual(JSON.parse(transform('{"n": <count>, "v": <valid>, "p": <payload>}', event, paths)), {
        n: 3,
        v: true,
        p: { a: "x", b: 1 },
      });
      assert.equal(transform('"Command is <valid>!"', event, paths), '"Command is true!"');
      assert.equal(transform('"n=<count> p=<payload>"', event, paths), '"n=3 p={a:x,b:1}"');
    });

    it("fills the project's template shape, one-element lists of unquoted placeholders, with valid JSON", () => {
      const detail = { AccountId: "123456789012", Justification: 'needs "prod" access\\now' };
      const output = transformInput(
        {
          inputPaths: { AccountId: "$.detail.AccountId", Justification: "$.detail.Justification" },
          inputTemplate: '{"AccountId":[<AccountId>],"Justification":[<Justification>],"Note":["literal"]}',
        },
        { detail },
      );
      assert.deepEqual(JSON.parse(output), {
        AccountId: ["123456789012"],
        Justification: ['needs "prod" access\\now'],
        Note: ["literal"],
      });
    });
  });

  describe("paths that find nothing (Common issues with transforming input)", () => {
    const paths = { missing: "$.detail.notinmessage", state: "$.detail.state" };

    it('leaves an unquoted placeholder as an empty JSON string, so [<X>] becomes [""]', () => {
      assert.equal(
        transform('{"command": <missing>, "list": [<missing>]}', EC2_EVENT, paths),
        '{"command": "", "list": [""]}',
      );
    });

    it("leaves a quoted placeholder as empty text", () => {
      assert.equal(transform('"state <state>, command <missing>."', EC2_EVENT, paths), '"state RUNNING, command ."');
    });

    it("finds nothing past the end of an array or through a scalar", () => {
      const more = { beyond: "$.resources[1]", through: "$.detail.state.name" };
      assert.equal(transform("[<beyond>, <through>]", EC2_EVENT, more), '["", ""]');
    });
  });

  describe("validation (as PutTargets checks the transformer)", () => {
    it("refuses a placeholder that is neither an input path nor reserved, in AWS's words", () => {
      assertValidation(
        '"Event of <state> type, with not defined key <notdefinedkey>"',
        { state: "$.detail.state" },
        /^ValidationException: InputTemplate for target grant-target contains invalid placeholder notdefinedkey\.$/,
      );
    });

    it("refuses variable names that are reserved or malformed, and paths in bracket notation", () => {
      assertValidation("<x>", { "aws.events.rule-name": "$.detail" }, /reserved/);
      assertValidation("<x>", { "x y": "$.detail" }, /reserved or does not match/);
      assertValidation("<x>", { x: "detail.state" }, /starting with \$/);
      assertValidation("<x>", { x: "$['detail']" }, /dot notation/);
    });

    it("refuses the whole event inside quotes, which can only be the value of a JSON field", () => {
      assertValidation('{"e": "<aws.events.event.json>"}', {}, /only be the value of a JSON field/);
    });

    it("refuses an empty template and one longer than 8192 characters", () => {
      assertValidation("", {}, /1 to 8192/);
      assertValidation(`"${"x".repeat(8192)}"`, {}, /1 to 8192/);
    });

    it("fails loudly on wildcard paths, which the simulator does not implement", () => {
      assert.throws(
        () => validateInputTransformer({ inputPaths: { all: "$.detail.*" }, inputTemplate: "<all>" }),
        (err: unknown) => !(err instanceof AwsError) && /does not implement wildcards/.test(String(err)),
      );
    });
  });
});
