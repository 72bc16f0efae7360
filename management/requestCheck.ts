import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IAMClient } from "@aws-sdk/client-iam";
import { IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SSMClient } from "@aws-sdk/client-ssm";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { STSClient } from "@aws-sdk/client-sts";
import * as pulumi from "@pulumi/pulumi";
import type { EndScheduleSettings } from "../functions/grantSchedule";
import {
  checkAccessRequest,
  REQUEST_CHECK_ENV,
  type RequestCheckSettings,
  requestCheckSettings,
} from "../functions/requestCheck";
import type { ReaderCredentials } from "../functions/requestCheck/changeRequest";
import type { ManagementConfig } from "../shared/config/management";
import { allow } from "../shared/iam";
import type { Names } from "../shared/naming";
import { endScheduleSettings, type GrantFunctionStatementsArgs, ledgerAndScheduleStatements } from "./grantFunctions";
import { InlineFunction } from "./inlineFunction";

/**
 * The check's settings: it records grants in the ledger (and moves an extended grant's end schedule) instead of
 * claiming them in Parameter Store. Written so it holds both before and after functions/requestCheck/ takes the fields.
 */
type CheckSettings = Omit<RequestCheckSettings, "grantClaimPath" | "tableName" | "schedule"> & {
  tableName: string;
  schedule: EndScheduleSettings;
};

export interface RequestCheckArgs {
  config: ManagementConfig;
  names: Names;
  ledger: GrantFunctionStatementsArgs["ledger"];
  tags: Record<string, string>;
}

/**
 * The request check the grant workflow runs before anything else (functions/requestCheck/): who really raised and
 * approved the request, read from the requester account, and whether the eligibility rules allow it.
 */
export class RequestCheck extends pulumi.ComponentResource {
  readonly inlineFunction: InlineFunction;

  constructor(name: string, args: RequestCheckArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:RequestCheck", name, {}, opts);
    const { config, names } = args;
    const { management, requester, crossSide, arn, partition } = names;
    const account = config.managementAccountId;
    const sets = config.solutionPermissionSets;
    const settings: CheckSettings = {
      requesterAccountId: config.requesterAccountId,
      readerRoleArn: crossSide.requestReaderRoleArn,
      changeTemplateName: requester.changeTemplate,
      runbookName: requester.requestRunbook,
      identityStoreId: config.identityStoreId,
      instanceArn: config.identityCenterInstanceArn,
      permissionSetParameterPath: management.permissionSetParameterPath,
      tableName: management.grantTable,
      schedule: endScheduleSettings(config, names),
      checkReasonPath: management.checkReasonPath,
      requestPermissionSets: [sets.request, sets.requestNoApproval],
      autoApprovePermissionSet: sets.requestNoApproval,
      approvePermissionSet: sets.approve,
      durationUnit: config.durationUnit,
      rules: config.eligibility,
      guardedAccounts: [config.managementAccountId, config.requesterAccountId],
    };

    this.inlineFunction = new InlineFunction(
      name,
      {
        functionName: management.requestCheckFunction,
        roleName: management.requestCheckRole,
        description: "Checks who raised and approved an IAM Identity Center JIT request, and that the rules allow it",
        callbackFactory: () => {
          const retries = { maxAttempts: 5, retryMode: "standard" };
          const clients = {
            sts: new STSClient(retries),
            identityStore: new IdentitystoreClient(retries),
            organizations: new OrganizationsClient(retries),
            ssoAdmin: new SSOAdminClient(retries),
            ssm: new SSMClient(retries),
            dynamodb: new DynamoDBClient(retries),
            scheduler: new SchedulerClient(retries),
            requesterSsm: (credentials: ReaderCredentials) => new SSMClient({ ...retries, credentials }),
            requesterIam: (credentials: ReaderCredentials) => new IAMClient({ ...retries, credentials }),
          };
          return async (event) => checkAccessRequest(event, clients, requestCheckSettings(process.env));
        },
        environment: { [REQUEST_CHECK_ENV]: JSON.stringify(settings) },
        timeoutSeconds: 60,
        statements: [
          allow("ReadRequesterAccount", ["sts:AssumeRole"], crossSide.requestReaderRoleArn),
          allow(
            "ReadIdentityStore",
            // DescribeUser: the approver's name, where AWS records an approval by user id.
            ["identitystore:GetUserId", "identitystore:DescribeUser", "identitystore:IsMemberInGroups"],
            [
              `arn:${partition}:identitystore::${account}:identitystore/${config.identityStoreId}`,
              `arn:${partition}:identitystore:::user/*`,
              `arn:${partition}:identitystore:::group/*`,
              `arn:${partition}:identitystore:::membership/*`,
            ],
          ),
          allow("ReadDirectAssignments", ["sso:ListAccountAssignmentsForPrincipal"], config.identityCenterInstanceArn),
          allow(
            "ResolvePermissionSet",
            ["ssm:GetParameter"],
            arn.parameterPath(account, `${management.permissionSetParameterPath}*`),
          ),
          // Records the grant in the ledger; extends an active one and moves its end schedule.
          ...ledgerAndScheduleStatements({ config, names, ledger: args.ledger }),
          // Why a request was turned away, for the grant workflow to read (functions/requestCheck/reason.ts).
          allow(
            "RecordCheckReasons",
            ["ssm:PutParameter"],
            arn.parameterPath(account, `${management.checkReasonPath}*`),
          ),
          allow(
            "ReadAccountPlacement",
            ["organizations:ListParents"],
            [arn.organizationAccounts, arn.organizationalUnits],
          ),
        ],
        account,
        logRetentionDays: config.logRetentionDays,
        names,
        tags: args.tags,
      },
      { parent: this },
    );
    this.registerOutputs({ functionName: this.inlineFunction.function.name });
  }
}
