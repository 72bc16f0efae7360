import assert from "node:assert/strict";
import { ACCOUNTS, ADMIN, minutes, userId, useWorld } from "./world";

describe("reconciler: two runs at once", () => {
  const w = useWorld();

  it("end an overdue grant once, remove an ended grant's assignment once, alert once, and raise no false alarm", async () => {
    const overdue = await w.grant(1, 1, ACCOUNTS[0]);
    const closed = await w.grant(2, 2, ACCOUNTS[1]);
    const ending = await w.ledger.transition(closed, { from: ["active"], to: "ending", cause: "operator", note: "" });
    await w.ledger.transition(ending, { from: ["ending"], to: "ended", cause: "operator", note: "" });
    const stray = {
      principalType: "USER",
      principalId: userId(9),
      permissionSetArn: ADMIN,
      accountId: ACCOUNTS[2],
    } as const;
    w.ic.assign(stray);
    w.clock.now += minutes(60) + w.settings.graceSeconds * 1000 + 1000;

    const [a, b] = await Promise.all([w.run(), w.run()]);

    assert.deepEqual([...a.ended, ...b.ended], [overdue.requestId], "one run ended the grant");
    assert.deepEqual([...a.notRemoved, ...b.notRemoved], [], "the other saw nothing left to do");
    assert.equal((await w.ledger.get(overdue.requestId))?.state, "ended");
    assert.equal(w.ic.has(w.assignmentOf(overdue)), false);
    assert.equal(w.ic.has(w.assignmentOf(closed)), false);
    assert.equal(w.ic.has(stray), true);
    assert.equal(w.ic.count("DeleteAccountAssignment"), 2, "each assignment removed by one run only (the leases)");
    assert.deepEqual(w.published.map((p) => p.subject).sort(), [
      `JIT access revoked late: Admin on ${ACCOUNTS[0]}`,
      `JIT removed access of an ended grant: Admin on ${ACCOUNTS[1]}`,
      `JIT unexplained access: Admin on ${ACCOUNTS[2]}`,
    ]);
    assert.equal(w.published.filter((p) => /NOT/.test(p.subject)).length, 0, "no false alarm");
  });
});
