import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { decide } from "../../support/iam";
import {
  allowing,
  CHATBOT_REQUESTER_ROLE,
  MANAGEMENT,
  OTHER_ACCOUNT,
  planFor,
  REQUEST_BUS,
  REQUEST_ROLE,
  REQUESTER,
  REQUESTER_EVENTS_ROLE,
  REQUESTER_NOTIFICATIONS_ROLE,
  roleArn,
} from "./fixtures";

describe("the request bus policy", () => {
  let busPolicy: PolicyDocument;

  before(async () => {
    const plan = await planFor();
    busPolicy = plan.jsonInput(
      plan.one("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "request-bus-policy"),
      "policy",
    );
  });

  /** `principal` sends an event to the request bus, its own account allowing it events:PutEvents anywhere. */
  const putEvents = (principal: string, withPolicy = true) =>
    decide({
      principal,
      action: "events:PutEvents",
      resource: REQUEST_BUS,
      resourceAccount: MANAGEMENT,
      identityPolicies: [allowing(["events:PutEvents"])],
      resourcePolicy: withPolicy ? busPolicy : undefined,
    });

  it("lets the requester account's request role (idc-jit-dev-request) put events on the bus", async () => {
    assert.equal(await putEvents(REQUEST_ROLE), "Allowed");
  });

  it("lets the requester account's event-rule role (idc-jit-dev-requester-events) put events on the bus", async () => {
    assert.equal(await putEvents(REQUESTER_EVENTS_ROLE), "Allowed");
  });

  it("is what admits them: without it, the request role cannot put events across accounts", async () => {
    assert.equal(await putEvents(REQUEST_ROLE, false), "ImplicitlyDenied");
  });

  for (const [who, principal] of [
    ["the notification role", REQUESTER_NOTIFICATIONS_ROLE],
    ["the chatbot requester role", CHATBOT_REQUESTER_ROLE],
    ["an administrator role", roleArn(REQUESTER, "Admin")],
    ["a role named idc-jit-dev-request under a path", roleArn(REQUESTER, "team/idc-jit-dev-request")],
    ["a role whose name starts with idc-jit-dev-request", roleArn(REQUESTER, "idc-jit-dev-request-copy")],
  ]) {
    it(`does not let another requester-account role (${who}) put events on the bus`, async () => {
      assert.equal(await putEvents(principal), "ImplicitlyDenied");
    });
  }

  it("does not let a role named idc-jit-dev-request in a third account put events on the bus", async () => {
    assert.equal(await putEvents(roleArn(OTHER_ACCOUNT, "idc-jit-dev-request")), "ImplicitlyDenied");
  });

  it("does not let a role named idc-jit-dev-requester-events in a third account put events on the bus", async () => {
    assert.equal(await putEvents(roleArn(OTHER_ACCOUNT, "idc-jit-dev-requester-events")), "ImplicitlyDenied");
  });
});
