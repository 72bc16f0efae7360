/**
 * The SNS fake, set up the way the simulator loads the management plan: the notifications topic, its access policy
 * and its email subscriptions exactly as the stack declares them.
 */
import assert from "node:assert/strict";
import { AwsError, type Caller } from "../../../../tools/sim/aws";
import { START_TIME, VirtualClock } from "../../../../tools/sim/clock";
import { Ids } from "../../../../tools/sim/ids";
import { SnsFake, type SubscribeInput } from "../../../../tools/sim/services/sns";
import {
  GRANT_WORKFLOW_ROLE,
  MANAGEMENT,
  OTHER_ACCOUNT,
  REGION,
  REQUESTER,
  REQUESTER_EVENTS_ROLE,
  REQUESTER_NOTIFICATIONS_ROLE,
  roleArn,
  TOPIC,
} from "../../../management/iam/fixtures";
import { sharedManagementPlan } from "../../../support/plan";
import { awsError } from "../support/aws";

const caller = (role: string, account = role.split(":")[4], region = REGION): Caller => ({
  account,
  region,
  roleArn: role,
  sessionName: "Automation-session",
});
const GRANT_WORKFLOW = caller(GRANT_WORKFLOW_ROLE);
const REQUEST_NOTIFIER = caller(roleArn(MANAGEMENT, "idc-jit-dev-request-notifier"));

const CLOUD_SECURITY = "cloud-security@example.com";
const APPROVERS = "jit-approvers@example.com";
const REQUESTS_CHANNEL = "jit-requests-channel@example.slack.com";

const eventType = (value: string) => ({ EventType: { DataType: "String", StringValue: value } });

/**
 * A fake holding the management plan's notification topic, its policy (none) and its subscriptions; the delivery
 * alarm topic is CloudWatch's to publish to, not the functions' (tests/shared/deliveryAlarms.test.ts).
 */
async function planned(): Promise<{ sns: SnsFake; clock: VirtualClock }> {
  const plan = await sharedManagementPlan();
  const clock = new VirtualClock();
  const sns = new SnsFake(clock, new Ids("sns-test"));
  assert.equal(
    sns.createTopic(MANAGEMENT, REGION, String(plan.one("aws:sns/topic:Topic", "notifications-topic").inputs.name)),
    TOPIC,
  );
  for (const policy of plan.ofType("aws:sns/topicPolicy:TopicPolicy").filter((p) => p.inputs.arn === TOPIC)) {
    sns.setTopicPolicy(String(policy.inputs.arn), String(policy.inputs.policy));
  }
  const subscriptions = plan.ofType("aws:sns/topicSubscription:TopicSubscription");
  for (const subscription of subscriptions.filter((s) => s.inputs.topic === TOPIC)) {
    const { topic, protocol, endpoint, filterPolicy, filterPolicyScope } = subscription.inputs;
    sns.subscribe({
      topicArn: String(topic),
      protocol: String(protocol),
      endpoint: String(endpoint),
      filterPolicy: filterPolicy === undefined ? undefined : String(filterPolicy),
      filterPolicyScope: filterPolicyScope as "MessageAttributes" | undefined,
    });
  }
  return { sns, clock };
}

function publish(sns: SnsFake, who: Caller, input: Record<string, unknown> = {}) {
  return sns.call(
    "Publish",
    {
      TopicArn: TOPIC,
      Subject: "Approved",
      Message: "body",
      MessageAttributes: eventType("RequestApproved"),
      ...input,
    },
    who,
  ) as Promise<{ MessageId: string }>;
}

async function assertRefused(call: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(call, (err: unknown) => {
    assert.ok(err instanceof AwsError, `expected an AwsError, got ${err}`);
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe("SNS fake", () => {
  describe("Publish", () => {
    it("accepts a publisher of the topic's own account and answers a MessageId", async () => {
      const { sns } = await planned();
      const { MessageId } = await publish(sns, GRANT_WORKFLOW);
      assert.match(MessageId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.deepEqual(
        sns.published.map((p) => [p.messageId, p.publisherRoleArn]),
        [[MessageId, GRANT_WORKFLOW_ROLE]],
      );
    });

    it("refuses every role of another account, the requester account's included: the topic has no policy for them", async () => {
      const { sns } = await planned();
      for (const role of [
        REQUESTER_NOTIFICATIONS_ROLE,
        REQUESTER_EVENTS_ROLE,
        roleArn(OTHER_ACCOUNT, "idc-jit-dev-requester-notifications"),
      ]) {
        await assertRefused(
          publish(sns, caller(role)),
          "AuthorizationError",
          /assumed-role\/.* is not authorized to perform: SNS:Publish/,
        );
      }
      assert.deepEqual(sns.published, []);
      assert.deepEqual(sns.deliveries, []);
    });

    it("answers NotFound for a topic that does not exist, and InvalidParameter for another region's topic", async () => {
      const { sns } = await planned();
      await assertRefused(
        publish(sns, GRANT_WORKFLOW, { TopicArn: `${TOPIC}-missing` }),
        "NotFound",
        /Topic does not exist/,
      );
      await assertRefused(publish(sns, caller(GRANT_WORKFLOW_ROLE, MANAGEMENT, "us-east-1")), "InvalidParameter");
      await assertRefused(publish(sns, GRANT_WORKFLOW, { TopicArn: "randomstring" }), "InvalidParameter", /6 elements/);
    });

    it("takes a subject of printable ASCII under 100 characters; refuses an empty one, 100 or more, a line break, non-ASCII", async () => {
      const { sns } = await planned();
      await publish(sns, GRANT_WORKFLOW, { Subject: "x".repeat(99) });
      for (const Subject of ["", "x".repeat(100), "Approved\nJIT access", "tab\there", "Zugriff gew\u00e4hrt"]) {
        await assertRefused(
          publish(sns, GRANT_WORKFLOW, { Subject }),
          "InvalidParameter",
          /Invalid parameter: Subject/,
        );
      }
      assert.equal(sns.published.length, 1);
    });

    it("refuses an empty message and one over 256 KB with its attributes", async () => {
      const { sns } = await planned();
      await assertRefused(publish(sns, GRANT_WORKFLOW, { Message: "" }), "InvalidParameter", /Empty message/);
      const almostFull = "x".repeat(262_144 - "body".length);
      await publish(sns, GRANT_WORKFLOW, { Message: `${almostFull}body`, MessageAttributes: undefined });
      await assertRefused(
        publish(sns, GRANT_WORKFLOW, { Message: `${almostFull}body` }),
        "InvalidParameter",
        /too long/,
      );
    });

    it("refuses attributes of an unknown data type, a Number that is not one, and an empty value", async () => {
      const { sns } = await planned();
      const attribute = (DataType: string, StringValue: string) => ({
        MessageAttributes: { a: { DataType, StringValue } },
      });
      await publish(sns, GRANT_WORKFLOW, attribute("String.Array", '["x", 1, true, null]'));
      await publish(sns, GRANT_WORKFLOW, attribute("Number", "-12.5"));
      await assertRefused(
        publish(sns, GRANT_WORKFLOW, attribute("Text", "x")),
        "ParameterValueInvalid",
        /type prefixes/,
      );
      await assertRefused(publish(sns, GRANT_WORKFLOW, attribute("Number", "twelve")), "ParameterValueInvalid");
      await assertRefused(publish(sns, GRANT_WORKFLOW, attribute("String.Array", "x")), "ParameterValueInvalid");
      await assertRefused(publish(sns, GRANT_WORKFLOW, attribute("String", "")), "ParameterValueInvalid", /non-empty/);
      await assertRefused(
        publish(sns, GRANT_WORKFLOW, {
          MessageAttributes: { "AWS.reserved": { DataType: "String", StringValue: "x" } },
        }),
        "ParameterValueInvalid",
      );
    });

    it("fails loudly on APIs and Publish parameters it does not implement", async () => {
      const { sns } = await planned();
      await assert.rejects(sns.call("ListTopics", {}, GRANT_WORKFLOW), /does not implement ListTopics/);
      await assert.rejects(publish(sns, GRANT_WORKFLOW, { MessageStructure: "json" }), /does not implement/);
    });
  });

  describe("delivery", () => {
    it("delivers only to subscriptions whose filter policy matches the EventType", async () => {
      const { sns } = await planned();
      await publish(sns, REQUEST_NOTIFIER, { MessageAttributes: eventType("RequestApproved") });
      await publish(sns, REQUEST_NOTIFIER, { MessageAttributes: eventType("RequestCreated") });
      assert.deepEqual(
        sns.deliveries.map((d) => [d.endpoint, d.attributes.EventType.StringValue]),
        [
          [CLOUD_SECURITY, "RequestApproved"],
          [REQUESTS_CHANNEL, "RequestApproved"],
          [CLOUD_SECURITY, "RequestCreated"],
          [APPROVERS, "RequestCreated"],
        ],
      );
    });

    it("delivers a message without EventType to no subscription that filters on EventType", async () => {
      const { sns } = await planned();
      const everything = sns.subscribe({ topicArn: TOPIC, protocol: "email", endpoint: "everything@example.com" });
      await publish(sns, GRANT_WORKFLOW, { MessageAttributes: undefined });
      await publish(sns, GRANT_WORKFLOW, {
        MessageAttributes: { Other: { DataType: "String", StringValue: "RequestCreated" } },
      });
      assert.equal(sns.published.length, 2);
      assert.deepEqual(
        sns.deliveries.map((d) => d.subscriptionArn),
        [everything, everything],
      );
      for (const endpoint of [CLOUD_SECURITY, APPROVERS, REQUESTS_CHANNEL])
        assert.deepEqual(sns.deliveriesTo(endpoint), []);
    });

    it("records what was delivered, to whom and when, with the MessageId Publish answered", async () => {
      const { sns, clock } = await planned();
      await clock.run(START_TIME + 90_000);
      const { MessageId } = await publish(sns, REQUEST_NOTIFIER, {
        Subject: "Rejected - JIT access request",
        Message: "A just-in-time AWS account access request was rejected.",
        MessageAttributes: eventType("RequestRejected"),
      });
      const [delivery] = sns.deliveriesTo(REQUESTS_CHANNEL);
      assert.deepEqual(
        { ...delivery, subscriptionArn: undefined },
        {
          time: "2026-11-25T09:01:30.000Z",
          topicArn: TOPIC,
          subscriptionArn: undefined,
          messageId: MessageId,
          protocol: "email",
          endpoint: REQUESTS_CHANNEL,
          subject: "Rejected - JIT access request",
          message: "A just-in-time AWS account access request was rejected.",
          attributes: eventType("RequestRejected"),
        },
      );
      assert.ok(delivery.subscriptionArn.startsWith(`${TOPIC}:`));
      assert.deepEqual(
        sns.published.map((p) => [p.time, p.messageId, p.publisherRoleArn, p.publisherSessionName]),
        [["2026-11-25T09:01:30.000Z", MessageId, REQUEST_NOTIFIER.roleArn, "Automation-session"]],
      );
    });
  });

  describe("setup", () => {
    it("refuses a subscription whose filter policy SNS would refuse, and the MessageBody scope it does not filter", async () => {
      const { sns } = await planned();
      const subscribe = (input: Partial<SubscribeInput>) => () =>
        sns.subscribe({ topicArn: TOPIC, protocol: "email", endpoint: "x@example.com", ...input });
      assert.throws(subscribe({ filterPolicy: "{}x" }), awsError("InvalidParameter"));
      assert.throws(subscribe({ filterPolicy: JSON.stringify({ EventType: [] }) }), /Empty arrays are not allowed/);
      assert.throws(
        subscribe({ filterPolicy: "{}", filterPolicyScope: "MessageBody" }),
        (err: unknown) => !(err instanceof AwsError) && /MessageAttributes/.test(String(err)),
      );
      assert.throws(subscribe({ topicArn: `${TOPIC}-missing` }), awsError("NotFound"));
    });
  });

  describe("topic policy evaluation", () => {
    const arn = `arn:aws:sns:${REGION}:${MANAGEMENT}:policy-test`;
    /** Publishes to a topic whose policy is this one statement. */
    const topicWith = (statement: Record<string, unknown>) => {
      const sns = new SnsFake(new VirtualClock(), new Ids());
      assert.equal(sns.createTopic(MANAGEMENT, REGION, "policy-test"), arn);
      sns.setTopicPolicy(arn, JSON.stringify({ Version: "2012-10-17", Statement: [statement] }));
      return { send: (who: Caller) => sns.call("Publish", { TopicArn: arn, Message: "m" }, who) };
    };
    const requesterRole = caller(roleArn(REQUESTER, "some-role"));

    it("allows by a wildcard principal narrowed with ArnLike on aws:PrincipalArn, and sns:* on a listed resource", async () => {
      const { send } = topicWith({
        Effect: "Allow",
        Principal: "*",
        Action: "sns:*",
        Resource: [arn],
        Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${REQUESTER}:role/some-*` } },
      });
      await send(requesterRole);
      await assertRefused(send(caller(roleArn(REQUESTER, "other-role"))), "AuthorizationError");
    });

    it("refuses even the topic's own account when a statement denies it", async () => {
      const { send } = topicWith({
        Effect: "Deny",
        Principal: { AWS: MANAGEMENT },
        Action: ["SNS:Publish"],
        Resource: arn,
      });
      await assertRefused(send(GRANT_WORKFLOW), "AuthorizationError", /explicit deny/);
    });

    it("refuses at setTopicPolicy a condition it does not understand, instead of allowing", () => {
      assert.throws(
        () =>
          topicWith({
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${REQUESTER}:root` },
            Action: "sns:Publish",
            Resource: arn,
            Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } },
          }),
        (err: unknown) => !(err instanceof AwsError) && /IpAddress/.test(String(err)),
      );
    });

    it("does not match a condition on a key a role session's request does not carry", async () => {
      const { send } = topicWith({
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${REQUESTER}:root` },
        Action: "sns:Publish",
        Resource: arn,
        Condition: { StringEquals: { "aws:SourceAccount": REQUESTER } },
      });
      await assertRefused(send(requesterRole), "AuthorizationError", /no resource-based policy allows/);
    });
  });
});
