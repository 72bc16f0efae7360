/**
 * A real DynamoDB API for the tests: dynalite served in process on a free port, talked to by the real
 * @aws-sdk/client-dynamodb. One server per test file (start it in `before`, close it in `after`), a fresh table per
 * test (`table()`), created from the ledger's schema as the Pulumi component declares it.
 */
import type { AddressInfo } from "node:net";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type KeyType,
  type ProjectionType,
  type ScalarAttributeType,
} from "@aws-sdk/client-dynamodb";
import { LEDGER_TABLE_SCHEMA } from "../../shared/grantLedger";

interface DynaliteServer {
  listen(port: number, host: string, cb: (err?: Error) => void): void;
  address(): AddressInfo;
  close(cb: (err?: Error) => void): void;
}

// dynalite ships no types; its export is a function returning an http.Server.
const dynalite: (options: Record<string, number>) => DynaliteServer = require("dynalite");

export interface Dynalite {
  client: DynamoDBClient;
  /** Creates a table with the ledger's schema under a fresh name, and answers the name. */
  table(): Promise<string>;
  close(): Promise<void>;
}

export async function startDynalite(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => server.listen(0, "127.0.0.1", (err) => (err ? reject(err) : resolve())));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${server.address().port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  let tables = 0;
  return {
    client,
    async table() {
      const name = `ledger-${process.pid}-${++tables}`;
      await createLedgerTable(client, name);
      return name;
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

export async function createLedgerTable(client: DynamoDBClient, name: string): Promise<void> {
  const s = LEDGER_TABLE_SCHEMA;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: s.attributeDefinitions.map((a) => ({
        AttributeName: a.name,
        AttributeType: a.type as ScalarAttributeType,
      })),
      KeySchema: [{ AttributeName: s.hashKey, KeyType: "HASH" as KeyType }],
      GlobalSecondaryIndexes: [
        {
          IndexName: s.openIndex.name,
          KeySchema: [
            { AttributeName: s.openIndex.hashKey, KeyType: "HASH" },
            { AttributeName: s.openIndex.rangeKey, KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: s.openIndex.projectionType as ProjectionType },
        },
      ],
    }),
  );
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === "ACTIVE") return;
    await new Promise((r) => setTimeout(r, 5));
  }
}
