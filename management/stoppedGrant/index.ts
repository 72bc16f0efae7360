import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ManagementConfig } from "../../shared/config/management";
import { allow, policy, serviceTrust } from "../../shared/iam";
import { Placeholder } from "../../shared/inputTemplate";
import type { Names } from "../../shared/naming";
import { automationRule, latestVersionArn, roleWithPolicy, ruleRole } from "../../shared/resources";
import { toYaml } from "../../shared/ssm/serialize";
import { ENDED_FIELDS, revokeStoppedGrantDocument, STOP_FIELDS, stoppedGrantDocument, UNFINISHED } from "./document";

export interface StoppedGrantArgs {
  config: ManagementConfig;
  names: Names;
  topicArn: pulumi.Input<string>;
  /** The grant workflow's role: the revoke runs as it, so the requester side's feedback bus admits its event. */
  grantWorkflowRoleArn: pulumi.Input<string>;
  tags: Record<string, string>;
}

/**
 * Removes the access of a grant workflow stopped with Type Complete, or that ended unfinished (./document.ts): a
 * rule on CloudTrail's record of the stop and one on Automation's status-change event, a document that reads the
 * execution, and one that removes, alarms and tells.
 */
export class StoppedGrant extends pulumi.ComponentResource {
  readonly document: aws.ssm.Document;
  readonly revokeDocument: aws.ssm.Document;

  constructor(name: string, args: StoppedGrantArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:StoppedGrant", name, {}, opts);
    const parent = { parent: this };
    const { config, names, tags } = args;
    const { arn, management, crossSide } = names;
    const account = config.managementAccountId;

    this.revokeDocument = new aws.ssm.Document(
      `${name}-revoke-document`,
      {
        name: management.stoppedGrantRevokeDocument,
        documentType: "Automation",
        documentFormat: "YAML",
        content: pulumi.all([args.grantWorkflowRoleArn, args.topicArn]).apply(([assumeRoleArn, topicArn]) =>
          toYaml(
            revokeStoppedGrantDocument({
              assumeRoleArn,
              topicArn,
              feedbackBusArn: crossSide.feedbackBusArn,
              instanceArn: config.identityCenterInstanceArn,
              permissionSetParameterPath: management.permissionSetParameterPath,
              grantClaimPath: management.grantClaimPath,
              requestablePermissionSets: config.requestablePermissionSets,
              maxDuration: config.maxDuration,
              durationUnit: config.durationUnit,
            }),
          ),
        ),
        tags,
      },
      parent,
    );

    const role = roleWithPolicy(
      `${name}-role`,
      {
        roleName: management.stoppedGrantRole,
        description: "Reads IAM Identity Center JIT grant workflows stopped with Type Complete and starts their revoke",
        trust: serviceTrust("ssm.amazonaws.com", { account, sourceArn: arn.automationExecutions(account) }),
        policy: policy(
          allow(
            "ReadStoppedExecution",
            ["ssm:GetAutomationExecution", "ssm:DescribeAutomationStepExecutions"],
            arn.automationExecutions(account),
          ),
          allow(
            "StartRevoke",
            ["ssm:StartAutomationExecution"],
            arn.startAutomation(account, management.stoppedGrantRevokeDocument),
          ),
          allow("PassGrantWorkflowRole", ["iam:PassRole"], args.grantWorkflowRoleArn, {
            StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" },
          }),
        ),
        tags,
      },
      parent,
    );

    this.document = new aws.ssm.Document(
      `${name}-document`,
      {
        name: management.stoppedGrantDocument,
        documentType: "Automation",
        documentFormat: "YAML",
        content: role.arn.apply((assumeRoleArn) =>
          toYaml(
            stoppedGrantDocument({
              assumeRoleArn,
              grantDocumentName: management.grantDocument,
              revokeDocumentName: management.stoppedGrantRevokeDocument,
            }),
          ),
        ),
        tags,
      },
      { ...parent, dependsOn: [this.revokeDocument] },
    );

    const startRole = ruleRole(
      `${name}-rule-role`,
      {
        roleName: management.stoppedGrantRuleRole,
        description: "Lets the rule on Complete stops start the IAM Identity Center JIT stopped-grant document",
        account,
        ruleArns: [
          arn.rule(account, undefined, management.stoppedGrantRule),
          arn.rule(account, undefined, management.endedGrantRule),
        ],
        startAutomation: arn.startAutomation(account, management.stoppedGrantDocument),
        passRoleArns: [role.arn],
        tags,
      },
      parent,
    );

    automationRule(
      `${name}-rule`,
      {
        ruleName: management.stoppedGrantRule,
        description: "Removes the access of an IAM Identity Center JIT grant workflow stopped with Type Complete",
        eventPattern: {
          source: ["aws.ssm"],
          "detail-type": ["AWS API Call via CloudTrail"],
          detail: {
            eventSource: ["ssm.amazonaws.com"],
            eventName: ["StopAutomationExecution"],
            requestParameters: { type: ["Complete"] },
            errorCode: [{ exists: false }],
          },
        },
        documentArn: latestVersionArn(this.document, arn, account),
        roleArn: startRole.arn,
        inputPaths: { ...STOP_FIELDS },
        parameters: Object.fromEntries(Object.keys(STOP_FIELDS).map((f) => [f, new Placeholder(f)])),
        tags,
      },
      parent,
    );

    automationRule(
      `${name}-ended-rule`,
      {
        ruleName: management.endedGrantRule,
        description: "Removes the access of an IAM Identity Center JIT grant workflow that ended unfinished",
        eventPattern: {
          source: ["aws.ssm"],
          "detail-type": ["EC2 Automation Execution Status-change Notification"],
          detail: { Definition: [management.grantDocument], Status: [...UNFINISHED] },
        },
        documentArn: latestVersionArn(this.document, arn, account),
        roleArn: startRole.arn,
        inputPaths: { ...ENDED_FIELDS },
        parameters: Object.fromEntries(Object.keys(ENDED_FIELDS).map((f) => [f, new Placeholder(f)])),
        tags,
      },
      parent,
    );

    this.registerOutputs({ documentName: this.document.name, revokeDocumentName: this.revokeDocument.name });
  }
}
