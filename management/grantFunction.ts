import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import * as pulumi from "@pulumi/pulumi";
import { GRANT_ACCESS_ENV, grantAccess, grantAccessSettings } from "../functions/grantAccess";
import type { ManagementConfig } from "../shared/config/management";
import type { Names } from "../shared/naming";
import { type GrantFunctionStatementsArgs, grantFunctionSettings, grantFunctionStatements } from "./grantFunctions";
import { InlineFunction } from "./inlineFunction";

export interface GrantFunctionArgs {
  config: ManagementConfig;
  names: Names;
  ledger: GrantFunctionStatementsArgs["ledger"];
  setArns: pulumi.Input<string>[];
  tags: Record<string, string>;
}

/** How long the grant function may run: Identity Center's assignment polled to its end, and the schedule made. */
export const GRANT_FUNCTION_TIMEOUT_SECONDS = 240;

/**
 * The grant function the grant workflow's Grant_Access step invokes (functions/grantAccess/): assigns the access the
 * request check recorded in the ledger, and schedules its end.
 */
export class GrantFunction extends pulumi.ComponentResource {
  readonly inlineFunction: InlineFunction;

  constructor(name: string, args: GrantFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:GrantFunction", name, {}, opts);
    const { config, names } = args;
    this.inlineFunction = new InlineFunction(
      name,
      {
        functionName: names.management.grantFunction,
        roleName: names.management.grantFunctionRole,
        description: "Assigns the IAM Identity Center access a JIT request was granted, and schedules its end",
        callbackFactory: () => {
          const retries = { maxAttempts: 5, retryMode: "standard" };
          const clients = {
            ssoAdmin: new SSOAdminClient(retries),
            scheduler: new SchedulerClient(retries),
            dynamodb: new DynamoDBClient(retries),
          };
          return async (event, context) => grantAccess(event, clients, grantAccessSettings(process.env), context);
        },
        environment: { [GRANT_ACCESS_ENV]: JSON.stringify(grantFunctionSettings(config, names)) },
        timeoutSeconds: GRANT_FUNCTION_TIMEOUT_SECONDS,
        statements: grantFunctionStatements({ config, names, ledger: args.ledger, setArns: args.setArns }),
        account: config.managementAccountId,
        logRetentionDays: config.logRetentionDays,
        names,
        tags: args.tags,
      },
      { parent: this },
    );
    this.registerOutputs({ functionName: this.inlineFunction.function.name });
  }
}
