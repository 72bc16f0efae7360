import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IAMClient } from "@aws-sdk/client-iam";
import { IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { STSClient } from "@aws-sdk/client-sts";
import * as pulumi from "@pulumi/pulumi";
import type { EndScheduleSettings } from "../functions/grantSchedule";
import { REQUEST_CHECK_ENV } from "../functions/requestCheck";
import type { ReaderCredentials } from "../functions/requestCheck/changeRequest";
import { type CheckAndGrantSettings, checkAndGrant, checkAndGrantSettings } from "../functions/requestCheck/grant";
import type { ManagementConfig } from "../shared/config/management";
import { allow } from "../shared/iam";
import type { Names } from "../shared/naming";
import { endScheduleSettings, type GrantFunctionStatementsArgs, grantFunctionStatements } from "./grantFunctions";
import { InlineFunction } from "./inlineFunction";

/**
 * The check's settings: it records grants in the ledger (and moves an extended grant's end schedule) instead of
 * claiming them in Parameter Store. Written so it holds both before and after functions/requestCheck/ takes the fields.
 */
type CheckSettings = Omit<CheckAndGrantSettings, "grantClaimPath" | "tableName" | "schedule" | "announcement"> & {
  tableName: string;
  schedule: EndScheduleSettings;
  announcement: { topicArn: pulumi.Input<string>; accountId: string; region: string };
};

/**
 * How long the check and grant may run: the reads (seconds), then Identity Center's assignment polled to its end
 * (usually within a minute) and the end schedule made. The grant workflow's step allows a minute more.
 */
export const CHECK_AND_GRANT_TIMEOUT_SECONDS = 240;

export interface RequestCheckArgs {
  config: ManagementConfig;
  names: Names;
  ledger: GrantFunctionStatementsArgs["ledger"];
  /** The requestable permission sets' ARNs (./requestableSets.ts): the only sets it may assign. */
  setArns: pulumi.Input<string>[];
  /** The notification topic: access is announced there before it is assigned. */
  topicArn: pulumi.Input<string>;
  tags: Record<string, string>;
}

/**
 * The request check the grant workflow runs first (functions/requestCheck/): who really raised and approved the
 * request, read from the requester account, and whether the eligibility rules allow it; then, in the same invocation,
 * the grant of what it let through (functions/requestCheck/grant.ts).
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
      requestForm: config.requestForm,
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
      // As the requester stack's runbook is built (management/index.ts approvalsBySet): one approval step per approval.
      approvalsBySet: config.approvalsBySet,
      durationUnit: config.durationUnit,
      rules: config.eligibility,
      guardedAccounts: [config.managementAccountId, config.requesterAccountId],
      announcement: { topicArn: args.topicArn, accountId: account, region: config.region },
    };

    this.inlineFunction = new InlineFunction(
      name,
      {
        functionName: management.requestCheckFunction,
        roleName: management.requestCheckRole,
        description:
          "Checks who raised and approved an IAM Identity Center JIT request and that the rules allow it, then grants it",
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
            sns: new SNSClient(retries),
            requesterSsm: (credentials: ReaderCredentials) => new SSMClient({ ...retries, credentials }),
            requesterIam: (credentials: ReaderCredentials) => new IAMClient({ ...retries, credentials }),
          };
          return async (event, context) => checkAndGrant(event, clients, checkAndGrantSettings(process.env), context);
        },
        environment: { [REQUEST_CHECK_ENV]: pulumi.output(settings).apply((resolved) => JSON.stringify(resolved)) },
        timeoutSeconds: CHECK_AND_GRANT_TIMEOUT_SECONDS,
        statements: [
          allow("ReadRequesterAccount", ["sts:AssumeRole"], crossSide.requestReaderRoleArn),
          allow(
            "ReadIdentityStore",
            // DescribeUser: the approver's name, where AWS records an approval by user id.
            // ListGroupMemberships: the members of the approver groups, listed beside the requester account's records.
            [
              "identitystore:GetUserId",
              "identitystore:DescribeUser",
              "identitystore:IsMemberInGroups",
              "identitystore:ListGroupMemberships",
            ],
            [
              `arn:${partition}:identitystore::${account}:identitystore/${config.identityStoreId}`,
              `arn:${partition}:identitystore:::user/*`,
              `arn:${partition}:identitystore:::group/*`,
              `arn:${partition}:identitystore:::membership/*`,
            ],
          ),
          allow("ReadDirectAssignments", ["sso:ListAccountAssignmentsForPrincipal"], config.identityCenterInstanceArn),
          // That the ARN a set's name-to-ARN parameter holds is the set of that name (functions/requestCheck/directory.ts).
          allow(
            "ConfirmPermissionSet",
            ["sso:DescribePermissionSet"],
            [config.identityCenterInstanceArn, arn.permissionSets(config.identityCenterInstanceArn)],
          ),
          allow(
            "ResolvePermissionSet",
            ["ssm:GetParameter"],
            arn.parameterPath(account, `${management.permissionSetParameterPath}*`),
          ),
          // Records the grant in the ledger (or extends an active one and moves its end schedule), assigns it and
          // schedules its end.
          ...grantFunctionStatements({ config, names, ledger: args.ledger, setArns: args.setArns }),
          allow("AnnounceAssignment", ["sns:Publish"], args.topicArn),
          // Whether the grant workflow that asked is still running, before its access is asked for.
          allow("ReadGrantWorkflowStatus", ["ssm:GetAutomationExecution"], arn.automationExecutions(account)),
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
