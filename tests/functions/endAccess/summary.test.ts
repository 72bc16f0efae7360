import assert from "node:assert/strict";
import { CreateScheduleCommand, InternalServerException } from "@aws-sdk/client-scheduler";
import { DeleteAccountAssignmentCommand } from "@aws-sdk/client-sso-admin";
import {
  ALREADY_ENDED,
  END_ACCESS_ENV,
  ENDED,
  type EndAccessSettings,
  endAccess,
  endAccessSettings,
  NOT_REMOVED,
} from "../../../functions/endAccess";
import { endSchedule, scheduleName } from "../../../functions/grantSchedule";
import { summarySchedule, summaryScheduleName } from "../../../functions/summarySchedule";
import type { GrantRecord } from "../../../shared/grantLedger";
import { type Dynalite, startDynalite } from "../../support/dynalite";
import {
  checkedGrant,
  type GrantWorld,
  grantWorld,
  IdentityCenterMock,
  newRequest,
  SchedulerMock,
  settingsFor,
  USER,
} from "../../support/grantFunctions";

/** A Lambda context that always has a minute left (one made when the file loads would run out when other files run first). */
const MINUTE = { getRemainingTimeInMillis: () => 60_000 };
const SUMMARY = {
  functionArn: "arn:aws:lambda:eu-west-1:111122223333:function:idc-jit-dev-cloudtrail-summary",
  waitSeconds: 0,
  sessionMinutes: { AdministratorAccess: 60 },
};

/** The at(...) time of a schedule, in epoch milliseconds. */
const atOf = (expression: string | undefined) => Date.parse(`${/^at\((.*)\)$/.exec(expression ?? "")![1]}Z`);

describe("endAccess: the CloudTrail summary is scheduled for when the grant's sessions have expired, not slept for", () => {
  let db: Dynalite;
  let w: GrantWorld;
  let settings: EndAccessSettings;
  const identityCenter = new IdentityCenterMock();
  const scheduler = new SchedulerMock();
  before(async () => {
    db = await startDynalite();
  });
  after(() => db.close());
  beforeEach(async () => {
    w = await grantWorld(db, identityCenter, scheduler);
    settings = { ...w.settings, cloudTrailSummary: SUMMARY };
  });

  const end = (g: Pick<GrantRecord, "requestId">, Cause = "schedule", s: EndAccessSettings = settings) =>
    endAccess({ RequestId: g.requestId, Cause }, w.clients, s, MINUTE);
  const summaryOf = (g: GrantRecord) => scheduler.schedules.get(summaryScheduleName(g.requestId));

  async function activeGrant(startedAt = Date.now() - 3_600_000): Promise<GrantRecord> {
    const checked = await checkedGrant(w.ledger, newRequest());
    const granting = await w.ledger.transition(checked, {
      from: ["checked"],
      to: "granting",
      cause: "grant",
      note: "",
    });
    const active = await w.ledger.transition(granting, {
      from: ["granting"],
      to: "active",
      cause: "grant",
      note: "",
      set: { startedAt, endsAt: Math.ceil(startedAt / 1000) + checked.durationMinutes * 60 },
    });
    identityCenter.assigned.add(`USER|${USER}`);
    scheduler.schedules.set(scheduleName(active.requestId), endSchedule(settings.schedule, active, startedAt));
    return active;
  }

  it("once the removal is confirmed: a one-time schedule invokes the summary function the set's session duration later", async () => {
    const g = await activeGrant();
    const before = Date.now();
    assert.equal(await end(g), ENDED);
    const made = summaryOf(g);
    assert.ok(made, "the summary is scheduled");
    assert.equal(made.GroupName, settings.schedule.groupName);
    assert.equal(made.Target?.Arn, SUMMARY.functionArn);
    assert.equal(made.Target?.RoleArn, settings.schedule.roleArn);
    const at = atOf(made.ScheduleExpression);
    assert.ok(at >= before + 3_600_000 && at <= Date.now() + 3_601_000, made.ScheduleExpression);
    assert.deepEqual(JSON.parse(made.Target!.Input!), {
      accountId: g.accountId,
      permissionSet: g.permissionSet,
      userName: g.userName,
      duration: "60",
      executionId: g.requestId,
      waitSeconds: "3600",
    });
    // The end schedule is deleted as before; the summary's stays, to fire.
    assert.equal(scheduler.schedules.has(scheduleName(g.requestId)), false);
  });

  it("waits waitSeconds when that is longer than the session, and says the wait it used in the event", async () => {
    const g = await activeGrant();
    const before = Date.now();
    settings = { ...settings, cloudTrailSummary: { ...SUMMARY, waitSeconds: 9000 } };
    assert.equal(await end(g), ENDED);
    const made = summaryOf(g);
    const at = atOf(made?.ScheduleExpression);
    assert.ok(at >= before + 9_000_000 && at <= Date.now() + 9_001_000, made?.ScheduleExpression);
    assert.equal(JSON.parse(made!.Target!.Input!).waitSeconds, "9000");
  });

  describe("a set whose session duration the deployment did not read", () => {
    const logged: string[] = [];
    const log = console.log;
    beforeEach(() => {
      logged.length = 0;
      console.log = (...args: unknown[]) => logged.push(args.join(" "));
    });
    afterEach(() => {
      console.log = log;
    });

    it("waits 12 hours, the longest session Identity Center allows, and the log says why", async () => {
      const g = await activeGrant();
      const before = Date.now();
      settings = { ...settings, cloudTrailSummary: { ...SUMMARY, sessionMinutes: { ViewOnlyAccess: 60 } } };
      assert.equal(await end(g), ENDED);
      const made = summaryOf(g);
      const at = atOf(made?.ScheduleExpression);
      assert.ok(at >= before + 43_200_000 && at <= Date.now() + 43_201_000, made?.ScheduleExpression);
      assert.equal(JSON.parse(made!.Target!.Input!).waitSeconds, "43200");
      assert.ok(
        logged.some((line) =>
          line.includes(
            "43200 seconds after the removal: the session duration of AdministratorAccess is not known to this deployment, so the longest Identity Center allows",
          ),
        ),
        logged.join("\n"),
      );
    });
  });

  it("a second end, or a retry once the grant is closed: AlreadyEnded, nothing scheduled again", async () => {
    const g = await activeGrant();
    assert.equal(await end(g), ENDED);
    assert.equal(await end(g, "operator"), ALREADY_ENDED);
    assert.equal(scheduler.mock.commandCalls(CreateScheduleCommand).length, 1);
  });

  it("a retry after the summary was scheduled but before the grant was closed: Ended, the schedule left as it was", async () => {
    const g = await activeGrant();
    await w.ledger.transition(g, { from: ["active"], to: "ending", cause: "schedule", note: "" });
    identityCenter.assigned.clear();
    // The first try removed the assignment and scheduled the summary, then stopped before closing the grant.
    const first = summarySchedule(settings.schedule, SUMMARY, g, {
      removedAt: Date.now() - 120_000,
      waitSeconds: 3600,
    });
    scheduler.schedules.set(first.Name!, first);
    assert.equal(await end(g), ENDED);
    assert.equal(summaryOf(g), first, "the existing schedule is neither replaced nor doubled");
    assert.deepEqual([...scheduler.schedules.keys()], [first.Name]);
  });

  it("is Ended even when the summary cannot be scheduled: the access is gone, the failure is logged", async () => {
    const g = await activeGrant();
    scheduler.mock
      .on(CreateScheduleCommand)
      .rejects(new InternalServerException({ message: "down", Message: "down", $metadata: {} }));
    assert.equal(await end(g), ENDED);
    assert.equal((await w.ledger.get(g.requestId))?.state, "ended");
  });

  it("nothing is scheduled while the access is still there (NotRemoved), nor for a grant not this end's", async () => {
    identityCenter.deletions.push("FAILED");
    const g = await activeGrant();
    assert.equal(await end(g), NOT_REMOVED);
    const other = {
      RequestId: g.requestId,
      Cause: "failure",
      GrantExecutionId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    };
    assert.equal(await endAccess(other, w.clients, settings, MINUTE), ALREADY_ENDED);
    assert.equal(scheduler.mock.commandCalls(CreateScheduleCommand).length, 0);
  });

  it("without the summary (no cloudTrailSummary setting) nothing is scheduled", async () => {
    const g = await activeGrant();
    assert.equal(await end(g, "schedule", w.settings), ENDED);
    assert.equal(scheduler.mock.commandCalls(CreateScheduleCommand).length, 0);
    assert.equal(identityCenter.calls(DeleteAccountAssignmentCommand), 1);
  });

  it("reads the summary's settings from JIT_END_ACCESS, naming a wrong field", () => {
    const env = (s: unknown) => ({ [END_ACCESS_ENV]: JSON.stringify(s) });
    const plain = settingsFor("idc-jit-dev-grant-ledger");
    assert.deepEqual(endAccessSettings(env({ ...plain, cloudTrailSummary: SUMMARY })), {
      ...plain,
      cloudTrailSummary: SUMMARY,
    });
    assert.deepEqual(endAccessSettings(env(plain)), plain);
    assert.throws(
      () => endAccessSettings(env({ ...plain, cloudTrailSummary: { ...SUMMARY, waitSeconds: -1 } })),
      /JIT_END_ACCESS\.cloudTrailSummary\.waitSeconds must be a whole number of seconds from 0 to 43200/,
    );
    const { sessionMinutes: _, ...withoutSessions } = SUMMARY;
    assert.throws(
      () => endAccessSettings(env({ ...plain, cloudTrailSummary: withoutSessions })),
      /JIT_END_ACCESS\.cloudTrailSummary\.sessionMinutes must be an object of permission set names to session durations in minutes/,
    );
  });
});
