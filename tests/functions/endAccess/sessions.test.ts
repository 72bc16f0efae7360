import assert from "node:assert/strict";
import { CreateScheduleCommand, InternalServerException } from "@aws-sdk/client-scheduler";
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
import { readRevocationEvent, revocationScheduleName } from "../../../functions/sessionRevoker/event";
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

const MINUTE = { getRemainingTimeInMillis: () => 60_000 };
const REVOKER = {
  functionArn: "arn:aws:lambda:eu-west-1:111122223333:function:idc-jit-dev-session-revoker",
  exceptSets: ["JitVerifyCanary"],
};

describe("endAccess: with jit:revokeOpenSessions, an end schedules the revocation of the grant's open sessions", () => {
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
    settings = { ...w.settings, sessionRevoker: REVOKER };
  });

  const end = (g: Pick<GrantRecord, "requestId">, s: EndAccessSettings = settings) =>
    endAccess({ RequestId: g.requestId, Cause: "schedule" }, w.clients, s, MINUTE);
  const revocationOf = (g: GrantRecord) => scheduler.schedules.get(revocationScheduleName(g.requestId));

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

  it("once the removal is confirmed: a one-time schedule invokes the revoker at once with the grant's user and access", async () => {
    const g = await activeGrant();
    const before = Math.floor(Date.now() / 1000);
    assert.equal(await end(g), ENDED);
    const made = revocationOf(g);
    assert.ok(made, "the revocation is scheduled");
    assert.equal(made.GroupName, settings.schedule.groupName);
    assert.equal(made.Target?.Arn, REVOKER.functionArn);
    assert.equal(made.Target?.RoleArn, settings.schedule.roleArn);
    assert.equal(made.Target?.DeadLetterConfig?.Arn, settings.schedule.deadLetterArn);
    assert.equal(made.ActionAfterCompletion, "DELETE");
    const at = Date.parse(`${/^at\((.*)\)$/.exec(made.ScheduleExpression as string)?.[1]}Z`);
    assert.ok(at <= Date.now() + 76_000, `within the first minute Scheduler allows: ${made.ScheduleExpression}`);
    const event = readRevocationEvent(JSON.parse(made.Target?.Input as string));
    assert.deepEqual(
      { ...event, revokedAt: 0 },
      {
        requestId: g.requestId,
        userId: USER,
        accountId: g.accountId,
        permissionSetArn: g.permissionSetArn,
        revokedAt: 0,
      },
    );
    assert.ok(event.revokedAt >= before && event.revokedAt <= Math.ceil(Date.now() / 1000) + 1);
  });

  it("a retry once the grant is closed schedules nothing again", async () => {
    const g = await activeGrant();
    assert.equal(await end(g), ENDED);
    assert.equal(
      await endAccess({ RequestId: g.requestId, Cause: "operator" }, w.clients, settings, MINUTE),
      ALREADY_ENDED,
    );
    assert.equal(scheduler.mock.commandCalls(CreateScheduleCommand).length, 1);
  });

  it("fails while the revocation cannot be scheduled: the grant stays ending, and the next end schedules it", async () => {
    const g = await activeGrant();
    scheduler.mock
      .on(CreateScheduleCommand)
      .rejects(new InternalServerException({ message: "down", Message: "down", $metadata: {} }));
    await assert.rejects(end(g), /revocation of its open sessions could not be scheduled/);
    assert.equal((await w.ledger.get(g.requestId))?.state, "ending");
    scheduler.reset();
    assert.equal(await end(g), ENDED);
    assert.ok(revocationOf(g), "scheduled by the end that closed it");
  });

  it("nothing is scheduled while the access is still there (NotRemoved)", async () => {
    identityCenter.deletions.push("FAILED");
    const g = await activeGrant();
    assert.equal(await end(g), NOT_REMOVED);
    assert.equal(revocationOf(g), undefined);
  });

  it("a grant of a set the revoker leaves out (the jit verify canary, which denies everything): nothing scheduled", async () => {
    const g = await activeGrant();
    const canary = { ...settings, sessionRevoker: { ...REVOKER, exceptSets: [g.permissionSet] } };
    assert.equal(await end(g, canary), ENDED);
    assert.equal(revocationOf(g), undefined);
  });

  it("with the option off (no sessionRevoker setting) nothing is scheduled", async () => {
    const g = await activeGrant();
    assert.equal(await end(g, w.settings), ENDED);
    assert.equal(revocationOf(g), undefined);
    assert.equal(scheduler.mock.commandCalls(CreateScheduleCommand).length, 0);
  });

  it("reads the revoker's setting from JIT_END_ACCESS, naming a wrong field", () => {
    const env = (s: unknown) => ({ [END_ACCESS_ENV]: JSON.stringify(s) });
    const plain = settingsFor("idc-jit-dev-grant-ledger");
    assert.deepEqual(endAccessSettings(env({ ...plain, sessionRevoker: REVOKER })), {
      ...plain,
      sessionRevoker: REVOKER,
    });
    assert.throws(
      () => endAccessSettings(env({ ...plain, sessionRevoker: { functionArn: "revoker" } })),
      /JIT_END_ACCESS\.sessionRevoker\.functionArn must be/,
    );
    assert.throws(
      () => endAccessSettings(env({ ...plain, sessionRevoker: { ...REVOKER, exceptSets: ["a b"] } })),
      /JIT_END_ACCESS\.sessionRevoker\.exceptSets must be a list of/,
    );
  });
});
