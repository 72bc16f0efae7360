import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deliveryAlarm, ruleAlarms } from "../shared/alarms";
import type { ManagementConfig } from "../shared/config/management";
import { policy } from "../shared/iam";
import type { Names } from "../shared/naming";
import { deadLetterQueue, eventBridgeSender, policyJson } from "../shared/resources";
import { WATCHES } from "./changeAlerts/pattern";

export interface DeliveryAlarmsArgs {
  config: ManagementConfig;
  names: Names;
  tags: Record<string, string>;
}

/**
 * What tells someone that a delivery was lost, rather than nobody:
 * - the dead-letter queue of the rules that have none of their own (the end requests', the invalid-request alert's,
 *   the permission set sync's, the change alert's), which the reconciler reports like the others;
 * - an alarm on each rule of this side that gives up on an event or cannot dead-letter it, and on the notification
 *   topic's failed deliveries;
 * - the topic those alarms, and the requester side's, publish to. An alarm's message is CloudWatch's own JSON, with
 *   no `EventType` attribute, so the notification topic's subscriptions (filtered on it) would drop it: this topic
 *   has its own, unfiltered, for every subscriber that receives `Error`.
 */
export class DeliveryAlarms extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly eventDeadLetterQueue: aws.sqs.Queue;

  constructor(name: string, args: DeliveryAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:DeliveryAlarms", name, {}, opts);
    const parent = { parent: this };
    const { config, names, tags } = args;
    const { management, arn } = names;
    const account = config.managementAccountId;

    this.topic = new aws.sns.Topic(
      `${name}-topic`,
      { name: management.alarmTopic, displayName: "IAM Identity Center JIT delivery alarms", tags },
      parent,
    );
    new aws.sns.TopicPolicy(
      `${name}-topic-policy`,
      { arn: this.topic.arn, policy: policyJson(alarmTopicPolicy(names, config, this.topic.arn)) },
      parent,
    );
    for (const subscriber of config.notifications.filter((n) => n.events.includes("Error"))) {
      new aws.sns.TopicSubscription(
        `${name}-${subscriber.email}`,
        { topic: this.topic.arn, protocol: "email", endpoint: subscriber.email },
        parent,
      );
    }

    const onBus = (ruleName: string) => arn.rule(account, management.requestBus, ruleName);
    this.eventDeadLetterQueue = deadLetterQueue(
      `${name}-event-dead-letters`,
      {
        queueName: management.eventDeadLetterQueue,
        sender: eventBridgeSender("EventBridgeSendsUndeliveredEvents", [
          onBus(management.endRequestRule),
          onBus(management.changeRequestEndRule),
          onBus(management.alertRule),
          arn.rule(account, undefined, management.permissionSetSyncSchedule),
          ...WATCHES.map((watch) => arn.rule(account, undefined, management.changeAlertRule(watch))),
        ]),
        tags,
      },
      parent,
    );

    const context = { names, topicArn: this.topic.arn, tags, opts: parent };
    for (const rule of managementRules(names)) ruleAlarms(`${name}-${rule.ruleName}`, rule, context);
    deliveryAlarm(
      `${name}-notifications-failed`,
      {
        watched: management.topic,
        namespace: "AWS/SNS",
        metricName: "NumberOfNotificationsFailed",
        dimensions: { TopicName: management.topic },
        statistic: "Sum",
        description: `Topic ${management.topic} could not deliver a notification to a subscriber`,
      },
      context,
    );

    this.registerOutputs({ topicArn: this.topic.arn, eventDeadLetterQueueArn: this.eventDeadLetterQueue.arn });
  }
}

/** Every rule of the management side, with its bus and what an event it loses would have done. */
export function managementRules(names: Names) {
  const m = names.management;
  const bus = m.requestBus;
  return [
    { ruleName: m.grantRule, busName: bus, delivers: "an approved request to the grant workflow" },
    { ruleName: m.endRequestRule, busName: bus, delivers: "an early end a user asked for" },
    { ruleName: m.changeRequestEndRule, busName: bus, delivers: "the end of a cancelled or rejected request" },
    { ruleName: m.alertRule, busName: bus, delivers: "the alert on a request refused for invalid parameters" },
    { ruleName: m.requestNotifierRule, busName: bus, delivers: "a change request's record to the request notifier" },
    { ruleName: m.permissionSetSyncSchedule, delivers: "a run of the permission set sync" },
    ...WATCHES.map((watch) => ({
      ruleName: m.changeAlertRule(watch),
      delivers: `the alert on a change to the solution's ${watch} outside its deployment`,
    })),
  ];
}

/**
 * CloudWatch may publish for the solution's alarms of either account, and nothing else may: the confused-deputy
 * guard for a service principal is the source account and the alarm's ARN (sns-access-policy-use-cases, "Allow
 * CloudWatch alarms to publish to a topic in another account"). The owner account manages the topic and its
 * subscriptions, as SNS's default policy lets it, but publishes nothing to it.
 */
function alarmTopicPolicy(names: Names, config: ManagementConfig, topicArn: pulumi.Output<string>) {
  const accounts = [config.managementAccountId, config.requesterAccountId];
  return policy(
    {
      Sid: "CloudWatchPublishesTheSolutionsAlarms",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["sns:Publish"],
      Resource: topicArn,
      Condition: {
        StringEquals: { "aws:SourceAccount": accounts },
        ArnLike: { "aws:SourceArn": accounts.map((a) => names.arn.solutionAlarms(a)) },
      },
    },
    {
      Sid: "OwnerManagesTopic",
      Effect: "Allow",
      Principal: { AWS: names.arn.accountRoot(config.managementAccountId) },
      Action: [
        "sns:GetTopicAttributes",
        "sns:SetTopicAttributes",
        "sns:AddPermission",
        "sns:RemovePermission",
        "sns:DeleteTopic",
        "sns:Subscribe",
        "sns:ListSubscriptionsByTopic",
      ],
      Resource: topicArn,
    },
  );
}
