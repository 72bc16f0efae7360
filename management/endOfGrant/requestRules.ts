import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { REQUESTED } from "../../functions/endAccess";
import type { ManagementConfig } from "../../shared/config/management";
import { accessEndRequestEvent } from "../../shared/events";
import { Placeholder } from "../../shared/inputTemplate";
import type { Names } from "../../shared/naming";
import { succeededSsmCall } from "../../shared/requestEvents";
import { automationRule, deployedVersionArn, ruleRole } from "../../shared/resources";

export interface EndRequestRulesArgs {
  config: ManagementConfig;
  names: Names;
  requestBusName: pulumi.Input<string>;
  /** The end-of-grant workflow's document and role (./index.ts). */
  endDocument: aws.ssm.Document;
  endWorkflowRoleArn: pulumi.Input<string>;
  /** Where an end request EventBridge could not deliver goes (../deliveryAlarms.ts). */
  deadLetterArn: pulumi.Input<string>;
  tags: Record<string, string>;
}

/**
 * The two ways an early end arrives from the requester account, each starting the end-of-grant workflow with the fixed
 * Cause `requested` (the end function reads who asked and decides, functions/endAccess/requested.ts):
 * - an AccessEndRequest the end-access document sent (requester/endRequest/): EndRequestExecutionId;
 * - the CloudTrail record of a cancelled or rejected change request, forwarded as it is (requester/requestEvents.ts):
 *   ChangeRequestId, also as RequestId (the function finds the change request's runbook).
 * Only events from the requester account match.
 */
export class EndRequestRules extends pulumi.ComponentResource {
  constructor(name: string, args: EndRequestRulesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:EndRequestRules", name, {}, opts);
    const parent = { parent: this };
    const { config, names, tags } = args;
    const { arn, management } = names;
    const account = config.managementAccountId;

    const role = ruleRole(
      `${name}-role`,
      {
        roleName: management.endRequestRuleRole,
        description: "Lets the request bus rules start the IAM Identity Center JIT end-of-grant workflow on request",
        account,
        ruleArns: [
          arn.rule(account, management.requestBus, management.endRequestRule),
          arn.rule(account, management.requestBus, management.changeRequestEndRule),
        ],
        startAutomation: arn.startAutomation(account, management.endDocument),
        passRoleArns: [args.endWorkflowRoleArn],
        tags,
      },
      parent,
    );
    const documentArn = deployedVersionArn(args.endDocument, arn, account);
    const common = {
      eventBusName: args.requestBusName,
      documentArn,
      roleArn: role.arn,
      deadLetterArn: args.deadLetterArn,
      tags,
    };

    automationRule(
      `${name}-end-request`,
      {
        ...common,
        ruleName: management.endRequestRule,
        description: "Starts the IAM Identity Center JIT end-of-grant workflow for an early end a user asked for",
        eventPattern: {
          source: [accessEndRequestEvent.source],
          "detail-type": [accessEndRequestEvent.detailType],
          account: [config.requesterAccountId],
        },
        inputPaths: { RequestId: "$.detail.RequestId", EndRequestExecutionId: "$.detail.EndExecutionId" },
        parameters: {
          RequestId: new Placeholder("RequestId"),
          Cause: REQUESTED,
          EndRequestExecutionId: new Placeholder("EndRequestExecutionId"),
        },
      },
      parent,
    );

    automationRule(
      `${name}-change-request-ended`,
      {
        ...common,
        ruleName: management.changeRequestEndRule,
        description:
          "Starts the IAM Identity Center JIT end-of-grant workflow when a change request is cancelled or rejected",
        // A stop, or a Reject signal: the requester side forwards approvals too, for the request notifier.
        eventPattern: succeededSsmCall(
          {
            $or: [
              { eventName: ["StopAutomationExecution"] },
              { eventName: ["SendAutomationSignal"], requestParameters: { signalType: ["Reject"] } },
            ],
          },
          { account: config.requesterAccountId, region: config.region },
        ),
        inputPaths: { ChangeRequestId: "$.detail.requestParameters.automationExecutionId" },
        parameters: {
          RequestId: new Placeholder("ChangeRequestId"),
          Cause: REQUESTED,
          ChangeRequestId: new Placeholder("ChangeRequestId"),
        },
      },
      parent,
    );

    this.registerOutputs({ roleArn: role.arn });
  }
}
