import assert from "node:assert/strict";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { CLOSED_AT } from "../../../functions/ledger/items";
import { isLedgerConflict } from "../../../functions/ledger/types";
import { accessKey, LEDGER_KEY } from "../../../shared/grantLedger";
import { type Dynalite, startDynalite } from "../../support/dynalite";
import { activeGrant, RECORDING_MODES, recorded, request, T0, type TestLedger, testLedger } from "../../support/ledger";

for (const mode of RECORDING_MODES) {
  describe(`ledger: recording a grant the check let through (${mode.name})`, () => {
    let db: Dynalite;
    let l: TestLedger;
    before(async () => {
      db = await startDynalite();
    });
    after(() => db.close());
    beforeEach(async () => {
      l = await testLedger(db, mode.seenNew);
    });

    it("records a new request as checked, holding the access lock, ending at the latest it could", async () => {
      const r = await l.ledger.record(request("a"));
      assert.equal(r.kind, "recorded");
      assert.equal(r.grant.state, "checked");
      assert.equal(r.grant.version, 1);
      assert.equal(r.grant.endsAt, T0 / 1000 + 3600);
      assert.deepEqual(
        r.grant.history.map((c) => [c.from, c.to, c.cause]),
        [[null, "checked", "check"]],
      );
      assert.deepEqual(await l.ledger.get("req-a"), r.grant);
      assert.equal((await l.ledger.holderOf(request("a")))?.requestId, "req-a");
    });

    it("answers recorded again to a retried check (the same workflow), without a second write", async () => {
      const first = await l.ledger.record(request("a"));
      l.clock.now += 5000;
      const again = await l.ledger.record(request("a"));
      assert.deepEqual(again, { kind: "recorded", grant: first.kind === "recorded" && first.grant });
      assert.equal(first.kind === "recorded" && first.created, true, "the first call wrote it");
    });

    it("answers repeat to the same request id recorded by another workflow, whatever became of it", async () => {
      const first = await recorded(l.ledger, request("a"));
      const replay = await l.ledger.record(request("a", 0, { grantExecutionId: "exec-replay" }));
      assert.deepEqual(replay, { kind: "repeat", grant: first });
      await l.ledger.transition(first, { from: ["checked"], to: "failed", cause: "operator", note: "revoked" });
      const afterEnd = await l.ledger.record(request("a", 0, { grantExecutionId: "exec-replay-2" }));
      assert.deepEqual([afterEnd.kind, afterEnd.kind === "repeat" && afterEnd.grant.state], ["repeat", "failed"]);
    });

    it("a replay of a closed request leaves its access free: the lock it took in passing is a tombstone again", async () => {
      const first = await recorded(l.ledger, request("a"));
      await l.ledger.transition(first, { from: ["checked"], to: "failed", cause: "operator", note: "revoked" });
      const replay = await l.ledger.record(request("a", 0, { grantExecutionId: "exec-replay" }));
      assert.equal(replay.kind, "repeat");
      assert.equal(await l.ledger.holderOf(request("a")), undefined);
      assert.equal((await l.ledger.lastHolderOf(request("a")))?.requestId, "req-a");
      const { Item: lock } = await db.client.send(
        new GetItemCommand({ TableName: l.tableName, Key: { [LEDGER_KEY]: { S: accessKey(request("a")) } } }),
      );
      assert.ok(lock?.[CLOSED_AT], "the lock is a tombstone (closedAt) again");
      // The next request for the same access takes the tombstone with its first write, not by a takeover.
      const next = await l.ledger.record(request("b"));
      assert.equal(next.kind, "recorded");
      assert.equal((await l.ledger.holderOf(request("b")))?.requestId, "req-b");
    });

    it("answers repeat to a retried check whose grant has closed since (never granted again)", async () => {
      await l.ledger.close(await recorded(l.ledger, request("a")), "check", "refused");
      const again = await l.ledger.record(request("a"));
      assert.deepEqual([again.kind, again.kind === "repeat" && again.grant.state], ["repeat", "failed"]);
    });

    for (const state of ["checked", "granting", "ending"] as const) {
      it(`answers busy when the same access is held by a ${state} grant, closing the new request failed`, async () => {
        let holder = await recorded(l.ledger, request("a"));
        if (state !== "checked") {
          holder = await l.ledger.transition(holder, { from: ["checked"], to: "granting", cause: "grant", note: "" });
        }
        if (state === "ending") {
          holder = await l.ledger.transition(holder, { from: ["granting"], to: "ending", cause: "failure", note: "" });
        }
        const r = await l.ledger.record(request("b"));
        assert.equal(r.kind, "busy");
        assert.deepEqual(r.holder, holder);
        const b = await l.ledger.get("req-b");
        assert.equal(b?.state, "failed");
        assert.match(b?.history.at(-1)?.note ?? "", new RegExp(`${state} grant req-a holds the same access`));
        assert.equal((await l.ledger.holderOf(request("b")))?.requestId, "req-a");
      });
    }

    it("answers extend when the same access is active: the request stays checked, without the lock", async () => {
      const active = await activeGrant(l, request("a"));
      const r = await l.ledger.record(request("b"));
      assert.equal(r.kind, "extend");
      if (r.kind !== "extend") return;
      assert.deepEqual(r.holder, active);
      assert.equal(r.grant.state, "checked");
      assert.equal((await l.ledger.holderOf(request("b")))?.requestId, "req-a");
    });

    it("takes over a lock whose holder closed without releasing it", async () => {
      const a = await recorded(l.ledger, request("a"));
      // A closed grant whose lock release was lost: put it back as it was before the release.
      await l.ledger.transition(a, { from: ["checked"], to: "failed", cause: "operator", note: "" });
      const { PutItemCommand } = await import("@aws-sdk/client-dynamodb");
      await db.client.send(
        new PutItemCommand({
          TableName: l.tableName,
          Item: { pk: { S: `access#${a.userId}#${a.accountId}#${a.permissionSetArn}` }, holder: { S: a.requestId } },
        }),
      );
      assert.equal(await l.ledger.holderOf(a), undefined, "a closed grant holds nothing");
      assert.equal((await l.ledger.lastHolderOf(a))?.state, "failed");
      const r = await l.ledger.record(request("b"));
      assert.equal(r.kind, "recorded");
      assert.equal((await l.ledger.holderOf(a))?.requestId, "req-b");
    });

    it("records the same access again as soon as the previous grant has ended", async () => {
      const a = await recorded(l.ledger, request("a"));
      const ending = await l.ledger.transition(a, { from: ["checked"], to: "ending", cause: "requester", note: "" });
      await l.ledger.transition(ending, { from: ["ending"], to: "ended", cause: "requester", note: "" });
      assert.equal(await l.ledger.holderOf(a), undefined);
      assert.equal((await l.ledger.record(request("b"))).kind, "recorded");
    });

    it("keeps a closed grant's lock as a tombstone naming it, until the next grant of the access takes it", async () => {
      const a = await recorded(l.ledger, request("a"));
      l.clock.now += 5_000;
      const ending = await l.ledger.transition(a, { from: ["checked"], to: "ending", cause: "requester", note: "" });
      await l.ledger.transition(ending, { from: ["ending"], to: "ended", cause: "requester", note: "" });
      const { GetItemCommand } = await import("@aws-sdk/client-dynamodb");
      const key = { pk: { S: `access#${a.userId}#${a.accountId}#${a.permissionSetArn}` } };
      const { Item } = await db.client.send(new GetItemCommand({ TableName: l.tableName, Key: key }));
      assert.equal(Item?.holder?.S, "req-a");
      assert.equal(Item?.closedAt?.N, String(l.clock.now));
      assert.equal(await l.ledger.holderOf(a), undefined);
      assert.equal((await l.ledger.lastHolderOf(a))?.state, "ended");
      const b = await recorded(l.ledger, request("b"));
      assert.equal((await l.ledger.holderOf(a))?.requestId, "req-b");
      assert.equal((await l.ledger.lastHolderOf(a))?.requestId, "req-b");
      const again = await db.client.send(new GetItemCommand({ TableName: l.tableName, Key: key }));
      assert.equal(again.Item?.closedAt, undefined, "the taker's lock is whole, not a tombstone");
      assert.equal(b.state, "checked");
    });

    it("of two requests taking one tombstone at once, exactly one records", async () => {
      const a = await recorded(l.ledger, request("a"));
      await l.ledger.close(a, "check", "refused");
      const results = await Promise.all([l.ledger.record(request("b")), l.ledger.record(request("c"))]);
      assert.deepEqual(results.map((r) => r.kind).sort(), ["busy", "recorded"]);
    });

    it("no grant ever held an access: lastHolderOf answers nothing", async () => {
      assert.equal(await l.ledger.lastHolderOf(request("z")), undefined);
    });

    it("refuses bad input, naming the field and the rule", async () => {
      await assert.rejects(l.ledger.record(request("a", 0, { accountId: "1234" })), /accountId: must be 12 digits/);
      await assert.rejects(
        l.ledger.record(request("a", 0, { durationMinutes: 0 })),
        /durationMinutes: must be a whole number of minutes above 0/,
      );
      await assert.rejects(l.ledger.record(request("a", 0, { userId: "" })), /userId: must be a non-empty string/);
      assert.equal(await l.ledger.get("req-a"), undefined);
    });

    it("throws other errors as they are (a missing table is not a conflict)", async () => {
      const { dynamoLedger } = await import("../../../functions/ledger");
      const missing = dynamoLedger({ dynamodb: db.client, tableName: "no-such-table", now: () => T0 });
      await assert.rejects(missing.record(request("a")), (err: Error) => {
        assert.equal(isLedgerConflict(err), false);
        assert.equal(err.name, "ResourceNotFoundException");
        return true;
      });
    });
  });
}
