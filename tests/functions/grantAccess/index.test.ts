import assert from "node:assert/strict";
import { CreateScheduleCommand, UpdateScheduleCommand } from "@aws-sdk/client-scheduler";
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  ListAccountAssignmentsCommand,
} from "@aws-sdk/client-sso-admin";
import { END_ACCESS_ENV } from "../../../functions/endAccess";
import { GRANTED, grantAccess, MAY_BE_GRANTED, NOT_GRANTED, REMOVED } from "../../../functions/grantAccess";
import { grantFunctionSettings } from "../../../functions/grantAccess/settings";
import { endSchedule } from "../../../functions/grantSchedule";
import type { GrantRecord } from "../../../shared/grantLedger";
import { type Dynalite, startDynalite } from "../../support/dynalite";
import {
  checkedGrant,
  type GrantWorld,
  grantWorld,
  IdentityCenterMock,
  newRequest,
  otherAssignees,
  SchedulerMock,
  settingsFor,
  timeLeft,
  USER,
} from "../../support/grantFunctions";

// A fixed minute left whenever asked: a deadline fixed when the file loads would run out while other files run first.
const MINUTE = { getRemainingTimeInMillis: () => 60_000 };

describe("grantAccess: the grant of what the check recorded", () => {
  let db: Dynalite;
  let w: GrantWorld;
  const identityCenter = new IdentityCenterMock();
  const scheduler = new SchedulerMock();
  before(async () => {
    db = await startDynalite();
  });
  after(() => db.close());
  beforeEach(async () => {
    w = await grantWorld(db, identityCenter, scheduler);
  });

  const eventOf = (g: Pick<GrantRecord, "requestId" | "grantExecutionId">) => ({
    RequestId: g.requestId,
    GrantExecutionId: g.grantExecutionId,
  });
  const grant = (g: Pick<GrantRecord, "requestId" | "grantExecutionId">, context = MINUTE) =>
    grantAccess(eventOf(g), w.clients, w.settings, context);
  const toGranting = (g: GrantRecord) =>
    w.ledger.transition(g, { from: ["checked"], to: "granting", cause: "grant", note: "test: asked" });
  const toActive = (g: GrantRecord, startedAt = Date.now()) =>
    w.ledger.transition(g, {
      from: ["granting"],
      to: "active",
      cause: "grant",
      note: "test: confirmed",
      set: { startedAt, endsAt: Math.ceil(startedAt / 1000) + g.durationMinutes * 60 },
    });
  const reread = async (g: GrantRecord) => (await w.ledger.get(g.requestId))!;
  /** Identity Center makes the assignment, and meanwhile the grant, `from` that state, is ended for `cause`. */
  const endedDuringCreation = (g: GrantRecord, from: "checked" | "granting", cause: "failure" | "operator") =>
    identityCenter.mock.on(CreateAccountAssignmentCommand).callsFake(async () => {
      const ending = await w.ledger.transition(await reread(g), { from: [from], to: "ending", cause, note: "" });
      await w.ledger.transition(ending, { from: ["ending"], to: "ended", cause, note: "test" });
      identityCenter.assigned.add(`USER|${USER}`);
      return {
        AccountAssignmentCreationStatus: { RequestId: "7f6c1e0b-5d2a-4c8e-9f3b-2a1d4e6f8a90", Status: "SUCCEEDED" },
      };
    });

  describe("a checked grant", () => {
    it("is assigned as recorded, becomes active for its duration from now, and its end is scheduled", async () => {
      const checked = await checkedGrant(w.ledger, newRequest({ durationMinutes: 90 }));
      const before = Date.now();
      assert.equal(await grant(checked), GRANTED);
      const after = Date.now();

      assert.deepEqual([...identityCenter.assigned], [`USER|${USER}`]);
      const create = identityCenter.mock.commandCalls(CreateAccountAssignmentCommand)[0].args[0].input;
      assert.equal(create.PermissionSetArn, checked.permissionSetArn);
      assert.equal(create.TargetId, checked.accountId);

      const active = await reread(checked);
      assert.equal(active.state, "active");
      assert.ok(active.startedAt! >= before && active.startedAt! <= after);
      assert.equal(active.endsAt, Math.ceil(active.startedAt! / 1000) + 90 * 60);
      assert.equal(active.scheduleName, `end-${checked.requestId}`);
      assert.equal(active.creationRequestId, identityCenter.creationIds()[0]);
      assert.deepEqual(
        active.history.map((h) => [h.from, h.to, h.cause]),
        [
          [null, "checked", "check"],
          ["checked", "granting", "grant"],
          ["granting", "granting", "grant"],
          ["granting", "active", "grant"],
          ["active", "active", "grant"],
        ],
      );
      assert.deepEqual(scheduler.schedules.get(active.scheduleName!), endSchedule(w.settings.schedule, active, 0));
    });

    it("follows a creation that is IN_PROGRESS at first until it SUCCEEDS", async () => {
      identityCenter.settleAtOnce = false;
      const checked = await checkedGrant(w.ledger, newRequest());
      assert.equal(await grant(checked), GRANTED);
      assert.equal(identityCenter.calls(DescribeAccountAssignmentCreationStatusCommand), 1);
      assert.equal((await reread(checked)).state, "active");
    });

    it("is closed failed, and answers NotGranted, when the creation FAILED and nothing is assigned", async () => {
      identityCenter.creations.push("FAILED");
      const checked = await checkedGrant(w.ledger, newRequest());
      assert.equal(await grant(checked), NOT_GRANTED);
      const failed = await reread(checked);
      assert.equal(failed.state, "failed");
      assert.match(failed.history.at(-1)!.note, /FAILED \(Received a 404.*\); the assignment is confirmed absent/);
      assert.equal(scheduler.schedules.size, 0);
      // The access lock is released: the same access can be requested again.
      assert.equal((await w.ledger.record(newRequest())).kind, "recorded");
    });

    it("is granted when the creation FAILED yet the assignment is there", async () => {
      identityCenter.mock.on(CreateAccountAssignmentCommand).callsFake(() => {
        identityCenter.assigned.add(`USER|${USER}`);
        return {
          AccountAssignmentCreationStatus: { RequestId: "7f6c1e0b-5d2a-4c8e-9f3b-2a1d4e6f8a90", Status: "FAILED" },
        };
      });
      const checked = await checkedGrant(w.ledger, newRequest());
      assert.equal(await grant(checked), GRANTED);
      assert.equal((await reread(checked)).state, "active");
    });

    it("throws when the creation is still IN_PROGRESS as the time runs out, and stays granting", async () => {
      identityCenter.creations.push("IN_PROGRESS");
      const checked = await checkedGrant(w.ledger, newRequest());
      await assert.rejects(
        grant(checked, timeLeft(10_500)),
        /still IN_PROGRESS when the invocation's time ran out: grant .* stays granting/,
      );
      const granting = await reread(checked);
      assert.equal(granting.state, "granting");
      assert.equal(granting.creationRequestId, identityCenter.creationIds()[0], "the creation is in the ledger");
      assert.equal(scheduler.schedules.size, 0);
      // The step's retry follows the same creation, still in flight: it does not ask again.
      await assert.rejects(grant(checked, timeLeft(10_500)), /still IN_PROGRESS/);
      assert.equal(identityCenter.calls(CreateAccountAssignmentCommand), 1);
      // Once it has settled, the next retry finds it SUCCEEDED and activates.
      identityCenter.settle(granting.creationRequestId!, "SUCCEEDED");
      assert.equal(await grant(checked), GRANTED);
      assert.equal(identityCenter.calls(CreateAccountAssignmentCommand), 1);
      assert.equal((await reread(checked)).state, "active");
    });

    it("a retry that finds its earlier creation FAILED and nothing assigned asks again", async () => {
      identityCenter.creations.push("IN_PROGRESS");
      const checked = await checkedGrant(w.ledger, newRequest());
      await assert.rejects(grant(checked, timeLeft(10_500)), /still IN_PROGRESS/);
      identityCenter.settle(identityCenter.creationIds()[0], "FAILED");
      assert.equal(await grant(checked), GRANTED);
      assert.equal(identityCenter.calls(CreateAccountAssignmentCommand), 2);
      const active = await reread(checked);
      assert.equal(active.creationRequestId, identityCenter.creationIds()[1]);
    });

    it("ended while its assignment was being made: removes what it made, confirms it gone, answers Removed", async () => {
      const checked = await checkedGrant(w.ledger, newRequest());
      endedDuringCreation(checked, "granting", "failure");
      assert.equal(await grant(checked), REMOVED, "the access was assigned, then removed: not 'nothing was granted'");
      assert.equal((await reread(checked)).state, "ended");
      assert.deepEqual([...identityCenter.assigned], [], "the assignment it made is removed");
      assert.equal(identityCenter.calls(DeleteAccountAssignmentCommand), 1);
      assert.equal(scheduler.schedules.size, 0);
    });

    it("ended after its creation was noted, before it settled: removes what it made once it SUCCEEDS", async () => {
      identityCenter.settleAtOnce = false;
      const checked = await checkedGrant(w.ledger, newRequest());
      identityCenter.mock.on(DescribeAccountAssignmentCreationStatusCommand).callsFake(async (input) => {
        const granting = await reread(checked);
        if (granting.state === "granting") {
          const ending = await w.ledger.transition(granting, {
            from: ["granting"],
            to: "ending",
            cause: "operator",
            note: "",
          });
          await w.ledger.transition(ending, { from: ["ending"], to: "ended", cause: "operator", note: "" });
        }
        identityCenter.assigned.add(`USER|${USER}`);
        return {
          AccountAssignmentCreationStatus: { RequestId: input.AccountAssignmentCreationRequestId, Status: "SUCCEEDED" },
        };
      });
      assert.equal(await grant(checked), REMOVED);
      assert.deepEqual([...identityCenter.assigned], []);
    });

    it("ended meanwhile, the access another grant's by now: leaves the assignment to that grant, MayBeGranted", async () => {
      const checked = await checkedGrant(w.ledger, newRequest());
      identityCenter.mock.on(CreateAccountAssignmentCommand).callsFake(async () => {
        const granting = await reread(checked);
        const ending = await w.ledger.transition(granting, {
          from: ["granting"],
          to: "ending",
          cause: "failure",
          note: "",
        });
        await w.ledger.transition(ending, { from: ["ending"], to: "ended", cause: "failure", note: "" });
        await checkedGrant(w.ledger, newRequest());
        identityCenter.assigned.add(`USER|${USER}`);
        return {
          AccountAssignmentCreationStatus: { RequestId: "7f6c1e0b-5d2a-4c8e-9f3b-2a1d4e6f8a90", Status: "SUCCEEDED" },
        };
      });
      // Its creation was asked for and made the assignment: never "nothing was granted".
      assert.equal(await grant(checked), MAY_BE_GRANTED);
      assert.deepEqual([...identityCenter.assigned], [`USER|${USER}`]);
      assert.equal(identityCenter.calls(DeleteAccountAssignmentCommand), 0);
    });
  });

  describe("a retried grant (every retry is idempotent)", () => {
    it("granted already: answers Granted again without asking Identity Center or writing the ledger", async () => {
      const checked = await checkedGrant(w.ledger, newRequest());
      await grant(checked);
      const granted = await reread(checked);
      const schedule = scheduler.schedules.get(granted.scheduleName!);
      identityCenter.mock.resetHistory();
      assert.equal(await grant(checked), GRANTED);
      assert.equal(identityCenter.calls(CreateAccountAssignmentCommand), 0);
      assert.deepEqual(await reread(checked), granted);
      assert.deepEqual(scheduler.schedules.get(granted.scheduleName!), schedule);
    });

    it("granting, the assignment made: activates without asking again", async () => {
      const granting = await toGranting(await checkedGrant(w.ledger, newRequest()));
      identityCenter.assigned.add(`USER|${USER}`);
      assert.equal(await grant(granting), GRANTED);
      assert.equal(identityCenter.calls(CreateAccountAssignmentCommand), 0);
      assert.equal((await reread(granting)).state, "active");
    });

    it("granting, the assignment on the last of several listing pages: still found, not asked again", async () => {
      const granting = await toGranting(await checkedGrant(w.ledger, newRequest()));
      otherAssignees(identityCenter, 5);
      identityCenter.assigned.add(`USER|${USER}`);
      identityCenter.pageSize = 2;
      assert.equal(await grant(granting), GRANTED);
      assert.equal(identityCenter.calls(ListAccountAssignmentsCommand), 3);
      assert.equal(identityCenter.calls(CreateAccountAssignmentCommand), 0);
    });

    it("granting, nothing assigned yet (several listing pages of others): asks for the assignment", async () => {
      const granting = await toGranting(await checkedGrant(w.ledger, newRequest()));
      otherAssignees(identityCenter, 5);
      identityCenter.pageSize = 2;
      assert.equal(await grant(granting), GRANTED);
      assert.equal(identityCenter.calls(CreateAccountAssignmentCommand), 1);
      assert.ok(identityCenter.assigned.has(`USER|${USER}`));
    });

    it("active without its schedule: schedules the end at the recorded end and names it", async () => {
      const active = await toActive(await toGranting(await checkedGrant(w.ledger, newRequest())));
      identityCenter.assigned.add(`USER|${USER}`);
      assert.equal(await grant(active), GRANTED);
      const now = await reread(active);
      assert.equal(now.endsAt, active.endsAt);
      assert.equal(now.scheduleName, `end-${active.requestId}`);
      assert.equal(
        scheduler.expressionOf(active.requestId),
        endSchedule(w.settings.schedule, active, 0).ScheduleExpression,
      );
      assert.equal(identityCenter.calls(CreateAccountAssignmentCommand), 0);
    });

    it("active, its schedule made but not yet named: updates the schedule and names it", async () => {
      const active = await toActive(await toGranting(await checkedGrant(w.ledger, newRequest())));
      scheduler.schedules.set(`end-${active.requestId}`, endSchedule(w.settings.schedule, { ...active, endsAt: 1 }, 0));
      assert.equal(await grant(active), GRANTED);
      assert.equal(scheduler.mock.commandCalls(CreateScheduleCommand).length, 1);
      assert.equal(scheduler.mock.commandCalls(UpdateScheduleCommand).length, 1);
      assert.equal(
        scheduler.expressionOf(active.requestId),
        endSchedule(w.settings.schedule, active, 0).ScheduleExpression,
      );
      assert.equal((await reread(active)).scheduleName, `end-${active.requestId}`);
    });
  });

  describe("a grant the check has just recorded (the same invocation)", () => {
    const justRecorded = async (over = {}) => {
      const result = await w.ledger.record(newRequest(over));
      assert.equal(result.kind, "recorded");
      return result as { grant: GrantRecord; created: true };
    };
    const grantNow = (r: { grant: GrantRecord; created: boolean }) =>
      grantAccess(eventOf(r.grant), w.clients, w.settings, MINUTE, { grant: r.grant, created: r.created });

    it("asks for the assignment before writing anything more: no listing, no read of the ledger first", async () => {
      const recorded = await justRecorded({ durationMinutes: 30 });
      assert.equal(await grantNow(recorded), GRANTED);
      assert.equal(identityCenter.calls(ListAccountAssignmentsCommand), 0);
      assert.equal(identityCenter.calls(CreateAccountAssignmentCommand), 1);
      const active = await reread(recorded.grant);
      assert.equal(active.state, "active");
      assert.equal(active.creationRequestId, identityCenter.creationIds()[0]);
      assert.deepEqual(
        active.history.map((h) => [h.from, h.to]),
        [
          [null, "checked"],
          ["checked", "granting"],
          ["granting", "active"],
          ["active", "active"],
        ],
      );
      assert.match(active.history[1].note, /CreateAccountAssignment .* asked for/);
    });

    it("ended before its creation could be noted: the creation is followed and what it made removed", async () => {
      const recorded = await justRecorded();
      // An operator's revoke lands between the creation and the ledger write that would have named it.
      endedDuringCreation(recorded.grant, "checked", "operator");
      assert.equal(await grantNow(recorded), REMOVED);
      assert.deepEqual([...identityCenter.assigned], [], "the assignment it made is removed");
      assert.equal((await reread(recorded.grant)).state, "ended");
    });

    it("recorded before (a retried step): confirms nothing is assigned before asking", async () => {
      const recorded = await justRecorded();
      assert.equal(await grantNow({ grant: recorded.grant, created: false }), GRANTED);
      assert.equal(identityCenter.calls(ListAccountAssignmentsCommand), 1);
      assert.equal(identityCenter.calls(CreateAccountAssignmentCommand), 1);
    });

    it("refuses a recorded grant that is not the event's", async () => {
      const recorded = await justRecorded();
      const other = { ...eventOf(recorded.grant), RequestId: "0b7f6c1e-5d2a-4c8e-9f3b-2a1d4e6f8a90" };
      await assert.rejects(
        grantAccess(other, w.clients, w.settings, MINUTE, recorded),
        /recorded: must be the event's/,
      );
    });
  });

  describe("a grant that is not this workflow's to grant", () => {
    it("recorded by another workflow: NotGranted, nothing asked", async () => {
      const checked = await checkedGrant(w.ledger, newRequest());
      const other = { ...checked, grantExecutionId: "0b7f6c1e-5d2a-4c8e-9f3b-2a1d4e6f8a90" };
      assert.equal(await grant(other), NOT_GRANTED);
      assert.equal(identityCenter.mock.calls().length, 0);
      assert.equal((await reread(checked)).state, "checked");
    });

    it("recorded without the access lock (the access is another grant's, to extend): NotGranted, nothing asked", async () => {
      const holder = await checkedGrant(w.ledger, newRequest());
      assert.equal(await grant(holder), GRANTED);
      identityCenter.mock.resetHistory();
      const result = await w.ledger.record(newRequest());
      assert.equal(result.kind, "extend");
      const unlocked = (result as { grant: GrantRecord }).grant;
      assert.equal(await grant(unlocked), NOT_GRANTED);
      assert.equal(identityCenter.mock.calls().length, 0);
      assert.equal((await reread(unlocked)).state, "checked");
    });

    it("ending: MayBeGranted (its removal is not confirmed); ended: Removed; failed: NotGranted; nothing asked", async () => {
      const checked = await checkedGrant(w.ledger, newRequest());
      const ending = await w.ledger.transition(checked, {
        from: ["checked"],
        to: "ending",
        cause: "failure",
        note: "",
      });
      assert.equal(await grant(ending), MAY_BE_GRANTED, "an end under way has not confirmed the removal");
      const ended = await w.ledger.transition(ending, { from: ["ending"], to: "ended", cause: "failure", note: "" });
      assert.equal(await grant(ended), REMOVED);
      const refused = await w.ledger.close(await checkedGrant(w.ledger, newRequest()), "check", "refused");
      assert.equal(await grant(refused), NOT_GRANTED);
      assert.equal(identityCenter.mock.calls().length, 0);
    });

    it("not in the ledger: throws, naming the request", async () => {
      const r = newRequest();
      await assert.rejects(grant(r), new RegExp(`request ${r.requestId} has no grant in the ledger`));
    });
  });

  describe("its input", () => {
    it("refuses an event field that is not an execution id, naming the field and the rule", async () => {
      const good = { RequestId: newRequest().requestId, GrantExecutionId: newRequest().grantExecutionId };
      for (const [event, message] of [
        [{ ...good, RequestId: "x" }, /RequestId must be a Systems Manager Automation execution id/],
        [{ ...good, GrantExecutionId: `${good.GrantExecutionId}\n` }, /GrantExecutionId must be/],
        [{ RequestId: good.RequestId }, /GrantExecutionId must be .*not undefined/],
        [null, /RequestId must be/],
      ] as const) {
        await assert.rejects(grantAccess(event, w.clients, w.settings, MINUTE), message);
      }
    });

    it("reads its settings from one JSON environment variable, refusing a bad one by field and rule", () => {
      const GRANT_ACCESS_ENV = END_ACCESS_ENV;
      const grantAccessSettings = (env: Record<string, string | undefined>) =>
        grantFunctionSettings(env, GRANT_ACCESS_ENV);
      const settings = settingsFor("idc-jit-dev-grants");
      assert.deepEqual(grantAccessSettings({ [GRANT_ACCESS_ENV]: JSON.stringify(settings) }), settings);
      assert.throws(() => grantAccessSettings({}), /environment variable JIT_END_ACCESS is required/);
      assert.throws(() => grantAccessSettings({ [GRANT_ACCESS_ENV]: "{" }), /JIT_END_ACCESS is not JSON/);
      assert.throws(() => grantAccessSettings({ [GRANT_ACCESS_ENV]: "[]" }), /must be a JSON object/);
      const bad = (over: object) => ({ [GRANT_ACCESS_ENV]: JSON.stringify({ ...settings, ...over }) });
      assert.throws(
        () => grantAccessSettings(bad({ instanceArn: "ssoins-1" })),
        /JIT_END_ACCESS\.instanceArn must be an IAM Identity Center instance ARN/,
      );
      assert.throws(
        () => grantAccessSettings(bad({ tableName: "a b" })),
        /JIT_END_ACCESS\.tableName must be a DynamoDB table name/,
      );
      assert.throws(
        () => grantAccessSettings(bad({ schedule: { ...settings.schedule, roleArn: "role" } })),
        /JIT_END_ACCESS\.schedule\.roleArn must be an IAM role ARN/,
      );
    });
  });
});
