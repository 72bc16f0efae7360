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
                return { kind: "busy", holder: other } as RecordResult;
              },
            ]),
          );
          const [first, second] = rs;
          const stored = await ledger.get("req-a");
          // One delivery wrote the request; it is either refused because `other` still held the access then, or
          // recorded holding the lock. It is never refused because of itself.
          const mine = [first, second].find((r) => r.kind !== "repeat");
          assert.ok(mine, "one of the two deliveries wrote the request");
          if (mine.kind === "busy") assert.equal(mine.holder.requestId, "req-other");
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
          assert.equal(
            loser?.kind === "busy" && loser.holder.requestId,
            winner?.kind === "recorded" && winner.grant.requestId,
          );
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
              if (r.kind === "busy") assert.equal(r.holder.requestId, holder.requestId);
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
