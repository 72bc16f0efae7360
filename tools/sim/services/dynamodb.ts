/**
 * DynamoDB (`dynamodb`) in the simulated world, answered by a real implementation: each call, as a simulated SDK
 * client or Automation's aws:executeAwsApi makes it, is forwarded through a real @aws-sdk/client-dynamodb client to
 * the process's dynalite server (./dynalite.ts), and its answer or error comes back as DynamoDB gave it (an error as
 * an AwsError with the same code, so the simulated SDK throws the real exception class). Condition expressions, update
 * expressions, key schemas, indexes and their validation are dynalite's, not a copy of them here.
 *
 * Every world shares the one server under its own table-name prefix, per account and Region (a table is a resource of
 * one account and Region: `arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}`, Service Authorization
 * Reference, "Actions, resources, and condition keys for Amazon DynamoDB"); names and ARNs are translated both ways,
 * so callers see their own. The tables the plan declares are created before the world's first DynamoDB call.
 *
 * The calls are real I/O: each is declared to the virtual clock (VirtualClock.external), which does not move while one
 * is in flight. IAM is not evaluated here, as for every fake: tests/tools/sim/permissions.test.ts decides each call
 * against the caller's planned policy (tests/tools/sim/support/resourceArns.ts maps the table and index ARNs).
 */
import * as ddb from "@aws-sdk/client-dynamodb";
import { type ApiInput, AwsError, type Caller, type ServiceFake, unsupported } from "../aws";
import type { VirtualClock } from "../clock";
import { DYNALITE_ACCOUNT, DYNALITE_REGION, dynaliteClient } from "./dynalite";

/** A table as CreateTable takes it, without its name. */
export type TableSpec = Omit<ddb.CreateTableCommandInput, "TableName">;

/** An item as DynamoDB holds it: attribute name -> AttributeValue. */
export type Item = Record<string, ddb.AttributeValue>;

/**
 * The APIs dynalite serves (its actions/ directory). TransactWriteItems and TransactGetItems are not among them:
 * calling them is an error of the simulator, never an answer.
 */
const FORWARDED = new Set([
  "BatchGetItem",
  "BatchWriteItem",
  "CreateTable",
  "DeleteItem",
  "DeleteTable",
  "DescribeTable",
  "DescribeTimeToLive",
  "GetItem",
  "ListTagsOfResource",
  "PutItem",
  "Query",
  "Scan",
  "TagResource",
  "UntagResource",
  "UpdateItem",
  "UpdateTable",
]);

// API_CreateTable, TableName: 3 to 255 characters of [a-zA-Z0-9_.-]; API_GetItem accepts a table's ARN too (1 to 1024).
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;
const TABLE_ARN = /^arn:aws:dynamodb:([a-z0-9-]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})(\/.*)?$/;
const MAX_TABLE_NAME = 255;
// API_ListTables: Limit 1 to 100, 100 if not given.
const MAX_LIST = 100;

let worlds = 0;

const validation = (message: string) => new AwsError("ValidationException", message);

export class DynamoDbFake implements ServiceFake {
  readonly service = "dynamodb";
  /** This world's part of every server-side table name. */
  private readonly world = `w${++worlds}`;
  private readonly planned: { account: string; region: string; name: string; spec: TableSpec }[] = [];
  /** `account/region/name` of each table this world has on the server. */
  private readonly tables = new Set<string>();
  private setUp?: Promise<ddb.DynamoDBClient>;
  private disposed = false;

  constructor(private readonly clock: VirtualClock) {}

  /** A table the plan declares: created on the server before the world's first DynamoDB call. */
  defineTable(account: string, region: string, name: string, spec: TableSpec): void {
    if (this.setUp) throw new Error(`table ${name} is planned after the world's first DynamoDB call`);
    if (!TABLE_NAME.test(name)) throw new Error(`table name ${name} does not match ${TABLE_NAME.source}`);
    this.planned.push({ account, region, name, spec });
  }

  async call(api: string, input: ApiInput, caller: Caller): Promise<unknown> {
    if (!FORWARDED.has(api) && api !== "ListTables") return unsupported(this.service, api);
    return this.clock.external(
      api === "ListTables" ? this.listTables(input, caller) : this.forward(api, input, caller),
    );
  }

  /** Whether the world has made a DynamoDB call yet (before that its tables are not even created, and empty). */
  get used(): boolean {
    return this.setUp !== undefined;
  }

  /** Every item of a table (all pages of a Scan), in the server's order; for tests and the outcome's checks. */
  items(account: string, region: string, name: string): Promise<Item[]> {
    return this.clock.external(this.scanAll(account, region, name));
  }

  /** Deletes this world's tables from the shared server; the world answers no DynamoDB call after. */
  dispose(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.disposed = true;
    if (!this.setUp) return Promise.resolve();
    const client = this.setUp;
    const deletions = [...this.tables].map(async (key) => {
      const [account, region, name] = key.split("/");
      await (await client).send(new ddb.DeleteTableCommand({ TableName: this.serverName(account, region, name) }));
    });
    this.tables.clear();
    return this.clock.external(Promise.all(deletions).then(() => undefined));
  }

  private client(): Promise<ddb.DynamoDBClient> {
    if (this.disposed) throw new Error("the world was disposed: its DynamoDB tables are gone");
    this.setUp ??= this.createPlanned();
    return this.setUp;
  }

  private async createPlanned(): Promise<ddb.DynamoDBClient> {
    const client = await dynaliteClient();
    for (const { account, region, name, spec } of this.planned) {
      const serverName = this.serverName(account, region, name);
      await client.send(new ddb.CreateTableCommand({ ...spec, TableName: serverName }));
      await settled(client, serverName);
      this.tables.add(`${account}/${region}/${name}`);
    }
    return client;
  }

  private prefix(account: string, region: string): string {
    return `${this.world}.${account}.${region}.`;
  }

  private serverName(account: string, region: string, name: string): string {
    const serverName = `${this.prefix(account, region)}${name}`;
    if (serverName.length > MAX_TABLE_NAME) {
      throw new Error(`table name ${name} is too long for the simulator's prefix (${serverName.length} > 255)`);
    }
    return serverName;
  }

  /** A TableName (a name, or a table's ARN) as the server knows it; another account's table is not served. */
  private tableName(given: unknown, caller: Caller, field = "TableName"): { name: string; serverName: string } {
    if (typeof given !== "string") throw validation(`${field} is required and must be a string`);
    const arn = TABLE_ARN.exec(given);
    if (given.startsWith("arn:") && !arn) throw validation(`${field} ${given} is not a table's ARN`);
    const name = arn ? arn[3] : given;
    if (!TABLE_NAME.test(name)) throw validation(`${field} must match ${TABLE_NAME.source}`);
    if (arn && (arn[1] !== caller.region || arn[2] !== caller.account)) {
      throw new Error(`the simulator's DynamoDB fake does not serve another account's or Region's table (${given})`);
    }
    return { name, serverName: this.serverName(caller.account, caller.region, name) };
  }

  /** A resource ARN (a table's, or its index's or stream's) as the server names it. */
  private resourceArn(given: unknown, caller: Caller): string {
    const { serverName } = this.tableName(given, caller, "ResourceArn");
    const rest = TABLE_ARN.exec(String(given))?.[4] ?? "";
    return `arn:aws:dynamodb:${DYNALITE_REGION}:${DYNALITE_ACCOUNT}:table/${serverName}${rest}`;
  }

  private toServer(api: string, input: ApiInput, caller: Caller): ApiInput {
    const local: ApiInput = { ...input };
    if (api === "BatchGetItem" || api === "BatchWriteItem") {
      const requests = input.RequestItems;
      if (typeof requests !== "object" || requests === null) throw validation("RequestItems is required");
      local.RequestItems = Object.fromEntries(
        Object.entries(requests).map(([table, request]) => [this.tableName(table, caller).serverName, request]),
      );
      return local;
    }
    if (api === "ListTagsOfResource" || api === "TagResource" || api === "UntagResource") {
      local.ResourceArn = this.resourceArn(input.ResourceArn, caller);
      return local;
    }
    local.TableName = this.tableName(input.TableName, caller).serverName;
    return local;
  }

  private async forward(api: string, input: ApiInput, caller: Caller): Promise<unknown> {
    const client = await this.client();
    const Command = (ddb as unknown as Record<string, new (input: ApiInput) => ddb.DescribeTableCommand>)[
      `${api}Command`
    ];
    const local = this.toServer(api, input, caller);
    const back = (value: unknown) => this.fromServer(value, caller);
    let answer: Record<string, unknown>;
    try {
      answer = (await client.send(Command ? new Command(local) : unsupported(this.service, api))) as unknown as Record<
        string,
        unknown
      >;
    } catch (err) {
      throw awsErrorOf(err, back);
    }
    // dynalite moves a table from CREATING to ACTIVE (or DELETING to gone) on a real timer, which would make runs
    // depend on real time: the answer comes once the change is done, so every later call sees the table settled.
    if (api === "CreateTable" || api === "UpdateTable" || api === "DeleteTable") {
      await settled(client, String(local.TableName));
    }
    const name = typeof input.TableName === "string" ? this.tableName(input.TableName, caller).name : undefined;
    if (api === "CreateTable" && name) this.tables.add(`${caller.account}/${caller.region}/${name}`);
    if (api === "DeleteTable" && name) this.tables.delete(`${caller.account}/${caller.region}/${name}`);
    const { $metadata, ...rest } = answer;
    return back(rest);
  }

  /**
   * ListTables: the caller's account and Region's tables, by name, from ExclusiveStartTableName on, at most Limit of
   * them, and LastEvaluatedTableName when there are more (API_ListTables). Answered here, from the tables this world
   * made: the server holds every world's.
   */
  private async listTables(input: ApiInput, caller: Caller): Promise<unknown> {
    const limit = input.Limit ?? MAX_LIST;
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) {
      throw validation(`Limit must be a whole number from 1 to ${MAX_LIST}`);
    }
    const start = input.ExclusiveStartTableName;
    if (start !== undefined && (typeof start !== "string" || !TABLE_NAME.test(start))) {
      throw validation(`ExclusiveStartTableName must match ${TABLE_NAME.source}`);
    }
    await this.client();
    const own = `${caller.account}/${caller.region}/`;
    const names = [...this.tables]
      .filter((key) => key.startsWith(own))
      .map((key) => key.slice(own.length))
      .filter((name) => start === undefined || name > start)
      .sort();
    const page = names.slice(0, limit);
    return { TableNames: page, ...(names.length > limit && { LastEvaluatedTableName: page[page.length - 1] }) };
  }

  private async scanAll(account: string, region: string, name: string): Promise<Item[]> {
    const client = await this.client();
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page: ddb.ScanCommandOutput = await client.send(
        new ddb.ScanCommand({ TableName: this.serverName(account, region, name), ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** The server's answer with its table names and ARNs as the caller's account and Region know them. */
  private fromServer(value: unknown, caller: Caller): unknown {
    const prefix = this.prefix(caller.account, caller.region);
    const serverArn = `arn:aws:dynamodb:${DYNALITE_REGION}:${DYNALITE_ACCOUNT}:table/${prefix}`;
    const arn = `arn:aws:dynamodb:${caller.region}:${caller.account}:table/`;
    const text = (s: string) => s.split(serverArn).join(arn).split(prefix).join("");
    const walk = (v: unknown): unknown => {
      if (typeof v === "string") return text(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), walk(x)]));
      }
      return v;
    };
    return walk(value);
  }
}

/** Waits (in real time: the server's own timer) until the table is ACTIVE, or gone. */
async function settled(client: ddb.DynamoDBClient, serverName: string): Promise<void> {
  for (;;) {
    let status: string | undefined;
    try {
      const { Table } = await client.send(new ddb.DescribeTableCommand({ TableName: serverName }));
      const indexes = Table?.GlobalSecondaryIndexes ?? [];
      status = indexes.some((i) => i.IndexStatus !== "ACTIVE") ? "UPDATING" : Table?.TableStatus;
    } catch (err) {
      if (err instanceof ddb.ResourceNotFoundException) return;
      throw err;
    }
    if (status === "ACTIVE") return;
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * The server's error as the world's AwsError: the same code and message (names translated back), retryable as the
 * SDK reads it (a throttling or server error), with the error's own members (ConditionalCheckFailedException's Item,
 * CancellationReasons). Anything that is not an answer of the server (a refused connection) is the simulator's error.
 */
function awsErrorOf(err: unknown, back: (value: unknown) => unknown): unknown {
  if (!(err instanceof ddb.DynamoDBServiceException)) return err;
  const { $fault, $metadata, $response, $retryable, name, message, ...fields } = err as ddb.DynamoDBServiceException &
    Record<string, unknown>;
  const members = Object.fromEntries(
    Object.entries(back(fields) as Record<string, unknown>).filter(([k, v]) => v !== undefined && k !== "__type"),
  );
  return new AwsError(name, String(back(message)), $retryable !== undefined || $fault === "server", members);
}
