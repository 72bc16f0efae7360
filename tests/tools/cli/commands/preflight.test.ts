import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { GRANT_CRITICAL_TYPES, preflight, riskySteps } from "../../../../tools/cli/commands/preflight";
import { type Dynalite, startDynalite } from "../../../support/dynalite";
import { activeGrant, request, testLedger } from "../../../support/ledger";
import { sharedManagementPlan } from "../../../support/plan";
import { idleClients, runJit } from "../support/cli";
import { mockedSsm } from "../support/ssm";
import { mockedSts } from "../support/sts";

const urn = (type: string, name: string) =>
  `urn:pulumi:management-dev::identity-center-jit::jit:management:Component$${type}::${name}`;

/** A `pulumi preview --json` output with one step per `[op, type, name]`. */
const previewOf = (...steps: [string, string, string][]) => ({
  steps: steps.map(([op, type, name]) => ({ op, urn: urn(type, name) })),
  changeSummary: {},
});

/** An update that replaces the ledger table (three steps of one resource) and deletes the end schedules' group. */
const STRANDING = previewOf(
  ["same", "aws:ssm/document:Document", "end-of-grant-document"],
  ["create-replacement", "aws:dynamodb/table:Table", "grant-ledger-table"],
  ["replace", "aws:dynamodb/table:Table", "grant-ledger-table"],
  ["delete-replaced", "aws:dynamodb/table:Table", "grant-ledger-table"],
  ["delete", "aws:scheduler/scheduleGroup:ScheduleGroup", "end-of-grant-schedules"],
  ["update", "aws:lambda/function:Function", "end-access"],
  ["delete", "aws:sns/topicSubscription:TopicSubscription", "notifications-subscription-0"],
);

describe("jit preflight", () => {
  let db: Dynalite;
  before(async () => {
    db = await startDynalite();
  });
  after(() => db.close());

  it("finds the deletions and replacements of what running grants need, each resource once", () => {
    assert.deepEqual(riskySteps(STRANDING), [
      { op: "replace", type: "aws:dynamodb/table:Table", name: "grant-ledger-table" },
      { op: "delete", type: "aws:scheduler/scheduleGroup:ScheduleGroup", name: "end-of-grant-schedules" },
    ]);
  });

  it("watches types the management stack deploys (a type renamed in the provider would be missed)", async () => {
    const plan = await sharedManagementPlan();
    for (const type of GRANT_CRITICAL_TYPES) {
      assert.ok(
        plan.resources.some((r) => r.type === type),
        `${type} is not in the planned management stack`,
      );
    }
  });

  it("ignores updates, creations and the loss of anything else", () => {
    const routine = previewOf(
      ["update", "aws:ssm/document:Document", "grant-workflow-document"],
      ["create", "aws:iam/role:Role", "new-role"],
      ["delete", "aws:cloudwatch/eventRule:EventRule", "old-rule"],
    );
    assert.deepEqual(riskySteps(routine), []);
  });

  for (const [what, preview, rule] of [
    ["a file without steps", { changeSummary: {} }, /has no steps list/],
    ["a step without an op", { steps: [{ urn: urn("aws:iam/role:Role", "r") }] }, /has an op and a urn/],
    ["a step whose urn is not one", { steps: [{ op: "delete", urn: "role" }] }, /is not a Pulumi URN/],
  ] as const) {
    it(`refuses ${what}, naming --preview`, () => {
      assert.throws(() => riskySteps(preview), rule);
      assert.throws(() => riskySteps(preview), /^Error: --preview: /);
    });
  }

  it("refuses a stranding update while a grant is open, and says until when", async () => {
    const l = await testLedger(db);
    const grant = await activeGrant(l, request("a"));
    const result = await preflight(db.client, STRANDING, l.tableName);
    assert.equal(result.refused, true);
    assert.equal(result.openGrants, 1);
    assert.equal(result.latestEnd, new Date(grant.endsAt * 1000).toISOString());
  });

  it("lets the same update through once no grant is open", async () => {
    const l = await testLedger(db);
    assert.equal((await preflight(db.client, STRANDING, l.tableName)).refused, false);
  });

  it("needs no ledger for the first deployment, and insists on it once the stack has one", async () => {
    const first = previewOf(["create", "aws:dynamodb/table:Table", "grant-ledger-table"]);
    assert.equal((await preflight(db.client, first, undefined)).refused, false);
    await assert.rejects(preflight(db.client, STRANDING, undefined), /^Error: --table: the stack has a grant ledger/);
  });

  it("lets through an update that puts back a resource deleted outside Pulumi (refresh: a delete, then a create)", () => {
    const recreating = previewOf(
      ["delete", "aws:lambda/function:Function", "end-access"],
      ["create", "aws:lambda/function:Function", "end-access"],
    );
    assert.deepEqual(riskySteps(recreating), []);
  });

  it("counts an operation it does not know as losing the resource", () => {
    assert.deepEqual(riskySteps(previewOf(["discard-everything", "aws:iam/role:Role", "end-access-workflow-role"])), [
      { op: "replace", type: "aws:iam/role:Role", name: "end-access-workflow-role" },
    ]);
  });

  it("exits 1 from the command line with the reason, and 0 for an update that strands nothing", async () => {
    const l = await testLedger(db);
    await activeGrant(l, request("a"));
    const file = path.join(tmpdir(), `preflight-${process.pid}.json`);
    writeFileSync(file, JSON.stringify(STRANDING));
    const clients = { ssm: mockedSsm().ssm, sts: mockedSts().sts, ...idleClients(), dynamodb: db.client };
    const run = (argv: string[]) =>
      runJit(clients.ssm, ["--profile", "management", ...argv], { profiles: { management: clients } });
    const refused = await run(["preflight", "--region", "eu-west-1", "--preview", file, "--table", l.tableName]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /refused: the update would replace aws:dynamodb\/table:Table grant-ledger-table; delete/,
    );
    assert.match(refused.stderr, /while 1 grant\(s\) are open \(the last ends 2025-01-06T10:00:00.000Z\)/);
    writeFileSync(file, JSON.stringify(previewOf(["update", "aws:lambda/function:Function", "end-access"])));
    const through = await run(["preflight", "--preview", file, "--table", l.tableName]);
    assert.equal(through.code, 0, through.stderr);
    assert.match(through.stdout, /deletes or replaces nothing running grants need/);
  });
});
