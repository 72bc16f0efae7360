import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LEDGER_TABLE_SCHEMA } from "../../shared/grantLedger";
import { allow, type Statement } from "../../shared/iam";

export interface GrantLedgerArgs {
  /** The table's name (shared/naming.ts `management.grantTable`). */
  name: string;
  tags: Record<string, string>;
}

/**
 * The grant ledger's table (DESIGN.md §10, shared/grantLedger.ts): one item per grant and one per access lock, and the
 * sparse index of open grants by their end. On demand (a few writes per request; nothing to size), point-in-time
 * recovery on and deletion protection on (the ledger is the audit record's source and the only record that a request
 * was granted: losing it would let a replayed request be granted again), encrypted with the AWS managed key.
 */
export class GrantLedger extends pulumi.ComponentResource {
  readonly table: aws.dynamodb.Table;
  readonly tableName: pulumi.Output<string>;
  readonly tableArn: pulumi.Output<string>;
  /** The open index's ARN (a Query on an index is authorized on the index's ARN). */
  readonly openIndexArn: pulumi.Output<string>;

  constructor(name: string, args: GrantLedgerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:GrantLedger", name, {}, opts);
    const s = LEDGER_TABLE_SCHEMA;
    this.table = new aws.dynamodb.Table(
      `${name}-table`,
      {
        name: args.name,
        billingMode: "PAY_PER_REQUEST",
        hashKey: s.hashKey,
        attributes: s.attributeDefinitions.map((a) => ({ name: a.name, type: a.type })),
        globalSecondaryIndexes: [
          {
            name: s.openIndex.name,
            keySchemas: [
              { attributeName: s.openIndex.hashKey, keyType: "HASH" },
              { attributeName: s.openIndex.rangeKey, keyType: "RANGE" },
            ],
            projectionType: s.openIndex.projectionType,
          },
        ],
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: true,
        serverSideEncryption: { enabled: true },
        tags: args.tags,
      },
      // Deletion protection stops AWS deleting the table; `protect` stops Pulumi planning it (a rename replaces it).
      { parent: this, protect: true },
    );
    this.tableName = this.table.name;
    this.tableArn = this.table.arn;
    this.openIndexArn = pulumi.interpolate`${this.table.arn}/index/${s.openIndex.name}`;
    this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn });
  }

  /** The IAM statements a function that uses this ledger needs (grantLedgerStatements). */
  accessStatements(sid = "GrantLedger"): Statement[] {
    return grantLedgerStatements({ table: this.tableArn, openIndex: this.openIndexArn }, sid);
  }
}

/**
 * What a function that uses the ledger (functions/ledger/) needs on it: read and write single items of the table
 * (every write is a conditional PutItem, UpdateItem or DeleteItem), and Query the open index, nothing else (no Scan,
 * no batch, no table management). Actions and resource types as the DynamoDB service authorization reference lists
 * them (Query on an index is authorized on the index's ARN, `table/<name>/index/<index>`):
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
 */
export function grantLedgerStatements(
  arns: { table: pulumi.Input<string>; openIndex: pulumi.Input<string> },
  sid = "GrantLedger",
): Statement[] {
  return [
    allow(
      `${sid}Items`,
      ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
      arns.table,
    ),
    allow(`${sid}OpenIndex`, ["dynamodb:Query"], arns.openIndex),
  ];
}
