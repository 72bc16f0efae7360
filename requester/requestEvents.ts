import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RequestForm } from "../shared/config/common";
import { invalidParametersEvent } from "../shared/events";
import { allow, policy, serviceTrust } from "../shared/iam";
import type { Names } from "../shared/naming";
import { REQUEST_EVENT_TYPES, REQUEST_EVENTS, requestEventPattern } from "../shared/requestEvents";
import { deadLetterQueue, eventBridgeSender, roleWithPolicy } from "../shared/resources";

export interface RequestEventForwardingArgs {
  account: string;
  /** The management account's request bus: its request notifier, its change-request end rule and its alert. */
  requestBusArn: pulumi.Input<string>;
  /** The form requests are raised with: which records are requests. */
  requestForm: RequestForm;
  names: Names;
  tags: Record<string, string>;
}

/**
 * Forwards CloudTrail's records of the requester account's change requests (raised, approved, rejected, cancelled:
 * shared/requestEvents.ts) and of requests Systems Manager refused for invalid parameters to the management side's
 * request bus, as they are. There the request notifier reads each change request and notifies, a cancelled or rejected
 * one may end its grant, and a refused one is alerted on. Nothing runs in this account for a notification: no
 * Automation execution, so none holds a place in the account's Automation quota.
 */
export class RequestEventForwarding extends pulumi.ComponentResource {
  readonly eventsRole: aws.iam.Role;
  /** What the rules could not deliver to the management side: nobody reads it, an alarm watches it (./deliveryAlarms.ts). */
  readonly deadLetterQueue: aws.sqs.Queue;

  constructor(name: string, args: RequestEventForwardingArgs, opts?: pulumi.ComponentResourceOptions) {
    // The type the version that notified from this account gave these resources: an upgrade updates them in place.
    super(
      "jit:requester:RequestEventForwarding",
      name,
      {},
      {
        ...opts,
        aliases: [{ type: "jit:requester:RequestNotifications" }],
      },
    );
    const parent = { parent: this };
    const { names, account, tags } = args;
    const { requester, arn } = names;

    const rules = REQUEST_EVENT_TYPES.map((eventType) => ({
      eventType,
      ruleName: requester.notificationRule(eventType),
    }));
    const ruleArns = forwardRuleNames(names).map((ruleName) => arn.rule(account, undefined, ruleName));
    this.eventsRole = roleWithPolicy(
      `${name}-events-role`,
      {
        roleName: requester.eventRuleRole,
        description: "Lets the requester side's rules forward request records to the management side",
        trust: serviceTrust("events.amazonaws.com", { account, sourceArn: ruleArns }),
        policy: policy(allow("ForwardRequestRecords", ["events:PutEvents"], args.requestBusArn)),
        tags,
      },
      parent,
    );

    this.deadLetterQueue = deadLetterQueue(
      `${name}-dead-letters`,
      {
        queueName: requester.forwardDeadLetterQueue,
        sender: eventBridgeSender("EventBridgeSendsUndeliveredRecords", ruleArns),
        tags,
      },
      parent,
    );

    const forward = (ruleName: string, resourceName: string, description: string, pattern: unknown) => {
      const rule = new aws.cloudwatch.EventRule(
        resourceName,
        { name: ruleName, description, eventPattern: JSON.stringify(pattern), tags },
        parent,
      );
      new aws.cloudwatch.EventTarget(
        `${resourceName}-target`,
        {
          rule: rule.name,
          arn: args.requestBusArn,
          roleArn: this.eventsRole.arn,
          deadLetterConfig: { arn: this.deadLetterQueue.arn },
        },
        parent,
      );
    };

    for (const { eventType, ruleName } of rules) {
      forward(
        ruleName,
        `${name}-${eventType}`,
        REQUEST_EVENTS[eventType].description,
        requestEventPattern(eventType, {
          requestForm: args.requestForm,
          changeTemplateName: requester.changeTemplate,
          runbookName: requester.requestRunbook,
        }),
      );
    }
    // Refused requests leave little in CloudTrail; the management side alerts on them.
    forward(
      requester.invalidRequestForwardRule,
      `${name}-invalid-request-forward`,
      "Forwards IAM Identity Center JIT requests refused for invalid parameters to the management side",
      {
        source: ["aws.ssm"],
        "detail-type": ["AWS API Call via CloudTrail"],
        detail: {
          eventSource: [invalidParametersEvent.eventSource],
          eventName: [invalidParametersEvent.eventName],
          errorCode: [invalidParametersEvent.errorCode],
          requestParameters: { name: [requester.requestRunbook] },
        },
      },
    );

    this.registerOutputs({ eventsRoleArn: this.eventsRole.arn, deadLetterQueueArn: this.deadLetterQueue.arn });
  }
}

/** The rules that forward records to the management side: one per request event type, and the refusals'. */
export function forwardRuleNames(names: Names): string[] {
  const { requester } = names;
  return [...REQUEST_EVENT_TYPES.map((t) => requester.notificationRule(t)), requester.invalidRequestForwardRule];
}
