import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { decide } from "../../support/iam";
import {
  admitting,
  automationDefinitionArn,
  automationExecutionArn,
  MANAGEMENT,
  managementPlanFor,
  NOTIFICATION_DOCUMENT,
  NOTIFICATION_ROLE,
  NOTIFICATION_ROLE_NAME,
  OTHER_ACCOUNT,
  OTHER_REGION,
  REQUESTER,
  requesterPlanFor,
  ssmArn,
  TOPIC,
  topicArn,
} from "../fixtures";
import { assume, automationTrustCases } from "./assume";

/** An account of the organization, as Organizations names it in IAM. */
const memberAccount = (id: string) => `arn:aws:organizations::${MANAGEMENT}:account/o-a1b2c3d4e5/${id}`;

describe(`the notification role (${NOTIFICATION_ROLE_NAME})`, () => {
  let trust: PolicyDocument;
  let rolePolicy: PolicyDocument;
  let topicPolicy: PolicyDocument;
  let organizationsPolicy: PolicyDocument;

  before(async () => {
    ({ trust, policy: rolePolicy } = (await requesterPlanFor()).role(NOTIFICATION_ROLE_NAME));
    const management = await managementPlanFor();
    topicPolicy = management.jsonInput(
      management.one("aws:sns/topicPolicy:TopicPolicy", "notifications-policy"),
      "policy",
    );
    organizationsPolicy = management.jsonInput(
      management.one("aws:organizations/resourcePolicy:ResourcePolicy", "organizations-access-policy"),
      "content",
    );
  });

  describe("trust", () => {
    for (const [who, service, source, allowed] of automationTrustCases()) {
      it(`${allowed ? "admits" : "does not admit"} ${who}`, async () => {
        assert.equal(await assume(trust, NOTIFICATION_ROLE, service, source), allowed ? "Allowed" : "ImplicitlyDenied");
      });
    }
  });

  describe("permissions", () => {
    const as = (action: string, resource: string, resourceAccount: string, resourcePolicy?: PolicyDocument) =>
      decide({
        principal: NOTIFICATION_ROLE,
        action,
        resource,
        resourceAccount,
        identityPolicies: [rolePolicy],
        resourcePolicy,
      });

    it("can publish to the management account's notification topic, whose policy admits it", async () => {
      assert.equal(await as("sns:Publish", TOPIC, MANAGEMENT, topicPolicy), "Allowed");
    });

    it("cannot publish to another account's topic, even one whose policy admits it", async () => {
      for (const [account, topic] of [
        [MANAGEMENT, topicArn(MANAGEMENT, "idc-jit-dev-notifications-copy")],
        [OTHER_ACCOUNT, topicArn(OTHER_ACCOUNT, "idc-jit-dev-notifications")],
      ]) {
        const decision = await as("sns:Publish", topic, account, admitting(NOTIFICATION_ROLE, ["sns:Publish"], topic));
        assert.equal(decision, "ImplicitlyDenied", topic);
      }
    });

    it("cannot publish to a topic of its own account", async () => {
      const own = topicArn(REQUESTER, "idc-jit-dev-notifications");
      assert.equal(await as("sns:Publish", own, REQUESTER), "ImplicitlyDenied");
    });

    it("can look up an account's name through the organization's resource policy", async () => {
      for (const account of [REQUESTER, OTHER_ACCOUNT]) {
        const decision = await as(
          "organizations:DescribeAccount",
          memberAccount(account),
          MANAGEMENT,
          organizationsPolicy,
        );
        assert.equal(decision, "Allowed", account);
      }
    });

    const read = "ssm:GetAutomationExecution";
    it(`can call ${read} on automation executions of the requester account`, async () => {
      assert.equal(await as(read, automationExecutionArn(), REQUESTER), "Allowed");
    });

    it(`cannot call ${read} on executions in another region or account`, async () => {
      assert.equal(
        await as(read, automationExecutionArn(REQUESTER, undefined, OTHER_REGION), REQUESTER),
        "ImplicitlyDenied",
      );
      assert.equal(await as(read, automationExecutionArn(MANAGEMENT), MANAGEMENT), "ImplicitlyDenied");
    });

    it("cannot signal an execution (SendAutomationSignal): it approves nothing", async () => {
      assert.equal(await as("ssm:SendAutomationSignal", automationExecutionArn(), REQUESTER), "ImplicitlyDenied");
    });

    it("can read the change request (the OpsItem) of the requester account", async () => {
      assert.equal(await as("ssm:GetOpsItem", ssmArn(REQUESTER, "opsitem/oi-0123456789ab"), REQUESTER), "Allowed");
    });

    it("cannot start, stop or change automations", async () => {
      for (const [action, resource] of [
        ["ssm:StartAutomationExecution", automationDefinitionArn(NOTIFICATION_DOCUMENT)],
        ["ssm:StopAutomationExecution", automationExecutionArn()],
        ["ssm:StartChangeRequestExecution", automationDefinitionArn("idc-jit-dev-access-request", "$DEFAULT")],
        ["ssm:UpdateDocument", ssmArn(REQUESTER, `document/${NOTIFICATION_DOCUMENT}`)],
      ]) {
        assert.equal(await as(action, resource, REQUESTER), "ImplicitlyDenied", action);
      }
    });
  });
});
