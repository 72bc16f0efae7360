import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { decide } from "../../support/iam";
import type { Plan } from "../../support/plan";
import {
  admitting,
  allowing,
  CHATBOT_APPROVER_ROLE,
  MANAGEMENT,
  planFor,
  REQUEST_BUS,
  REQUEST_READER_ROLE,
  REQUEST_ROLE,
  REQUESTER,
  REQUESTER_EVENTS_ROLE,
  roleArn,
  TOPIC,
} from "./fixtures";

const NOTIFIER_ROLE = roleArn(MANAGEMENT, "idc-jit-dev-request-notifier");

describe("the notification topic", () => {
  let plan: Plan;
  before(async () => {
    plan = await planFor();
  });

  it("has no policy of its own: every publisher is in the management account", () => {
    const policies = plan.ofType("aws:sns/topicPolicy:TopicPolicy");
    // The one topic policy is the delivery alarm topic's (tests/shared/deliveryAlarms.test.ts).
    assert.deepEqual(
      policies.map((p) => p.inputs.arn),
      [TOPIC.replace("-notifications", "-delivery-alarms")],
    );
  });

  for (const [who, principal] of [
    ["the request role", REQUEST_ROLE],
    ["the event-rule role", REQUESTER_EVENTS_ROLE],
    ["the chatbot approver role", CHATBOT_APPROVER_ROLE],
    ["the notification role of earlier versions", roleArn(REQUESTER, "idc-jit-dev-requester-notifications")],
  ]) {
    it(`takes nothing from a requester-account role (${who}), even one its own account lets publish anywhere`, async () => {
      const decision = await decide({
        principal,
        action: "sns:Publish",
        resource: TOPIC,
        resourceAccount: MANAGEMENT,
        identityPolicies: [allowing(["sns:Publish"])],
      });
      assert.equal(decision, "ImplicitlyDenied");
    });
  }
});

describe("the request notifier role (idc-jit-dev-request-notifier)", () => {
  let notifier: PolicyDocument;
  before(async () => {
    notifier = (await planFor()).role("idc-jit-dev-request-notifier").policy;
  });

  const as = (action: string, resource: string, resourceAccount = MANAGEMENT) =>
    decide({
      principal: NOTIFIER_ROLE,
      action,
      resource,
      resourceAccount,
      identityPolicies: [notifier],
      // A role of another account must trust it too; here each trusts it, so only the notifier's own policy decides.
      resourcePolicy: resourceAccount === MANAGEMENT ? undefined : admitting(NOTIFIER_ROLE, [action], resource),
    });

  it("publishes to the stack's topic, and to no other", async () => {
    assert.equal(await as("sns:Publish", TOPIC), "Allowed");
    assert.equal(await as("sns:Publish", TOPIC.replace("notifications", "other")), "ImplicitlyDenied");
  });

  it("reads the requester account only through the reader role", async () => {
    assert.equal(await as("sts:AssumeRole", REQUEST_READER_ROLE, REQUESTER), "Allowed");
    assert.equal(await as("sts:AssumeRole", roleArn(REQUESTER, "Admin"), REQUESTER), "ImplicitlyDenied");
  });

  it("starts nothing and sends no event: it only tells", async () => {
    assert.equal(await as("ssm:StartAutomationExecution", "*"), "ImplicitlyDenied");
    assert.equal(await as("events:PutEvents", REQUEST_BUS), "ImplicitlyDenied");
    assert.equal(await as("sso:CreateAccountAssignment", "*"), "ImplicitlyDenied");
  });
});
