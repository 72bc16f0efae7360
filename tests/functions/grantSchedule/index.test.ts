import assert from "node:assert/strict";
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  InternalServerException,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";
import {
  atExpression,
  cancelEnd,
  type EndScheduleSettings,
  endScheduleSettings,
  endTime,
  scheduleEnd,
  scheduleName,
} from "../../../functions/grantSchedule";
import { patterns } from "../../../shared/patterns";

const SETTINGS: EndScheduleSettings = {
  groupName: "idc-jit-dev-grant-ends",
  roleArn: "arn:aws:iam::111122223333:role/idc-jit-dev-scheduler",
  deadLetterArn: "arn:aws:sqs:eu-west-1:111122223333:idc-jit-dev-end-dead-letters",
  documentName: "idc-jit-dev-end-access",
};
const REQUEST = "0b7f6c1e-5d2a-4c8e-9f3b-2a1d4e6f8a90";
const NOW = Date.parse("2026-11-25T09:00:20.500Z");
const IN_TWO_HOURS = Date.parse("2026-11-25T11:00:20Z") / 1000;

const conflict = () =>
  new ConflictException({ message: "Schedule already exists.", Message: "Schedule already exists.", $metadata: {} });
const notFound = () =>
  new ResourceNotFoundException({ message: "Schedule not found.", Message: "Schedule not found.", $metadata: {} });

describe("the end schedule of a grant", () => {
  const scheduler = mockClient(SchedulerClient);
  const client = new SchedulerClient({ region: "eu-west-1" });
  beforeEach(() => scheduler.reset());

  describe("its name", () => {
    it("is end- and the request id: a valid Scheduler name, the same for the same request", () => {
      const name = scheduleName(REQUEST);
      assert.equal(name, `end-${REQUEST}`);
      assert.ok(patterns.schedulerName.test(name));
      assert.equal(scheduleName(REQUEST), name);
    });

    it("differs for every other request id", () => {
      assert.notEqual(scheduleName(REQUEST), scheduleName(REQUEST.replace(/0$/, "1")));
    });

    it("is refused for a request id that is not an Automation execution id, naming the field and the rule", () => {
      for (const bad of ["", "short", `${REQUEST}\n`, `${REQUEST.slice(0, 35)}/`, "x".repeat(65)]) {
        assert.throws(() => scheduleName(bad), /RequestId must be a Systems Manager Automation execution id/);
      }
    });
  });

  describe("its time", () => {
    it("is the grant's end, in UTC to the second", () => {
      assert.equal(endTime(IN_TWO_HOURS, NOW), IN_TWO_HOURS * 1000);
      assert.equal(atExpression(endTime(IN_TWO_HOURS, NOW)), "at(2026-11-25T11:00:20)");
    });

    it("is never in the past: an end already past, or sooner than the first whole minute 15 s away, becomes that minute", () => {
      const past = NOW / 1000 - 3600;
      assert.equal(atExpression(endTime(past, NOW)), "at(2026-11-25T09:01:00)");
      assert.equal(atExpression(endTime(Math.floor(NOW / 1000) + 10, NOW)), "at(2026-11-25T09:01:00)");
      assert.equal(atExpression(endTime(Date.parse("2026-11-25T09:01:30Z") / 1000, NOW)), "at(2026-11-25T09:01:30)");
      const late = Date.parse("2026-11-25T09:00:50Z");
      assert.equal(atExpression(endTime(late / 1000, late)), "at(2026-11-25T09:02:00)");
      assert.equal(atExpression(endTime(late / 1000 + 65, late)), "at(2026-11-25T09:02:00)");
      assert.equal(atExpression(endTime(late / 1000 + 80, late)), "at(2026-11-25T09:02:10)");
    });
  });

  describe("scheduleEnd", () => {
    it("creates a one-time schedule that starts the end-of-grant workflow with cause schedule", async () => {
      scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: "arn" });
      const made = await scheduleEnd(client, SETTINGS, { requestId: REQUEST, endsAt: IN_TWO_HOURS }, NOW);
      assert.deepEqual(made, { name: `end-${REQUEST}`, expression: "at(2026-11-25T11:00:20)" });
      const [call] = scheduler.commandCalls(CreateScheduleCommand);
      const input = call.args[0].input;
      assert.deepEqual(
        { ...input, Target: { ...input.Target, Input: JSON.parse(input.Target!.Input!) } },
        {
          Name: `end-${REQUEST}`,
          GroupName: SETTINGS.groupName,
          Description: `Ends the JIT grant of request ${REQUEST}`,
          ScheduleExpression: "at(2026-11-25T11:00:20)",
          ScheduleExpressionTimezone: "UTC",
          FlexibleTimeWindow: { Mode: "OFF" },
          ActionAfterCompletion: "DELETE",
          State: "ENABLED",
          Target: {
            Arn: "arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution",
            RoleArn: SETTINGS.roleArn,
            Input: { DocumentName: SETTINGS.documentName, Parameters: { RequestId: [REQUEST], Cause: ["schedule"] } },
            RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
            DeadLetterConfig: { Arn: SETTINGS.deadLetterArn },
          },
        },
      );
      assert.equal(scheduler.commandCalls(UpdateScheduleCommand).length, 0);
    });

    it("targets Scheduler's universal target in the role's partition", async () => {
      scheduler.on(CreateScheduleCommand).resolves({});
      const chinese = { ...SETTINGS, roleArn: "arn:aws-cn:iam::111122223333:role/idc-jit-dev-scheduler" };
      await scheduleEnd(client, chinese, { requestId: REQUEST, endsAt: IN_TWO_HOURS }, NOW);
      const target = scheduler.commandCalls(CreateScheduleCommand)[0].args[0].input.Target!;
      assert.equal(target.Arn, "arn:aws-cn:scheduler:::aws-sdk:ssm:startAutomationExecution");
    });

    it("updates the schedule with its whole definition when one of that name exists (an extension, a retry)", async () => {
      scheduler.on(CreateScheduleCommand).rejects(conflict()).on(UpdateScheduleCommand).resolves({});
      const later = IN_TWO_HOURS + 3600;
      const made = await scheduleEnd(client, SETTINGS, { requestId: REQUEST, endsAt: later }, NOW);
      assert.equal(made.expression, "at(2026-11-25T12:00:20)");
      const create = scheduler.commandCalls(CreateScheduleCommand)[0].args[0].input;
      const update = scheduler.commandCalls(UpdateScheduleCommand)[0].args[0].input;
      assert.deepEqual(update, create);
    });

    it("creates it again when the update finds it gone (it ran and deleted itself in between)", async () => {
      scheduler
        .on(CreateScheduleCommand)
        .rejectsOnce(conflict())
        .resolves({})
        .on(UpdateScheduleCommand)
        .rejects(notFound());
      await scheduleEnd(client, SETTINGS, { requestId: REQUEST, endsAt: IN_TWO_HOURS }, NOW);
      assert.equal(scheduler.commandCalls(CreateScheduleCommand).length, 2);
      assert.equal(scheduler.commandCalls(UpdateScheduleCommand).length, 1);
    });

    it("gives up, naming the schedule, when it keeps flipping between existing and not", async () => {
      scheduler.on(CreateScheduleCommand).rejects(conflict()).on(UpdateScheduleCommand).rejects(notFound());
      await assert.rejects(
        scheduleEnd(client, SETTINGS, { requestId: REQUEST, endsAt: IN_TWO_HOURS }, NOW),
        new RegExp(`end schedule end-${REQUEST} kept changing`),
      );
    });

    it("throws any other AWS error (the caller's step is retried)", async () => {
      scheduler
        .on(CreateScheduleCommand)
        .rejects(new InternalServerException({ message: "boom", Message: "boom", $metadata: {} }));
      await assert.rejects(
        scheduleEnd(client, SETTINGS, { requestId: REQUEST, endsAt: IN_TWO_HOURS }, NOW),
        (err: Error) => err.name === "InternalServerException",
      );
    });
  });

  describe("cancelEnd", () => {
    it("deletes the schedule from the solution's group", async () => {
      scheduler.on(DeleteScheduleCommand).resolves({});
      await cancelEnd(client, SETTINGS, REQUEST);
      assert.deepEqual(scheduler.commandCalls(DeleteScheduleCommand)[0].args[0].input, {
        Name: `end-${REQUEST}`,
        GroupName: SETTINGS.groupName,
      });
    });

    it("is content when the schedule does not exist", async () => {
      scheduler.on(DeleteScheduleCommand).rejects(notFound());
      await cancelEnd(client, SETTINGS, REQUEST);
    });

    it("throws any other AWS error", async () => {
      scheduler.on(DeleteScheduleCommand).rejects(conflict());
      await assert.rejects(cancelEnd(client, SETTINGS, REQUEST), (err: Error) => err.name === "ConflictException");
    });
  });

  describe("its settings", () => {
    it("are read field by field", () => {
      assert.deepEqual(endScheduleSettings({ ...SETTINGS, extra: 1 }, "schedule"), SETTINGS);
    });

    it("are refused with the field and its rule when one is missing or malformed", () => {
      assert.throws(() => endScheduleSettings(undefined, "schedule"), /schedule must be an object with groupName/);
      assert.throws(() => endScheduleSettings([], "schedule"), /schedule must be an object/);
      const cases: [Partial<Record<keyof EndScheduleSettings, unknown>>, RegExp][] = [
        [{ groupName: "with space" }, /schedule\.groupName must be 1 to 64 letters/],
        [{ groupName: undefined }, /schedule\.groupName must be/],
        [{ roleArn: "arn:aws:iam::111122223333:user/someone" }, /schedule\.roleArn must be an IAM role ARN/],
        [{ deadLetterArn: "arn:aws:sns:eu-west-1:111122223333:topic" }, /schedule\.deadLetterArn must be an SQS/],
        [{ documentName: "ab" }, /schedule\.documentName must be a Systems Manager document name/],
        [{ documentName: 7 }, /schedule\.documentName must be .*not 7/],
      ];
      for (const [change, message] of cases) {
        assert.throws(() => endScheduleSettings({ ...SETTINGS, ...change }, "schedule"), message);
      }
    });
  });
});
