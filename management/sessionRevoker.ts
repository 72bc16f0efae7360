import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import * as pulumi from "@pulumi/pulumi";
import { LOCK_MS, revokerSettings, revokeSessions, SESSION_REVOKER_ENV } from "../functions/sessionRevoker";
import type { SessionRevokerSettings } from "../functions/sessionRevoker/event";
import { sessionPolicyKey } from "../functions/sessionRevoker/lock";
import type { ManagementConfig } from "../shared/config/management";
import { allow, type Statement } from "../shared/iam";
import type { Names } from "../shared/naming";
import { managementAccountStatements } from "./grantFunctions";
import { InlineFunction } from "./inlineFunction";

export interface SessionRevokerArgs {
  config: Pick<
    ManagementConfig,
    "managementAccountId" | "identityCenterInstanceArn" | "eligibility" | "logRetentionDays"
  >;
  names: Names;
  /** The grant ledger's table ARN: the per-set lock lives there. */
  ledgerTableArn: pulumi.Input<string>;
  /** The requestable permission sets' ARNs, the canary's left out: the only sets whose inline policy it may write. */
  setArns: pulumi.Input<string>[];
  tags: Record<string, string>;
}

/**
 * What the end function and the reconciler schedule the revoker with, when jit:revokeOpenSessions is on. The `jit verify`
 * canary is left out: it denies everything already, and the stack manages its inline policy.
 */
export function sessionRevokerSetting(
  config: Pick<ManagementConfig, "revokeOpenSessions" | "managementAccountId" | "verify">,
  names: Names,
): SessionRevokerSettings | undefined {
  if (!config.revokeOpenSessions) return undefined;
  return {
    functionArn: names.arn.lambdaFunction(config.managementAccountId, names.management.sessionRevokerFunction),
    exceptSets: config.verify ? [config.verify.permissionSet] : [],
  };
}

/** Within the lock's life (functions/sessionRevoker/ LOCK_MS), so a lock never expires while its holder runs. */
const TIMEOUT_SECONDS = LOCK_MS / 1000 - 30;

/**
 * jit:revokeOpenSessions: the function that cuts an ended grant's open sessions (functions/sessionRevoker/), invoked
 * by the one-time schedule the end function makes (the scheduler role's permission is management/endOfGrant/'s).
 * Its failures, once Lambda's retries of the asynchronous invocation are spent, go to the end dead-letter queue.
 */
export class SessionRevoker extends pulumi.ComponentResource {
  readonly inlineFunction: InlineFunction;

  constructor(name: string, args: SessionRevokerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:SessionRevoker", name, {}, opts);
    const { config, names, tags } = args;
    const account = config.managementAccountId;
    this.inlineFunction = new InlineFunction(
      `${name}-function`,
      {
        functionName: names.management.sessionRevokerFunction,
        roleName: names.management.sessionRevokerRole,
        description: "Cuts the open sessions of an ended IAM Identity Center JIT grant (a deny in its permission set)",
        callbackFactory: () => {
          const retries = { maxAttempts: 5, retryMode: "standard" };
          const clients = { ssoAdmin: new SSOAdminClient(retries), dynamodb: new DynamoDBClient(retries) };
          return async (event, context) => revokeSessions(event, clients, revokerSettings(process.env), context);
        },
        environment: {
          [SESSION_REVOKER_ENV]: JSON.stringify({
            instanceArn: config.identityCenterInstanceArn,
            tableName: names.management.grantTable,
          }),
        },
        timeoutSeconds: TIMEOUT_SECONDS,
        statements: sessionRevokerStatements(args),
        deadLetterQueueArn: names.arn.queue(account, names.management.endDeadLetterQueue),
        account,
        logRetentionDays: config.logRetentionDays,
        names,
        tags,
      },
      { parent: this },
    );
    this.registerOutputs({ functionName: this.inlineFunction.function.name });
  }
}

/** Least privilege: the sets' inline policies and provisioning, the lock items only, and its dead letters. */
export function sessionRevokerStatements(args: SessionRevokerArgs): Statement[] {
  const { config, names } = args;
  const account = config.managementAccountId;
  const instance = config.identityCenterInstanceArn;
  const accounts = `arn:${names.partition}:sso:::account/*`;
  return [
    // One statement, each set's ARN named once: a role's policies are limited to 10,240 characters, and an
    // organization may make dozens of sets requestable. Reading and writing a policy take no account resource.
    allow(
      "InlinePolicyAndProvisioning",
      ["sso:GetInlinePolicyForPermissionSet", "sso:PutInlinePolicyToPermissionSet", "sso:ProvisionPermissionSet"],
      [instance, ...args.setArns, accounts],
    ),
    allow("ProvisioningStatus", ["sso:DescribePermissionSetProvisioningStatus"], instance),
    allow("PolicyLock", ["dynamodb:PutItem", "dynamodb:DeleteItem"], args.ledgerTableArn, {
      "ForAllValues:StringLike": { "dynamodb:LeadingKeys": sessionPolicyKey("*") },
    }),
    allow("DeadLetters", ["sqs:SendMessage"], names.arn.queue(account, names.management.endDeadLetterQueue)),
    // Provisioning into the management account runs with the caller's IAM permissions there, as granting does.
    ...(config.eligibility.some((r) => r.accounts.includes(account))
      ? managementAccountStatements(account, names.partition)
      : []),
  ];
}
