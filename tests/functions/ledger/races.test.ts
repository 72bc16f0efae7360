/**
 * Conditional-write races against a real DynamoDB API (dynalite, which applies each item's writes one at a time, as
 * DynamoDB does). Workers run at once with their calls interleaved in every order fast-check's scheduler picks.
 */
import assert from "node:assert/strict";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import fc from "fast-check";
import { dynamoLedger } from "../../../functions/ledger";
import { type GrantLedger, isLedgerConflict, type RecordResult } from "../../../functions/ledger/types";
import { accessKey, type GrantRecord, OPEN_STATES } from "../../../shared/grantLedger";
import { type Dynalite, startDynalite } from "../../support/dynalite";
import { scheduledClient } from "../../support/interleave";
import { activeGrant, RECORDING_MODES, recorded, recordingAs, request, T0, testLedger } from "../../support/ledger";

for (const mode of RECORDING_MODES) {
  describe(`ledger: races between workers (${mode.name})`, () => {
    let db: Dynalite;
    before(async () => {
      db = await startDynalite();
    });
    after(() => db.close());

    /** Runs each worker on its own scheduled ledger over one fresh table; answers each worker's outcome. */
    async function race<T>(
      s: fc.Scheduler,
      tableName: string,
      workers: ((ledger: GrantLedger) => Promise<T>)[],
    ): Promise<PromiseSettledResult<T>[]> {
      const runs = workers.map((work, i) =>
        work(
          recordingAs(
            dynamoLedger({ dynamodb: scheduledClient(db.client, s, `w${i}`), tableName, now: () => T0 }),
            mode.seenNew,
          ),
        ),
      );
      return s.waitFor(Promise.allSettled(runs));
    }

    const values = <T>(settled: PromiseSettledResult<T>[]) =>
      settled.map((r) => {
        if (r.status === "rejected") throw r.reason;
        return r.value;
      });

    /** A closed grant whose lock release was lost: the lock still names it. */
    async function staleLock(tableName: string, ledger: GrantLedger): Promise<GrantRecord> {
      const old = await recorded(ledger, request("old"));
      const closed = await ledger.transition(old, { from: ["checked"], to: "failed", cause: "operator", note: "" });
      await db.client.send(
        new PutItemCommand({ TableName: tableName, Item: { pk: { S: accessKey(old) }, holder: { S: old.requestId } } }),
      );
      return closed;
    }

    const kinds = (rs: RecordResult[]) => rs.map((r) => r.kind).sort();

    it("the same request delivered twice at once: exactly one recorded, the other a repeat", async () => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), async (s) => {
          const { tableName, ledger } = await testLedger(db, mode.seenNew);
          const rs = values(
            await race(s, tableName, [
              (l) => l.record(request("a")),
              (l) => l.record(request("a", 0, { grantExecutionId: "exec-twice" })),
            ]),
          );
          assert.deepEqual(kinds(rs), ["recorded", "repeat"]);
          const stored = await ledger.get("req-a");
          assert.deepEqual(
            rs.map((r) => r.kind !== "busy" && r.grant),
            [stored, stored],
          );
          assert.deepEqual(await ledger.holderOf(request("a")), stored);
        }),
        { numRuns: 25 },
      );
    });

    it("the same request delivered twice while the access frees: never refused for holding the lock itself", async () => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), async (s) => {
          const { tableName, ledger } = await testLedger(db, mode.seenNew);
          // Another grant holds the access (checked), and closes while the two deliveries are recorded.
          const other = await recorded(ledger, request("other"));
          const rs = values(
            await race(s, tableName, [
              (l) => l.record(request("a")),
              (l) => l.record(request("a", 0, { grantExecutionId: "exec-twice" })),
              async (l) => {
                await l.close(other, "check", "closed meanwhile");
                return { kind: "busy", holderId: other.requestId, holder: other } as RecordResult;
              },
            ]),
          );
          const [first, second] = rs;
          const stored = await ledger.get("req-a");
          // One delivery wrote the request; it is either refused because `other` still held the access then, or
          // recorded holding the lock. It is never refused because of itself.
          const mine = [first, second].find((r) => r.kind !== "repeat");
          assert.ok(mine, "one of the two deliveries wrote the request");
          if (mine.kind === "busy") assert.equal(mine.holderId, "req-other");
          else {
            assert.equal(mine.kind, "recorded");
            assert.equal((await ledger.holderOf(request("a")))?.requestId, "req-a");
            assert.equal(stored?.state, "checked");
          }
        }),
        { numRuns: 40 },
      );
    });

    it("a duplicate that takes the freed lock between this delivery's lost try and its read: recorded, not busy", async () => {
      const { tableName, ledger } = await testLedger(db, mode.seenNew);
      const other = await recorded(ledger, request("other"));
      let interleaved = false;
      // The first delivery's lock put loses to `other`; before it reads the lock, `other` closes and the duplicate
      // delivery of the same request takes the lock (its item put then fails: a repeat).
      const dynamodb = {
        send: async (command: { input: { Item?: Record<string, { S?: string }> } }) => {
          try {
            return await db.client.send(command as never);
          } catch (err) {
            if (!interleaved && command.input.Item?.holder?.S === "req-a") {
              interleaved = true;
              await ledger.close(other, "check", "closed meanwhile");
              await db.client.send(
                new PutItemCommand({
                  TableName: tableName,
                  Item: { pk: { S: accessKey(request("a")) }, holder: { S: "req-a" }, takenAt: { N: String(T0) } },
                }),
              );
            }
            throw err;
          }
        },
      };
      const first = recordingAs(dynamoLedger({ dynamodb, tableName, now: () => T0 }), mode.seenNew);
      const result = await first.record(request("a"));
      assert.ok(interleaved);
      assert.equal(result.kind, "recorded");
      assert.equal((await ledger.holderOf(request("a")))?.requestId, "req-a");
    });

    it("the same check retried while it runs: both answers recorded, one grant holding the lock", async () => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), async (s) => {
          const { tableName, ledger } = await testLedger(db, mode.seenNew);
          const rs = values(await race(s, tableName, [(l) => l.record(request("a")), (l) => l.record(request("a"))]));
          assert.deepEqual(kinds(rs), ["recorded", "recorded"]);
          assert.equal((await ledger.holderOf(request("a")))?.requestId, "req-a");
        }),
        { numRuns: 25 },
      );
    });

    it("two requests for the same access at once: one recorded, the other busy and closed", async () => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), async (s) => {
          const { tableName, ledger } = await testLedger(db, mode.seenNew);
          const rs = values(await race(s, tableName, [(l) => l.record(request("a")), (l) => l.record(request("b"))]));
          assert.deepEqual(kinds(rs), ["busy", "recorded"]);
          const winner = rs.find((r) => r.kind === "recorded");
          const loser = rs.find((r) => r.kind === "busy");
          assert.equal(loser?.kind === "busy" && loser.holderId, winner?.kind === "recorded" && winner.grant.requestId);
          const holder = await ledger.holderOf(request("a"));
          assert.equal(holder?.state, "checked");
          const other = await ledger.get(holder?.requestId === "req-a" ? "req-b" : "req-a");
          assert.equal(other?.state, "failed");
        }),
        { numRuns: 25 },
      );
    });

    it("two workers ending the same grant at once: one wins, the other's conflict carries the winner's item", async () => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), async (s) => {
          const l = await testLedger(db, mode.seenNew);
          const g = await activeGrant(l, request("a"));
          const end = (cause: "schedule" | "reconciler") => (ledger: GrantLedger) =>
            ledger.transition(g, { from: ["active"], to: "ending", cause, note: `${cause} ends it` });
          const [x, y] = await race(s, l.tableName, [end("schedule"), end("reconciler")]);
          const won = [x, y].filter((r) => r.status === "fulfilled");
          const lost = [x, y].filter((r) => r.status === "rejected");
          assert.equal(won.length, 1);
          assert.equal(lost.length, 1);
          const winner = (won[0] as PromiseFulfilledResult<GrantRecord>).value;
          const err = (lost[0] as PromiseRejectedResult).reason;
          assert.ok(isLedgerConflict(err));
          assert.deepEqual(err.current, winner);
          assert.deepEqual(await l.ledger.get("req-a"), winner);
          assert.equal(winner.version, g.version + 1);
        }),
        { numRuns: 25 },
      );
    });

    it("two takeovers of a stale lock at once: exactly one holder", async () => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), async (s) => {
          const { tableName, ledger } = await testLedger(db, mode.seenNew);
          await staleLock(tableName, ledger);
          const rs = values(await race(s, tableName, [(l) => l.record(request("b")), (l) => l.record(request("c"))]));
          assert.deepEqual(kinds(rs), ["busy", "recorded"]);
          const winner = rs.find((r) => r.kind === "recorded");
          assert.deepEqual(await ledger.holderOf(request("b")), winner?.kind === "recorded" && winner.grant);
        }),
        { numRuns: 25 },
      );
    });

    it("property: any interleaving of N concurrent records for one access leaves exactly one holder, an open grant", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.array(fc.constantFrom("a", "b", "c"), { minLength: 2, maxLength: 5 }),
          fc.boolean(),
          async (s, ids, stale) => {
            const { tableName, ledger } = await testLedger(db, mode.seenNew);
            if (stale) await staleLock(tableName, ledger);
            const rs = values(
              await race(
                s,
                tableName,
                ids.map(
                  (id, i) => (l: GrantLedger) => l.record(request(id, 0, { grantExecutionId: `exec-${id}-${i}` })),
                ),
              ),
            );
            const holder = await ledger.holderOf(request("a"));
            assert.ok(holder && OPEN_STATES.includes(holder.state), `holder ${holder?.requestId} ${holder?.state}`);
            const won = rs.filter((r) => r.kind === "recorded");
            assert.equal(won.length, 1);
            assert.equal(won[0].kind === "recorded" && won[0].grant.requestId, holder.requestId);
            for (const r of rs) {
              if (r.kind === "busy") assert.equal(r.holderId, holder.requestId);
              if (r.kind === "repeat") assert.ok((ids as string[]).includes(r.grant.requestId.replace("req-", "")));
            }
            for (const id of new Set(ids)) {
              const g = await ledger.get(`req-${id}`);
              assert.equal(g?.state, g?.requestId === holder.requestId ? "checked" : "failed");
            }
          },
        ),
        { numRuns: 40 },
      );
    });
  });
}

describe("ledger: a lock that lands before its holder's item (item and lock together)", () => {
  let db: Dynalite;
  before(async () => {
    db = await startDynalite();
  });
  after(() => db.close());

  /**
   * A ledger recording request `a` whose item PutItem is held back (a throttled write the SDK retries later) until
   * `land` is called, or fails for good if `lost`; its lock PutItem goes through at once.
   */
  function slowItemWriter(tableName: string, lost = false) {
    let land = () => {};
    const landed = new Promise<void>((resolve) => {
      land = resolve;
    });
    const dynamodb = {
      send: async (command: { input: { Item?: Record<string, { S?: string }> } }) => {
        if (command.input.Item?.pk?.S?.startsWith("grant#")) {
          await landed;
          if (lost) throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
        }
        return db.client.send(command as never);
      },
    };
    return { ledger: recordingAs(dynamoLedger({ dynamodb, tableName, now: () => T0 }), true), land };
  }

  it("a second request for the access waits for the holder's item, then is busy: never granted beside it", async () => {
    const tableName = await db.table();
    const a = slowItemWriter(tableName);
    const recordingA = a.ledger.record(request("a"));
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
      if (waits.length === 2) {
        a.land();
        await recordingA; // its item is written before the second request reads again
      }
    };
    const b = recordingAs(dynamoLedger({ dynamodb: db.client, tableName, now: () => T0, sleep }), true);
    const second = await b.record(request("b"));
    a.land();
    assert.equal((await recordingA).kind, "recorded");
    assert.deepEqual([second.kind, second.kind === "busy" && second.holder?.requestId], ["busy", "req-a"]);
    assert.deepEqual(waits, [250, 500]);
    assert.equal((await b.get("req-b"))?.state, "failed");
    assert.equal((await b.holderOf(request("a")))?.requestId, "req-a");
  });

  it("a holder whose item never comes: refused as being recorded for 15 minutes, then its lock is taken over", async () => {
    const tableName = await db.table();
    const a = slowItemWriter(tableName, true);
    const recordingA = a.ledger.record(request("a"));
    const clock = { now: T0 + 60_000 };
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
      clock.now += ms;
    };
    const later = recordingAs(dynamoLedger({ dynamodb: db.client, tableName, now: () => clock.now, sleep }), true);
    const b = await later.record(request("b"));
    assert.deepEqual(
      [b.kind, b.kind === "busy" && b.holderId, b.kind === "busy" && b.holder],
      ["busy", "req-a", undefined],
    );
    assert.deepEqual(waits, [250, 500, 1_000, 2_000]);
    assert.match((await later.get("req-b"))?.history.at(-1)?.note ?? "", /req-a, still being recorded/);
    a.land();
    await assert.rejects(recordingA, /Rate exceeded/);
    clock.now = T0 + 900_000;
    const c = await later.record(request("c"));
    assert.equal(c.kind, "recorded");
    assert.equal((await later.holderOf(request("c")))?.requestId, "req-c");
  });

  it("a takeover of an abandoned lock loses to the holder's own retried check that rewrites it meanwhile", async () => {
    const tableName = await db.table();
    const a = slowItemWriter(tableName, true);
    const firstTry = a.ledger.record(request("a"));
    a.land();
    await assert.rejects(firstTry, /Rate exceeded/); // the lock landed, the item never did
    const clock = { now: T0 + 900_000 };
    const retryOfA = recordingAs(dynamoLedger({ dynamodb: db.client, tableName, now: () => clock.now }), true);
    let interleaved = false;
    // B finds the lock abandoned; just before its takeover lands, A's check is retried and records A in full.
    const dynamodb = {
      send: async (command: { input: { ConditionExpression?: string } }) => {
        if (!interleaved && command.input.ConditionExpression?.startsWith("#holder = :old")) {
          interleaved = true;
          assert.equal((await retryOfA.record(request("a"))).kind, "recorded");
        }
        return db.client.send(command as never);
      },
    };
    const b = recordingAs(dynamoLedger({ dynamodb, tableName, now: () => clock.now }), true);
    const second = await b.record(request("b"));
    assert.ok(interleaved);
    assert.deepEqual([second.kind, second.kind === "busy" && second.holder?.requestId], ["busy", "req-a"]);
    assert.equal((await b.holderOf(request("a")))?.requestId, "req-a");
    assert.equal((await b.get("req-b"))?.state, "failed");
  });
});
