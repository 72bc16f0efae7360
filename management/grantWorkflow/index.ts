import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ManagementConfig } from "../../shared/config/management";
import { ACCESS_REQUEST_FIELDS, accessRequestEvent } from "../../shared/events";
import { allow, policy, type Statement, serviceTrust } from "../../shared/iam";
import { Placeholder } from "../../shared/inputTemplate";
import type { Names } from "../../shared/naming";
import {
  automationRule,
  deadLetterQueue,
  deployedVersionArn,
  eventBridgeSender,
  roleWithPolicy,
  ruleRole,
} from "../../shared/resources";
import { toYaml } from "../../shared/ssm/serialize";
import { assignmentStatements } from "../grantFunctions";
import { grantDocument } from "./document";

/**
 * How long EventBridge keeps trying to start the grant workflow for a request: well within the hour the request check
 * still grants a request in after it was sent (functions/requestCheck/changeRequest.ts REQUEST_FRESHNESS_MINUTES), so
 * a request that cannot be delivered reaches the dead-letter queue, and is reported, while it could still be granted
 * if raised again, instead of being refused as stale a day later.
 */
const REQUEST_DELIVERY_SECONDS = 50 * 60;

export interface GrantWorkflowArgs {
  config: ManagementConfig;
  names: Names;
  requestBusName: pulumi.Input<string>;
  topicArn: pulumi.Input<string>;
  /** The request check the workflow runs first, which grants what it lets through (management/requestCheck.ts). */
  requestCheckFunctionName: pulumi.Input<string>;
  /**
   * The CloudTrail summary function's name, when the summary is enabled: grant workflows started by the previous
   * document version still invoke it at their end.
   */
  cloudTrailSummaryFunctionName?: string;
  /** The requestable permission sets' ARNs by name (management/requestableSets.ts). */
  setArns: Record<string, pulumi.Input<string>>;
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
  /** Requests EventBridge could not start the workflow for, after its retries: the reconciler reports each. */
  readonly deadLetterQueue: aws.sqs.Queue;

  constructor(name: string, args: GrantWorkflowArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:GrantWorkflow", name, {}, opts);
    const parent = { parent: this };
    const { config, names, tags } = args;
    const { arn, management } = names;
    const account = config.managementAccountId;
    const setArns = Object.values(args.setArns);
    const summaryFunction = args.cloudTrailSummaryFunctionName;

    this.role = roleWithPolicy(
      `${name}-role`,
      {
        roleName: management.grantWorkflowRole,
        description: "Runs the IAM Identity Center JIT grant workflow: checks, grants and hands failed grants over",
        trust: serviceTrust("ssm.amazonaws.com", { account, sourceArn: arn.automationExecutions(account) }),
        policy: policy(
          allow(
            "CheckAndGrant",
            ["lambda:InvokeFunction"],
            arn.lambdaFunction(account, management.requestCheckFunction),
          ),
          allow(
            "ReadCheckReasons",
            ["ssm:GetParameter", "ssm:DeleteParameter"],
            arn.parameterPath(account, `${management.checkReasonPath}*`),
          ),
          // A failure hands the grant over to the end-of-grant workflow, which runs as its own role.
          allow(
            "HandOverGrant",
            ["ssm:StartAutomationExecution"],
            arn.startAutomation(account, management.endDocument),
          ),
          allow("PassEndWorkflowRole", ["iam:PassRole"], arn.role(account, management.endWorkflowRole), {
            StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" },
          }),
          allow("Notify", ["sns:Publish"], args.topicArn),
          ...previousVersionStatements(config, names, setArns, summaryFunction),
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
            endDocumentName: management.endDocument,
            checkReasonPath: management.checkReasonPath,
            requestablePermissionSets: config.requestablePermissionSets,
            maxDuration: config.maxDuration,
            durationUnit: config.durationUnit,
          }),
        ),
      );
    this.document = new aws.ssm.Document(
      `${name}-document`,
      { name: management.grantDocument, documentType: "Automation", documentFormat: "YAML", content, tags },
      parent,
    );

    const ruleArn = arn.rule(account, management.requestBus, management.grantRule);
    const startRole = ruleRole(
      `${name}-rule-role`,
      {
        roleName: management.grantRuleRole,
        description: "Lets the request bus rule start the IAM Identity Center JIT grant workflow",
        account,
        ruleArns: [ruleArn],
        startAutomation: arn.startAutomation(account, management.grantDocument),
        passRoleArns: [this.role.arn],
        tags,
      },
      parent,
    );

    this.deadLetterQueue = deadLetterQueue(
      `${name}-dead-letters`,
      {
        queueName: management.requestDeadLetterQueue,
        sender: eventBridgeSender("EventBridgeSendsUndeliveredRequests", ruleArn),
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
        documentArn: deployedVersionArn(this.document, arn, account),
        roleArn: startRole.arn,
        inputPaths: Object.fromEntries(ACCESS_REQUEST_FIELDS.map((f) => [f, `$.detail.${f}`])),
        parameters: Object.fromEntries(ACCESS_REQUEST_FIELDS.map((f) => [f, new Placeholder(f)])),
        deadLetterArn: this.deadLetterQueue.arn,
        maximumEventAgeSeconds: REQUEST_DELIVERY_SECONDS,
        tags,
      },
      parent,
    );

    this.registerOutputs({
      documentName: this.document.name,
      roleArn: this.role.arn,
      ruleArn: this.rule.arn,
      deadLetterQueueArn: this.deadLetterQueue.arn,
    });
  }
}

/**
 * What grant workflows started by the previous document version need to end on their own. Those executions are still
 * asleep in AWS (Wait_For_Duration) and run the document version they started with, as this role: when they wake they
 * remove the assignment (DeleteAccountAssignment, its status, the user's assignments read before any alarm), may
 * retry a creation that failed, read Parameter Store (permission sets, the previous grant claims), wait for a stopped
 * execution, and invoke the CloudTrail summary. Remove these once no execution of a previous version is running.
 */
function previousVersionStatements(
  config: ManagementConfig,
  names: Names,
  setArns: pulumi.Input<string>[],
  summaryFunction: string | undefined,
): Statement[] {
  const { arn, management, partition } = names;
  const account = config.managementAccountId;
  return [
    allow("PreviousDescribeInstance", ["sso:DescribeInstance"], config.identityCenterInstanceArn),
    allow(
      "PreviousResolveUser",
      ["identitystore:GetUserId"],
      [
        `arn:${partition}:identitystore::${account}:identitystore/${config.identityStoreId}`,
        `arn:${partition}:identitystore:::user/*`,
      ],
    ),
    allow(
      "PreviousParameters",
      ["ssm:GetParameter"],
      [
        arn.parameterPath(account, `${management.permissionSetParameterPath}*`),
        arn.parameterPath(account, `${management.previousGrantClaimPath}*`),
      ],
    ),
    allow("PreviousDescribeAccount", ["organizations:DescribeAccount"], arn.organizationAccounts),
    ...assignmentStatements({ config, names, setArns }).map((s) => ({
      ...s,
      Sid: `Previous${s.Sid}`,
    })),
    allow("PreviousReadStoppedExecution", ["ssm:GetAutomationExecution"], arn.automationExecutions(account)),
    allow(
      "PreviousReadDirectAssignments",
      ["sso:ListAccountAssignmentsForPrincipal"],
      config.identityCenterInstanceArn,
    ),
    ...(summaryFunction === undefined
      ? []
      : [allow("InvokeCloudTrailSummary", ["lambda:InvokeFunction"], arn.lambdaFunction(account, summaryFunction))]),
  ];
}
