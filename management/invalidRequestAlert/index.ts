import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { invalidParametersEvent } from "../../shared/events";
import { Placeholder } from "../../shared/inputTemplate";
import type { Names } from "../../shared/naming";
import { automationRule, deployedVersionArn } from "../../shared/resources";
import { alertRunbook } from "../alertRunbook";
import { ALERT_FIELDS, invalidRequestAlertDocument } from "./document";

export interface InvalidRequestAlertArgs {
  account: string;
  requesterAccountId: string;
  requestBusName: pulumi.Input<string>;
  topicArn: pulumi.Input<string>;
  /** Where an event EventBridge could not deliver goes (../deliveryAlarms.ts). */
  deadLetterArn: pulumi.Input<string>;
  names: Names;
  tags: Record<string, string>;
}

/** Publishes an Error notification when the requester account refuses a request for invalid parameters. */
export class InvalidRequestAlert extends pulumi.ComponentResource {
  readonly document: aws.ssm.Document;

  constructor(name: string, args: InvalidRequestAlertArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:InvalidRequestAlert", name, {}, opts);
    const parent = { parent: this };
    const { account, names, tags } = args;
    const { arn, management } = names;

    const { document, startRole } = alertRunbook(
      name,
      {
        account,
        names,
        topicArn: args.topicArn,
        documentName: management.alertDocument,
        roleName: management.alertRole,
        roleDescription: "Publishes IAM Identity Center JIT invalid-request alerts",
        ruleRoleName: management.alertRuleRole,
        ruleRoleDescription: "Lets the request bus rule start the IAM Identity Center JIT invalid-request alert",
        ruleArns: [arn.rule(account, management.requestBus, management.alertRule)],
        content: invalidRequestAlertDocument,
        tags,
      },
      parent,
    );
    this.document = document;

    automationRule(
      `${name}-rule`,
      {
        ruleName: management.alertRule,
        description: "Alerts on IAM Identity Center JIT requests refused for invalid parameters",
        eventBusName: args.requestBusName,
        eventPattern: {
          source: ["aws.ssm"],
          account: [args.requesterAccountId],
          detail: {
            eventSource: [invalidParametersEvent.eventSource],
            eventName: [invalidParametersEvent.eventName],
            errorCode: [invalidParametersEvent.errorCode],
          },
        },
        documentArn: deployedVersionArn(this.document, arn, account),
        roleArn: startRole.arn,
        deadLetterArn: args.deadLetterArn,
        inputPaths: { ...ALERT_FIELDS },
        parameters: Object.fromEntries(Object.keys(ALERT_FIELDS).map((f) => [f, new Placeholder(f)])),
        tags,
      },
      parent,
    );

    this.registerOutputs({ documentName: this.document.name });
  }
}
