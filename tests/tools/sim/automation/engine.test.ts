/**
 * The Automation semantics the simulator's engine implements, shown on small hand-written runbooks. Where a test
 * cites AWS, it is the Systems Manager User Guide: "Systems Manager Automation actions reference" (Properties shared
 * by all actions), "Handling timeouts in runbooks", and each action's page (aws:sleep, aws:branch, aws:approve).
 */
import assert from "node:assert/strict";
import { CALL_LATENCY_MS, POLL_INTERVAL_MS } from "../../../../tools/sim/automation/actions";
import { parseDocument } from "../../../../tools/sim/automation/document";
import { CANCELLATION_BUDGET_MS, DEFAULT_TIMEOUT_MS, STEP_OVERHEAD_MS } from "../../../../tools/sim/automation/engine";
import type { Execution } from "../../../../tools/sim/automation/execution";
import type { Caller } from "../../../../tools/sim/aws";
import { START_TIME } from "../../../../tools/sim/clock";
import type { Fault } from "../../../../tools/sim/faults";
import { identityCenterSession } from "../../../../tools/sim/identities";
import type { World } from "../../../../tools/sim/world";
import {
  ACCOUNT,
  awsError,
  DOCUMENT,
  REGION,
  runToEnd,
  STARTER,
  specWorld,
  start,
  stepNames,
  stepOf,
  TOPIC,
} from "../support/automation";

/** The inputs of an aws:executeAwsApi step that publishes to TOPIC (add `Message`). */
const PUBLISH = `Service: sns, Api: Publish, TopicArn: "${TOPIC}"`;
/** The inputs of an aws:executeAwsApi step that fails: the parameter does not exist (ParameterNotFound). */
const FAILING = "Service: ssm, Api: GetParameter, Name: /spec/missing";
const HOUR = 3600_000;
const DAY = 24 * HOUR;

const at = (ms: number) => START_TIME + ms;
const faultAt = (step: string, kind: Fault["kind"]): Fault => ({ document: DOCUMENT, step, kind });
const role = (name: string, sessionName = name.toLowerCase()): Caller => ({
  account: ACCOUNT,
  region: REGION,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
  sessionName,
});
const publishCalls = (world: World) => world.calls.filter((c) => c.api === "Publish");

describe("Automation engine", () => {
  describe("step order", () => {
    it("runs mainSteps in document order and ends Success", async () => {
      const { world, messages } = specWorld();
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: First
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: first }
          - name: Second
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: second }
        `,
      );
      assert.equal(x.status, "Success");
      assert.deepEqual(stepNames(x), ["First", "Second"]);
      assert.deepEqual(messages(), ["first", "second"]);
      assert.ok(x.steps.every((s) => s.StepStatus === "Success" && s.Attempts === 1));
    });

    it("follows nextStep to the named step, skipping the steps in between", async () => {
      const { world, messages } = specWorld();
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: First
            action: aws:executeAwsApi
            nextStep: Third
            inputs: { ${PUBLISH}, Message: first }
          - name: Second
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: second }
          - name: Third
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: third }
        `,
      );
      assert.equal(x.status, "Success");
      assert.deepEqual(stepNames(x), ["First", "Third"]);
      assert.deepEqual(messages(), ["first", "third"]);
    });

    it("ends the execution after a step with isEnd, whatever follows it", async () => {
      const { world, messages } = specWorld();
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: First
            action: aws:executeAwsApi
            isEnd: true
            inputs: { ${PUBLISH}, Message: first }
          - name: Second
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: second }
        `,
      );
      assert.equal(x.status, "Success");
      assert.deepEqual(stepNames(x), ["First"]);
      assert.deepEqual(messages(), ["first"]);
    });

    it("ends the execution after a step with isEnd that failed too (reference: 'failed or succeeded')", async () => {
      const { world, messages } = specWorld();
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Read
            action: aws:executeAwsApi
            isEnd: true
            onFailure: Continue
            isCritical: false
            inputs: { ${FAILING} }
          - name: Notify
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: not sent }
        `,
      );
      assert.equal(x.status, "Success");
      assert.deepEqual(stepNames(x), ["Read"]);
      assert.equal(stepOf(x, "Read").StepStatus, "Failed");
      assert.deepEqual(messages(), []);
    });

    it("treats a nextStep that names no step as an explicit simulator error", async () => {
      const { world } = specWorld();
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: First
            action: aws:sleep
            nextStep: Nowhere
            inputs: { Duration: PT1S }
        `,
      );
      assert.equal(x.status, "Failed");
      assert.match(x.failureMessage ?? "", /^simulator error: .*step Nowhere does not exist/);
    });
  });

  describe("onFailure", () => {
    it("Abort (the default) ends the execution Failed at the failing step", async () => {
      const { world, messages } = specWorld();
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Read
            action: aws:executeAwsApi
            inputs: { ${FAILING} }
          - name: Notify
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: not sent }
        `,
      );
      assert.equal(x.status, "Failed");
      assert.deepEqual(stepNames(x), ["Read"]);
      assert.equal(stepOf(x, "Read").StepStatus, "Failed");
      assert.match(stepOf(x, "Read").FailureMessage ?? "", /ParameterNotFound/);
      assert.match(x.failureMessage ?? "", /^Read: ParameterNotFound/);
      assert.deepEqual(messages(), []);
    });

    it("Continue goes on with the next step; a critical step's failure still fails the execution at the end", async () => {
      const { world, messages } = specWorld();
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Read
            action: aws:executeAwsApi
            onFailure: Continue
            isCritical: true
            inputs: { ${FAILING} }
          - name: Notify
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: sent anyway }
        `,
      );
      assert.deepEqual(stepNames(x), ["Read", "Notify"]);
      assert.deepEqual(messages(), ["sent anyway"]);
      assert.equal(x.status, "Failed");
      assert.match(x.failureMessage ?? "", /^Read: ParameterNotFound/);
    });

    it("step:X goes to step X; the failed step is critical by default, so the execution ends Failed", async () => {
      const { world, messages } = specWorld();
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Read
            action: aws:executeAwsApi
            onFailure: step:Recover
            inputs: { ${FAILING} }
          - name: Notify
            action: aws:executeAwsApi
            isEnd: true
            inputs: { ${PUBLISH}, Message: not sent }
          - name: Recover
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: recovered }
        `,
      );
      assert.deepEqual(stepNames(x), ["Read", "Recover"]);
      assert.deepEqual(messages(), ["recovered"]);
      assert.equal(x.status, "Failed");
    });

    // Engine bug (engine.ts walk: `step.isCritical !== false`): isCritical defaults to false when onFailure is Continue.
    it("Continue without isCritical makes the step non-critical (reference: 'If onFailure is set to Continue, the value defaults to false')", async () => {
      const { world, messages } = specWorld();
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Read
            action: aws:executeAwsApi
            onFailure: Continue
            inputs: { ${FAILING} }
          - name: Notify
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: sent }
        `,
      );
      assert.deepEqual(messages(), ["sent"]);
      assert.equal(x.status, "Success");
    });
  });

  describe("isCritical: false", () => {
    it("lets the execution succeed although the step failed (with onFailure Continue)", async () => {
      const { world, messages } = specWorld();
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Read
            action: aws:executeAwsApi
            onFailure: Continue
            isCritical: false
            inputs: { ${FAILING} }
          - name: Notify
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: sent }
        `,
      );
      assert.equal(stepOf(x, "Read").StepStatus, "Failed");
      assert.deepEqual(messages(), ["sent"]);
      assert.equal(x.status, "Success");
      assert.equal(x.failureMessage, undefined);
    });

    it("lets the execution succeed after its onFailure step:X recovered", async () => {
      const { world, messages } = specWorld();
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Read
            action: aws:executeAwsApi
            onFailure: step:Recover
            isCritical: false
            inputs: { ${FAILING} }
          - name: Recover
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: recovered }
        `,
      );
      assert.deepEqual(messages(), ["recovered"]);
      assert.equal(x.status, "Success");
    });
  });

  describe("maxAttempts", () => {
    const retried = `
      schemaVersion: "0.3"
      mainSteps:
        - name: Notify
          action: aws:executeAwsApi
          maxAttempts: 3
          inputs: { ${PUBLISH}, Message: hello }
    `;

    it("retries a throttled call: the second attempt succeeds and the message is published once", async () => {
      const { world, messages } = specWorld({ faults: [faultAt("Notify", "throttle")] });
      const x = await runToEnd(world, retried);
      assert.equal(x.status, "Success");
      assert.equal(stepOf(x, "Notify").Attempts, 2);
      assert.deepEqual(
        publishCalls(world).map((c) => c.error?.code),
        ["ThrottlingException", undefined],
      );
      assert.deepEqual(messages(), ["hello"]);
    });

    it("makes one attempt when maxAttempts is not given, so a throttled call fails the step", async () => {
      const { world } = specWorld({ faults: [faultAt("Notify", "throttle")] });
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Notify
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: hello }
        `,
      );
      assert.equal(x.status, "Failed");
      assert.equal(stepOf(x, "Notify").Attempts, 1);
      assert.match(stepOf(x, "Notify").FailureMessage ?? "", /ThrottlingException/);
    });

    it("fails the step only after every attempt failed, with the last attempt's error", async () => {
      const { world, messages } = specWorld({ faults: [faultAt("Notify", "error")] });
      const x = await runToEnd(world, retried);
      assert.equal(x.status, "Failed");
      assert.equal(stepOf(x, "Notify").StepStatus, "Failed");
      assert.equal(stepOf(x, "Notify").Attempts, 3);
      assert.match(stepOf(x, "Notify").FailureMessage ?? "", /InternalFailure/);
      assert.deepEqual(
        publishCalls(world).map((c) => c.error?.code),
        ["InternalFailure", "InternalFailure", "InternalFailure"],
      );
      assert.deepEqual(messages(), []);
    });
  });

  describe("timeoutSeconds", () => {
    const waitForReady = (properties: string) => `
      schemaVersion: "0.3"
      mainSteps:
        - name: WaitUntilReady
          action: aws:waitForAwsResourceProperty
          ${properties}
          inputs:
            Service: ssm
            Api: GetParameter
            Name: /spec/state
            PropertySelector: $.Parameter.Value
            DesiredValues: [ready]
        - name: Recover
          action: aws:executeAwsApi
          inputs: { ${PUBLISH}, Message: after the wait }
    `;

    function stateParameter(world: World, readyAt?: number): void {
      world.parameters.setParameter(ACCOUNT, REGION, "/spec/state", "pending");
      if (readyAt !== undefined) {
        world.clock.at(readyAt, () => world.parameters.setParameter(ACCOUNT, REGION, "/spec/state", "ready"));
      }
    }

    it("aws:waitForAwsResourceProperty polls until the property has a desired value", async () => {
      const { world, messages } = specWorld();
      stateParameter(world, at(20_000));
      const x = await runToEnd(world, waitForReady("timeoutSeconds: 60"));
      assert.equal(stepOf(x, "WaitUntilReady").StepStatus, "Success");
      const ended = stepOf(x, "WaitUntilReady").ExecutionEndTime!.getTime();
      assert.ok(ended >= at(20_000) && ended <= at(20_000 + POLL_INTERVAL_MS + 2 * CALL_LATENCY_MS));
      assert.ok(world.calls.filter((c) => c.api === "GetParameter").length > 2);
      assert.deepEqual(messages(), ["after the wait"]);
      assert.equal(x.status, "Success");
    });

    it("times the step out after timeoutSeconds: step and execution end TimedOut", async () => {
      const { world, messages } = specWorld();
      stateParameter(world);
      const x = await runToEnd(world, waitForReady("timeoutSeconds: 60"));
      assert.equal(stepOf(x, "WaitUntilReady").StepStatus, "TimedOut");
      assert.equal(x.status, "TimedOut");
      assert.equal(x.endTime?.getTime(), at(STEP_OVERHEAD_MS + 60_000));
      assert.deepEqual(messages(), []);
    });

    it("gives aws:waitForAwsResourceProperty a one-hour timeout by default", async () => {
      const { world } = specWorld();
      stateParameter(world);
      const x = await runToEnd(world, waitForReady(""));
      assert.equal(DEFAULT_TIMEOUT_MS["aws:waitForAwsResourceProperty"], HOUR);
      assert.equal(x.status, "TimedOut");
      assert.equal(x.endTime?.getTime(), at(STEP_OVERHEAD_MS + HOUR));
    });

    it("does not affect the execution's status with isCritical false and onFailure step:X (Handling timeouts example)", async () => {
      const { world, messages } = specWorld();
      stateParameter(world);
      const x = await runToEnd(
        world,
        waitForReady("timeoutSeconds: 60\n          isCritical: false\n          onFailure: step:Recover"),
      );
      assert.equal(stepOf(x, "WaitUntilReady").StepStatus, "TimedOut");
      assert.deepEqual(messages(), ["after the wait"]);
      assert.equal(x.status, "Success");
    });

    // Engine bug (engine.ts attempt(): a timed-out attempt returns TimedOut at once instead of trying the next one).
    it("retries a timed-out attempt while maxAttempts allows (reference: 'not considered to have timed out until all retries have been attempted')", async () => {
      const { world } = specWorld();
      stateParameter(world, at(45_000));
      const x = await runToEnd(world, waitForReady("timeoutSeconds: 30\n          maxAttempts: 2"));
      assert.equal(stepOf(x, "WaitUntilReady").Attempts, 2);
      assert.equal(stepOf(x, "WaitUntilReady").StepStatus, "Success");
      assert.equal(x.status, "Success");
    });
  });

  describe("cancellation (StopAutomationExecution)", () => {
    const waitThen = (onCancel: string, cleanup: string) => `
      schemaVersion: "0.3"
      mainSteps:
        - name: Wait
          action: aws:sleep
          ${onCancel}
          inputs: { Duration: PT1H }
        - name: Skipped
          action: aws:executeAwsApi
          isEnd: true
          inputs: { ${PUBLISH}, Message: not after a cancel }
        - name: Cleanup
          action: aws:sleep
          inputs: { Duration: ${cleanup} }
        - name: Notify
          action: aws:executeAwsApi
          inputs: { ${PUBLISH}, Message: cleaned up }
    `;

    it("without onCancel, cancels the running step and ends the execution Cancelled at once", async () => {
      const { world, messages } = specWorld();
      const x = start(world, waitThen("", "PT30S"));
      await world.run(at(60_000));
      assert.equal(x.status, "InProgress");
      world.engine.stop(x.id);
      await world.run();
      assert.equal(x.status, "Cancelled");
      assert.deepEqual(stepNames(x), ["Wait"]);
      assert.equal(stepOf(x, "Wait").StepStatus, "Cancelled");
      assert.equal(x.endTime?.getTime(), at(60_000));
      assert.deepEqual(messages(), []);
    });

    it("with onCancel step:X, is Cancelling while it runs X onwards, then ends Cancelled", async () => {
      const { world, messages } = specWorld();
      const x = start(world, waitThen("onCancel: step:Cleanup", "PT30S"));
      await world.run(at(60_000));
      world.engine.stop(x.id);
      await world.run(at(70_000));
      assert.equal(x.status, "Cancelling");
      assert.equal(x.currentStep, "Cleanup");
      await world.run();
      assert.equal(x.status, "Cancelled");
      assert.deepEqual(
        x.steps.map((s) => [s.StepName, s.StepStatus]),
        [
          ["Wait", "Cancelled"],
          ["Cleanup", "Success"],
          ["Notify", "Success"],
        ],
      );
      assert.deepEqual(messages(), ["cleaned up"]);
    });

    it("cuts the cancellation workflow after CANCELLATION_BUDGET_MS (two minutes) of virtual time", async () => {
      const { world, messages } = specWorld();
      const x = start(world, waitThen("onCancel: step:Cleanup", "PT10M"));
      await world.run(at(60_000));
      world.engine.stop(x.id);
      await world.run();
      assert.equal(CANCELLATION_BUDGET_MS, 120_000);
      assert.equal(x.status, "Cancelled");
      assert.equal(stepOf(x, "Cleanup").StepStatus, "Cancelled");
      assert.deepEqual(stepNames(x), ["Wait", "Cleanup"]);
      assert.equal(x.endTime?.getTime(), at(60_000 + CANCELLATION_BUDGET_MS));
      assert.deepEqual(messages(), []);
    });

    it("refuses a second stop while Cancelling (InvalidAutomationStatusUpdateException)", async () => {
      const { world, messages } = specWorld();
      const x = start(world, waitThen("onCancel: step:Cleanup", "PT30S"));
      await world.run(at(60_000));
      world.engine.stop(x.id);
      await world.run(at(70_000));
      assert.throws(() => world.engine.stop(x.id), awsError("InvalidAutomationStatusUpdateException"));
      await world.run();
      assert.equal(x.status, "Cancelled");
      assert.deepEqual(messages(), ["cleaned up"]);
    });

    it("refuses to stop an execution that has ended, and an execution that does not exist", async () => {
      const { world } = specWorld();
      const x = await runToEnd(world, waitThen("", "PT30S"));
      assert.equal(x.status, "Success");
      assert.throws(() => world.engine.stop(x.id), awsError("InvalidAutomationStatusUpdateException"));
      assert.throws(
        () => world.engine.stop("00000000-0000-0000-0000-000000000000"),
        awsError("AutomationExecutionNotFoundException"),
      );
    });

    it("cancelled as a step starts (a 'cancel' fault), the step makes no call", async () => {
      const { world, messages } = specWorld({ faults: [faultAt("Second", "cancel")] });
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: First
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: first }
          - name: Second
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: second }
        `,
      );
      assert.equal(x.status, "Cancelled");
      assert.equal(stepOf(x, "Second").StepStatus, "Cancelled");
      assert.deepEqual(messages(), ["first"]);
      assert.deepEqual(world.faults.fired, [faultAt("Second", "cancel")]);
    });

    it("cancelled right after a step's call returned, the call has taken effect but the step is Cancelled", async () => {
      const { world, messages } = specWorld({ faults: [faultAt("Notify", "cancel-after-call")] });
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Notify
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: delivered }
            outputs:
              - { Name: MessageId, Selector: $.MessageId, Type: String }
        `,
      );
      assert.equal(x.status, "Cancelled");
      assert.equal(stepOf(x, "Notify").StepStatus, "Cancelled");
      assert.equal(stepOf(x, "Notify").Outputs, undefined);
      assert.deepEqual(messages(), ["delivered"]);
    });
  });

  describe("aws:sleep", () => {
    const sleeping = (inputs: string) => `
      schemaVersion: "0.3"
      mainSteps:
        - name: Sleep
          action: aws:sleep
          inputs: { ${inputs} }
    `;

    it("sleeps on virtual time: a PT12H sleep completes and the clock has moved 12 hours", async () => {
      const { world } = specWorld();
      const x = await runToEnd(world, sleeping("Duration: PT12H"));
      assert.equal(x.status, "Success");
      const sleep = stepOf(x, "Sleep");
      assert.equal(
        sleep.ExecutionEndTime!.getTime() - sleep.ExecutionStartTime.getTime(),
        STEP_OVERHEAD_MS + 12 * HOUR,
      );
      assert.equal(world.clock.now(), at(STEP_OVERHEAD_MS + 12 * HOUR));
    });

    it("sleeps until a Timestamp, and proceeds at once when the Timestamp has passed", async () => {
      const { world } = specWorld();
      const later = await runToEnd(world, sleeping("Timestamp: '2026-11-25T15:30:00Z'"));
      assert.equal(later.status, "Success");
      assert.equal(later.endTime?.toISOString(), "2026-11-25T15:30:00.000Z");
      const past = await runToEnd(world, sleeping("Timestamp: '2020-01-01T01:00:00Z'"));
      assert.equal(past.status, "Success");
      assert.equal(past.endTime!.getTime() - past.startTime.getTime(), STEP_OVERHEAD_MS);
    });

    it("accepts the maximum delay of 604800 seconds (P7D)", async () => {
      const { world } = specWorld();
      const x = await runToEnd(world, sleeping("Duration: P7D"));
      assert.equal(x.status, "Success");
      assert.equal(world.clock.now(), at(STEP_OVERHEAD_MS + 7 * DAY));
    });

    it("fails a step that would sleep longer than 7 days, by Duration or by Timestamp, without waiting", async () => {
      for (const inputs of ["Duration: P7DT1S", "Timestamp: '2026-12-03T09:00:00Z'"]) {
        const { world } = specWorld();
        const x = await runToEnd(world, sleeping(inputs));
        assert.equal(x.status, "Failed", inputs);
        assert.match(stepOf(x, "Sleep").FailureMessage ?? "", /longer than 7 days/);
        assert.equal(world.clock.now(), at(STEP_OVERHEAD_MS));
      }
    });

    it("treats a Duration that is not an ISO 8601 duration as an explicit simulator error", async () => {
      const { world } = specWorld();
      const x = await runToEnd(world, sleeping("Duration: 12 hours"));
      assert.equal(x.status, "Failed");
      assert.match(x.failureMessage ?? "", /^simulator error: .*not an ISO 8601 duration/);
    });
  });

  describe("aws:branch", () => {
    const router = `
      schemaVersion: "0.3"
      parameters:
        Environment: { type: String }
        Hours: { type: Integer, default: 1 }
        Urgent: { type: Boolean, default: false }
      mainSteps:
        - name: Route
          action: aws:branch
          inputs:
            Choices:
              - NextStep: Production
                And:
                  - { Variable: "{{ Environment }}", StringEquals: prod }
                  - Not: { Variable: "{{ Urgent }}", BooleanEquals: true }
              - NextStep: Emergency
                Or:
                  - { Variable: "{{ Urgent }}", BooleanEquals: true }
                  - { Variable: "{{ Hours }}", NumericGreater: 8 }
              - NextStep: Staging
                Variable: "{{ Environment }}"
                StartsWith: stag
            Default: Other
        - name: Production
          action: aws:executeAwsApi
          isEnd: true
          inputs: { ${PUBLISH}, Message: production }
        - name: Emergency
          action: aws:executeAwsApi
          isEnd: true
          inputs: { ${PUBLISH}, Message: emergency }
        - name: Staging
          action: aws:executeAwsApi
          isEnd: true
          inputs: { ${PUBLISH}, Message: staging }
        - name: Other
          action: aws:executeAwsApi
          inputs: { ${PUBLISH}, Message: other }
    `;
    const cases: [Record<string, string>, string][] = [
      [{ Environment: "prod" }, "production"],
      [{ Environment: "prod", Urgent: "true" }, "emergency"],
      [{ Environment: "dev", Hours: "12" }, "emergency"],
      [{ Environment: "staging", Hours: "8" }, "staging"],
      [{ Environment: "dev", Hours: "8" }, "other"],
    ];
    for (const [parameters, expected] of cases) {
      it(`takes the first choice that holds (And, Or, Not, operators) or Default: ${JSON.stringify(parameters)} → ${expected}`, async () => {
        const { world, messages } = specWorld();
        const x = await runToEnd(world, router, parameters);
        assert.equal(x.status, "Success");
        assert.deepEqual(stepNames(x), ["Route", expected.replace(/^./, (c) => c.toUpperCase())]);
        assert.deepEqual(messages(), [expected]);
      });
    }

    it("takes the first of several choices that hold, in document order", async () => {
      const { world, messages } = specWorld();
      await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        parameters:
          Environment: { type: String }
        mainSteps:
          - name: Route
            action: aws:branch
            inputs:
              Choices:
                - { NextStep: Second, Variable: "{{ Environment }}", EndsWith: od }
                - { NextStep: First, Variable: "{{ Environment }}", StringEquals: prod }
          - name: First
            action: aws:executeAwsApi
            isEnd: true
            inputs: { ${PUBLISH}, Message: first }
          - name: Second
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: second }
        `,
        { Environment: "prod" },
      );
      assert.deepEqual(messages(), ["second"]);
    });

    // Engine bug (actions.ts aws:branch: fails with "no choice matched and there is no Default").
    it("with no choice true and no Default, goes on with the next step (aws:branch reference: 'processes the next step in the runbook')", async () => {
      const { world, messages } = specWorld();
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        parameters:
          Environment: { type: String }
        mainSteps:
          - name: Route
            action: aws:branch
            inputs:
              Choices:
                - { NextStep: Production, Variable: "{{ Environment }}", StringEquals: prod }
          - name: Next
            action: aws:executeAwsApi
            isEnd: true
            inputs: { ${PUBLISH}, Message: next }
          - name: Production
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: production }
        `,
        { Environment: "dev" },
      );
      assert.equal(x.status, "Success");
      assert.deepEqual(messages(), ["next"]);
    });
  });

  describe("aws:approve", () => {
    const APPROVER_A = `arn:aws:iam::${ACCOUNT}:role/ApproverA`;
    const APPROVER_B = `arn:aws:iam::${ACCOUNT}:role/ApproverB`;
    const approval = (inputs: string, properties = "") => `
      schemaVersion: "0.3"
      mainSteps:
        - name: Approve
          action: aws:approve
          ${properties}
          inputs:
            Message: Please approve
            ${inputs}
        - name: Notify
          action: aws:executeAwsApi
          inputs: { ${PUBLISH}, Message: approved }
    `;
    const twoOfTwo = approval(`MinRequiredApprovals: 2\n            Approvers: ["${APPROVER_A}", "${APPROVER_B}"]`);

    async function waiting(world: World, yaml: string): Promise<Execution> {
      const x = start(world, yaml);
      await world.run(at(60_000));
      assert.equal(x.status, "Waiting");
      return x;
    }

    it("waits for MinRequiredApprovals distinct approvers: one keeps it Waiting, the same one again counts once", async () => {
      const { world, messages } = specWorld();
      const x = await waiting(world, twoOfTwo);
      world.engine.signal(x.id, "Approve", role("ApproverA"));
      await world.run(at(120_000));
      assert.equal(x.status, "Waiting");
      world.engine.signal(x.id, "Approve", role("ApproverA"));
      await world.run(at(180_000));
      assert.equal(x.status, "Waiting");
      assert.deepEqual(messages(), []);
      world.engine.signal(x.id, "Approve", role("ApproverB"));
      await world.run();
      assert.equal(stepOf(x, "Approve").StepStatus, "Success");
      assert.equal(x.status, "Success");
      assert.deepEqual(messages(), ["approved"]);
    });

    it("refuses a signal from a principal that is not an approver (AccessDeniedException) and keeps waiting", async () => {
      const { world } = specWorld();
      const x = await waiting(world, twoOfTwo);
      assert.throws(() => world.engine.signal(x.id, "Approve", role("Requester")), awsError("AccessDeniedException"));
      assert.throws(() => world.engine.signal(x.id, "Reject", role("Requester")), awsError("AccessDeniedException"));
      assert.throws(() => world.engine.signal(x.id, "Approve", STARTER), awsError("AccessDeniedException"));
      await world.run(at(120_000));
      assert.equal(x.status, "Waiting");
    });

    it("fails the step on one approver's Reject, with the comment in its failure message", async () => {
      const { world, messages } = specWorld();
      const x = await waiting(world, twoOfTwo);
      world.engine.signal(x.id, "Approve", role("ApproverA"));
      world.engine.signal(x.id, "Reject", role("ApproverB"), "not during the change freeze");
      await world.run();
      assert.equal(stepOf(x, "Approve").StepStatus, "Failed");
      assert.match(
        stepOf(x, "Approve").FailureMessage ?? "",
        /rejected by .*ApproverB.*: not during the change freeze$/,
      );
      assert.equal(x.status, "Failed");
      assert.deepEqual(messages(), []);
    });

    it("takes the Reject comment from SendAutomationSignal's Payload", async () => {
      const { world } = specWorld();
      const x = await waiting(world, twoOfTwo);
      await world.callAws(
        "ssm",
        "SendAutomationSignal",
        { AutomationExecutionId: x.id, SignalType: "Reject", Payload: { Comment: ["too broad"] } },
        role("ApproverA"),
      );
      await world.run();
      assert.match(stepOf(x, "Approve").FailureMessage ?? "", /: too broad$/);
    });

    it("refuses signals to an execution that is not waiting for approval (InvalidAutomationSignalException)", async () => {
      const { world } = specWorld();
      const x = await waiting(world, approval(`Approvers: ["${APPROVER_A}"]`));
      world.engine.signal(x.id, "Approve", role("ApproverA"));
      await world.run();
      assert.equal(x.status, "Success");
      assert.throws(
        () => world.engine.signal(x.id, "Approve", role("ApproverA")),
        awsError("InvalidAutomationSignalException"),
      );
    });

    it("admits, for an approver given as an assumed-role session ARN, only that session of the role", async () => {
      const { world } = specWorld();
      const session = `arn:aws:sts::${ACCOUNT}:assumed-role/ApproverA/alice`;
      const x = await waiting(world, approval(`Approvers: ["${session}"]`));
      assert.throws(
        () => world.engine.signal(x.id, "Approve", role("ApproverA", "bob")),
        awsError("AccessDeniedException"),
      );
      world.engine.signal(x.id, "Approve", role("ApproverA", "alice"));
      await world.run();
      assert.equal(x.status, "Success");
    });

    it("times out after timeoutSeconds without the approvals: step and execution TimedOut", async () => {
      const { world, messages } = specWorld();
      const x = start(world, approval(`Approvers: ["${APPROVER_A}"]`, "timeoutSeconds: 3600"));
      await world.run();
      assert.equal(stepOf(x, "Approve").StepStatus, "TimedOut");
      assert.equal(x.status, "TimedOut");
      assert.equal(x.endTime?.getTime(), at(STEP_OVERHEAD_MS + HOUR));
      assert.deepEqual(messages(), []);
      assert.throws(
        () => world.engine.signal(x.id, "Approve", role("ApproverA")),
        awsError("InvalidAutomationSignalException"),
      );
    });

    it("times out after 7 days by default (aws:approve reference: 604800 seconds)", async () => {
      const { world } = specWorld();
      const x = start(world, approval(`Approvers: ["${APPROVER_A}"]`));
      await world.run();
      assert.equal(x.status, "TimedOut");
      assert.equal(x.endTime?.getTime(), at(STEP_OVERHEAD_MS + 7 * DAY));
    });

    // Engine bug (actions.ts waitForApproval onAbort: leaves x.status "Waiting" when the step times out).
    it("is InProgress again, not Waiting, once a timed-out approval was passed over with onFailure Continue", async () => {
      const { world } = specWorld();
      const x = start(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Approve
            action: aws:approve
            timeoutSeconds: 60
            onFailure: Continue
            isCritical: false
            inputs: { Approvers: ["${APPROVER_A}"] }
          - name: Sleep
            action: aws:sleep
            inputs: { Duration: PT1H }
        `,
      );
      await world.run(at(10 * 60_000));
      assert.equal(x.currentStep, "Sleep");
      assert.equal(x.status, "InProgress");
    });

    describe("EnhancedApprovals with an SSOGroup", () => {
      const STORE = "d-1234567890";

      function directory(world: World) {
        const group = world.identityStore.createGroup(STORE, "Approvers");
        for (const name of ["alice", "bob"]) {
          world.identityStore.addMember(STORE, group, world.identityStore.createUser(STORE, name));
        }
        world.identityStore.createUser(STORE, "carol");
        const yaml = approval(
          `EnhancedApprovals:\n              Approvers:\n                - { type: SSOGroup, approver: ${group}, minRequiredApprovals: 2 }`,
        );
        return { yaml, session: (user: string) => identityCenterSession(ACCOUNT, REGION, "ApproverAccess", user) };
      }

      it("counts approvals from the group's members, through their Identity Center sessions", async () => {
        const { world, messages } = specWorld();
        const { yaml, session } = directory(world);
        const x = await waiting(world, yaml);
        world.engine.signal(x.id, "Approve", session("alice"));
        await world.run(at(120_000));
        assert.equal(x.status, "Waiting");
        world.engine.signal(x.id, "Approve", session("bob"));
        await world.run();
        assert.equal(x.status, "Success");
        assert.deepEqual(messages(), ["approved"]);
      });

      it("refuses a user outside the group and a session that is not an Identity Center user's", async () => {
        const { world } = specWorld();
        const { yaml, session } = directory(world);
        const x = await waiting(world, yaml);
        assert.throws(() => world.engine.signal(x.id, "Approve", session("carol")), awsError("AccessDeniedException"));
        assert.throws(() => world.engine.signal(x.id, "Approve", role("alice")), awsError("AccessDeniedException"));
        await world.run(at(120_000));
        assert.equal(x.status, "Waiting");
      });
    });
  });

  describe("aws:updateVariable", () => {
    it("changes a declared variable's value for the steps after it", async () => {
      const { world, messages } = specWorld();
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        variables:
          Greeting: { type: String, default: hello }
        mainSteps:
          - name: Before
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: "{{ variable:Greeting }} world" }
          - name: Update
            action: aws:updateVariable
            inputs: { Name: "variable:Greeting", Value: "goodbye" }
          - name: After
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: "{{ variable:Greeting }} world" }
        `,
      );
      assert.equal(x.status, "Success");
      assert.deepEqual(messages(), ["hello world", "goodbye world"]);
    });

    it("fails the step for a variable the document does not declare", async () => {
      const { world } = specWorld();
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Update
            action: aws:updateVariable
            inputs: { Name: "variable:Undeclared", Value: "x" }
        `,
      );
      assert.equal(x.status, "Failed");
      assert.match(stepOf(x, "Update").FailureMessage ?? "", /variable:Undeclared is not a variable/);
    });
  });

  describe("interpolation of {{ }} references", () => {
    it("substitutes parameters, step outputs, variables and the automation: and global: built-ins in text", async () => {
      const { world, messages } = specWorld();
      world.parameters.setParameter(ACCOUNT, REGION, "/spec/account-name", "Sandbox");
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        parameters:
          Requester: { type: String }
          Hours: { type: Integer, default: 4 }
        variables:
          Ticket: { type: String, default: CHG-1 }
        mainSteps:
          - name: Read
            action: aws:executeAwsApi
            inputs: { Service: ssm, Api: GetParameter, Name: /spec/account-name }
            outputs:
              - { Name: AccountName, Selector: "$.Parameter.Value", Type: String }
          - name: Notify
            action: aws:executeAwsApi
            inputs:
              Service: sns
              Api: Publish
              TopicArn: "${TOPIC}"
              Message: "{{Requester}} asked for {{ Hours }} h on {{ Read.AccountName }} ({{ global:ACCOUNT_ID }}, {{ global:REGION }}), {{ variable:Ticket }}, execution {{ automation:EXECUTION_ID }}"
        `,
        { Requester: "alice" },
      );
      assert.equal(x.status, "Success");
      assert.deepEqual(messages(), [
        `alice asked for 4 h on Sandbox (${ACCOUNT}, ${REGION}), CHG-1, execution ${x.id}`,
      ]);
    });

    it("passes a reference that is the whole value with its type: a StringList as a list, an Integer as a number", async () => {
      const { world } = specWorld();
      world.parameters.setParameter(ACCOUNT, REGION, "/spec/a", "1");
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        parameters:
          Names: { type: StringList }
          PageSize: { type: Integer }
        mainSteps:
          - name: ReadMany
            action: aws:executeAwsApi
            inputs: { Service: ssm, Api: GetParameters, Names: "{{ Names }}" }
            outputs:
              - { Name: Invalid, Selector: "$.InvalidParameters", Type: StringList }
          - name: ReadPath
            action: aws:executeAwsApi
            inputs: { Service: ssm, Api: GetParametersByPath, Path: /spec, MaxResults: "{{ PageSize }}" }
        `,
        { Names: ["/spec/a", "/spec/b"], PageSize: "5" },
      );
      assert.equal(x.status, "Success");
      assert.deepEqual(world.calls.find((c) => c.api === "GetParameters")?.input.Names, ["/spec/a", "/spec/b"]);
      assert.equal(world.calls.find((c) => c.api === "GetParametersByPath")?.input.MaxResults, 5);
      assert.deepEqual(stepOf(x, "ReadMany").Outputs, { Invalid: ["/spec/b"] });
    });

    it("leaves a reference that cannot be resolved in the text as it is", async () => {
      const { world, messages } = specWorld();
      world.parameters.setParameter(ACCOUNT, REGION, "/spec/account-name", "Sandbox");
      await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Read
            action: aws:executeAwsApi
            inputs: { Service: ssm, Api: GetParameter, Name: /spec/account-name }
            outputs:
              - { Name: Label, Selector: "$.Parameter.Labels[0]", Type: String }
          - name: Whole
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: "{{ Read.Label }}" }
          - name: InText
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: "label {{Read.Label}} of {{ Read.Unknown }}" }
        `,
      );
      assert.deepEqual(messages(), ["{{ Read.Label }}", "label {{Read.Label}} of {{ Read.Unknown }}"]);
    });
  });

  describe("step outputs", () => {
    it("reads each output with its selector and type; an output whose selector finds nothing is left unset", async () => {
      const { world } = specWorld();
      world.parameters.setParameter(ACCOUNT, REGION, "/spec/account-name", "Old");
      world.parameters.setParameter(ACCOUNT, REGION, "/spec/account-name", "Sandbox");
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Read
            action: aws:executeAwsApi
            inputs: { Service: ssm, Api: GetParameter, Name: /spec/account-name }
            outputs:
              - { Name: Value, Selector: "$.Parameter.Value", Type: String }
              - { Name: Version, Selector: "$.Parameter.Version", Type: Integer }
              - { Name: Modified, Selector: "$.Parameter.LastModifiedDate", Type: String }
              - { Name: Label, Selector: "$.Parameter.Labels[0]", Type: String }
        `,
      );
      assert.equal(x.status, "Success");
      assert.deepEqual(stepOf(x, "Read").Outputs, {
        Value: ["Sandbox"],
        Version: [2],
        Modified: ["2026-11-25T09:00:00.000Z"],
      });
      assert.equal(x.scope.get("Read.Version"), 2);
      assert.equal(x.scope.has("Read.Label"), false);
    });

    it("gives later steps an Integer output as a number (aws:branch compares it numerically)", async () => {
      const { world, messages } = specWorld();
      for (let i = 0; i < 10; i++) world.parameters.setParameter(ACCOUNT, REGION, "/spec/counter", String(i));
      await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Read
            action: aws:executeAwsApi
            inputs: { Service: ssm, Api: GetParameter, Name: /spec/counter }
            outputs:
              - { Name: Version, Selector: "$.Parameter.Version", Type: Integer }
          - name: Route
            action: aws:branch
            inputs:
              Choices:
                - { NextStep: Many, Variable: "{{ Read.Version }}", NumericGreaterOrEquals: 9 }
              Default: Few
          - name: Many
            action: aws:executeAwsApi
            isEnd: true
            inputs: { ${PUBLISH}, Message: "many ({{ Read.Version }})" }
          - name: Few
            action: aws:executeAwsApi
            inputs: { ${PUBLISH}, Message: few }
        `,
      );
      assert.deepEqual(messages(), ["many (10)"]);
    });

    it("treats an output whose value is not of its declared type as an explicit simulator error", async () => {
      const { world } = specWorld();
      world.parameters.setParameter(ACCOUNT, REGION, "/spec/account-name", "Sandbox");
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Read
            action: aws:executeAwsApi
            inputs: { Service: ssm, Api: GetParameter, Name: /spec/account-name }
            outputs:
              - { Name: Value, Selector: "$.Parameter.Value", Type: Integer }
        `,
      );
      assert.equal(x.status, "Failed");
      assert.match(x.failureMessage ?? "", /^simulator error: .*output Value is not an Integer/);
    });
  });

  describe("parameters at StartAutomationExecution", () => {
    const echo = (parameters: string) => `
      schemaVersion: "0.3"
      parameters:
        ${parameters}
      mainSteps:
        - name: Echo
          action: aws:executeAwsApi
          inputs: { ${PUBLISH}, Message: "{{ Name }}" }
    `;
    const invalid = awsError("InvalidAutomationExecutionParametersException");

    it("fills in defaults for parameters not given", async () => {
      const { world, messages } = specWorld();
      const x = await runToEnd(world, echo("Name: { type: String, default: fallback }"));
      assert.equal(x.status, "Success");
      assert.deepEqual(messages(), ["fallback"]);
    });

    it("refuses a missing required parameter and starts no execution", () => {
      const { world } = specWorld();
      assert.throws(() => start(world, echo("Name: { type: String }")), invalid);
      assert.equal(world.engine.executions.size, 0);
    });

    it("refuses a parameter the document does not declare, except AutomationAssumeRole", async () => {
      const { world, messages } = specWorld();
      assert.throws(() => start(world, echo("Name: { type: String }"), { Name: "a", Extra: "b" }), invalid);
      const x = await runToEnd(world, echo("Name: { type: String }"), {
        Name: "a",
        AutomationAssumeRole: `arn:aws:iam::${ACCOUNT}:role/Automation`,
      });
      assert.equal(x.status, "Success");
      assert.deepEqual(messages(), ["a"]);
    });

    it("refuses a value outside allowedValues", async () => {
      const { world, messages } = specWorld();
      const yaml = echo("Name: { type: String, allowedValues: [dev, prod] }");
      assert.throws(() => start(world, yaml, { Name: "test" }), invalid);
      await runToEnd(world, yaml, { Name: "prod" });
      assert.deepEqual(messages(), ["prod"]);
    });

    it("applies allowedPattern as a search: ^[a-z]+ lets 'abc;rm' through, ^[a-z]+$ refuses it", async () => {
      const { world, messages } = specWorld();
      const x = await runToEnd(world, echo('Name: { type: String, allowedPattern: "^[a-z]+" }'), { Name: "abc;rm" });
      assert.equal(x.status, "Success");
      assert.deepEqual(messages(), ["abc;rm"]);
      const anchored = echo('Name: { type: String, allowedPattern: "^[a-z]+$" }');
      assert.throws(() => start(world, anchored, { Name: "abc;rm" }), invalid);
      await runToEnd(world, anchored, { Name: "abc" });
      assert.deepEqual(messages(), ["abc;rm", "abc"]);
    });

    it("checks every item of a StringList against allowedPattern", () => {
      const { world } = specWorld();
      const yaml = echo('Name: { type: StringList, allowedPattern: "^\\\\d{12}$" }');
      assert.doesNotThrow(() => start(world, yaml, { Name: ["111122223333", "444455556666"] }));
      assert.throws(() => start(world, yaml, { Name: ["111122223333", "4444"] }), invalid);
    });

    it("refuses values that are not of the parameter's type (Integer, Boolean) or more than one value", () => {
      const { world } = specWorld();
      assert.throws(() => start(world, echo("Name: { type: Integer }"), { Name: "four" }), invalid);
      assert.throws(() => start(world, echo("Name: { type: Boolean }"), { Name: "yes" }), invalid);
      assert.throws(() => start(world, echo("Name: { type: String }"), { Name: ["a", "b"] }), invalid);
      assert.equal(world.engine.executions.size, 0);
    });

    it("records the parameters as given, as lists of strings", () => {
      const { world } = specWorld();
      const x = start(world, echo("Name: { type: Integer }"), { Name: "7" });
      assert.deepEqual(x.parameters, { Name: ["7"] });
      assert.equal(x.scope.get("Name"), 7);
    });
  });

  describe("what the simulator does not support is an explicit error", () => {
    it("fails the execution on an action it does not implement", async () => {
      const { world } = specWorld();
      const x = await runToEnd(
        world,
        `
        schemaVersion: "0.3"
        mainSteps:
          - name: Run
            action: aws:runCommand
            inputs: { DocumentName: AWS-RunShellScript, InstanceIds: [i-0123456789abcdef0] }
        `,
      );
      assert.equal(x.status, "Failed");
      assert.match(x.failureMessage ?? "", /^simulator error: .*does not support the action aws:runCommand/);
    });

    it("refuses a document with a step field it does not know", () => {
      assert.throws(
        () =>
          parseDocument(`
            schemaVersion: "0.3"
            mainSteps:
              - name: Run
                action: aws:sleep
                precondition: { StringEquals: [platformType, Linux] }
                inputs: { Duration: PT1S }
          `),
        /step Run: the simulator does not support precondition/,
      );
    });

    it("refuses a document that is not an Automation document, or has no steps", () => {
      assert.throws(() => parseDocument('schemaVersion: "2.2"\nmainSteps: []'), /schemaVersion 0.3/);
      assert.throws(() => parseDocument('schemaVersion: "0.3"\nmainSteps: []'), /mainSteps is empty/);
    });
  });
});
