import assert from "node:assert/strict";
import { dynamoLedger } from "../../../functions/ledger";
import { isLedgerConflict, type LedgerConflict } from "../../../functions/ledger/types";
import { type Dynalite, startDynalite } from "../../support/dynalite";
import { activeGrant, recorded, request, type TestLedger, testLedger } from "../../support/ledger";

const conflict = (check: (err: LedgerConflict) => void) => (err: unknown) => {
  assert.ok(isLedgerConflict(err), `expected a LedgerConflict, got ${err}`);
  check(err);
  return true;
};

describe("ledger: a grant's changes of state", () => {
  let db: Dynalite;
  let l: TestLedger;
  before(async () => {
    db = await startDynalite();
  });
  after(() => db.close());
  beforeEach(async () => {
    l = await testLedger(db);
  });

  it("keeps the CreateAccountAssignment request id set on granting", async () => {
    const g = await recorded(l.ledger, request("a"));
    const next = await l.ledger.transition(g, {
      from: ["checked"],
      to: "granting",
      cause: "grant",
      note: "",
      set: { creationRequestId: "c0ffee00-0000-4000-8000-000000000001" },
    });
    assert.equal(next.creationRequestId, "c0ffee00-0000-4000-8000-000000000001");
    assert.equal((await l.ledger.get("req-a"))?.creationRequestId, "c0ffee00-0000-4000-8000-000000000001");
    await assert.rejects(
      l.ledger.transition(next, {
        from: ["granting"],
        to: "granting",
        cause: "grant",
        note: "",
        set: { creationRequestId: "" },
      }),
      /set.creationRequestId: must be a non-empty string/,
    );
  });

  it("makes a grant moved to ending due now (the reconciler retries a failed removal after its grace)", async () => {
    const g = await activeGrant(l, request("a"));
    l.clock.now += 10 * 60_000;
    const ending = await l.ledger.transition(g, { from: ["active"], to: "ending", cause: "requester", note: "" });
    assert.equal(ending.endsAt, Math.floor(l.clock.now / 1000));
    const past = await l.ledger.openPastEnd(Math.floor(l.clock.now / 1000), 10);
    assert.deepEqual(
      past.grants.map((x) => x.requestId),
      ["req-a"],
    );
  });

  it("moves a grant from an allowed state, with the next version, the fields set and the change in its history", async () => {
    const g = await recorded(l.ledger, request("a"));
    l.clock.now += 1000;
    const next = await l.ledger.transition(g, {
      from: ["checked"],
      to: "granting",
      cause: "grant",
      note: "CreateAccountAssignment",
      set: { scheduleName: "jit-req-a" },
    });
    assert.equal(next.state, "granting");
    assert.equal(next.version, 2);
    assert.equal(next.scheduleName, "jit-req-a");
    assert.deepEqual(next.history.at(-1), {
      at: l.clock.now,
      from: "checked",
      to: "granting",
      cause: "grant",
      note: "CreateAccountAssignment",
    });
    assert.deepEqual(await l.ledger.get("req-a"), next);
  });

  it("refuses a change from a state not listed, with the item as it is", async () => {
    const g = await recorded(l.ledger, request("a"));
    await assert.rejects(
      l.ledger.transition(g, { from: ["active"], to: "ending", cause: "schedule", note: "" }),
      conflict((err) => assert.deepEqual(err.current, g)),
    );
  });

  it("refuses a change from a stale version, carrying the newer item", async () => {
    const g = await recorded(l.ledger, request("a"));
    const moved = await l.ledger.transition(g, { from: ["checked"], to: "granting", cause: "grant", note: "" });
    await assert.rejects(
      l.ledger.transition(g, { from: ["checked", "granting"], to: "ending", cause: "failure", note: "" }),
      conflict((err) => {
        assert.deepEqual(err.current, moved);
        assert.match(err.message, /not at version 1 in checked\/granting \(it is granting at version 2\)/);
      }),
    );
  });

  it("refuses a change of a grant the ledger does not hold", async () => {
    const g = await recorded(l.ledger, request("a"));
    await assert.rejects(
      l.ledger.transition(
        { ...g, requestId: "req-none" },
        { from: ["checked"], to: "failed", cause: "check", note: "" },
      ),
      conflict((err) => assert.equal(err.current, undefined)),
    );
    assert.equal(await l.ledger.get("req-none"), undefined);
  });

  it("releases the access lock when the grant ends, and leaves the open index", async () => {
    const g = await activeGrant(l, request("a"));
    assert.equal((await l.ledger.open(10)).grants.length, 1);
    const ending = await l.ledger.transition(g, { from: ["active"], to: "ending", cause: "schedule", note: "" });
    assert.equal((await l.ledger.holderOf(g))?.requestId, "req-a");
    await l.ledger.transition(ending, { from: ["ending"], to: "ended", cause: "schedule", note: "absent" });
    assert.equal(await l.ledger.holderOf(g), undefined);
    assert.deepEqual((await l.ledger.open(10)).grants, []);
  });

  it("closing a request that never held the lock leaves the holder's lock alone", async () => {
    const holder = await activeGrant(l, request("a"));
    const r = await l.ledger.record(request("b"));
    assert.equal(r.kind, "extend");
    if (r.kind !== "extend") return;
    const closed = await l.ledger.close(r.grant, "check", "the new total is above the maximum");
    assert.equal(closed.state, "failed");
    assert.deepEqual(await l.ledger.holderOf(holder), holder);
  });

  it("holderOf reads only the lock when it names the grant the caller has just read, and the holder otherwise", async () => {
    const holder = await activeGrant(l, request("a"));
    const sent: string[] = [];
    const counting = dynamoLedger({
      dynamodb: {
        send: (command) => {
          sent.push(command.constructor.name);
          return db.client.send(command as never);
        },
      },
      tableName: l.tableName,
    });
    assert.deepEqual(await counting.holderOf(holder, holder), holder);
    assert.deepEqual(sent, ["GetItemCommand"]);
    sent.length = 0;
    const other = await recorded(l.ledger, request("b", 1));
    assert.deepEqual(await counting.holderOf(holder, other), holder, "a grant the lock does not name is not taken");
    assert.deepEqual(sent, ["GetItemCommand", "GetItemCommand"]);
  });

  it("close moves only a checked request", async () => {
    const g = await activeGrant(l, request("a"));
    await assert.rejects(
      l.ledger.close(g, "check", ""),
      conflict((err) => assert.equal(err.current?.state, "active")),
    );
  });

  it("keeps the last 50 changes of a grant's history", async () => {
    let g = await activeGrant(l, request("a"));
    for (let i = 0; i < 60; i++) {
      g = await l.ledger.transition(g, { from: ["active"], to: "active", cause: "operator", note: `touch ${i}` });
    }
    assert.equal(g.history.length, 50);
    assert.equal(g.history.at(-1)?.note, "touch 59");
    assert.equal(g.version, 63);
    assert.deepEqual(await l.ledger.get("req-a"), g);
  });

  it("refuses bad changes, naming the field and the rule", async () => {
    const g = await recorded(l.ledger, request("a"));
    await assert.rejects(
      l.ledger.transition(g, { from: [], to: "failed", cause: "check", note: "" }),
      /from: must name at least one state/,
    );
    await assert.rejects(
      l.ledger.transition(g, {
        from: ["checked"],
        to: "granting",
        cause: "grant",
        note: "",
        set: { endsAt: Number.NaN },
      }),
      /set.endsAt: must be a non-negative number/,
    );
    assert.deepEqual(await l.ledger.get("req-a"), g);
  });

  describe("extend", () => {
    it("moves the active holder's end out and merges the request into it", async () => {
      const holder = await activeGrant(l, request("a"));
      const r = await l.ledger.record(request("b"));
      assert.equal(r.kind, "extend");
      if (r.kind !== "extend") return;
      const extended = await l.ledger.extend(r.holder, r.grant, holder.endsAt + 1800, "approved by approver");
      assert.equal(extended.endsAt, holder.endsAt + 1800);
      assert.deepEqual(extended.extendedBy, ["req-b"]);
      assert.equal(extended.history.at(-1)?.cause, "extension");
      assert.deepEqual(await l.ledger.get("req-a"), extended);
      const merged = await l.ledger.get("req-b");
      assert.equal(merged?.state, "merged");
      assert.equal(merged?.extends, "req-a");
      assert.deepEqual(
        (await l.ledger.open(10)).grants.map((g) => g.requestId),
        ["req-a"],
      );
      assert.deepEqual(await l.ledger.holderOf(holder), extended);
    });

    it("refuses when the holder changed since it was read (ending meanwhile): nothing moves", async () => {
      const holder = await activeGrant(l, request("a"));
      const r = await l.ledger.record(request("b"));
      if (r.kind !== "extend") throw new Error(r.kind);
      const ending = await l.ledger.transition(holder, {
        from: ["active"],
        to: "ending",
        cause: "requester",
        note: "",
      });
      await assert.rejects(
        l.ledger.extend(r.holder, r.grant, holder.endsAt + 60, ""),
        conflict((err) => assert.deepEqual(err.current, ending)),
      );
      assert.equal((await l.ledger.get("req-b"))?.state, "checked");
    });

    it("keeps the extension when the request changed meanwhile, and says so in the holder's history", async () => {
      const holder = await activeGrant(l, request("a"));
      const r = await l.ledger.record(request("b"));
      if (r.kind !== "extend") throw new Error(r.kind);
      await l.ledger.close(r.grant, "operator", "closed meanwhile");
      const extended = await l.ledger.extend(r.holder, r.grant, holder.endsAt + 60, "");
      assert.equal(extended.endsAt, holder.endsAt + 60);
      assert.match(extended.history.at(-1)?.note ?? "", /req-b could not be marked merged .* the extension stands/);
      assert.equal((await l.ledger.get("req-b"))?.state, "failed");
    });

    it("refuses an end that is not after the holder's", async () => {
      const holder = await activeGrant(l, request("a"));
      const r = await l.ledger.record(request("b"));
      if (r.kind !== "extend") throw new Error(r.kind);
      await assert.rejects(l.ledger.extend(holder, r.grant, holder.endsAt, ""), /endsAt: must be a whole number/);
    });
  });
});
