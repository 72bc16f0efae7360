import assert from "node:assert/strict";
import { type Dynalite, startDynalite } from "../../support/dynalite";
import { activeGrant, recorded, request, T0, type TestLedger, testLedger } from "../../support/ledger";

describe("ledger: the open grants, a page at a time", () => {
  let db: Dynalite;
  let l: TestLedger;
  before(async () => {
    db = await startDynalite();
  });
  after(() => db.close());
  beforeEach(async () => {
    l = await testLedger(db);
  });

  /** Grants of 10, 20, ... minutes on distinct accesses, recorded at T0; one more ended. */
  async function seed(n: number) {
    for (let i = 1; i <= n; i++) await recorded(l.ledger, request(`${i}`, i, { durationMinutes: 10 * i }));
    const ended = await recorded(l.ledger, request("ended", 99, { durationMinutes: 1 }));
    await l.ledger.transition(ended, { from: ["checked"], to: "failed", cause: "check", note: "" });
  }

  async function all(page: (after?: string) => ReturnType<TestLedger["ledger"]["open"]>) {
    const ids: string[] = [];
    let pages = 0;
    let after: string | undefined;
    do {
      const p = await page(after);
      ids.push(...p.grants.map((g) => g.requestId));
      after = p.next;
      pages++;
    } while (after !== undefined);
    return { ids, pages };
  }

  it("lists every open grant, earliest end first, across pages, and no closed one", async () => {
    await seed(5);
    const { ids, pages } = await all((after) => l.ledger.open(2, after));
    assert.deepEqual(ids, ["req-1", "req-2", "req-3", "req-4", "req-5"]);
    assert.ok(pages >= 3);
  });

  it("selects the open grants whose end is at or before now", async () => {
    await seed(5);
    const now = T0 / 1000 + 30 * 60;
    const { ids } = await all((after) => l.ledger.openPastEnd(now, 1, after));
    assert.deepEqual(ids, ["req-1", "req-2", "req-3"]);
    assert.deepEqual((await l.ledger.openPastEnd(T0 / 1000, 10)).grants, []);
  });

  it("follows a grant's end as it changes (activation, extension)", async () => {
    const g = await activeGrant(l, request("a", 0, { durationMinutes: 10 }));
    l.clock.now += 60_000;
    const r = await l.ledger.record(request("b"));
    if (r.kind !== "extend") throw new Error(r.kind);
    await l.ledger.extend(g, r.grant, g.endsAt + 3600, "");
    assert.deepEqual((await l.ledger.openPastEnd(g.endsAt, 10)).grants, []);
    const past = await l.ledger.openPastEnd(g.endsAt + 3600, 10);
    assert.deepEqual(
      past.grants.map((x) => [x.requestId, x.endsAt]),
      [["req-a", g.endsAt + 3600]],
    );
  });

  it("refuses a cursor it did not hand out, and a limit below 1", async () => {
    await assert.rejects(l.ledger.open(10, "not a cursor!"), /after: must be a cursor returned by this ledger/);
    await assert.rejects(
      l.ledger.open(10, Buffer.from("[1,2]").toString("base64url")),
      /after: must be a cursor returned by this ledger/,
    );
    await assert.rejects(l.ledger.open(0), /limit: must be a whole number of 1 or more/);
  });
});
