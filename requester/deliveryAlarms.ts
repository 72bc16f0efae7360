import * as pulumi from "@pulumi/pulumi";
import { deliveryAlarm, ruleAlarms } from "../shared/alarms";
import type { Names } from "../shared/naming";
import { forwardRuleNames } from "./requestEvents";

export interface DeliveryAlarmsArgs {
  names: Names;
  tags: Record<string, string>;
}

/**
 * The alarms on what this account could not hand to the management side: a forwarding rule that gives up on a record
 * or cannot dead-letter it, and a record waiting in the forwarding dead-letter queue, which nothing reads (the
 * management side's reconciler cannot reach this account's queues). They publish to the management side's delivery
 * alarm topic (management/deliveryAlarms.ts), whose policy admits this account's alarms: the people who receive the
 * solution's errors receive these too, and this side needs no subscribers of its own.
 */
export class DeliveryAlarms extends pulumi.ComponentResource {
  constructor(name: string, args: DeliveryAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:requester:DeliveryAlarms", name, {}, opts);
    const { names, tags } = args;
    const context = { names, topicArn: names.crossSide.alarmTopicArn, tags, opts: { parent: this } };
    const delivers = "a request's record to the management side (its notification, its end, its alert)";
    for (const ruleName of forwardRuleNames(names)) ruleAlarms(`${name}-${ruleName}`, { ruleName, delivers }, context);
    const queue = names.requester.forwardDeadLetterQueue;
    deliveryAlarm(
      `${name}-dead-letters`,
      {
        watched: queue,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue },
        statistic: "Maximum",
        description: `Queue ${queue} holds records the forwarding rules could not deliver to the management side: read them there, they are kept 14 days`,
      },
      context,
    );
    this.registerOutputs({});
  }
}
