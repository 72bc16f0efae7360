/**
 * No refused or undelivered event disappears: every EventBridge target of both planned stacks keeps what it could not
 * deliver in a dead-letter queue the stack deploys and EventBridge may send to for that rule; every rule's lost
 * deliveries, the notification topic's failed ones and the requester side's unread dead letters raise an alarm; every
 * alarm reaches the people who receive errors, through a topic only the solution's alarms may publish to.
 */
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import { REQUEST_FORMS } from "../../shared/config/common";
import type { PolicyDocument } from "../../shared/iam";
import { names } from "../../shared/naming";
import type { PlannedResource, PlannedStack } from "../../tools/sim/deployment";
import { decide } from "../support/iam";
import { exampleDeployment } from "../tools/sim/support/deployment";

const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const SIDES = ["management", "requester"] as const;

const ofType = (stack: PlannedStack, type: string) => stack.resources.filter((r) => r.type === type);
const text = (r: PlannedResource, key: string) => String(r.inputs[key] ?? r.state?.[key]);
const ruleArn = (stack: PlannedStack, target: PlannedResource) => {
  const bus = target.inputs.eventBusName;
  return `arn:aws:events:${stack.region}:${stack.account}:rule/${bus ? `${bus}/` : ""}${target.inputs.rule}`;
};

/** The policy of the queue `queueArn` names, as the stack plans it (none if the stack deploys no such queue). */
function queuePolicy(stack: PlannedStack, queueArn: string): PolicyDocument | undefined {
  const name = queueArn.split(":").pop();
  const url = `https://sqs.${stack.region}.amazonaws.com/${stack.account}/${name}`;
  const planned = ofType(stack, "aws:sqs/queuePolicy:QueuePolicy").find((p) => text(p, "queueUrl") === url);
  return planned && (JSON.parse(text(planned, "policy")) as PolicyDocument);
}

const alarmsOf = (stack: PlannedStack) => ofType(stack, ALARM).map((a) => a.inputs);

/**
 * The one rule and target in another Region: the change alerts' forwarder of IAM's events from the Region that gets
 * them (management/changeAlerts/). Its queue and alarms would need a reader and a topic in that Region too; README,
 * "Change alerts in the management account", says what that leaves.
 */
const inStackRegion = (stack: PlannedStack) => (r: PlannedResource) =>
  r.inputs.region === undefined || r.inputs.region === stack.region;

describe("delivery alarms and dead letters", () => {
  for (const form of REQUEST_FORMS) {
    for (const side of SIDES) {
      describe(`the ${side} stack (${form} form)`, () => {
        let stack: PlannedStack;
        let alarmTopicArn: string;
        before(async () => {
          const deployment = await exampleDeployment(form);
          stack = deployment[side].stack;
          alarmTopicArn = names(deployment.management.config).crossSide.alarmTopicArn;
        });

        it("gives every EventBridge target a dead-letter queue it deploys, which EventBridge may send to for that rule only", async () => {
          const targets = ofType(stack, TARGET).filter(inStackRegion(stack));
          assert.ok(targets.length > 0);
          const without = targets.filter((t) => !(t.inputs.deadLetterConfig as { arn?: string } | undefined)?.arn);
          assert.deepEqual(
            without.map((t) => t.name),
            [],
            "targets that drop what they could not deliver",
          );
          for (const target of targets) {
            const queueArn = (target.inputs.deadLetterConfig as { arn: string }).arn;
            const resourcePolicy = queuePolicy(stack, queueArn);
            assert.ok(resourcePolicy, `${target.name}: the stack deploys no policy for ${queueArn}`);
            const send = (sourceArn: string) =>
              decide({
                principal: "events.amazonaws.com",
                action: "sqs:SendMessage",
                resource: queueArn,
                resourceAccount: stack.account,
                identityPolicies: [],
                resourcePolicy,
                context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": stack.account },
              });
            assert.equal(await send(ruleArn(stack, target)), "Allowed", target.name);
            assert.equal(await send(`${ruleArn(stack, target)}-other`), "ImplicitlyDenied", target.name);
          }
        });

        it("alarms on every rule that gives up on an event or cannot dead-letter it, with the dimensions of its bus's metrics", () => {
          const alarms = alarmsOf(stack);
          for (const rule of ofType(stack, RULE).filter(inStackRegion(stack))) {
            const bus = rule.inputs.eventBusName as string | undefined;
            for (const metric of ["FailedInvocations", "InvocationsFailedToBeSentToDlq"]) {
              const found = alarms.filter((a) => a.namespace === "AWS/Events" && a.metricName === metric);
              const dimensions = { RuleName: rule.inputs.name, ...(bus && { EventBusName: bus }) };
              assert.equal(
                found.filter((a) => isDeepStrictEqual(a.dimensions, dimensions)).length,
                1,
                `${rule.inputs.name}: ${metric}`,
              );
            }
          }
          // No alarm watches a rule the stack does not deploy.
          const ruleNames = new Set(ofType(stack, RULE).map((r) => r.inputs.name));
          for (const a of alarms.filter((x) => x.namespace === "AWS/Events")) {
            assert.ok(ruleNames.has((a.dimensions as { RuleName: string }).RuleName), String(a.name));
          }
        });

        it("publishes every alarm when it fires (never as it clears: a new alarm would) to the delivery alarm topic", () => {
          const alarms = alarmsOf(stack);
          assert.ok(alarms.length > 0);
          for (const a of alarms) {
            assert.deepEqual(a.alarmActions, [alarmTopicArn], String(a.name));
            assert.equal(a.okActions, undefined, String(a.name));
            assert.equal(a.threshold, 0);
            assert.equal(a.comparisonOperator, "GreaterThanThreshold");
            // EventBridge and SNS send these counts only when they are not zero.
            assert.equal(a.treatMissingData, "notBreaching");
          }
        });
      });
    }

    it(`alarms on the notification topic's failed deliveries, and on an unread requester dead letter (${form} form)`, async () => {
      const deployment = await exampleDeployment(form);
      const n = names(deployment.management.config);
      const topic = alarmsOf(deployment.management.stack).filter((a) => a.namespace === "AWS/SNS");
      assert.deepEqual(
        topic.map((a) => [a.metricName, a.dimensions]),
        [["NumberOfNotificationsFailed", { TopicName: n.management.topic }]],
      );
      const queues = alarmsOf(deployment.requester.stack).filter((a) => a.namespace === "AWS/SQS");
      assert.deepEqual(
        queues.map((a) => [a.metricName, a.dimensions, a.statistic]),
        [["ApproximateNumberOfMessagesVisible", { QueueName: n.requester.forwardDeadLetterQueue }, "Maximum"]],
      );
    });
  }

  describe("the delivery alarm topic", () => {
    let stack: PlannedStack;
    let topicPolicy: PolicyDocument;
    let n: ReturnType<typeof names>;
    let requesterAccount: string;
    before(async () => {
      const deployment = await exampleDeployment();
      stack = deployment.management.stack;
      n = names(deployment.management.config);
      requesterAccount = deployment.requester.stack.account;
      const planned = ofType(stack, "aws:sns/topicPolicy:TopicPolicy").find(
        (p) => text(p, "arn") === n.crossSide.alarmTopicArn,
      );
      assert.ok(planned, "the alarm topic has a policy");
      topicPolicy = JSON.parse(text(planned, "policy")) as PolicyDocument;
    });

    const alarmArn = (account: string, alarm: string) => `arn:aws:cloudwatch:${stack.region}:${account}:alarm:${alarm}`;
    const publish = (account: string, alarm: string) =>
      decide({
        principal: "cloudwatch.amazonaws.com",
        action: "sns:Publish",
        resource: n.crossSide.alarmTopicArn,
        resourceAccount: stack.account,
        identityPolicies: [],
        resourcePolicy: topicPolicy,
        context: { "aws:SourceArn": alarmArn(account, alarm), "aws:SourceAccount": account },
      });

    it("lets CloudWatch publish for the solution's alarms of either account", async () => {
      const alarm = n.alarm(n.management.grantRule, "FailedInvocations");
      assert.equal(await publish(stack.account, alarm), "Allowed");
      assert.equal(await publish(requesterAccount, n.alarm(n.requester.invalidRequestForwardRule, "x")), "Allowed");
    });

    it("does not let CloudWatch publish for another alarm, or another account's", async () => {
      assert.equal(await publish(stack.account, "someone-elses-alarm"), "ImplicitlyDenied");
      assert.equal(
        await publish("777788889999", n.alarm(n.management.grantRule, "FailedInvocations")),
        "ImplicitlyDenied",
      );
    });

    it("does not let the requester account's principals publish, subscribe or change it", async () => {
      for (const action of ["sns:Publish", "sns:Subscribe", "sns:SetTopicAttributes"]) {
        const decision = await decide({
          principal: `arn:aws:iam::${requesterAccount}:role/anyone`,
          action,
          resource: n.crossSide.alarmTopicArn,
          resourceAccount: stack.account,
          identityPolicies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }],
          resourcePolicy: topicPolicy,
        });
        assert.equal(decision, "ImplicitlyDenied", action);
      }
    });

    it("sends every alarm, unfiltered, to each subscriber that receives Error, and to no one else", async () => {
      const deployment = await exampleDeployment();
      const errorSubscribers = deployment.management.config.notifications
        .filter((s) => s.events.includes("Error"))
        .map((s) => s.email);
      assert.ok(errorSubscribers.length > 0);
      const subscriptions = ofType(stack, "aws:sns/topicSubscription:TopicSubscription").filter(
        (s) => text(s, "topic") === n.crossSide.alarmTopicArn,
      );
      assert.deepEqual(subscriptions.map((s) => s.inputs.endpoint).sort(), [...errorSubscribers].sort());
      // An alarm's message carries no EventType attribute: a filter on it would drop every alarm.
      for (const s of subscriptions) assert.equal(s.inputs.filterPolicy, undefined);
    });
  });
});
