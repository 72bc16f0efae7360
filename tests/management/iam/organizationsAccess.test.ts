import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { decide } from "../../support/iam";
import {
  allowing,
  CHATBOT_REQUESTER_ROLE,
  MANAGEMENT,
  OTHER_ACCOUNT,
  planFor,
  REQUEST_ROLE,
  REQUESTER,
  REQUESTER_EVENTS_ROLE,
  REQUESTER_NOTIFICATIONS_ROLE,
  roleArn,
} from "./fixtures";

/** An account of the organization, as Organizations names it in IAM. */
const memberAccount = (id: string) => `arn:aws:organizations::${MANAGEMENT}:account/o-a1b2c3d4e5/${id}`;

describe("the Organizations resource policy", () => {
  let organizationsPolicy: PolicyDocument;

  before(async () => {
    const plan = await planFor();
    organizationsPolicy = plan.jsonInput(
      plan.one("aws:organizations/resourcePolicy:ResourcePolicy", "organizations-access-policy"),
      "content",
    );
  });

  /** `principal` looks up an account's name, its own account allowing it organizations:DescribeAccount. */
  const describeAccount = (principal: string, account = REQUESTER) =>
    decide({
      principal,
      action: "organizations:DescribeAccount",
      resource: memberAccount(account),
      resourceAccount: MANAGEMENT,
      identityPolicies: [allowing(["organizations:DescribeAccount"])],
      resourcePolicy: organizationsPolicy,
    });

  it("lets the requester notification role describe the accounts it names in notifications", async () => {
    assert.equal(await describeAccount(REQUESTER_NOTIFICATIONS_ROLE), "Allowed");
    assert.equal(await describeAccount(REQUESTER_NOTIFICATIONS_ROLE, OTHER_ACCOUNT), "Allowed");
  });

  for (const [who, principal] of [
    ["the request role", REQUEST_ROLE],
    ["the event-rule role", REQUESTER_EVENTS_ROLE],
    ["the chatbot requester role", CHATBOT_REQUESTER_ROLE],
    ["an administrator role", roleArn(REQUESTER, "Admin")],
  ]) {
    it(`does not let another requester-account role (${who}) describe accounts`, async () => {
      assert.equal(await describeAccount(principal), "ImplicitlyDenied");
    });
  }

  it("does not let a role named idc-jit-dev-requester-notifications in a third account describe accounts", async () => {
    assert.equal(
      await describeAccount(roleArn(OTHER_ACCOUNT, "idc-jit-dev-requester-notifications")),
      "ImplicitlyDenied",
    );
  });
});
