import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { decide } from "../../support/iam";
import {
  allowing,
  CHATBOT_APPROVER_ROLE,
  MANAGEMENT,
  OTHER_ACCOUNT,
  planFor,
  REQUEST_ROLE,
  REQUESTER,
  REQUESTER_EVENTS_ROLE,
  REQUESTER_NOTIFICATIONS_ROLE,
  roleArn,
  TOPIC,
} from "./fixtures";

describe("the notification topic policy", () => {
  let topicPolicy: PolicyDocument;

  before(async () => {
    const plan = await planFor();
    topicPolicy = plan.jsonInput(plan.one("aws:sns/topicPolicy:TopicPolicy", "notifications-policy"), "policy");
  });

  /** `principal` publishes to the topic, its own account allowing it sns:Publish anywhere. */
  const publish = (principal: string, withPolicy = true) =>
    decide({
      principal,
      action: "sns:Publish",
      resource: TOPIC,
      resourceAccount: MANAGEMENT,
      identityPolicies: [allowing(["sns:Publish"])],
      resourcePolicy: withPolicy ? topicPolicy : undefined,
    });

  it("lets the requester notification role (idc-jit-dev-requester-notifications) publish across accounts", async () => {
    assert.equal(await publish(REQUESTER_NOTIFICATIONS_ROLE), "Allowed");
  });

  it("is what admits it: without it, the notification role cannot publish across accounts", async () => {
    assert.equal(await publish(REQUESTER_NOTIFICATIONS_ROLE, false), "ImplicitlyDenied");
  });

  for (const [who, principal] of [
    ["the request role", REQUEST_ROLE],
    ["the event-rule role", REQUESTER_EVENTS_ROLE],
    ["the chatbot approver role", CHATBOT_APPROVER_ROLE],
    ["an administrator role", roleArn(REQUESTER, "Admin")],
  ]) {
    it(`does not let another requester-account role (${who}) publish`, async () => {
      assert.equal(await publish(principal), "ImplicitlyDenied");
    });
  }

  it("does not let a role named idc-jit-dev-requester-notifications in a third account publish", async () => {
    assert.equal(await publish(roleArn(OTHER_ACCOUNT, "idc-jit-dev-requester-notifications")), "ImplicitlyDenied");
  });
});
