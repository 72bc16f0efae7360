import { SSMClient } from "@aws-sdk/client-ssm";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PERMISSION_SET_SYNC_ENV, permissionSetSyncSettings, syncPermissionSets } from "../functions/permissionSetSync";
import { allow } from "../shared/iam";
import type { Names } from "../shared/naming";
import { InlineFunction } from "./inlineFunction";

export interface PermissionSetSyncArgs {
  account: string;
  instanceArn: string;
  permissionSetNames: readonly string[];
  scheduleMinutes: number;
  logRetentionDays: number;
  /** Where a run EventBridge could not start goes (./deliveryAlarms.ts). */
  deadLetterArn: pulumi.Input<string>;
  names: Names;
  tags: Record<string, string>;
}

/**
 * Keeps the permission set name -> ARN parameters the grant workflow reads (Identity Center has no lookup by name),
 * on a schedule: one parameter per requestable set, and none for sets that were deleted or are no longer offered.
 */
export class PermissionSetSync extends pulumi.ComponentResource {
  readonly inlineFunction: InlineFunction;

  constructor(name: string, args: PermissionSetSyncArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:PermissionSetSync", name, {}, opts);
    const { names, account } = args;
    const { arn, management } = names;
    const path = management.permissionSetParameterPath;

    this.inlineFunction = new InlineFunction(
      name,
      {
        functionName: management.permissionSetSyncFunction,
        roleName: management.permissionSetSyncRole,
        description: "Keeps IAM Identity Center permission set name -> ARN parameters for the JIT grant workflow",
        callbackFactory: () => {
          const retries = { maxAttempts: 10, retryMode: "standard" };
          const clients = { ssoAdmin: new SSOAdminClient(retries), ssm: new SSMClient(retries) };
          const cache = new Map<string, string>();
          return async () => syncPermissionSets(clients, permissionSetSyncSettings(process.env), cache);
        },
        environment: {
          [PERMISSION_SET_SYNC_ENV.instanceArn]: args.instanceArn,
          [PERMISSION_SET_SYNC_ENV.parameterPath]: path,
          [PERMISSION_SET_SYNC_ENV.permissionSetNames]: JSON.stringify(args.permissionSetNames),
        },
        timeoutSeconds: 300,
        statements: [
          allow("ListPermissionSets", ["sso:ListPermissionSets"], args.instanceArn),
          allow(
            "DescribePermissionSets",
            ["sso:DescribePermissionSet"],
            [args.instanceArn, names.arn.permissionSets(args.instanceArn)],
          ),
          // The path as a resource of its own only for listing: Put and Delete stay strictly under it.
          allow(
            "ListParameters",
            ["ssm:GetParametersByPath"],
            [arn.parameterPath(account, path.slice(0, -1)), arn.parameterPath(account, `${path}*`)],
          ),
          allow(
            "MaintainParameters",
            ["ssm:PutParameter", "ssm:DeleteParameter"],
            arn.parameterPath(account, `${path}?*`),
          ),
        ],
        account,
        logRetentionDays: args.logRetentionDays,
        names,
        tags: args.tags,
      },
      { parent: this },
    );
    const fn = this.inlineFunction.function;

    const minutes = args.scheduleMinutes;
    const schedule = new aws.cloudwatch.EventRule(
      `${name}-schedule`,
      {
        name: management.permissionSetSyncSchedule,
        description: "Runs the IAM Identity Center JIT permission set name -> ARN sync",
        scheduleExpression: `rate(${minutes} ${minutes === 1 ? "minute" : "minutes"})`,
        tags: args.tags,
      },
      { parent: this },
    );
    new aws.cloudwatch.EventTarget(
      `${name}-schedule-target`,
      { rule: schedule.name, arn: fn.arn, deadLetterConfig: { arn: args.deadLetterArn } },
      { parent: this },
    );
    new aws.lambda.Permission(
      `${name}-schedule-permission`,
      {
        function: fn.name,
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        sourceArn: schedule.arn,
      },
      { parent: this },
    );

    this.registerOutputs({ functionName: fn.name, parameterPath: path });
  }
}
