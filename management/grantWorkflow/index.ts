import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ManagementConfig } from "../../shared/config/management";
import { ACCESS_REQUEST_FIELDS, accessRequestEvent } from "../../shared/events";
import { allow, policy, serviceTrust } from "../../shared/iam";
import { Placeholder } from "../../shared/inputTemplate";
import type { Names } from "../../shared/naming";
import { automationRule, latestVersionArn, roleWithPolicy, ruleRole } from "../../shared/resources";
import { toYaml } from "../../shared/ssm/serialize";
import { grantDocument } from "./document";

export interface GrantWorkflowArgs {
  config: ManagementConfig;
  names: Names;
  requestBusName: pulumi.Input<string>;
  topicArn: pulumi.Input<string>;
  /** The request check the workflow runs first (management/requestCheck.ts). */
  requestCheckFunctionName: pulumi.Input<string>;
  /** The CloudTrail summary function's name, when the summary is enabled. */
  cloudTrailSummaryFunctionName?: string;
  /**
   * Requestable sets this stack creates itself (the `jit verify` canary), by name: their ARNs come from the resource,
   * since a lookup would fail on the deployment that creates them.
   */
  createdPermissionSetArns?: Record<string, pulumi.Input<string>>;
  tags: Record<string, string>;
}

/**
 * The grant workflow: its Automation document, the role it runs as, and the rule on the request bus that starts it
 * for each request the requester account sends (with the role EventBridge uses to start it).
 */
export class GrantWorkflow extends pulumi.ComponentResource {
  readonly document: aws.ssm.Document;
  readonly role: aws.iam.Role;
  readonly rule: aws.cloudwatch.EventRule;

  constructor(name: string, args: GrantWorkflowArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:GrantWorkflow", name, {}, opts);
    const parent = { parent: this };
    const { config, names, tags } = args;
    const { arn, management, crossSide } = names;
    const account = config.managementAccountId;
    // The requestable sets' ARNs, looked up when the stack is deployed: the workflow may assign those and no other. A
    // rule naming a set Identity Center does not have fails the deployment; a set recreated later (a new ARN) cannot
    // be assigned until the next `pulumi up`, and its grants fail and are reported until then.
    const requestableSetArns = config.requestablePermissionSets.map(
      (setName) =>
        args.createdPermissionSetArns?.[setName] ??
        aws.ssoadmin.getPermissionSetOutput({ instanceArn: config.identityCenterInstanceArn, name: setName }, parent)
          .arn,
    );
    const summaryFunction = args.cloudTrailSummaryFunctionName;

    this.role = roleWithPolicy(
      `${name}-role`,
      {
        roleName: management.grantWorkflowRole,
        description: "Runs the IAM Identity Center JIT grant workflow: assigns and revokes approved access",
        trust: serviceTrust("ssm.amazonaws.com", { account, sourceArn: arn.automationExecutions(account) }),
        policy: policy(
          allow("DescribeInstance", ["sso:DescribeInstance"], config.identityCenterInstanceArn),
          allow(
            "ResolveUser",
            ["identitystore:GetUserId"],
            [
              `arn:${names.partition}:identitystore::${account}:identitystore/${config.identityStoreId}`,
              `arn:${names.partition}:identitystore:::user/*`,
            ],
          ),
          allow(
            "ResolvePermissionSet",
            ["ssm:GetParameter"],
            arn.parameterPath(account, `${management.permissionSetParameterPath}*`),
          ),
          allow(
            // The revoke of a stopped grant (management/stoppedGrant/) runs as this role: it removes nothing a later
            // grant of the same access holds.
            "ReadGrantClaims",
            ["ssm:GetParameter"],
            arn.parameterPath(account, `${management.grantClaimPath}*`),
          ),
          allow(
            "ReadCheckReasons",
            ["ssm:GetParameter", "ssm:DeleteParameter"],
            arn.parameterPath(account, `${management.checkReasonPath}*`),
          ),
          allow("DescribeAccount", ["organizations:DescribeAccount"], names.arn.organizationAccounts),
          allow(
            "AssignAndRevoke",
            ["sso:CreateAccountAssignment", "sso:DeleteAccountAssignment"],
            [config.identityCenterInstanceArn, ...requestableSetArns, `arn:${names.partition}:sso:::account/*`],
          ),
          allow(
            "AssignmentStatus",
            ["sso:DescribeAccountAssignmentCreationStatus", "sso:DescribeAccountAssignmentDeletionStatus"],
            config.identityCenterInstanceArn,
          ),
          // The revoke of a grant workflow stopped with Type Complete runs as this role (../stoppedGrant/): it waits
          // for the stopped execution to end.
          allow("ReadStoppedExecution", ["ssm:GetAutomationExecution"], arn.automationExecutions(account)),
          // Whether the user still holds the access, before anyone is told it could not be removed.
          allow("ReadDirectAssignments", ["sso:ListAccountAssignmentsForPrincipal"], config.identityCenterInstanceArn),
          // Identity Center acts with the caller's IAM permissions when the target is this (management) account.
          allow("ListForManagementAccount", ["iam:ListRoles", "iam:ListPolicies"], "*"),
          allow(
            "ProvisionRolesInManagementAccount",
            [
              "iam:AttachRolePolicy",
              "iam:CreateRole",
              "iam:DeleteRole",
              "iam:DeleteRolePolicy",
              "iam:DetachRolePolicy",
              "iam:GetRole",
              "iam:ListAttachedRolePolicies",
              "iam:ListRolePolicies",
              "iam:PutRolePolicy",
              "iam:UpdateRole",
              "iam:UpdateRoleDescription",
            ],
            `arn:${names.partition}:iam::${account}:role/aws-reserved/sso.amazonaws.com/*`,
          ),
          allow(
            "ReadIdentityCenterSamlProvider",
            ["iam:GetSAMLProvider"],
            `arn:${names.partition}:iam::${account}:saml-provider/AWSSSO_*_DO_NOT_DELETE`,
          ),
          allow(
            "CheckRequest",
            ["lambda:InvokeFunction"],
            arn.lambdaFunction(account, management.requestCheckFunction),
          ),
          allow("Notify", ["sns:Publish"], args.topicArn),
          allow("SendFeedback", ["events:PutEvents"], crossSide.feedbackBusArn),
          summaryFunction !== undefined &&
            allow("InvokeCloudTrailSummary", ["lambda:InvokeFunction"], arn.lambdaFunction(account, summaryFunction)),
        ),
        tags,
      },
      parent,
    );

    const content = pulumi
      .all([this.role.arn, args.topicArn, args.requestCheckFunctionName])
      .apply(([assumeRoleArn, topicArn, requestCheckFunctionName]) =>
        toYaml(
          grantDocument({
            assumeRoleArn,
            topicArn,
            requestCheckFunctionName,
            feedbackBusArn: crossSide.feedbackBusArn,
            instanceArn: config.identityCenterInstanceArn,
            permissionSetParameterPath: management.permissionSetParameterPath,
            checkReasonPath: management.checkReasonPath,
            requestablePermissionSets: config.requestablePermissionSets,
            maxDuration: config.maxDuration,
            durationUnit: config.durationUnit,
            cloudTrailSummary: summaryFunction
              ? { functionName: summaryFunction, waitSeconds: config.cloudTrailSummary.waitSeconds }
              : undefined,
          }),
        ),
      );
    this.document = new aws.ssm.Document(
      `${name}-document`,
      { name: management.grantDocument, documentType: "Automation", documentFormat: "YAML", content, tags },
      parent,
    );

    const startRole = ruleRole(
      `${name}-rule-role`,
      {
        roleName: management.grantRuleRole,
        description: "Lets the request bus rule start the IAM Identity Center JIT grant workflow",
        account,
        ruleArns: [arn.rule(account, management.requestBus, management.grantRule)],
        startAutomation: arn.startAutomation(account, management.grantDocument),
        passRoleArns: [this.role.arn],
        tags,
      },
      parent,
    );

    this.rule = automationRule(
      `${name}-rule`,
      {
        ruleName: management.grantRule,
        description: "Starts the IAM Identity Center JIT grant workflow for each access request",
        eventBusName: args.requestBusName,
        eventPattern: {
          source: [accessRequestEvent.source],
          "detail-type": [accessRequestEvent.detailType],
          account: [config.requesterAccountId],
        },
        documentArn: latestVersionArn(this.document, arn, account),
        roleArn: startRole.arn,
        inputPaths: Object.fromEntries(ACCESS_REQUEST_FIELDS.map((f) => [f, `$.detail.${f}`])),
        parameters: Object.fromEntries(ACCESS_REQUEST_FIELDS.map((f) => [f, new Placeholder(f)])),
        tags,
      },
      parent,
    );

    this.registerOutputs({ documentName: this.document.name, roleArn: this.role.arn, ruleArn: this.rule.arn });
  }
}
