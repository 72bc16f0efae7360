import assert from "node:assert/strict";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CURSOR_KEY } from "../../../functions/reconciler/cursor";
import { MIN_CALL_BUDGET } from "../../../functions/reconciler/settings";
import { accessKey, LEDGER_KEY } from "../../../shared/grantLedger";
import { ACCOUNTS, ADMIN, groupId, minutes, READER, userId, useWorld } from "./world";

describe("reconciler: the sweep over assignments", () => {
  const w = useWorld();

  const user = (n: number, accountId: string, permissionSetArn = ADMIN) =>
    ({ principalType: "USER", principalId: userId(n), permissionSetArn, accountId }) as const;
  const group = (n: number, accountId: string, permissionSetArn = ADMIN) =>
    ({ principalType: "GROUP", principalId: groupId(n), permissionSetArn, accountId }) as const;

  it("an assignment an open grant holds is explained: no alert", async () => {
    await w.grant(1, 1, ACCOUNTS[0]);
    await w.grant(2, 2, ACCOUNTS[1], READER);
    const report = await w.run();
    assert.equal(report.swept, 2);
    assert.equal(report.sweepComplete, true);
    assert.deepEqual(w.published, []);
  });

  it("standing access is not alerted on (a group on every account)", async () => {
    for (const account of ACCOUNTS) w.ic.assign(group(1, account));
    const report = await w.run();
    assert.equal(report.swept, 3);
    assert.deepEqual(w.published, []);
  });

  it("an unexplained user assignment: one Error, never removed, not alerted again within the quiet period", async () => {
    const stray = user(7, ACCOUNTS[2]);
    w.ic.assign(stray);
    await w.run();
    assert.equal(w.published.length, 1);
    assert.equal(w.published[0].eventType, "Error");
    assert.equal(w.published[0].subject, `JIT unexplained access: Admin on ${ACCOUNTS[2]}`);
    assert.match(w.published[0].message, new RegExp(`User ${userId(7)} holds the requestable permission set Admin`));
    assert.equal(w.ic.has(stray), true);
    assert.equal(w.ic.count("DeleteAccountAssignment"), 0);

    for (let i = 0; i < 3; i++) {
      w.clock.now += minutes(5);
      await w.run();
    }
    assert.equal(w.published.length, 1, "quiet for the next runs");
    w.clock.now += minutes(24 * 60);
    await w.run();
    assert.equal(w.published.length, 2, "and alerted again once the quiet period is over");
    assert.equal(w.ic.has(stray), true);
  });

  it("a group assignment no standing entry names is alerted on, never removed", async () => {
    w.ic.assign(group(2, ACCOUNTS[0], READER));
    await w.run();
    assert.equal(w.published.length, 1);
    assert.match(w.published[0].message, /no standing-access entry explains it \(JIT grants only users\)/);
    assert.equal(w.ic.count("DeleteAccountAssignment"), 0);
  });

  it("the assignment of a grant the ledger ended is removed, confirmed gone, and alerted on (the lock's tombstone names it)", async () => {
    const g = await w.grant(1, 1, ACCOUNTS[0]);
    const ending = await w.ledger.transition(g, { from: ["active"], to: "ending", cause: "operator", note: "" });
    await w.ledger.transition(ending, { from: ["ending"], to: "ended", cause: "operator", note: "" });
    // The assignment is back (assigned again outside JIT, or a removal that did not take): the ledger says ended.
    assert.equal(await w.ledger.holderOf(g), undefined);
    const report = await w.run();
    assert.equal(report.removed, 1);
    assert.equal(w.ic.has(w.assignmentOf(g)), false);
    assert.equal(w.published.length, 1);
    assert.equal(w.published[0].eventType, "Error");
    assert.equal(w.published[0].subject, `JIT removed access of an ended grant: Admin on ${ACCOUNTS[0]}`);
    assert.match(w.published[0].message, new RegExp(`its grant \\(request ${g.requestId}\\) is ended in the ledger`));
  });

  it("so is the assignment of a closed grant whose lock release was lost (the lock still names it, not a tombstone)", async () => {
    const g = await w.grant(1, 1, ACCOUNTS[0]);
    const ending = await w.ledger.transition(g, { from: ["active"], to: "ending", cause: "operator", note: "" });
    await w.ledger.transition(ending, { from: ["ending"], to: "ended", cause: "operator", note: "" });
    await w.db.client.send(
      new PutItemCommand({
        TableName: w.tableName,
        Item: { [LEDGER_KEY]: { S: accessKey(g) }, holder: { S: g.requestId } },
      }),
    );
    const report = await w.run();
    assert.equal(report.removed, 1);
    assert.equal(w.published[0].subject, `JIT removed access of an ended grant: Admin on ${ACCOUNTS[0]}`);
  });

  it("stops when the call budget is spent and goes on from its cursor next run, until every assignment was seen once", async () => {
    const strays = [
      ...ACCOUNTS.flatMap((a) => [1, 2, 3].map((n) => user(10 + n, a))),
      ...ACCOUNTS.slice(0, 2).map((a) => user(20, a, READER)),
    ];
    for (const a of strays) w.ic.assign(a);
    const budget = MIN_CALL_BUDGET;
    const reports = [];
    for (let run = 0; run < 20; run++) {
      w.clock.now += minutes(5);
      const report = await w.run({ callBudget: budget });
      reports.push(report);
      assert.ok(report.calls <= budget, `run ${run} made ${report.calls} calls, over its budget of ${budget}`);
      if (report.sweepComplete) break;
    }
    const last = reports[reports.length - 1];
    assert.equal(last.sweepComplete, true);
    assert.ok(reports.length > 2, "the sweep spanned several runs");
    assert.ok(reports.slice(0, -1).every((r) => r.stoppedBy === "budget" && !r.sweepComplete));
    assert.equal(
      reports.reduce((n, r) => n + r.swept, 0),
      strays.length,
      "each assignment was looked at once across the runs",
    );
    const alerted = new Set(w.published.map((p) => p.message.split(" holds ")[0] + p.subject));
    assert.equal(w.published.length, strays.length);
    assert.equal(alerted.size, strays.length, "each one alerted once");
    const cursor = await w.item(CURSOR_KEY);
    assert.equal(cursor?.sweeps?.N, "1");
    assert.equal(cursor?.permissionSetArn, undefined, "a finished sweep leaves the cursor at the start");
  });
});
