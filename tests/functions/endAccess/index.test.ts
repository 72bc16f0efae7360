import assert from "node:assert/strict";
import { DeleteScheduleCommand, InternalServerException } from "@aws-sdk/client-scheduler";
import {
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
} from "@aws-sdk/client-sso-admin";
import {
  ALREADY_ENDED,
  END_ACCESS_ENV,
  ENDED,
  endAccess,
  endAccessSettings,
  endGrant,
  NOT_REMOVED,
  NOT_YET,
} from "../../../functions/endAccess";
import { endSchedule } from "../../../functions/grantSchedule";
import type { NewGrant } from "../../../functions/ledger/types";
import type { GrantRecord } from "../../../shared/grantLedger";
import { type Dynalite, startDynalite } from "../../support/dynalite";
import {
  checkedGrant,
  type DeleteMissing,
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

/** A Lambda context that always has a minute left (one made when the file loads would run out when other files run first). */
const MINUTE = { getRemainingTimeInMillis: () => 60_000 };
const ASSIGNED = `USER|${USER}`;
const READINGS: DeleteMissing[] = ["ends-failed", "not-found", "succeeds"];

describe("endAccess: the end of a grant", () => {
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

  const end = (g: Pick<GrantRecord, "requestId">, Cause: string, context = MINUTE) =>
    endAccess({ RequestId: g.requestId, Cause }, w.clients, w.settings, context);
  const reread = async (g: GrantRecord) => (await w.ledger.get(g.requestId))!;
  /** Records a request for access that is active: the check would extend the holder with it. */
  async function extending(r: NewGrant): Promise<GrantRecord> {
    const result = await w.ledger.record(r);
    assert.equal(result.kind, "extend");
    return (result as { grant: GrantRecord }).grant;
  }

  /** A grant made as the check and grant makes it: assigned, active since `startedAt`, its end scheduled. */
  async function activeGrant(over: Partial<NewGrant> = {}, startedAt = Date.now() - 3_600_000): Promise<GrantRecord> {
    const checked = await checkedGrant(w.ledger, newRequest(over));
    const granting = await w.ledger.transition(checked, {
      from: ["checked"],
      to: "granting",
      cause: "grant",
      note: "",
    });
    const endsAt = Math.ceil(startedAt / 1000) + checked.durationMinutes * 60;
    const active = await w.ledger.transition(granting, {
      from: ["granting"],
      to: "active",
      cause: "grant",
      note: "",
      set: { startedAt, endsAt, scheduleName: `end-${checked.requestId}` },
    });
    identityCenter.assigned.add(ASSIGNED);
    scheduler.schedules.set(active.scheduleName!, endSchedule(w.settings.schedule, active, startedAt));
    return active;
  }

  describe("at its end", () => {
    it("removes the assignment, closes the grant ended (releasing its lock) and deletes its schedule", async () => {
      const active = await activeGrant();
      assert.equal(await end(active, "schedule"), ENDED);
      assert.equal(identityCenter.assigned.size, 0);
      const ended = await reread(active);
      assert.equal(ended.state, "ended");
      assert.deepEqual(
        ended.history.slice(-2).map((h) => [h.from, h.to, h.cause]),
        [
          ["active", "ending", "schedule"],
          ["ending", "ended", "schedule"],
        ],
      );
      assert.match(ended.history.at(-1)!.note, /DeleteAccountAssignment SUCCEEDED; the assignment is confirmed absent/);
      assert.equal(scheduler.schedules.size, 0);
      assert.equal((await w.ledger.record(newRequest())).kind, "recorded");
    });

    it("follows a deletion that is IN_PROGRESS at first until it SUCCEEDS", async () => {
      identityCenter.settleAtOnce = false;
      const active = await activeGrant();
      assert.equal(await end(active, "schedule"), ENDED);
      assert.equal(identityCenter.calls(DescribeAccountAssignmentDeletionStatusCommand), 1);
    });

    it("ends a grant whose end is less than a minute away (the schedule's precision)", async () => {
      const active = await activeGrant({ durationMinutes: 60 }, Date.now() - 3_600_000 + 30_000);
      assert.equal(await end(active, "schedule"), ENDED);
    });

    it("is Ended even when the schedule cannot be deleted (it deletes itself once it has run)", async () => {
      const active = await activeGrant();
      scheduler.mock
        .on(DeleteScheduleCommand)
        .rejects(new InternalServerException({ message: "x", Message: "x", $metadata: {} }));
      assert.equal(await end(active, "schedule"), ENDED);
      assert.equal((await reread(active)).state, "ended");
    });
  });

  describe("extended since its schedule was set", () => {
    it("started by the schedule before its end: NotYet, the schedule moved to the end, nothing removed", async () => {
      const active = await activeGrant({}, Date.now());
      const extended = await w.ledger.extend(
        active,
        await extending(newRequest({ durationMinutes: 30 })),
        active.endsAt + 1800,
        "test",
      );
      // The schedule ran at the former end and deleted itself.
      scheduler.schedules.clear();
      assert.equal(await end(active, "schedule"), NOT_YET);
      assert.equal(
        scheduler.expressionOf(active.requestId),
        endSchedule(w.settings.schedule, extended, 0).ScheduleExpression,
      );
      assert.ok(identityCenter.assigned.has(ASSIGNED));
      assert.deepEqual(await reread(active), extended);
    });

    it("started by the reconciler from a stale listing, after an extension moved its end: NotYet, nothing removed", async () => {
      const active = await activeGrant({}, Date.now());
      await w.ledger.extend(active, await extending(newRequest({ durationMinutes: 30 })), active.endsAt + 1800, "test");
      assert.equal(await end(active, "reconciler"), NOT_YET);
      assert.ok(identityCenter.assigned.has(ASSIGNED));
      assert.equal((await reread(active)).state, "active");
    });

    it("ended early by anyone else: Ended, whatever its end", async () => {
      for (const cause of ["requester", "approver", "changeRequest", "operator", "failure"]) {
        identityCenter.reset();
        const active = await activeGrant({}, Date.now());
        assert.equal(await end(active, cause), ENDED, cause);
        const ended = await reread(active);
        assert.equal(ended.state, "ended");
        assert.equal(ended.history.at(-1)!.cause, cause);
      }
    });
  });

  describe("already ended", () => {
    it("answers AlreadyEnded for an ended, failed or merged grant, asking nothing", async () => {
      const active = await activeGrant();
      await end(active, "requester");
      identityCenter.mock.resetHistory();
      assert.equal(await end(active, "schedule"), ALREADY_ENDED);
      const failed = await w.ledger.close(await checkedGrant(w.ledger, newRequest()), "check", "refused");
      assert.equal(await end(failed, "failure"), ALREADY_ENDED);
      const holder = await activeGrant({}, Date.now());
      const by = await extending(newRequest());
      await w.ledger.extend(holder, by, holder.endsAt + 60, "test");
      assert.equal((await reread(by)).state, "merged");
      assert.equal(await end(by, "schedule"), ALREADY_ENDED);
      assert.equal(await end(by, "failure"), ALREADY_ENDED);
      assert.equal(identityCenter.calls(DeleteAccountAssignmentCommand), 0);
    });

    it("an end asked for with a request that extended a grant ends the grant it extended", async () => {
      for (const cause of ["requester", "approver", "changeRequest", "operator"] as const) {
        const holder = await activeGrant({}, Date.now());
        const by = await extending(newRequest());
        await w.ledger.extend(holder, by, holder.endsAt + 60, "test");
        assert.equal(await end(by, cause), ENDED, cause);
        const ended = await reread(holder);
        assert.equal(ended.state, "ended", cause);
        assert.match(ended.history.at(-1)!.note, new RegExp(`asked with request ${by.requestId}, which extended it`));
      }
    });

    it("recorded without the access lock (the check would extend another grant with it): closed failed, nothing removed", async () => {
      const holder = await activeGrant({}, Date.now());
      const unlocked = await extending(newRequest());
      assert.equal(await end(unlocked, "failure"), ALREADY_ENDED);
      const closed = await reread(unlocked);
      assert.equal(closed.state, "failed");
      assert.match(
        closed.history.at(-1)!.note,
        new RegExp(`never granted \\(its access is held by grant ${holder.requestId}\\)`),
      );
      assert.ok(identityCenter.assigned.has(ASSIGNED), "the holder's assignment stays");
      assert.equal(identityCenter.calls(DeleteAccountAssignmentCommand), 0);
      assert.equal((await reread(holder)).state, "active");
    });

    it("of two ends at once (the schedule and the reconciler), exactly one answers Ended", async () => {
      // Started an hour ago for half an hour: overdue.
      const active = await activeGrant({ durationMinutes: 30 });
      const answers = await Promise.all([end(active, "schedule"), end(active, "reconciler")]);
      assert.deepEqual(answers.sort(), [ALREADY_ENDED, ENDED]);
      assert.equal((await reread(active)).state, "ended");
      assert.equal(identityCenter.assigned.size, 0);
    });
  });

  describe("the assignment already gone (DeleteAccountAssignment's answer is not documented)", () => {
    for (const reading of READINGS) {
      it(`deletion ${reading}: the listing decides, Ended`, async () => {
        identityCenter.deleteMissing = reading;
        const active = await activeGrant();
        identityCenter.assigned.clear();
        assert.equal(await end(active, "schedule"), ENDED);
        assert.equal((await reread(active)).state, "ended");
      });

      it(`deletion ${reading}: a grant ended before it was granted (checked or granting) is Ended`, async () => {
        identityCenter.deleteMissing = reading;
        const checked = await checkedGrant(w.ledger, newRequest());
        assert.equal(await end(checked, "failure"), ENDED);
        const granting = await w.ledger.transition(await checkedGrant(w.ledger, newRequest()), {
          from: ["checked"],
          to: "granting",
          cause: "grant",
          note: "",
        });
        assert.equal(await end(granting, "failure"), ENDED);
      });
    }
  });

  describe("a removal that fails", () => {
    it("deletion FAILED with the assignment present: NotRemoved, the grant stays ending; a later try ends it", async () => {
      identityCenter.deletions.push("FAILED");
      const active = await activeGrant();
      assert.equal(await end(active, "schedule"), NOT_REMOVED);
      const ending = await reread(active);
      assert.equal(ending.state, "ending");
      assert.ok(identityCenter.assigned.has(ASSIGNED));
      // The reconciler tries again, in-process.
      const deadline = Date.now() + 30_000;
      assert.equal(
        await endGrant(w.clients, w.settings, active.requestId, "reconciler", "past its end", deadline),
        ENDED,
      );
      const ended = await reread(active);
      assert.equal(ended.state, "ended");
      assert.deepEqual(
        ended.history.slice(-3).map((h) => [h.from, h.to, h.cause]),
        [
          ["active", "ending", "schedule"],
          ["ending", "ending", "reconciler"],
          ["ending", "ended", "reconciler"],
        ],
      );
      assert.match(ended.history.at(-1)!.note, /^past its end: DeleteAccountAssignment SUCCEEDED/);
    });

    it("deletion FAILED, the assignment on the last of several listing pages: NotRemoved", async () => {
      identityCenter.deletions.push("FAILED");
      const active = await activeGrant();
      identityCenter.assigned.delete(ASSIGNED);
      otherAssignees(identityCenter, 5);
      identityCenter.assigned.add(ASSIGNED);
      identityCenter.pageSize = 2;
      assert.equal(await end(active, "schedule"), NOT_REMOVED);
      assert.equal(identityCenter.calls(ListAccountAssignmentsCommand), 3);
    });

    it("deletion SUCCEEDED, every listing page read before the grant is closed", async () => {
      const active = await activeGrant();
      otherAssignees(identityCenter, 5);
      identityCenter.pageSize = 2;
      assert.equal(await end(active, "schedule"), ENDED);
      assert.equal(identityCenter.calls(ListAccountAssignmentsCommand), 3);
    });

    it("deletion still IN_PROGRESS as the time runs out: throws, the grant stays ending; the retry ends it", async () => {
      identityCenter.deletions.push("IN_PROGRESS");
      const active = await activeGrant();
      await assert.rejects(
        end(active, "schedule", timeLeft(10_500)),
        /still IN_PROGRESS when the time ran out: grant .* stays ending/,
      );
      assert.equal((await reread(active)).state, "ending");
      assert.equal(await end(active, "schedule"), ENDED);
    });

    it("a retry after the removal but before the grant was closed: Ended", async () => {
      const active = await activeGrant();
      await w.ledger.transition(active, { from: ["active"], to: "ending", cause: "schedule", note: "" });
      identityCenter.assigned.clear();
      assert.equal(await end(active, "schedule"), ENDED);
    });
  });

  describe("a failed grant workflow's hand-over (GrantExecutionId)", () => {
    const handOver = (g: GrantRecord, GrantExecutionId: string) =>
      endAccess({ RequestId: g.requestId, Cause: "failure", GrantExecutionId }, w.clients, w.settings, MINUTE);

    it("ends the grant that workflow recorded", async () => {
      const g = await activeGrant();
      assert.equal(await handOver(g, g.grantExecutionId), ENDED);
      assert.equal((await reread(g)).state, "ended");
      assert.match((await reread(g)).history.at(-1)!.note, new RegExp(`from grant workflow ${g.grantExecutionId}`));
    });

    it("ends nothing of a grant another workflow recorded: AlreadyEnded, nothing asked", async () => {
      const g = await activeGrant();
      identityCenter.mock.resetHistory();
      assert.equal(await handOver(g, "0b7f6c1e-5d2a-4c8e-9f3b-2a1d4e6f8a90"), ALREADY_ENDED);
      assert.equal((await reread(g)).state, "active");
      assert.equal(identityCenter.mock.calls().length, 0);
      assert.ok(identityCenter.assigned.has(ASSIGNED));
    });

    it("takes an empty GrantExecutionId as none, and refuses one that is not an execution id", async () => {
      const g = await activeGrant();
      await assert.rejects(handOver(g, "x\n"), /GrantExecutionId must be .*, or empty/);
      assert.equal(await handOver(g, ""), ENDED);
    });
  });

  describe("a creation still in flight (H2)", () => {
    it("waits for the creation to settle before deleting, so the deletion is not overtaken", async () => {
      identityCenter.creations.push("IN_PROGRESS");
      const checked = await checkedGrant(w.ledger, newRequest());
      const granting = await w.ledger.transition(checked, {
        from: ["checked"],
        to: "granting",
        cause: "grant",
        note: "",
      });
      const { startCreation } = await import("../../../functions/identityCenter/assignments");
      const asked = await startCreation(identityCenter.client, w.settings.instanceArn, granting);
      await w.ledger.transition(granting, {
        from: ["granting"],
        to: "granting",
        cause: "grant",
        note: "",
        set: { creationRequestId: asked.RequestId! },
      });
      // It settles (the assignment made) at the end function's second status read.
      let reads = 0;
      identityCenter.mock.on(DescribeAccountAssignmentCreationStatusCommand).callsFake(async () => {
        reads += 1;
        if (reads === 2) identityCenter.settle(asked.RequestId!, "SUCCEEDED");
        const Status = reads >= 2 ? "SUCCEEDED" : "IN_PROGRESS";
        return { AccountAssignmentCreationStatus: { RequestId: asked.RequestId, Status } };
      });
      assert.equal(await end(checked, "failure"), ENDED);
      assert.equal(reads, 2);
      assert.equal(identityCenter.assigned.has(ASSIGNED), false, "the assignment made meanwhile is removed");
      assert.equal((await reread(checked)).state, "ended");
    });

    it("still IN_PROGRESS when the time runs out: throws, the grant stays ending", async () => {
      const checked = await checkedGrant(w.ledger, newRequest());
      const granting = await w.ledger.transition(checked, {
        from: ["checked"],
        to: "granting",
        cause: "grant",
        note: "",
        set: { creationRequestId: "7f6c1e0b-5d2a-4c8e-9f3b-2a1d4e6f8a90" },
      });
      identityCenter.mock.on(DescribeAccountAssignmentCreationStatusCommand).resolves({
        AccountAssignmentCreationStatus: { RequestId: "7f6c1e0b-5d2a-4c8e-9f3b-2a1d4e6f8a90", Status: "IN_PROGRESS" },
      });
      await assert.rejects(end(granting, "operator", timeLeft(10_500)), /creation .* was still IN_PROGRESS/);
      assert.equal((await reread(granting)).state, "ending");
      assert.equal(identityCenter.calls(DeleteAccountAssignmentCommand), 0);
    });

    it("does not look at the creation of a grant that became active", async () => {
      const g = await activeGrant();
      await w.ledger.transition(await reread(g), {
        from: ["active"],
        to: "active",
        cause: "grant",
        note: "",
        set: { creationRequestId: "7f6c1e0b-5d2a-4c8e-9f3b-2a1d4e6f8a90" },
      });
      assert.equal(await end(g, "operator"), ENDED);
      assert.equal(identityCenter.calls(DescribeAccountAssignmentCreationStatusCommand), 0);
    });
  });

  describe("its input", () => {
    it("refuses a cause that does not end a grant, or a bad request id, naming the field and the rule", async () => {
      const RequestId = newRequest().requestId;
      for (const Cause of ["grant", "check", "extension", "", undefined]) {
        await assert.rejects(
          endAccess({ RequestId, Cause }, w.clients, w.settings, MINUTE),
          /Cause must be one of schedule, requester, approver, changeRequest, operator, reconciler, failure/,
        );
      }
      await assert.rejects(
        endAccess({ RequestId: "r", Cause: "schedule" }, w.clients, w.settings, MINUTE),
        /RequestId must be/,
      );
    });

    it("throws for a request the ledger does not hold, naming it", async () => {
      const r = newRequest();
      await assert.rejects(end(r, "operator"), new RegExp(`request ${r.requestId} has no grant in the ledger`));
    });

    it("reads its settings from JIT_END_ACCESS", () => {
      const settings = settingsFor("idc-jit-dev-grants");
      assert.deepEqual(endAccessSettings({ [END_ACCESS_ENV]: JSON.stringify(settings) }), settings);
      assert.throws(() => endAccessSettings({}), /environment variable JIT_END_ACCESS is required/);
      assert.throws(
        () => endAccessSettings({ [END_ACCESS_ENV]: JSON.stringify({ ...settings, schedule: undefined }) }),
        /JIT_END_ACCESS\.schedule must be an object/,
      );
    });
  });
});
