import assert from "node:assert/strict";
import { grantLedgerStatements } from "../../../management/grantLedger";
import { LEDGER_TABLE_SCHEMA, OPEN_INDEX } from "../../../shared/grantLedger";
import { policy } from "../../../shared/iam";
import { decide } from "../../support/iam";
import { type Plan, sharedManagementPlan } from "../../support/plan";

const MANAGEMENT = "111122223333";
const TABLE = "aws:dynamodb/table:Table";
const tableArn = (name: string) => `arn:aws:dynamodb:eu-west-1:${MANAGEMENT}:table/${name}`;
const LEDGER = tableArn("idc-jit-dev-grant-ledger");

describe("the grant ledger's table (management/grantLedger/)", () => {
  let plan: Plan;
  before(async () => {
    plan = await sharedManagementPlan();
  });
  const table = () => plan.byPhysicalName(TABLE, "idc-jit-dev-grant-ledger").inputs;

  it("is one on-demand table keyed as the ledger's schema says, with the open index projecting every attribute", () => {
    assert.equal(plan.ofType(TABLE).length, 1);
    assert.equal(table().billingMode, "PAY_PER_REQUEST");
    assert.equal(table().hashKey, LEDGER_TABLE_SCHEMA.hashKey);
    assert.deepEqual(table().attributes, [
      { name: "pk", type: "S" },
      { name: "openShard", type: "S" },
      { name: "endsAt", type: "N" },
    ]);
    assert.deepEqual(table().globalSecondaryIndexes, [
      {
        name: OPEN_INDEX,
        keySchemas: [
          { attributeName: "openShard", keyType: "HASH" },
          { attributeName: "endsAt", keyType: "RANGE" },
        ],
        projectionType: "ALL",
      },
    ]);
  });

  it("keeps the ledger: point-in-time recovery, deletion protection, encryption at rest", () => {
    assert.deepEqual(table().pointInTimeRecovery, { enabled: true });
    assert.equal(table().deletionProtectionEnabled, true);
    assert.deepEqual(table().serverSideEncryption, { enabled: true });
  });

  it("is a stack output, for the operator and the tools", () => {
    assert.equal(plan.outputs.grantTableName, "idc-jit-dev-grant-ledger");
  });
});

describe("what a function needs on the ledger (grantLedgerStatements)", () => {
  const role = `arn:aws:iam::${MANAGEMENT}:role/idc-jit-dev-some-function`;
  const identity = policy(...grantLedgerStatements({ table: LEDGER, openIndex: `${LEDGER}/index/${OPEN_INDEX}` }));
  const as = (action: string, resource: string) =>
    decide({ principal: role, action, resource, resourceAccount: MANAGEMENT, identityPolicies: [identity] });

  for (const action of ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]) {
    it(`allows ${action} on the table, not on another table`, async () => {
      assert.equal(await as(action, LEDGER), "Allowed");
      assert.equal(await as(action, tableArn("idc-jit-dev-grant-ledger-copy")), "ImplicitlyDenied");
    });
  }

  it("allows Query on the open index only", async () => {
    assert.equal(await as("dynamodb:Query", `${LEDGER}/index/${OPEN_INDEX}`), "Allowed");
    assert.equal(await as("dynamodb:Query", LEDGER), "ImplicitlyDenied");
    assert.equal(await as("dynamodb:Query", `${LEDGER}/index/other`), "ImplicitlyDenied");
  });

  for (const action of ["dynamodb:Scan", "dynamodb:BatchWriteItem", "dynamodb:DeleteTable", "dynamodb:UpdateTable"]) {
    it(`does not allow ${action}`, async () => {
      assert.equal(await as(action, LEDGER), "ImplicitlyDenied");
    });
  }
});
