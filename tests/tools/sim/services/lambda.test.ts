/**
 * The Lambda fake's Invoke: the three invocation types of the Lambda API reference (RequestResponse answers 200 with
 * the payload, Event 202, DryRun 204), the Node.js runtime's error payload, function timeouts, and the asynchronous
 * retries the Lambda Developer Guide describes ("two more times, one minute … then two minutes").
 */
import assert from "node:assert/strict";
import type { ApiInput, Caller } from "../../../../tools/sim/aws";
import { START_TIME, VirtualClock } from "../../../../tools/sim/clock";
import { type Handler, LambdaFake } from "../../../../tools/sim/services/lambda";
import {
  CLOUDTRAIL_SUMMARY_FUNCTION,
  functionArn,
  MANAGEMENT,
  REGION,
  REQUESTER,
  roleArn,
} from "../../../management/iam/fixtures";
import { awsError, GRANT_WORKFLOW } from "../support/aws";

function setUp(handler: Handler, options: { timeoutSeconds?: number } = {}) {
  const clock = new VirtualClock();
  const lambda = new LambdaFake(clock);
  const arn = lambda.createFunction({
    account: MANAGEMENT,
    region: REGION,
    name: CLOUDTRAIL_SUMMARY_FUNCTION,
    handler,
    timeoutSeconds: options.timeoutSeconds ?? 900,
  });
  const invoke = (input: ApiInput, caller = GRANT_WORKFLOW) =>
    lambda.call("Invoke", { FunctionName: CLOUDTRAIL_SUMMARY_FUNCTION, ...input }, caller) as Promise<
      Record<string, unknown>
    >;
  return { clock, lambda, arn, invoke };
}

describe("Lambda fake", () => {
  describe("RequestResponse", () => {
    it("runs the handler with the JSON payload and answers 200 with its result as a JSON string", async () => {
      const { lambda, arn, invoke } = setUp(async (event) => ({ echoed: event }));
      const out = await invoke({ Payload: JSON.stringify({ accountId: "123456789012" }) });
      assert.deepEqual(out, {
        StatusCode: 200,
        Payload: JSON.stringify({ echoed: { accountId: "123456789012" } }),
        ExecutedVersion: "$LATEST",
      });
      assert.equal(typeof out.Payload, "string");
      assert.deepEqual(lambda.invocations, [
        {
          at: START_TIME,
          finishedAt: START_TIME,
          functionArn: arn,
          invocationType: "RequestResponse",
          attempt: 1,
          event: { accountId: "123456789012" },
          result: { echoed: { accountId: "123456789012" } },
        },
      ]);
    });

    it("is the default invocation type, passes {} without a payload, and answers null for no result", async () => {
      const { invoke } = setUp(async (event) => {
        assert.deepEqual(event, {});
        return undefined;
      });
      assert.equal((await invoke({})).Payload, "null");
    });

    it("reports a thrown error as FunctionError Unhandled with the runtime's error payload", async () => {
      const { lambda, invoke } = setUp(async () => {
        throw new TypeError("event field accountId must be an AWS account id");
      });
      const out = await invoke({ Payload: "{}" });
      assert.equal(out.StatusCode, 200);
      assert.equal(out.FunctionError, "Unhandled");
      const payload = JSON.parse(String(out.Payload));
      assert.equal(payload.errorType, "TypeError");
      assert.equal(payload.errorMessage, "event field accountId must be an AWS account id");
      assert.ok(Array.isArray(payload.trace));
      assert.equal(lambda.invocations[0].error?.errorType, "TypeError");
    });

    it("times the handler out after the function's timeout, on the virtual clock", async () => {
      const { clock, invoke } = setUp(() => clock.sleep(10_000).then(() => "late"), { timeoutSeconds: 3 });
      const pending = invoke({});
      await clock.run();
      const out = await pending;
      assert.equal(out.FunctionError, "Unhandled");
      assert.match(String(out.Payload), /Task timed out after 3\.00 seconds/);
      assert.equal(JSON.parse(String(out.Payload)).errorType, "Sandbox.Timedout");
    });

    it("leaves no timer behind when the handler finishes before its timeout", async () => {
      const { clock, invoke } = setUp(async () => "quick");
      await invoke({});
      await clock.settle();
      assert.equal(clock.pending(), 0);
    });
  });

  describe("Event", () => {
    it("answers 202 at once and runs the handler detached", async () => {
      const { clock, lambda, invoke } = setUp(async () => "done");
      const out = await invoke({ InvocationType: "Event", Payload: '{"executionId":"x"}' });
      assert.deepEqual(out, { StatusCode: 202 }, "no payload: the function's response is not waited for");
      assert.equal(lambda.invocations.length, 0);
      await clock.run();
      assert.equal(lambda.invocations.length, 1);
      assert.equal(lambda.invocations[0].invocationType, "Event");
      assert.equal(lambda.invocations[0].result, "done");
    });

    it("retries a failing handler twice, one and then two minutes apart, recording each attempt", async () => {
      const { clock, lambda, invoke } = setUp(async () => {
        throw new Error("SNS is down");
      });
      await invoke({ InvocationType: "Event" });
      await clock.run();
      assert.deepEqual(
        lambda.invocations.map((i) => [i.attempt, i.at - START_TIME, i.error?.errorMessage]),
        [
          [1, 0, "SNS is down"],
          [2, 60_000, "SNS is down"],
          [3, 180_000, "SNS is down"],
        ],
      );
    });

    it("stops retrying once an attempt succeeds", async () => {
      let calls = 0;
      const { clock, lambda, invoke } = setUp(async () => {
        if (++calls === 1) throw new Error("transient");
        return "ok";
      });
      await invoke({ InvocationType: "Event" });
      await clock.run();
      assert.deepEqual(
        lambda.invocations.map((i) => i.result ?? i.error?.errorMessage),
        ["transient", "ok"],
      );
    });
  });

  it("answers DryRun with 204 without running the handler", async () => {
    const { clock, lambda, invoke } = setUp(async () => assert.fail("a dry run must not run the handler"));
    assert.deepEqual(await invoke({ InvocationType: "DryRun" }), { StatusCode: 204 });
    await clock.run();
    assert.equal(lambda.invocations.length, 0);
  });

  describe("function names and errors", () => {
    it("accepts the function name, its ARN and its partial ARN", async () => {
      const { invoke, arn } = setUp(async () => "ok");
      for (const name of [CLOUDTRAIL_SUMMARY_FUNCTION, arn, `${MANAGEMENT}:function:${CLOUDTRAIL_SUMMARY_FUNCTION}`]) {
        assert.equal((await invoke({ FunctionName: name })).StatusCode, 200);
      }
      assert.equal(arn, functionArn(CLOUDTRAIL_SUMMARY_FUNCTION));
      assert.equal((await invoke({ FunctionName: `${arn}:$LATEST` })).StatusCode, 200);
    });

    it("answers ResourceNotFoundException for an unknown function, region or version", async () => {
      const { invoke, arn } = setUp(async () => "ok");
      await assert.rejects(invoke({ FunctionName: "idc-jit-dev-missing" }), awsError("ResourceNotFoundException"));
      await assert.rejects(invoke({ FunctionName: `${arn}:7` }), awsError("ResourceNotFoundException"));
      await assert.rejects(
        invoke({}, { ...GRANT_WORKFLOW, region: "us-east-1" }),
        awsError("ResourceNotFoundException"),
      );
    });

    it("denies a caller in another account", async () => {
      const { invoke, arn } = setUp(async () => "ok");
      const requester: Caller = { ...GRANT_WORKFLOW, account: REQUESTER, roleArn: roleArn(REQUESTER, "r") };
      await assert.rejects(invoke({ FunctionName: arn }, requester), awsError("AccessDeniedException"));
    });

    it("rejects a malformed name, an unknown invocation type and a payload that is not JSON", async () => {
      const { invoke } = setUp(async () => "ok");
      await assert.rejects(invoke({ FunctionName: "{{ Function }}" }), awsError("ValidationException"));
      await assert.rejects(invoke({ InvocationType: "Async" }), awsError("ValidationException"));
      await assert.rejects(invoke({ Payload: "{not json" }), awsError("InvalidRequestContentException"));
    });
  });

  it("refuses APIs it does not implement", async () => {
    const { lambda } = setUp(async () => "ok");
    await assert.rejects(lambda.call("GetFunction", {}, GRANT_WORKFLOW), /does not implement GetFunction/);
  });
});
