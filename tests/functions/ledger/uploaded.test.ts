/**
 * The ledger as it ships inside a function: serialized by Pulumi's closure serializer (as an inline Lambda's code is),
 * with nothing degraded (tools/closureCheck.ts), then loaded from that text and run against dynalite.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { compileFunction } from "node:vm";
import { dynamoLedger } from "../../../functions/ledger";
import { type GrantLedger, isLedgerConflict } from "../../../functions/ledger/types";
import { serializeChecked } from "../../../tools/closureCheck";
import { type Dynalite, startDynalite } from "../../support/dynalite";
import { request, T0 } from "../../support/ledger";

type Factory = (options: Parameters<typeof dynamoLedger>[0]) => GrantLedger;

describe("ledger: as serialized into a function's code", () => {
  let db: Dynalite;
  let shipped: Factory;
  let degradations: unknown[];
  let text: string;
  before(async () => {
    db = await startDynalite();
    const closure = await serializeChecked(() => dynamoLedger, { isFactoryFunction: true });
    degradations = closure.degradations;
    text = closure.text;
    const module = { exports: {} as Record<string, unknown> };
    const load = compileFunction(closure.text, ["exports", "require", "module"]);
    load(module.exports, createRequire(__filename), module);
    shipped = module.exports.handler as Factory;
  });
  after(() => db.close());

  it("ships the ledger's own code, capturing nothing the serializer degrades", () => {
    assert.deepEqual(degradations, []);
    assert.ok(
      text.includes("attribute_not_exists(#pk) OR attribute_exists(#closedAt) OR #holder = :me"),
      "the lock's condition is in the text",
    );
  });

  it("records, refuses a repeat, and tells a lost condition apart by name", async () => {
    const tableName = await db.table();
    const ledger = shipped({ dynamodb: db.client, tableName, now: () => T0 });
    const first = await ledger.record(request("a"));
    assert.equal(first.kind, "recorded");
    if (first.kind !== "recorded") return;
    assert.equal((await ledger.record(request("a", 0, { grantExecutionId: "other" }))).kind, "repeat");
    const moved = await ledger.transition(first.grant, { from: ["checked"], to: "granting", cause: "grant", note: "" });
    await assert.rejects(
      ledger.transition(first.grant, { from: ["checked"], to: "failed", cause: "check", note: "" }),
      (err: unknown) => isLedgerConflict(err) && err.current?.version === moved.version,
    );
    const page = await ledger.open(1);
    assert.deepEqual(
      page.grants.map((g) => g.requestId),
      ["req-a"],
    );
  });
});
