import assert from "node:assert/strict";
import {
  ConflictException,
  CreateScheduleCommand,
  SchedulerClient,
  ValidationException,
} from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";
import { parseSummaryEvent } from "../../../functions/cloudTrailSummary";
import { scheduleName } from "../../../functions/grantSchedule";
import {
  type SummaryGrant,
  scheduleSummary,
  summaryMinutes,
  summarySchedule,
  summaryScheduleName,
  summaryScheduleSettings,
  summaryWait,
} from "../../../functions/summarySchedule";
import { settingsFor } from "../../support/grantFunctions";

const SCHEDULE = settingsFor("idc-jit-dev-grant-ledger").schedule;
const SUMMARY = {
  functionArn: "arn:aws:lambda:eu-west-1:111122223333:function:idc-jit-dev-cloudtrail-summary",
  waitSeconds: 0,
  sessionMinutes: { AdministratorAccess: 60, ViewOnlyAccess: 480 },
};
const REQUEST = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const REMOVED = Date.parse("2026-03-01T10:15:20.400Z");
const GRANT: SummaryGrant = {
  requestId: REQUEST,
  accountId: "777788889999",
  permissionSet: "AdministratorAccess",
  userName: "jane.doe",
  durationMinutes: 60,
  startedAt: REMOVED - 60 * 60_000 - 30_000,
  endsAt: Math.ceil((REMOVED - 60 * 60_000 - 30_000) / 1000) + 3600,
};

describe("summarySchedule: a grant's CloudTrail summary, sent later by EventBridge Scheduler", () => {
  describe("its schedule", () => {
    const definition = summarySchedule(SCHEDULE, SUMMARY, GRANT, { removedAt: REMOVED, waitSeconds: 3600 });

    it("is a one-time schedule in the solution's group, its wait after the removal (to the next second), in UTC", () => {
      assert.equal(definition.GroupName, SCHEDULE.groupName);
      assert.equal(definition.ScheduleExpression, "at(2026-03-01T11:15:21)");
      assert.equal(definition.ScheduleExpressionTimezone, "UTC");
      assert.deepEqual(definition.FlexibleTimeWindow, { Mode: "OFF" });
      assert.equal(definition.ActionAfterCompletion, "DELETE");
      assert.equal(definition.State, "ENABLED");
    });

    it("invokes the summary function (a templated Lambda target) with the scheduler role, retries and the dead-letter queue", () => {
      const target = definition.Target!;
      assert.equal(target.Arn, SUMMARY.functionArn);
      assert.equal(target.RoleArn, SCHEDULE.roleArn);
      assert.deepEqual(target.RetryPolicy, { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 });
      assert.deepEqual(target.DeadLetterConfig, { Arn: SCHEDULE.deadLetterArn });
    });

    it("gives the summary function the event it reads: the grant's fields as strings, the duration in minutes, the wait", () => {
      const event = JSON.parse(definition.Target!.Input!);
      assert.deepEqual(event, {
        accountId: "777788889999",
        permissionSet: "AdministratorAccess",
        userName: "jane.doe",
        duration: "60",
        executionId: REQUEST,
        waitSeconds: "3600",
      });
      assert.deepEqual(parseSummaryEvent(event), event);
    });

    it("is JSON whatever the text it carries (never built by concatenation)", () => {
      const odd = { ...GRANT, userName: 'jane"doe\\x' };
      const input = summarySchedule(SCHEDULE, SUMMARY, odd, { removedAt: REMOVED, waitSeconds: 3600 }).Target!.Input!;
      assert.equal(JSON.parse(input).userName, 'jane"doe\\x');
    });

    it("is never in the past: a removal long ago is summarised at the first whole minute at least 15 s away", () => {
      const now = REMOVED + 2 * 3_600_000;
      assert.equal(
        summarySchedule(SCHEDULE, SUMMARY, GRANT, { removedAt: REMOVED, waitSeconds: 3600 }, now).ScheduleExpression,
        "at(2026-03-01T12:16:00)",
      );
    });

    it("has a name of its own, within Scheduler's 64 characters, never an end schedule's", () => {
      assert.equal(definition.Name, `summary-${REQUEST}`);
      assert.ok(/^[0-9a-zA-Z_.-]{1,64}$/.test(definition.Name!));
      assert.notEqual(definition.Name, scheduleName(REQUEST));
      assert.throws(() => summaryScheduleName("x"), /RequestId must be/);
    });
  });

  describe("how long after the removal it is sent (summaryWait)", () => {
    it("the granted set's session duration, when waitSeconds is shorter: the sessions still open have expired", () => {
      assert.deepEqual(summaryWait(SUMMARY, "AdministratorAccess"), { seconds: 3600, known: true });
      assert.deepEqual(summaryWait(SUMMARY, "ViewOnlyAccess"), { seconds: 28_800, known: true });
      assert.deepEqual(summaryWait({ ...SUMMARY, waitSeconds: 7200 }, "AdministratorAccess"), {
        seconds: 7200,
        known: true,
      });
    });

    it("waitSeconds, when it is longer than the set's session duration: it is the least wait", () => {
      assert.deepEqual(summaryWait({ ...SUMMARY, waitSeconds: 30_000 }, "ViewOnlyAccess"), {
        seconds: 30_000,
        known: true,
      });
    });

    it("12 hours, the longest session Identity Center allows, for a set whose duration the deployment did not read", () => {
      assert.deepEqual(summaryWait(SUMMARY, "NetworkAdministrator"), { seconds: 43_200, known: false });
      assert.deepEqual(summaryWait(SUMMARY, "constructor"), { seconds: 43_200, known: false });
    });
  });

  describe("the minutes it covers", () => {
    it("the approved duration, or from the start to the end extensions moved it to, at most a day", () => {
      assert.equal(summaryMinutes(GRANT), 60);
      assert.equal(summaryMinutes({ ...GRANT, endsAt: GRANT.endsAt + 90 * 60 }), 150);
      assert.equal(summaryMinutes({ ...GRANT, startedAt: undefined }), 60);
      assert.equal(summaryMinutes({ ...GRANT, endsAt: GRANT.endsAt + 3 * 86_400 }), 1440);
    });
  });

  describe("scheduleSummary", () => {
    const mock = mockClient(SchedulerClient);
    const client = new SchedulerClient({ region: "eu-west-1" });
    beforeEach(() => mock.reset());
    after(() => mock.restore());

    it("creates the schedule once, the granted set's session duration after the removal", async () => {
      mock.on(CreateScheduleCommand).resolves({ ScheduleArn: "arn" });
      const made = await scheduleSummary(client, SCHEDULE, SUMMARY, GRANT, REMOVED, REMOVED);
      assert.deepEqual(made, {
        name: `summary-${REQUEST}`,
        expression: "at(2026-03-01T11:15:21)",
        outcome: "scheduled",
        wait: { seconds: 3600, known: true },
      });
      assert.deepEqual(
        mock.commandCalls(CreateScheduleCommand)[0].args[0].input,
        summarySchedule(SCHEDULE, SUMMARY, GRANT, { removedAt: REMOVED, waitSeconds: 3600 }),
      );
    });

    it("waits the longer of waitSeconds and the session, and says that wait in the event", async () => {
      mock.on(CreateScheduleCommand).resolves({ ScheduleArn: "arn" });
      const longer = { ...SUMMARY, waitSeconds: 5400 };
      const made = await scheduleSummary(client, SCHEDULE, longer, GRANT, REMOVED, REMOVED);
      assert.equal(made.expression, "at(2026-03-01T11:45:21)");
      const viewOnly = { ...GRANT, permissionSet: "ViewOnlyAccess" };
      const eight = await scheduleSummary(client, SCHEDULE, longer, viewOnly, REMOVED, REMOVED);
      assert.equal(eight.expression, "at(2026-03-01T18:15:21)");
      const events = mock.commandCalls(CreateScheduleCommand).map((c) => JSON.parse(c.args[0].input.Target!.Input!));
      assert.deepEqual(
        events.map((e) => e.waitSeconds),
        ["5400", "28800"],
      );
    });

    it("takes a schedule of that name as already scheduled (a retry): nothing made again, nothing changed", async () => {
      mock
        .on(CreateScheduleCommand)
        .rejects(new ConflictException({ message: "exists", Message: "exists", $metadata: {} }));
      const made = await scheduleSummary(client, SCHEDULE, SUMMARY, GRANT, REMOVED, REMOVED);
      assert.equal(made.outcome, "already");
      assert.equal(mock.calls().length, 1);
    });

    it("throws any other error", async () => {
      mock
        .on(CreateScheduleCommand)
        .rejects(new ValidationException({ message: "bad", Message: "bad", $metadata: {} }));
      await assert.rejects(scheduleSummary(client, SCHEDULE, SUMMARY, GRANT, REMOVED, REMOVED), /bad/);
    });
  });

  describe("its settings", () => {
    it("take the function's ARN, a least wait of 0 to 43200 seconds and each set's session minutes, naming the field and the rule", () => {
      assert.deepEqual(summaryScheduleSettings(SUMMARY, "X"), SUMMARY);
      assert.deepEqual(summaryScheduleSettings({ ...SUMMARY, waitSeconds: 43_200 }, "X").waitSeconds, 43_200);
      assert.throws(() => summaryScheduleSettings(undefined, "X"), /^Error: X must be an object/);
      assert.throws(
        () => summaryScheduleSettings({ ...SUMMARY, functionArn: "idc-jit-dev-cloudtrail-summary" }, "X"),
        /X\.functionArn must be a Lambda function ARN/,
      );
      for (const waitSeconds of [-1, 43_201, 1.5, "3600", undefined]) {
        assert.throws(
          () => summaryScheduleSettings({ ...SUMMARY, waitSeconds }, "X"),
          /X\.waitSeconds must be a whole number of seconds from 0 to 43200/,
        );
      }
      for (const sessionMinutes of [
        undefined,
        [],
        { AdministratorAccess: 0 },
        { AdministratorAccess: 721 },
        { AdministratorAccess: "60" },
        { "bad name": 60 },
      ]) {
        assert.throws(
          () => summaryScheduleSettings({ ...SUMMARY, sessionMinutes }, "X"),
          /^Error: X\.sessionMinutes must be an object of permission set names to session durations in minutes \(whole numbers from 1 to 720\)/,
          JSON.stringify(sessionMinutes),
        );
      }
    });
  });
});
