import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { decide } from "../../support/iam";
import type { Plan } from "../../support/plan";
import { DEAD_LETTER_QUEUE, MANAGEMENT, planFor, REGION } from "./fixtures";

const REQUEST_DEAD_LETTERS = `arn:aws:sqs:${REGION}:${MANAGEMENT}:idc-jit-dev-request-dead-letters`;
const GRANT_RULE = `arn:aws:events:${REGION}:${MANAGEMENT}:rule/idc-jit-dev-access-requests/idc-jit-dev-start-grant`;
const NOTIFICATION_DEAD_LETTERS = `arn:aws:sqs:${REGION}:${MANAGEMENT}:idc-jit-dev-notification-dead-letters`;
const NOTIFIER_RULE = `arn:aws:events:${REGION}:${MANAGEMENT}:rule/idc-jit-dev-access-requests/idc-jit-dev-request-notifier`;
const EVENT_DEAD_LETTERS = `arn:aws:sqs:${REGION}:${MANAGEMENT}:idc-jit-dev-event-dead-letters`;
const onBus = (rule: string) =>
  `arn:aws:events:${REGION}:${MANAGEMENT}:rule/idc-jit-dev-access-requests/idc-jit-dev-${rule}`;
/** The rules without a queue of their own, and their targets. */
const EVENT_RULES = {
  "end-requests-end-request-target": onBus("end-request"),
  "end-requests-change-request-ended-target": onBus("change-request-ended"),
  "invalid-request-alert-rule-target": onBus("invalid-request-alert"),
  "permission-set-sync-schedule-target": `arn:aws:events:${REGION}:${MANAGEMENT}:rule/idc-jit-dev-permission-set-sync`,
};
const NOTIFIER_ROLE = `arn:aws:iam::${MANAGEMENT}:role/idc-jit-dev-request-notifier`;
const queueUrl = (arn: string) => {
  const [, , , region, account, name] = arn.split(":");
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
};

describe("the dead-letter queues of undelivered requests, ends, request notifications and other events", () => {
  let plan: Plan;
  let requestQueuePolicy: PolicyDocument;
  let reconciler: PolicyDocument;

  before(async () => {
    plan = await planFor();
    requestQueuePolicy = plan.jsonInput(
      plan.one("aws:sqs/queuePolicy:QueuePolicy", "grant-workflow-dead-letters-policy"),
      "policy",
    );
    reconciler = plan.role("idc-jit-dev-reconciler").policy;
  });

  it("the grant rule's target sends an event it could not deliver to the request dead-letter queue", () => {
    const target = plan.one("aws:cloudwatch/eventTarget:EventTarget", "grant-workflow-rule-target");
    assert.deepEqual(target.inputs.deadLetterConfig, { arn: REQUEST_DEAD_LETTERS });
    // Within the hour a request is still granted in: reported while the requester can still raise it again.
    assert.deepEqual(target.inputs.retryPolicy, { maximumEventAgeInSeconds: 3000, maximumRetryAttempts: 185 });
    const queue = plan.one("aws:sqs/queue:Queue", "grant-workflow-dead-letters");
    assert.equal(queue.inputs.sqsManagedSseEnabled, true);
    assert.equal(queue.inputs.messageRetentionSeconds, 1_209_600);
  });

  describe("the request dead-letter queue's policy", () => {
    const send = (sourceArn: string) =>
      decide({
        principal: "events.amazonaws.com",
        action: "sqs:SendMessage",
        resource: REQUEST_DEAD_LETTERS,
        resourceAccount: MANAGEMENT,
        identityPolicies: [],
        resourcePolicy: requestQueuePolicy,
        context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": MANAGEMENT },
      });

    it("admits EventBridge for the grant rule", async () => {
      assert.equal(await send(GRANT_RULE), "Allowed");
    });

    it("does not admit EventBridge for another rule, of this account or another", async () => {
      assert.equal(await send(GRANT_RULE.replace("start-grant", "something-else")), "ImplicitlyDenied");
      assert.equal(await send(GRANT_RULE.replace(MANAGEMENT, "444455556666")), "ImplicitlyDenied");
    });
  });

  describe("the request notification dead-letter queue", () => {
    it("takes what the notifier's rule could not deliver, and what the notifier failed on every attempt", () => {
      const target = plan.one("aws:cloudwatch/eventTarget:EventTarget", "request-notifier-target");
      assert.deepEqual(target.inputs.deadLetterConfig, { arn: NOTIFICATION_DEAD_LETTERS });
      const fn = plan.one("aws:lambda/function:Function", "request-notifier-function");
      assert.deepEqual(fn.inputs.deadLetterConfig, { targetArn: NOTIFICATION_DEAD_LETTERS });
    });

    it("admits EventBridge for the notifier's rule only, and the notifier's role by its own policy", async () => {
      const queuePolicy = plan.jsonInput(
        plan.one("aws:sqs/queuePolicy:QueuePolicy", "request-notifier-dead-letters-policy"),
        "policy",
      );
      const send = (sourceArn: string) =>
        decide({
          principal: "events.amazonaws.com",
          action: "sqs:SendMessage",
          resource: NOTIFICATION_DEAD_LETTERS,
          resourceAccount: MANAGEMENT,
          identityPolicies: [],
          resourcePolicy: queuePolicy,
          context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": MANAGEMENT },
        });
      assert.equal(await send(NOTIFIER_RULE), "Allowed");
      assert.equal(await send(GRANT_RULE), "ImplicitlyDenied");
      const byRole = (queue: string) =>
        decide({
          principal: NOTIFIER_ROLE,
          action: "sqs:SendMessage",
          resource: queue,
          resourceAccount: MANAGEMENT,
          identityPolicies: [plan.role("idc-jit-dev-request-notifier").policy],
          resourcePolicy: queuePolicy,
        });
      assert.equal(await byRole(NOTIFICATION_DEAD_LETTERS), "Allowed");
      assert.equal(await byRole(REQUEST_DEAD_LETTERS), "ImplicitlyDenied");
    });
  });

  describe("the event dead-letter queue, of the rules without a queue of their own", () => {
    for (const [target, rule] of Object.entries(EVENT_RULES)) {
      it(`takes what ${rule.split("/").pop()} could not deliver, and EventBridge may send it for that rule`, async () => {
        assert.deepEqual(plan.one("aws:cloudwatch/eventTarget:EventTarget", target).inputs.deadLetterConfig, {
          arn: EVENT_DEAD_LETTERS,
        });
        assert.equal(await sendEvent(rule), "Allowed");
      });
    }

    it("does not admit EventBridge for another rule: the grant rule's, the notifier's, another account's", async () => {
      assert.equal(await sendEvent(GRANT_RULE), "ImplicitlyDenied");
      assert.equal(await sendEvent(NOTIFIER_RULE), "ImplicitlyDenied");
      assert.equal(await sendEvent(onBus("end-request").replace(MANAGEMENT, "444455556666")), "ImplicitlyDenied");
    });

    const sendEvent = (sourceArn: string) =>
      decide({
        principal: "events.amazonaws.com",
        action: "sqs:SendMessage",
        resource: EVENT_DEAD_LETTERS,
        resourceAccount: MANAGEMENT,
        identityPolicies: [],
        resourcePolicy: plan.jsonInput(
          plan.one("aws:sqs/queuePolicy:QueuePolicy", "delivery-alarms-event-dead-letters-policy"),
          "policy",
        ),
        context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": MANAGEMENT },
      });
  });

  describe("the reconciler role", () => {
    const as = (action: string, resource: string) =>
      decide({
        principal: `arn:aws:iam::${MANAGEMENT}:role/idc-jit-dev-reconciler`,
        action,
        resource,
        resourceAccount: MANAGEMENT,
        identityPolicies: [reconciler],
      });

    for (const queue of [REQUEST_DEAD_LETTERS, DEAD_LETTER_QUEUE, NOTIFICATION_DEAD_LETTERS, EVENT_DEAD_LETTERS]) {
      it(`reads and deletes the messages of ${queue.split(":")[5]}, and sends none`, async () => {
        assert.equal(await as("sqs:ReceiveMessage", queue), "Allowed");
        assert.equal(await as("sqs:DeleteMessage", queue), "Allowed");
        assert.equal(await as("sqs:SendMessage", queue), "ImplicitlyDenied");
        assert.equal(await as("sqs:PurgeQueue", queue), "ImplicitlyDenied");
      });
    }

    it("reads no other queue", async () => {
      const other = `arn:aws:sqs:${REGION}:${MANAGEMENT}:some-other-queue`;
      assert.equal(await as("sqs:ReceiveMessage", other), "ImplicitlyDenied");
    });

    it("is told every queue's URL in its settings", () => {
      const fn = plan.one("aws:lambda/function:Function", "reconciler-function");
      const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
      assert.deepEqual(JSON.parse(env.JIT_RECONCILER).deadLetterQueues, [
        { kind: "request", url: queueUrl(REQUEST_DEAD_LETTERS) },
        { kind: "end", url: queueUrl(DEAD_LETTER_QUEUE) },
        { kind: "notification", url: queueUrl(NOTIFICATION_DEAD_LETTERS) },
        { kind: "event", url: queueUrl(EVENT_DEAD_LETTERS) },
      ]);
    });
  });
});
