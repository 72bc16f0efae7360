import assert from "node:assert/strict";
import { revocationScheduleName } from "../../../functions/sessionRevoker/event";
import { recorded } from "../../support/ledger";
import { ACCOUNTS, ADMIN, minutes, requestId, userId, useWorld } from "./world";

describe("reconciler: open grants past their end", () => {
  const w = useWorld();

  it("ends an active grant whose schedule never fired, confirms the assignment gone and says AccessRevoked", async () => {
    const g = await w.grant(1, 1, ACCOUNTS[0]);
    w.clock.now += minutes(60) + w.settings.graceSeconds * 1000 + 1000;
    const report = await w.run();
    assert.deepEqual(report.ended, [g.requestId]);
    assert.equal((await w.ledger.get(g.requestId))?.state, "ended");
    assert.equal(w.ic.has(w.assignmentOf(g)), false);
    assert.equal(w.published.length, 1);
    const [notice] = w.published;
    assert.equal(notice.eventType, "AccessRevoked");
    assert.equal(notice.subject, `JIT access revoked late: Admin on ${ACCOUNTS[0]}`);
    assert.match(notice.message, /Neither its end schedule nor the end-of-grant workflow ended it/);
    assert.equal(
      await w.ledger.holderOf({ userId: g.userId, accountId: g.accountId, permissionSetArn: ADMIN }),
      undefined,
    );
  });

  it("with jit:revokeOpenSessions, an overdue grant it ends has the revocation of its open sessions scheduled", async () => {
    const g = await w.grant(1, 1, ACCOUNTS[0]);
    w.clock.now += minutes(60) + w.settings.graceSeconds * 1000 + 1000;
    const functionArn = "arn:aws:lambda:eu-west-1:999999999999:function:jit-session-revoker";
    const report = await w.run({ sessionRevoker: { functionArn, exceptSets: [] } });
    assert.deepEqual(report.ended, [g.requestId]);
    const made = w.schedulesMade().find((s) => s.Name === revocationScheduleName(g.requestId));
    assert.equal(made?.Target?.Arn, functionArn);
    assert.deepEqual(
      { ...JSON.parse(made?.Target?.Input ?? "{}"), revokedAt: 0 },
      { requestId: g.requestId, userId: g.userId, accountId: g.accountId, permissionSetArn: ADMIN, revokedAt: 0 },
    );
    // The revocation's schedule may fail to fire as the end schedule did: the late end is an Error that says so.
    const [notice] = w.published;
    assert.equal(notice.eventType, "Error");
    assert.equal(notice.subject, `JIT access revoked late, sessions may NOT be cut: Admin on ${ACCOUNTS[0]}`);
    assert.match(notice.message, /cut them by hand/);
  });

  it("leaves a grant within the grace after its end to its schedule", async () => {
    const g = await w.grant(1, 1, ACCOUNTS[0]);
    w.clock.now += minutes(60) + 30_000;
    const report = await w.run();
    assert.deepEqual(report.ended, []);
    assert.equal((await w.ledger.get(g.requestId))?.state, "active");
    assert.equal(w.ic.count("DeleteAccountAssignment"), 0);
  });

  it("ends a grant stuck in granting past the latest end it could have had", async () => {
    const g = await recorded(w.ledger, {
      requestId: requestId(2),
      grantExecutionId: requestId(1002),
      userName: "user2",
      userId: userId(2),
      permissionSet: "Admin",
      permissionSetArn: ADMIN,
      accountId: ACCOUNTS[1],
      durationMinutes: 30,
      approvers: ["approver"],
    });
    const granting = await w.ledger.transition(g, { from: ["checked"], to: "granting", cause: "grant", note: "" });
    // The creation went through, but the check and grant never recorded it.
    w.ic.assign(w.assignmentOf(granting));
    w.clock.now += minutes(30) + w.settings.graceSeconds * 1000 + 1000;
    const report = await w.run();
    assert.deepEqual(report.ended, [g.requestId]);
    assert.equal((await w.ledger.get(g.requestId))?.state, "ended");
    assert.equal(w.ic.has(w.assignmentOf(granting)), false);
  });

  it("a removal that does not take: one Error, the grant stays ending; later runs retry, quietly, until it is gone", async () => {
    const g = await w.grant(1, 1, ACCOUNTS[0]);
    w.ic.assign(w.assignmentOf(g), { stuck: true });
    w.clock.now += minutes(61) + w.settings.graceSeconds * 1000;

    const first = await w.run();
    assert.deepEqual(first.notRemoved, [g.requestId]);
    assert.equal((await w.ledger.get(g.requestId))?.state, "ending");
    assert.deepEqual(
      w.published.map((p) => [p.eventType, p.subject]),
      [["Error", `JIT access NOT revoked: Admin on ${ACCOUNTS[0]}`]],
    );

    w.clock.now += minutes(5);
    const second = await w.run();
    assert.deepEqual(second.notRemoved, [g.requestId]);
    assert.equal(w.ic.count("DeleteAccountAssignment"), 2, "the next run tries again");
    assert.equal(w.published.length, 1, "and does not alarm again within the quiet period");

    w.ic.unstick(w.assignmentOf(g));
    w.clock.now += minutes(5);
    const third = await w.run();
    assert.deepEqual(third.ended, [g.requestId]);
    assert.equal((await w.ledger.get(g.requestId))?.state, "ended");
    assert.deepEqual(
      w.published.map((p) => p.eventType),
      ["Error", "AccessRevoked"],
    );
  });

  it("an AWS error ending one grant is recorded and the run goes on with the next", async () => {
    const refused = await w.grant(1, 1, ACCOUNTS[0]);
    w.ic.assign(w.assignmentOf(refused), { refused: true });
    w.clock.now += minutes(1);
    const next = await w.grant(2, 2, ACCOUNTS[1]);
    w.clock.now += minutes(60) + w.settings.graceSeconds * 1000;
    const report = await w.run();
    assert.deepEqual(report.ended, [next.requestId]);
    assert.equal(report.errors.length, 1);
    assert.match(report.errors[0], new RegExp(`ending grant ${refused.requestId}: AccessDeniedException`));
    assert.equal((await w.ledger.get(refused.requestId))?.state, "ending", "left for the next run");
    assert.deepEqual(
      w.published.map((p) => p.eventType),
      ["AccessRevoked"],
    );
  });

  it("leaves an ending grant to whoever moved it there a moment ago, and takes over once the grace has passed", async () => {
    const g = await w.grant(1, 1, ACCOUNTS[0]);
    w.clock.now += minutes(70);
    // The end-of-grant workflow started late and is removing it now (its ledger clock is the test's).
    await w.ledger.transition(g, { from: ["active"], to: "ending", cause: "schedule", note: "end-of-grant workflow" });
    const during = await w.run();
    assert.deepEqual(during.ended, []);
    assert.equal(w.ic.count("DeleteAccountAssignment"), 0);

    w.clock.now += w.settings.graceSeconds * 1000 + 1000;
    const after = await w.run();
    assert.deepEqual(after.ended, [g.requestId]);
    assert.equal(w.published.filter((p) => p.eventType === "Error").length, 0);
  });

  it("retries a grant left ending by a failed removal long before its end, once the grace has passed", async () => {
    const g = await w.grant(1, 1, ACCOUNTS[0], ADMIN, 240);
    w.ic.assign(w.assignmentOf(g), { stuck: true });
    w.clock.now += minutes(10);
    // The requester ended it early; the end-of-grant workflow's removal did not take (NotRemoved), 230 minutes early.
    await w.ledger.transition(g, { from: ["active"], to: "ending", cause: "requester", note: "end-of-grant workflow" });
    w.ic.unstick(w.assignmentOf(g));
    const within = await w.run();
    assert.deepEqual(within.ended, [], "within the grace it is left to the workflow");
    w.clock.now += w.settings.graceSeconds * 1000 + 1000;
    const after = await w.run();
    assert.deepEqual(after.ended, [g.requestId]);
    assert.equal((await w.ledger.get(g.requestId))?.state, "ended");
    assert.equal(w.ic.has(w.assignmentOf(g)), false);
  });
});
