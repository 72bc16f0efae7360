/**
 * EventBridge Scheduler in the simulated world: the API as its model validates it, UpdateSchedule replacing the whole
 * definition, one-time and rate schedules on the virtual clock, the universal target called as the execution role
 * (which must trust scheduler.amazonaws.com), retries and the dead-letter queue, and each reading of the world's
 * scheduleDelivery dimension.
 */
import assert from "node:assert/strict";
import type { ApiInput } from "../../../../tools/sim/aws";
import { START_TIME } from "../../../../tools/sim/clock";
import { DUPLICATE_DELIVERY_MS, LATE_DELIVERY_MS } from "../../../../tools/sim/services/scheduler";
import { variantNamed } from "../../../../tools/sim/variants";
import { World, type WorldOptions } from "../../../../tools/sim/world";
import { ACCOUNT, DOCUMENT, REGION, register, runbook, STARTER, step } from "../support/automation";
import { awsError } from "../support/aws";

const GROUP = "jit-grants";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/jit-scheduler`;
const DLQ = `arn:aws:sqs:${REGION}:${ACCOUNT}:jit-schedule-dlq`;
const HOUR = 3600_000;
const trusting = (service: string, condition?: Record<string, unknown>) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(condition && { Condition: condition }),
      },
    ],
  });

/** A world with the schedule group, the scheduler role (trusting `trust`), the DLQ and a one-step runbook. */
function schedulerWorld(options: WorldOptions = {}, trust = trusting("scheduler.amazonaws.com")): World {
  const world = new World(options);
  world.sts.createRole(ROLE, trust);
  world.scheduler.createScheduleGroup(ACCOUNT, REGION, GROUP);
  world.sqs.createQueue(ACCOUNT, REGION, "jit-schedule-dlq");
  register(world, runbook([step("Wait", "aws:sleep", { Duration: "PT1S" })]));
  return world;
}

const iso = (at: number) => new Date(at).toISOString().slice(0, 19);
/** The design's end schedule: at(...), OFF, DELETE, the universal target starting the runbook, retries and a DLQ. */
const endSchedule = (name: string, at: number, extra: ApiInput = {}): ApiInput => ({
  Name: name,
  GroupName: GROUP,
  ScheduleExpression: `at(${iso(at)})`,
  FlexibleTimeWindow: { Mode: "OFF" },
  ActionAfterCompletion: "DELETE",
  Target: {
    Arn: "arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution",
    RoleArn: ROLE,
    Input: JSON.stringify({ DocumentName: DOCUMENT, Parameters: {} }),
    RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
    DeadLetterConfig: { Arn: DLQ },
  },
  ...extra,
});
const call = (world: World, api: string, input: ApiInput) => world.callAws("scheduler", api, input, STARTER);
const startTimes = (world: World) => world.executionsOf(DOCUMENT).map((x) => x.startTime.getTime() - START_TIME);

describe("EventBridge Scheduler in the simulated world", () => {
  it("fires a one-time schedule once, at its time, as the execution role, then deletes it (ActionAfterCompletion DELETE)", async () => {
    const world = schedulerWorld();
    const { ScheduleArn } = (await call(world, "CreateSchedule", endSchedule("grant-r1", START_TIME + HOUR))) as {
      ScheduleArn: string;
    };
    assert.equal(ScheduleArn, `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${GROUP}/grant-r1`);
    assert.deepEqual(
      world.scheduler.list(ACCOUNT, REGION).map((s) => s.Name),
      ["grant-r1"],
    );
    await world.run();
    assert.deepEqual(startTimes(world), [HOUR]);
    const [x] = world.executionsOf(DOCUMENT);
    assert.equal(x.startedBy.roleArn, ROLE);
    assert.deepEqual(world.scheduler.list(ACCOUNT, REGION), []);
    assert.deepEqual(
      world.scheduler.deliveries.map((d) => [d.outcome, d.attempts]),
      [["delivered", 1]],
    );
  });

  it("replaces the whole definition on UpdateSchedule: the new time, and what the request leaves out is gone", async () => {
    const world = schedulerWorld();
    await call(world, "CreateSchedule", endSchedule("grant-r1", START_TIME + HOUR, { Description: "first grant" }));
    await call(world, "UpdateSchedule", endSchedule("grant-r1", START_TIME + 3 * HOUR));
    const got = (await call(world, "GetSchedule", { Name: "grant-r1", GroupName: GROUP })) as Record<string, unknown>;
    assert.equal(got.ScheduleExpression, `at(${iso(START_TIME + 3 * HOUR)})`);
    assert.equal(got.Description, undefined);
    await world.run();
    assert.deepEqual(startTimes(world), [3 * HOUR]);
  });

  it("gets, lists (by group and name prefix) and deletes; a missing schedule or group is ResourceNotFoundException", async () => {
    const world = schedulerWorld();
    await call(world, "CreateSchedule", endSchedule("grant-a", START_TIME + HOUR));
    await call(world, "CreateSchedule", endSchedule("other-b", START_TIME + HOUR));
    const listed = (await call(world, "ListSchedules", { GroupName: GROUP, NamePrefix: "grant-" })) as {
      Schedules: { Name: string }[];
    };
    assert.deepEqual(
      listed.Schedules.map((s) => s.Name),
      ["grant-a"],
    );
    await call(world, "DeleteSchedule", { Name: "grant-a", GroupName: GROUP });
    await assert.rejects(
      call(world, "GetSchedule", { Name: "grant-a", GroupName: GROUP }),
      awsError("ResourceNotFoundException"),
    );
    await assert.rejects(
      call(world, "DeleteSchedule", { Name: "grant-a", GroupName: GROUP }),
      awsError("ResourceNotFoundException"),
    );
    await assert.rejects(
      call(world, "CreateSchedule", endSchedule("x", START_TIME + HOUR, { GroupName: "no-such-group" })),
      awsError("ResourceNotFoundException"),
    );
    await assert.rejects(
      call(world, "CreateSchedule", endSchedule("other-b", START_TIME + HOUR)),
      awsError("ConflictException"),
    );
  });

  describe("validates as the API model does, naming the field", () => {
    const cases: [string, ApiInput, RegExp][] = [
      ["a name outside [0-9a-zA-Z-_.]", { Name: "grant/r1" }, /Name: must match/],
      ["a name longer than 64", { Name: "a".repeat(65) }, /Name: must match/],
      [
        "an at() date that does not exist",
        { ScheduleExpression: "at(2026-02-30T10:00:00)" },
        /ScheduleExpression: .* is not a date/,
      ],
      ["an expression of no known form", { ScheduleExpression: "in(1 hour)" }, /ScheduleExpression: .* is not at/],
      ["a rate of zero", { ScheduleExpression: "rate(0 minutes)" }, /ScheduleExpression/],
      ["no FlexibleTimeWindow", { FlexibleTimeWindow: undefined }, /FlexibleTimeWindow: is required/],
      [
        "an ActionAfterCompletion of neither NONE nor DELETE",
        { ActionAfterCompletion: "KEEP" },
        /ActionAfterCompletion: must be one of/,
      ],
    ];
    for (const [what, change, message] of cases) {
      it(`refuses ${what}`, async () => {
        const world = schedulerWorld();
        await assert.rejects(
          call(world, "CreateSchedule", { ...endSchedule("grant-r1", START_TIME + HOUR), ...change }),
          (err: unknown) => awsError("ValidationException")(err) && message.test(String(err)),
        );
      });
    }
    const target = (change: Record<string, unknown>) => ({
      Target: { ...(endSchedule("t", 0).Target as object), ...change },
    });
    const targets: [string, ApiInput, RegExp][] = [
      [
        "a read-only universal action (get...)",
        target({ Arn: "arn:aws:scheduler:::aws-sdk:ssm:getParameter" }),
        /read-only action/,
      ],
      [
        "a universal target's Input that is not JSON",
        target({ Input: "{not json" }),
        /Target.Input: must be well-formed JSON/,
      ],
      [
        "MaximumRetryAttempts above 185",
        target({ RetryPolicy: { MaximumRetryAttempts: 186 } }),
        /MaximumRetryAttempts: must be a whole number from 0 to 185/,
      ],
      [
        "MaximumEventAgeInSeconds below 60",
        target({ RetryPolicy: { MaximumEventAgeInSeconds: 59 } }),
        /MaximumEventAgeInSeconds/,
      ],
      [
        "a dead-letter queue that is not a queue's ARN",
        target({ DeadLetterConfig: { Arn: "arn:aws:sns:eu-west-1:111122223333:t" } }),
        /DeadLetterConfig.Arn/,
      ],
      ["a RoleArn that is not a role's", target({ RoleArn: "arn:aws:iam::111122223333:user/alice" }), /Target.RoleArn/],
    ];
    for (const [what, change, message] of targets) {
      it(`refuses ${what}`, async () => {
        const world = schedulerWorld();
        await assert.rejects(
          call(world, "CreateSchedule", { ...endSchedule("t", START_TIME + HOUR), ...change }),
          (err: unknown) => awsError("ValidationException")(err) && message.test(String(err)),
        );
      });
    }
  });

  it("retries a target that fails with backoff, then sends the dead-letter event to the queue as the role", async () => {
    // The role does not trust EventBridge Scheduler: every attempt is refused.
    const world = schedulerWorld({}, trusting("events.amazonaws.com"));
    await call(
      world,
      "CreateSchedule",
      endSchedule("grant-r1", START_TIME + HOUR, {
        Target: {
          ...(endSchedule("t", 0).Target as object),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        },
      }),
    );
    await world.run();
    assert.deepEqual(startTimes(world), []);
    assert.deepEqual(
      world.scheduler.deliveries.map((d) => [d.outcome, d.attempts]),
      [["dead-lettered", 3]],
    );
    const [message] = world.sqs.messages(DLQ);
    assert.deepEqual(JSON.parse(message.body), { DocumentName: DOCUMENT, Parameters: {} });
    assert.equal(message.attributes.ERROR_CODE.StringValue, "AccessDeniedException");
    assert.equal(message.attributes.RETRY_ATTEMPTS.StringValue, "2");
    assert.equal(message.sentAt - START_TIME, HOUR + 1_000 + 2_000);
    const send = world.calls.find((c) => c.service === "sqs" && c.api === "SendMessage");
    assert.equal(send?.caller.roleArn, ROLE);
  });

  it("honours a trust policy's aws:SourceAccount and aws:SourceArn (the schedule group's ARN)", async () => {
    const groupArn = `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/${GROUP}`;
    const right = schedulerWorld(
      {},
      trusting("scheduler.amazonaws.com", {
        StringEquals: { "aws:SourceAccount": ACCOUNT },
        ArnLike: { "aws:SourceArn": groupArn },
      }),
    );
    await call(right, "CreateSchedule", endSchedule("grant-r1", START_TIME + HOUR));
    await right.run();
    assert.deepEqual(startTimes(right), [HOUR]);
    const wrong = schedulerWorld(
      {},
      trusting("scheduler.amazonaws.com", { StringEquals: { "aws:SourceAccount": "444455556666" } }),
    );
    await call(
      wrong,
      "CreateSchedule",
      endSchedule("grant-r1", START_TIME + HOUR, {
        Target: { ...(endSchedule("t", 0).Target as object), RetryPolicy: { MaximumRetryAttempts: 0 } },
      }),
    );
    await wrong.run();
    assert.deepEqual(startTimes(wrong), []);
    assert.equal(wrong.sqs.messages(DLQ).length, 1);
  });

  it("fires a rate schedule every interval while time runs, and still lets the world end", async () => {
    const world = schedulerWorld();
    await call(world, "CreateSchedule", {
      ...endSchedule("reconcile", 0),
      ScheduleExpression: "rate(5 minutes)",
      ActionAfterCompletion: "NONE",
    });
    await world.run(START_TIME + 16 * 60_000);
    assert.deepEqual(
      startTimes(world),
      [5, 10, 15].map((m) => m * 60_000),
    );
    await world.run();
    assert.equal(world.clock.pending(), 0);
  });

  describe("the scheduleDelivery readings (AWS documents at-least-once delivery within the minute, and no more)", () => {
    const played: [string, number[]][] = [
      ["baseline", [HOUR]],
      ["schedule-never-fires", []],
      ["schedule-fires-twice", [HOUR, HOUR + DUPLICATE_DELIVERY_MS]],
      ["schedule-fires-late", [HOUR + LATE_DELIVERY_MS]],
    ];
    for (const [variant, expected] of played) {
      it(`${variant}: the end schedule starts the runbook at ${expected.map((ms) => `+${ms / 60_000} min`).join(" and ") || "no time"}`, async () => {
        const world = schedulerWorld({ variant: variantNamed(variant) });
        await call(world, "CreateSchedule", endSchedule("grant-r1", START_TIME + HOUR));
        await world.run();
        assert.deepEqual(startTimes(world), expected);
      });
    }
  });
});
