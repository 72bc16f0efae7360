/** The delivery alarms both sides raise: a rule's target that failed, a topic that could not deliver, a dead letter. */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { Names } from "./naming";

/** How often the alarms look, in seconds: a lost delivery is known within about five minutes. */
export const ALARM_PERIOD_SECONDS = 300;

/** Where an alarm publishes, and the names and tags its resources take. */
export interface AlarmContext {
  names: Names;
  topicArn: pulumi.Input<string>;
  tags: Record<string, string>;
  opts: pulumi.CustomResourceOptions;
}

interface Watch {
  /** The watched resource's name (`<base>-...`), which the alarm's name starts with. */
  watched: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** Sum for counts; Maximum for a level such as the messages in a queue. */
  statistic: "Sum" | "Maximum";
  description: string;
}

/**
 * An alarm that fires as soon as the metric is above zero in one period, and tells the topic when it fires (not when
 * it clears: each new alarm would send an OK as it is created). No data counts as nothing lost: EventBridge and SNS
 * send these counts only when they are not zero.
 */
export function deliveryAlarm(name: string, watch: Watch, context: AlarmContext): aws.cloudwatch.MetricAlarm {
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      name: context.names.alarm(watch.watched, watch.metricName),
      alarmDescription: watch.description,
      namespace: watch.namespace,
      metricName: watch.metricName,
      dimensions: watch.dimensions,
      statistic: watch.statistic,
      period: ALARM_PERIOD_SECONDS,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [context.topicArn],
      tags: context.tags,
    },
    context.opts,
  );
}

/**
 * A rule's two ways of losing an event (the EventBridge metrics, eb-monitoring): `FailedInvocations`, an invocation
 * that failed for good and was not dead-lettered, and `InvocationsFailedToBeSentToDlq`, one whose dead letter could not
 * be sent either. Metrics of a custom bus's rule carry its EventBusName too; the default bus's only RuleName.
 */
export function ruleAlarms(
  name: string,
  rule: { ruleName: string; busName?: string; delivers: string },
  context: AlarmContext,
): aws.cloudwatch.MetricAlarm[] {
  const dimensions = { RuleName: rule.ruleName, ...(rule.busName && { EventBusName: rule.busName }) };
  const metric = (metricName: string, what: string) =>
    deliveryAlarm(
      `${name}-${metricName}`,
      {
        watched: rule.ruleName,
        namespace: "AWS/Events",
        metricName,
        dimensions,
        statistic: "Sum",
        description: `Rule ${rule.ruleName} ${what}: ${rule.delivers}`,
      },
      context,
    );
  return [
    metric("FailedInvocations", "gave up delivering an event to its target"),
    metric("InvocationsFailedToBeSentToDlq", "could not put an undelivered event in its dead-letter queue"),
  ];
}
