/**
 * The engine plays each reading of what AWS does not document about Automation (tools/sim/variants.ts:
 * lambdaStringPayload, unresolvedReferences, isEndOnFailure, allowedPattern), and keeps to the limits AWS does document: an
 * aws:invokeLambdaFunction step runs at most 300 seconds (automation-action-lamb), an Event invocation answers
 * without a payload (Lambda API reference, Invoke), and onCancel never moves to the actions the Automation actions
 * reference lists (aws:sleep among them).
 */
import assert from "node:assert/strict";
import { START_TIME } from "../../../../tools/sim/clock";
import { variantNamed } from "../../../../tools/sim/variants";
import {
  ACCOUNT,
  failing,
  outcome,
  publish,
  REGION,
  run,
  runbook,
  sleep,
  specWorld,
  start,
  step,
} from "../support/automation";
import { awsError } from "../support/aws";

const baseline = variantNamed("baseline");

/** A runbook that invokes `answer` (a function returning `value`) and publishes its Payload output. */
function invoking(invocationType: "RequestResponse" | "Event", extra: Record<string, unknown> = {}) {
  return runbook([
    step(
      "Invoke",
      "aws:invokeLambdaFunction",
      { FunctionName: "answer", InvocationType: invocationType, InputPayload: { a: "1" } },
      { outputs: [{ Name: "Payload", Selector: "$.Payload", Type: "String" }], ...extra },
    ),
    publish("Show", "payload={{ Invoke.Payload }}"),
  ]);
}

async function answering(
  value: unknown,
  variant = baseline,
  invocationType: "RequestResponse" | "Event" = "RequestResponse",
  runsMs = 0,
  extra: Record<string, unknown> = {},
) {
  const spec = specWorld({ variant });
  spec.world.lambda.createFunction({
    account: ACCOUNT,
    region: REGION,
    name: "answer",
    timeoutSeconds: 900,
    handler: async () => {
      if (runsMs > 0) await spec.world.clock.sleep(runsMs, new AbortController().signal);
      return value;
    },
  });
  const x = start(spec.world, invoking(invocationType, extra));
  await spec.world.run();
  return { ...spec, x };
}

describe("Automation engine: the undocumented readings and the documented limits", () => {
  describe("aws:invokeLambdaFunction's Payload (lambdaStringPayload)", () => {
    it("is a string answer's JSON text, quotes and all, under json-text (the baseline)", async () => {
      const ran = await answering("Eligible");
      assert.deepEqual(ran.messages(), ['payload="Eligible"']);
    });

    it("is the bare string under bare-string", async () => {
      const ran = await answering("Eligible", variantNamed("payload-bare-string"));
      assert.deepEqual(ran.messages(), ["payload=Eligible"]);
    });

    it("is an object answer's JSON text under both readings", async () => {
      for (const name of ["baseline", "payload-bare-string"]) {
        const ran = await answering({ verdict: "Eligible" }, variantNamed(name));
        assert.deepEqual(ran.messages(), ['payload={"verdict":"Eligible"}'], name);
      }
    });

    it("is not set by an Event invocation: Lambda answers 202 with no payload", async () => {
      const ran = await answering("queued", baseline, "Event");
      assert.equal(ran.x.status, "Success");
      assert.deepEqual(ran.messages(), ["payload={{ Invoke.Payload }}"], "the reference stays unresolved");
    });
  });

  describe("a step input that refers to a value nobody set (unresolvedReferences)", () => {
    // An Event invocation sets no Payload: the next step's reference to it has nothing to resolve to.
    const unset = (variant: string) => answering("queued", variantNamed(variant), "Event");

    it("keeps the reference as text under left-as-text (the baseline)", async () => {
      const ran = await unset("baseline");
      assert.deepEqual(outcome(ran), {
        status: "Success",
        steps: ["Invoke: Success", "Show: Success"],
        messages: ["payload={{ Invoke.Payload }}"],
      });
    });

    it("fails the step before its action under fail-step, naming the reference", async () => {
      const ran = await unset("unresolved-reference-fails-step");
      assert.deepEqual(outcome(ran), { status: "Failed", steps: ["Invoke: Success", "Show: Failed"], messages: [] });
      assert.match(ran.x.steps[1].FailureMessage ?? "", /unresolved references in the step's inputs: Invoke\.Payload/);
    });

    it("does not fail a step whose value brings `{{ }}` in as text: only the document's own references count", async () => {
      const ran = await answering("{{ typed.by.someone }}", variantNamed("unresolved-reference-fails-step"));
      assert.deepEqual(ran.messages(), ['payload="{{ typed.by.someone }}"']);
    });
  });

  describe("aws:invokeLambdaFunction runs at most 300 seconds", () => {
    it("times the step out at 300 s even when timeoutSeconds says more", async () => {
      const ran = await answering("late", baseline, "RequestResponse", 400_000, { timeoutSeconds: 900 });
      assert.equal(ran.x.status, "TimedOut");
      assert.match(ran.x.steps[0].FailureMessage ?? "", /timed out after 300 s/);
    });

    it("lets timeoutSeconds shorten it", async () => {
      const ran = await answering("late", baseline, "RequestResponse", 90_000, { timeoutSeconds: 60 });
      assert.equal(ran.x.status, "TimedOut");
      assert.match(ran.x.steps[0].FailureMessage ?? "", /timed out after 60 s/);
    });
  });

  describe("a failed step with isEnd (isEndOnFailure)", () => {
    const ending = (onFailure: string) =>
      runbook([
        failing("Last", { isEnd: true, onFailure, isCritical: false }),
        publish("Next", "next in order"),
        publish("Handler", "handled"),
      ]);

    it("ends the execution under ends-execution (the baseline), whatever onFailure names", async () => {
      for (const onFailure of ["step:Handler", "Continue"]) {
        const ran = await run(ending(onFailure));
        assert.deepEqual(outcome(ran), { status: "Success", steps: ["Last: Failed"], messages: [] }, onFailure);
      }
    });

    it("follows onFailure under follows-on-failure: to the step named, or on to the next step in order", async () => {
      const variant = variantNamed("is-end-follows-on-failure");
      const toHandler = await run(ending("step:Handler"), { variant });
      assert.deepEqual(toHandler.messages(), ["handled"]);
      const onward = await run(ending("Continue"), { variant });
      assert.deepEqual(onward.messages(), ["next in order", "handled"]);
    });

    it("ends with Abort under both readings", async () => {
      for (const name of ["baseline", "is-end-follows-on-failure"]) {
        const ran = await run(ending("Abort"), { variant: variantNamed(name) });
        assert.deepEqual(outcome(ran), { status: "Failed", steps: ["Last: Failed"], messages: [] }, name);
      }
    });
  });

  describe("allowedPattern at StartAutomationExecution", () => {
    const echo = (allowedPattern: string) =>
      runbook([publish("Echo", "{{ Name }}")], { parameters: { Name: { type: "String", allowedPattern } } });
    const invalid = awsError("InvalidAutomationExecutionParametersException");
    const admits = (variant: string, pattern: string, value: string) => {
      const { world } = specWorld({ variant: variantNamed(variant) });
      try {
        start(world, echo(pattern), { Name: value });
        return true;
      } catch (err) {
        assert.throws(() => {
          throw err;
        }, invalid);
        return false;
      }
    };

    it("admits a value ending in a line terminator past a bare $ under Java's find only", () => {
      assert.equal(admits("baseline", "^\\d{12}$", "123456789012\n"), true);
      assert.equal(admits("pattern-java-matches", "^\\d{12}$", "123456789012\n"), false);
      assert.equal(admits("pattern-javascript", "^\\d{12}$", "123456789012\n"), false);
    });

    it("refuses it under every reading once $ is followed by (?![\\s\\S])", () => {
      for (const variant of ["baseline", "pattern-java-matches", "pattern-javascript"]) {
        assert.equal(admits(variant, "^\\d{12}$(?![\\s\\S])", "123456789012\n"), false, variant);
        assert.equal(admits(variant, "^\\d{12}$(?![\\s\\S])", "123456789012"), true, variant);
      }
    });

    it("searches under Java's find and JavaScript, and matches the whole value under Java's matches", () => {
      assert.equal(admits("baseline", "[a-z]+", "abc;rm"), true);
      assert.equal(admits("pattern-javascript", "[a-z]+", "abc;rm"), true);
      assert.equal(admits("pattern-java-matches", "[a-z]+", "abc;rm"), false);
    });
  });

  describe("onCancel", () => {
    it("never moves to an aws:sleep: the execution ends Cancelled without running it, naming why", async () => {
      const spec = specWorld();
      const x = start(
        spec.world,
        runbook([
          sleep("Wait", { Duration: "PT1H" }, { onCancel: "step:Pause" }),
          sleep("Pause", { Duration: "PT1S" }),
          publish("After", "after"),
        ]),
      );
      await spec.world.run(START_TIME + 60_000);
      spec.world.engine.stop(x.id);
      await spec.world.run();
      assert.equal(x.status, "Cancelled");
      assert.deepEqual(
        x.steps.map((st) => st.StepName),
        ["Wait"],
      );
      assert.match(
        x.failureMessage ?? "",
        /onCancel names Pause, an aws:sleep step, which Automation does not move to/,
      );
    });
  });
});
