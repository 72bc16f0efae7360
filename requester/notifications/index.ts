import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DurationUnit } from "../../shared/config/common";
import type { ApprovalMode } from "../../shared/config/requester";
import { invalidParametersEvent } from "../../shared/events";
import { allow, policy, serviceTrust } from "../../shared/iam";
import { Placeholder } from "../../shared/inputTemplate";
import type { Names } from "../../shared/naming";
import { automationRule, latestVersionArn, roleWithPolicy, ruleRole } from "../../shared/resources";
import { toYaml } from "../../shared/ssm/serialize";
import { notificationDocument } from "./document";
import {
  EVENT_TYPE_PARAMETER,
  REQUEST_EVENT_TYPES,
  REQUEST_EVENTS,
  type RequestEventType,
  requestEventInputPaths,
  requestEventPattern,
} from "./events";

/** The request events whose change request may have a grant the management side then ends. */
const ENDS_GRANT: readonly RequestEventType[] = ["RequestCancelled", "RequestRejected"];

export interface RequestNotificationsArgs {
  account: string;
  region: string;
  /** The management account's notification topic. */
  topicArn: pulumi.Input<string>;
  /** The management account's request bus, where refused requests are forwarded for the alert. */
  requestBusArn: pulumi.Input<string>;
  durationUnit: pulumi.Input<DurationUnit>;
  approvalMode: ApprovalMode;
  approverPortalUrl?: string;
  names: Names;
  tags: Record<string, string>;
}

/**
 * Notifies request events (created, approved, rejected, cancelled) richer than Change Manager would: CloudTrail's
 * record of each Systems Manager call starts the notification document, which adds the request's details, the
 * account name and who acted from where, and publishes to the management account's topic. Also forwards requests
 * Systems Manager refused for invalid parameters to the management side, which alerts on them.
 *
 * EventBridge assumes its events role for every rule here.
 */
export class RequestNotifications extends pulumi.ComponentResource {
  readonly notificationRole: aws.iam.Role;
  readonly eventsRole: aws.iam.Role;
  readonly document: aws.ssm.Document;

  constructor(name: string, args: RequestNotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:requester:RequestNotifications", name, {}, opts);
    const parent = { parent: this };
    const { names, account, tags } = args;
    const { requester, arn } = names;
    const executions = arn.automationExecutions(account);

    this.notificationRole = roleWithPolicy(
      `${name}-role`,
      {
        roleName: requester.notificationRole,
        description: "Sends IAM Identity Center JIT request notifications",
        trust: serviceTrust("ssm.amazonaws.com", { account, sourceArn: executions }),
        policy: policy(
          allow("ReadRequests", ["ssm:GetAutomationExecution"], executions),
          allow(
            "ReadChangeRequests",
            ["ssm:GetOpsItem"],
            `arn:${names.partition}:ssm:${args.region}:${account}:opsitem/*`,
          ),
          allow("NameAccounts", ["organizations:DescribeAccount"], names.arn.organizationAccounts),
          allow("Notify", ["sns:Publish"], args.topicArn),
        ),
        tags,
      },
      parent,
    );

    this.document = new aws.ssm.Document(
      `${name}-document`,
      {
        name: requester.notificationDocument,
        documentType: "Automation",
        documentFormat: "YAML",
        content: pulumi
          .all([this.notificationRole.arn, args.topicArn, args.durationUnit])
          .apply(([assumeRoleArn, topicArn, durationUnit]) =>
            toYaml(
              notificationDocument({
                assumeRoleArn,
                topicArn,
                changeTemplateName: requester.changeTemplate,
                approvalMode: args.approvalMode,
                approverPortalUrl: args.approverPortalUrl,
                requesterAccountId: account,
                region: args.region,
                durationUnit,
                changeRequestUrl: names.urls.changeRequest,
              }),
            ),
          ),
        tags,
      },
      parent,
    );

    const notificationRules = REQUEST_EVENT_TYPES.map((eventType) => ({
      eventType,
      ruleName: requester.notificationRule(eventType),
    }));
    this.eventsRole = ruleRole(
      `${name}-events-role`,
      {
        roleName: requester.eventRuleRole,
        description: "Lets the requester side's rules start its documents and forward refused requests",
        account,
        ruleArns: [
          ...notificationRules.map((r) => arn.rule(account, undefined, r.ruleName)),
          arn.rule(account, undefined, requester.invalidRequestForwardRule),
        ],
        startAutomation: arn.startAutomation(account, requester.notificationDocument),
        passRoleArns: [this.notificationRole.arn],
        statements: [allow("ForwardRefusedRequests", ["events:PutEvents"], args.requestBusArn)],
        tags,
      },
      parent,
    );

    const documentArn = latestVersionArn(this.document, arn, account);
    for (const { eventType, ruleName } of notificationRules) {
      const inputPaths = requestEventInputPaths(eventType);
      const rule = automationRule(
        `${name}-${eventType}`,
        {
          ruleName,
          description: REQUEST_EVENTS[eventType].description,
          eventPattern: requestEventPattern(eventType, { changeTemplateName: requester.changeTemplate }),
          documentArn,
          roleArn: this.eventsRole.arn,
          inputPaths,
          parameters: {
            [EVENT_TYPE_PARAMETER]: eventType,
            ...Object.fromEntries(Object.keys(inputPaths).map((p) => [p, new Placeholder(p)])),
          },
          tags,
        },
        parent,
      );
      // A cancelled or rejected change request may have a grant to end: its record goes to the management side as it
      // is, which reads the change request itself and decides (management/endOfGrant/, the change request end rule).
      if (ENDS_GRANT.includes(eventType)) {
        new aws.cloudwatch.EventTarget(
          `${name}-${eventType}-end-request`,
          { rule: rule.name, targetId: "end-request", arn: args.requestBusArn, roleArn: this.eventsRole.arn },
          parent,
        );
      }
    }

    // Refused requests leave little in CloudTrail; the management side alerts on them (its topic is there, and a
    // rule cannot target another account's topic).
    const forward = new aws.cloudwatch.EventRule(
      `${name}-invalid-request-forward`,
      {
        name: requester.invalidRequestForwardRule,
        description: "Forwards IAM Identity Center JIT requests refused for invalid parameters to the management side",
        eventPattern: JSON.stringify({
          source: ["aws.ssm"],
          "detail-type": ["AWS API Call via CloudTrail"],
          detail: {
            eventSource: [invalidParametersEvent.eventSource],
            eventName: [invalidParametersEvent.eventName],
            errorCode: [invalidParametersEvent.errorCode],
            requestParameters: { name: [requester.requestRunbook] },
          },
        }),
        tags,
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-invalid-request-forward-target`,
      { rule: forward.name, arn: args.requestBusArn, roleArn: this.eventsRole.arn },
      parent,
    );

    this.registerOutputs({ documentName: this.document.name, notificationRoleArn: this.notificationRole.arn });
  }
}
