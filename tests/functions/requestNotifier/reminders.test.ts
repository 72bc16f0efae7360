import assert from "node:assert/strict";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IAMClient } from "@aws-sdk/client-iam";
import { IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { ConflictException, CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { type AutomationExecution, GetAutomationExecutionCommand, SSMClient } from "@aws-sdk/client-ssm";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import type { NotifierSettings } from "../../../functions/requestNotifier";
import { approvalState } from "../../../functions/requestNotifier/approvalState";
import {
  armFirstReminder,
  nextFiring,
  REMINDER_KIND,
  reminderSchedule,
  reminderSettings,
  remindOrExpire,
} from "../../../functions/requestNotifier/reminders";
import { reminderScheduleName } from "../../../shared/naming";
import { automationContext, executionId } from "../../support/cloudTrailRecords";

const H = 3_600_000;
const T0 = Date.parse("2026-11-25T09:00:00Z");
const REMINDERS = {
  approvalTimeoutHours: 24,
  approvalReminderHours: 4,
  groupName: "idc-jit-dev-request-reminders",
  roleArn: "arn:aws:iam::111122223333:role/idc-jit-dev-reminder-schedule",
  notifierArn: "arn:aws:lambda:eu-west-1:111122223333:function:idc-jit-dev-request-notifier",
  deadLetterArn: "arn:aws:sqs:eu-west-1:111122223333:idc-jit-dev-notification-dead-letters",
};
const SETTINGS: NotifierSettings = {
  requesterAccountId: "222222222222",
  region: "eu-west-1",
  readerRoleArn: "arn:aws:iam::222222222222:role/idc-jit-dev-request-reader",
  changeTemplateName: automationContext.changeTemplateName,
  runbookName: automationContext.runbookName,
  requestForm: "automation",
  topicArn: "arn:aws:sns:eu-west-1:111122223333:idc-jit-dev-notifications",
  durationUnit: "hours",
  approvalMode: "webAndCli",
  reminders: REMINDERS,
  refuserRoleArn: "arn:aws:iam::222222222222:role/idc-jit-dev-request-refuser",
  identityStoreId: "d-93671a2b3c",
  permissionSetParameterPath: "/idc-jit/dev/permission-sets/",
  instanceArn: "arn:aws:sso:::instance/ssoins-0123456789abcdef",
  tableName: "idc-jit-dev-grant-ledger",
  requestPermissionSets: ["RequestAWSAccountAccess"],
  rules: [],
  guardedAccounts: [],
  sessionMinutes: {},
};

/** The Automation form's run, its one approval step started a second after it, in `status`. */
function run(status: string, step: string, overrides: Partial<AutomationExecution> = {}): AutomationExecution {
  return {
    AutomationExecutionId: executionId,
    DocumentName: automationContext.runbookName,
    AutomationExecutionStatus: status as AutomationExecution["AutomationExecutionStatus"],
    ExecutionStartTime: new Date(T0),
    StepExecutions: [
      {
        StepName: "Approve_1",
        Action: "aws:approve",
        StepStatus: step as "Waiting",
        ExecutionStartTime: new Date(T0 + 1000),
      },
    ],
    Parameters: {
      AccountId: ["777788889999"],
      PermissionSet: ["AWSAdministratorAccess"],
      Duration: ["1"],
      RequestingUser: ["alice"],
      Justification: ["INC-4711: restart the payment service"],
    },
    ...overrides,
  };
}

const sts = mockClient(STSClient);
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);
const scheduler = mockClient(SchedulerClient);
const organizations = mockClient(OrganizationsClient);
const clients = {
  sts: new STSClient({}),
  organizations: new OrganizationsClient({}),
  sns: new SNSClient({}),
  // The screen of a new request does not run here: reminders read only the request's execution.
  identityStore: new IdentitystoreClient({}),
  ssm: new SSMClient({}),
  ssoAdmin: new SSOAdminClient({}),
  dynamodb: new DynamoDBClient({}),
  requesterIam: () => new IAMClient({}),
  scheduler: new SchedulerClient({}),
  requesterSsm: () => new SSMClient({}),
};
const firing = { kind: REMINDER_KIND, executionId } as const;
const created = () => scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
const published = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);

describe("the request notifier's reminders", () => {
  beforeEach(() => {
    for (const m of [sts, ssm, sns, scheduler, organizations]) m.reset();
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: "AKIA", SecretAccessKey: "s", SessionToken: "t", Expiration: new Date() },
    });
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    scheduler.on(CreateScheduleCommand).resolves({});
  });

  describe("nextFiring", () => {
    const since = T0 + 1000;
    /** Firings are whole minutes: Scheduler runs a one-time schedule at any second of its minute. */
    const minute = (at: number) => Math.ceil(at / 60_000) * 60_000;
    it("fires every approvalReminder hours from the approval's start, then a minute after its deadline", () => {
      const firings: number[] = [];
      let now = T0;
      while (now < since + 24 * H) {
        now = nextFiring(since, now + 3000, REMINDERS);
        firings.push(now);
      }
      assert.deepEqual(firings, [
        ...[4, 8, 12, 16, 20].map((h) => minute(since + h * H)),
        minute(since + 24 * H + 60_000),
      ]);
    });
    it("a firing that runs early in its minute, before the grid point, is not due again: the next one is", () => {
      assert.equal(nextFiring(since, minute(since + 4 * H) + 5_000, REMINDERS), minute(since + 8 * H));
    });
    it("keeps to its grid when a firing comes late, and never fires sooner than 15 s from now", () => {
      assert.equal(nextFiring(since, since + 4 * H + 10 * 60_000, REMINDERS), minute(since + 8 * H));
      assert.equal(nextFiring(since, since + 30 * H, REMINDERS), minute(since + 30 * H + 15_000));
    });
    it("with reminders no more often than the timeout, only checks the expiry", () => {
      const s = { approvalTimeoutHours: 4, approvalReminderHours: 4 };
      assert.equal(nextFiring(since, since, s), minute(since + 4 * H + 60_000));
    });
  });

  it("a schedule: one-time, deleted after it ran, in the reminders' group, invoking the notifier with the request", () => {
    const at = T0 + 4 * H;
    const schedule = reminderSchedule(REMINDERS, executionId, at);
    assert.equal(schedule.Name, `remind-${executionId}-20261125T130000`);
    assert.equal(schedule.Name, reminderScheduleName(executionId, at));
    assert.ok(schedule.Name!.length <= 64);
    assert.equal(schedule.ScheduleExpression, "at(2026-11-25T13:00:00)");
    assert.equal(schedule.ActionAfterCompletion, "DELETE");
    assert.equal(schedule.GroupName, REMINDERS.groupName);
    assert.equal(schedule.Target?.Arn, REMINDERS.notifierArn);
    assert.equal(schedule.Target?.RoleArn, REMINDERS.roleArn);
    assert.deepEqual(JSON.parse(schedule.Target?.Input ?? ""), { kind: "ApprovalReminder", executionId });
    assert.throws(() => reminderScheduleName("../x", at), /executionId must be/);
  });

  describe("approvalState", () => {
    it("reads waiting, expired and other ends from either form's execution", () => {
      assert.deepEqual(approvalState(run("Waiting", "Waiting"), 24), {
        kind: "waiting",
        raisedAt: T0,
        since: T0 + 1000,
      });
      assert.equal(approvalState(run("InProgress", "Waiting", { StepExecutions: [] }), 24).kind, "waiting");
      const timedOut = run("TimedOut", "TimedOut", { ExecutionEndTime: new Date(T0 + 24 * H + 2000) });
      assert.deepEqual(approvalState(timedOut, 24), { kind: "expired", raisedAt: T0, endedAt: T0 + 24 * H + 2000 });
      // A change request that shows Failed at its deadline (the simulator's change-request-timeout-failed).
      const failedLate = run("Failed", "Failed", { ExecutionEndTime: new Date(T0 + 24 * H + 2000) });
      assert.equal(approvalState(failedLate, 24).kind, "expired");
      // Rejected an hour in: no expiry.
      const rejected = run("Failed", "Failed", { ExecutionEndTime: new Date(T0 + H) });
      assert.equal(approvalState(rejected, 24).kind, "ended");
      assert.equal(approvalState(run("Success", "Success"), 24).kind, "ended");
      assert.equal(
        approvalState(run("Cancelled", "Cancelled", { ExecutionEndTime: new Date(T0 + 30 * H) }), 24).kind,
        "ended",
      );
    });
  });

  it("arms the first firing after the approval-required notification, only while the request waits", async () => {
    await armFirstReminder(clients, SETTINGS, run("Waiting", "Waiting"), T0 + 5000);
    await armFirstReminder(clients, SETTINGS, run("Success", "Success"), T0 + 5000);
    assert.deepEqual(
      created().map((s) => s.ScheduleExpression),
      ["at(2026-11-25T13:01:00)"],
    );
  });

  it("a firing while the request waits arms the next one and reminds the approvers once", async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: run("Waiting", "Waiting") });
    const now = T0 + 4 * H + 2000;
    assert.deepEqual(await remindOrExpire(firing, clients, SETTINGS, now), {
      notified: "RequestCreated",
      messageId: "m-1",
    });
    assert.equal(created()[0].ScheduleExpression, "at(2026-11-25T17:01:00)");
    const [reminder] = published();
    assert.equal(
      reminder.Subject,
      "Reminder: approval required - JIT access request: AWSAdministratorAccess on 777788889999",
    );
    assert.equal(reminder.MessageAttributes?.EventType?.StringValue, "RequestCreated");
    assert.match(reminder.Message ?? "", /it has waited 4 hours\./);
    assert.match(reminder.Message ?? "", /It expires at 2026-11-26T09:00:01\.000Z unless approved/);
    assert.match(reminder.Message ?? "", /send-automation-signal --signal-type Approve/);
    // The same firing again (a retry, a second delivery): its next schedule exists, so nothing is published.
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: "exists", Message: "exists", $metadata: {} }));
    assert.ok("ignored" in (await remindOrExpire(firing, clients, SETTINGS, now)));
    assert.equal(published().length, 1);
  });

  it("a firing after the timeout tells the requesters it expired, naming the timeout, and arms nothing", async () => {
    const ended = run("TimedOut", "TimedOut", { ExecutionEndTime: new Date(T0 + 24 * H + 2000) });
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: ended });
    const result = await remindOrExpire(firing, clients, SETTINGS, T0 + 24 * H + 61_000);
    assert.deepEqual(result, { notified: "RequestRejected", messageId: "m-1" });
    assert.deepEqual(created(), []);
    const [expiry] = published();
    assert.equal(expiry.Subject, "Expired - JIT access request: AWSAdministratorAccess on 777788889999");
    assert.equal(expiry.MessageAttributes?.EventType?.StringValue, "RequestRejected");
    assert.match(expiry.Message ?? "", /not approved within 24 hours \(jit:approvalTimeout\)/);
  });

  it("a firing after any other end does nothing; a payload naming no execution is ignored unread", async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: run("Success", "Success") });
    assert.ok("ignored" in (await remindOrExpire(firing, clients, SETTINGS, T0 + 4 * H)));
    assert.ok("ignored" in (await remindOrExpire({ ...firing, executionId: "x" }, clients, SETTINGS, T0)));
    assert.deepEqual([published(), created()], [[], []]);
    assert.equal(sts.commandCalls(AssumeRoleCommand).length, 1);
  });

  it("settings: each field checked, an error naming it and its rule", () => {
    assert.deepEqual(reminderSettings(REMINDERS, "reminders"), REMINDERS);
    assert.throws(
      () => reminderSettings({ ...REMINDERS, approvalReminderHours: 0 }, "reminders"),
      /reminders\.approvalReminderHours must be a whole number of hours from 1 to 720/,
    );
    assert.throws(
      () => reminderSettings({ ...REMINDERS, roleArn: "role" }, "reminders"),
      /reminders\.roleArn must be an IAM role ARN/,
    );
    assert.throws(() => reminderSettings(undefined, "reminders"), /reminders must be an object/);
  });
});
