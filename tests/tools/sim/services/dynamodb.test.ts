/**
 * DynamoDB in the simulated world: the plan's table is created from its own inputs, calls reach a real DynamoDB
 * implementation (dynalite) and come back as DynamoDB answers them (the SDK's own exception classes included), each
 * world sees only its own tables, real I/O takes no virtual time, and a fault aimed at a step fails its DynamoDB call
 * like any other.
 */
import assert from "node:assert/strict";
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import { LEDGER_TABLE_SCHEMA, OPEN_INDEX, OPEN_SHARD } from "../../../../shared/grantLedger";
import { deployStack, type PlannedResource } from "../../../../tools/sim/deployment";
import { simulatedClient } from "../../../../tools/sim/functions";
import { World } from "../../../../tools/sim/world";
import { ACCOUNT, DOCUMENT, REGION, runbook, runToEnd, STARTER, step } from "../support/automation";
import { awsError } from "../support/aws";

const TABLE = "jit-grants";

/** A planned aws.dynamodb.Table with the ledger's schema (shared/grantLedger.ts), as the ledger component declares it. */
const LEDGER_TABLE: PlannedResource = {
  type: "aws:dynamodb/table:Table",
  name: "grant-ledger",
  inputs: {
    name: TABLE,
    billingMode: "PAY_PER_REQUEST",
    hashKey: LEDGER_TABLE_SCHEMA.hashKey,
    attributes: LEDGER_TABLE_SCHEMA.attributeDefinitions.map((a) => ({ ...a })),
    globalSecondaryIndexes: [
      {
        name: LEDGER_TABLE_SCHEMA.openIndex.name,
        hashKey: LEDGER_TABLE_SCHEMA.openIndex.hashKey,
        rangeKey: LEDGER_TABLE_SCHEMA.openIndex.rangeKey,
        projectionType: LEDGER_TABLE_SCHEMA.openIndex.projectionType,
      },
    ],
  },
};

const worlds: World[] = [];
function ledgerWorld(options: ConstructorParameters<typeof World>[0] = {}): World {
  const world = new World(options);
  deployStack(world, { account: ACCOUNT, region: REGION, resources: [LEDGER_TABLE] });
  worlds.push(world);
  return world;
}

const client = (world: World) => simulatedClient(DynamoDBClient, "dynamodb", world, STARTER);
const grant = (id: string, endsAt: number) => ({
  pk: { S: `grant#${id}` },
  state: { S: "active" },
  [LEDGER_TABLE_SCHEMA.openIndex.hashKey]: { S: OPEN_SHARD },
  [LEDGER_TABLE_SCHEMA.openIndex.rangeKey]: { N: String(endsAt) },
});

describe("DynamoDB in the simulated world (dynalite behind a real client)", () => {
  after(async () => {
    await Promise.all(worlds.map((w) => w.dispose()));
  });

  it("creates the planned table from its inputs: key schema and the open-grants index, under its own ARN", async () => {
    const world = ledgerWorld();
    const described = (await world.callAws("dynamodb", "DescribeTable", { TableName: TABLE }, STARTER)) as {
      Table: {
        TableName: string;
        TableArn: string;
        KeySchema: unknown;
        GlobalSecondaryIndexes: { IndexName: string; IndexArn: string }[];
      };
    };
    assert.equal(described.Table.TableName, TABLE);
    assert.equal(described.Table.TableArn, `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${TABLE}`);
    assert.deepEqual(described.Table.KeySchema, [{ AttributeName: "pk", KeyType: "HASH" }]);
    assert.deepEqual(
      described.Table.GlobalSecondaryIndexes.map((i) => [i.IndexName, i.IndexArn]),
      [[OPEN_INDEX, `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${TABLE}/index/${OPEN_INDEX}`]],
    );
  });

  it("answers a simulated SDK client: writes, reads, conditional writes and queries of the index", async () => {
    const world = ledgerWorld();
    const ddb = client(world);
    await ddb.send(new PutItemCommand({ TableName: TABLE, Item: grant("r1", 2000) }));
    await ddb.send(new PutItemCommand({ TableName: TABLE, Item: grant("r2", 1000) }));
    const read = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: "grant#r1" } } }));
    assert.equal(read.Item?.state.S, "active");
    const open = await ddb.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: OPEN_INDEX,
        KeyConditionExpression: "openShard = :open AND endsAt <= :now",
        ExpressionAttributeValues: { ":open": { S: OPEN_SHARD }, ":now": { N: "1500" } },
      }),
    );
    assert.deepEqual(
      open.Items?.map((i) => i.pk.S),
      ["grant#r2"],
    );
    await assert.rejects(
      ddb.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: grant("r1", 3000),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
      (err: unknown) => err instanceof ConditionalCheckFailedException && err.$metadata.httpStatusCode === 400,
    );
    const items = await world.dynamodb.items(ACCOUNT, REGION, TABLE);
    assert.deepEqual(items.map((i) => i.pk.S).sort(), ["grant#r1", "grant#r2"]);
  });

  it("keeps each world's tables apart, and a missing table is ResourceNotFoundException", async () => {
    const [one, two] = [ledgerWorld(), ledgerWorld()];
    await client(one).send(new PutItemCommand({ TableName: TABLE, Item: grant("only-in-one", 1) }));
    assert.deepEqual(await two.dynamodb.items(ACCOUNT, REGION, TABLE), []);
    await assert.rejects(
      client(one).send(new GetItemCommand({ TableName: "no-such-table", Key: { pk: { S: "x" } } })),
      ResourceNotFoundException,
    );
    const other = { ...STARTER, account: "444455556666" };
    await assert.rejects(
      one.callAws("dynamodb", "GetItem", { TableName: TABLE, Key: { pk: { S: "x" } } }, other),
      awsError("ResourceNotFoundException"),
    );
  });

  it("lists the caller's tables only, by name, a page at a time (ListTables Limit, LastEvaluatedTableName)", async () => {
    const world = ledgerWorld();
    for (const name of ["b-table", "a-table"]) {
      await world.callAws(
        "dynamodb",
        "CreateTable",
        {
          TableName: name,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: "k", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "k", KeyType: "HASH" }],
        },
        STARTER,
      );
    }
    const first = await world.callAws("dynamodb", "ListTables", { Limit: 2 }, STARTER);
    assert.deepEqual(first, { TableNames: ["a-table", "b-table"], LastEvaluatedTableName: "b-table" });
    const rest = await world.callAws("dynamodb", "ListTables", { ExclusiveStartTableName: "b-table" }, STARTER);
    assert.deepEqual(rest, { TableNames: [TABLE] });
  });

  it("takes no virtual time: the clock stands still while a call is answered, and counts it as pending", async () => {
    const world = ledgerWorld();
    const before = world.clock.now();
    let answeredAt: number | undefined;
    const call = world.callAws("dynamodb", "PutItem", { TableName: TABLE, Item: grant("r", 1) }, STARTER).then(() => {
      answeredAt = world.clock.now();
    });
    assert.ok(world.clock.pending() > 0, "an answer still in flight is pending work");
    // A timer a millisecond on: the world must not move to it before the call is answered.
    world.clock.later(
      1,
      () => {},
      (err) => {
        throw err;
      },
    );
    await world.run();
    await call;
    assert.equal(answeredAt, before);
    assert.equal(world.clock.now(), before + 1);
    assert.equal(world.clock.pending(), 0);
  });

  it("fails a step's DynamoDB call when a fault is aimed at the step, without the call reaching the table", async () => {
    const put = step(
      "Record",
      "aws:executeAwsApi",
      { Service: "dynamodb", Api: "PutItem", TableName: TABLE, Item: { pk: { S: "grant#faulted" } } },
      { onFailure: "Abort" },
    );
    const world = ledgerWorld({ faults: [{ document: DOCUMENT, step: "Record", kind: "error" }] });
    const x = await runToEnd(world, runbook([put]));
    assert.equal(x.status, "Failed");
    assert.match(x.failureMessage ?? "", /InternalFailure/);
    assert.deepEqual(await world.dynamodb.items(ACCOUNT, REGION, TABLE), []);

    const throttled = ledgerWorld({ faults: [{ document: DOCUMENT, step: "Record", kind: "throttle" }] });
    const retried = await runToEnd(throttled, runbook([{ ...put, maxAttempts: 2 }]));
    assert.equal(retried.status, "Success");
    assert.deepEqual(
      (await throttled.dynamodb.items(ACCOUNT, REGION, TABLE)).map((i) => i.pk.S),
      ["grant#faulted"],
    );
  });

  it("refuses what dynalite cannot answer (TransactWriteItems) as the simulator's error, never as DynamoDB's", async () => {
    const world = ledgerWorld();
    await assert.rejects(
      world.callAws("dynamodb", "TransactWriteItems", { TransactItems: [] }, STARTER),
      /does not implement TransactWriteItems/,
    );
  });

  it("leaves item operations (data events) out of the events CloudTrail sends EventBridge", async () => {
    const world = ledgerWorld();
    const emitted: string[] = [];
    const emit = world.events.emit.bind(world.events);
    world.events.emit = (account, region, event) => {
      emitted.push(String((event.detail as { eventName?: string }).eventName));
      return emit(account, region, event);
    };
    await world.callAws("dynamodb", "PutItem", { TableName: TABLE, Item: grant("r", 1) }, STARTER);
    assert.deepEqual(emitted, []);
  });
});
