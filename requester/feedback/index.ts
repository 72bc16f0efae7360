import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accessFeedbackEvent } from "../../shared/events";
import { allowAccount, policy, principalArnCondition } from "../../shared/iam";
import { Placeholder } from "../../shared/inputTemplate";
import type { Names } from "../../shared/naming";
import { automationRule, latestVersionArn, policyJson } from "../../shared/resources";
import { toYaml } from "../../shared/ssm/serialize";
import { FEEDBACK_FIELDS, feedbackDocument } from "./document";

export interface FeedbackChannelArgs {
  account: string;
  managementAccountId: string;
  /** The management side's grant workflow role: the only sender the bus admits. */
  grantWorkflowRoleArn: pulumi.Input<string>;
  /** The role the feedback document runs as (it signals the runbook). */
  feedbackRoleArn: pulumi.Input<string>;
  /** The role EventBridge assumes to start the document. */
  eventsRoleArn: pulumi.Input<string>;
  names: Names;
  tags: Record<string, string>;
}

/**
 * Where the management workflow reports progress: a bus only its role may put to, and a rule that starts the feedback
 * document, which signals the request runbook so the change request's timeline shows the grant and the revocation.
 */
export class FeedbackChannel extends pulumi.ComponentResource {
  readonly bus: aws.cloudwatch.EventBus;
  readonly document: aws.ssm.Document;

  constructor(name: string, args: FeedbackChannelArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:requester:FeedbackChannel", name, {}, opts);
    const parent = { parent: this };
    const { names, account, tags } = args;
    const { requester, arn } = names;

    this.bus = new aws.cloudwatch.EventBus(`${name}-bus`, { name: requester.feedbackBus, tags }, parent);
    new aws.cloudwatch.EventBusPolicy(
      `${name}-bus-policy`,
      {
        eventBusName: this.bus.name,
        policy: policyJson(
          policy(
            allowAccount(
              "ManagementWorkflowPutEvents",
              arn.accountRoot(args.managementAccountId),
              ["events:PutEvents"],
              this.bus.arn,
              principalArnCondition([args.grantWorkflowRoleArn]),
            ),
          ),
        ),
      },
      parent,
    );

    this.document = new aws.ssm.Document(
      `${name}-document`,
      {
        name: requester.feedbackDocument,
        documentType: "Automation",
        documentFormat: "YAML",
        content: pulumi
          .output(args.feedbackRoleArn)
          .apply((assumeRoleArn) => toYaml(feedbackDocument({ assumeRoleArn, runbookName: requester.requestRunbook }))),
        tags,
      },
      parent,
    );

    automationRule(
      `${name}-rule`,
      {
        ruleName: requester.feedbackRule,
        description: "Passes the management account's feedback on access requests to the waiting runbook",
        eventBusName: this.bus.name,
        eventPattern: {
          source: [accessFeedbackEvent.source],
          "detail-type": [accessFeedbackEvent.detailType],
          account: [args.managementAccountId],
        },
        documentArn: latestVersionArn(this.document, arn, account),
        roleArn: args.eventsRoleArn,
        inputPaths: { ...FEEDBACK_FIELDS },
        parameters: Object.fromEntries(Object.keys(FEEDBACK_FIELDS).map((f) => [f, new Placeholder(f)])),
        tags,
      },
      parent,
    );

    this.registerOutputs({ busArn: this.bus.arn, documentName: this.document.name });
  }
}
