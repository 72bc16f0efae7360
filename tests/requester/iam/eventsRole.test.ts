import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { decide } from "../../support/iam";
import {
  admitting,
  automationDefinitionArn,
  automationExecutionArn,
  busArn,
  CHANGE_TEMPLATE,
  documentArn,
  EVENTS_ROLE,
  EVENTS_ROLE_NAME,
  FEEDBACK_BUS_NAME,
  FORWARD_RULE,
  LEGACY_FEEDBACK_BUS,
  MANAGEMENT,
  managementPlanFor,
  NOTIFICATION_RULES,
  OTHER_ACCOUNT,
  REQUEST_BUS,
  REQUEST_ROLE,
  REQUEST_RUNBOOK,
  REQUESTER,
  requesterPlanFor,
  ruleArn,
} from "../fixtures";
import { assume } from "./assume";

const OWN_RULES: [string, string][] = [
  ...Object.values(NOTIFICATION_RULES).map((r): [string, string] => [r, ruleArn(undefined, r)]),
  [FORWARD_RULE, ruleArn(undefined, FORWARD_RULE)],
];

describe(`the events role (${EVENTS_ROLE_NAME})`, () => {
  let trust: PolicyDocument;
  let rolePolicy: PolicyDocument;
  let requestBusPolicy: PolicyDocument;

  before(async () => {
    ({ trust, policy: rolePolicy } = (await requesterPlanFor()).role(EVENTS_ROLE_NAME));
    const management = await managementPlanFor();
    requestBusPolicy = management.jsonInput(
      management.one("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "request-bus-policy"),
      "policy",
    );
  });

  describe("trust", () => {
    const byEventBridge = (arn: string, account = REQUESTER) =>
      assume(trust, EVENTS_ROLE, "events.amazonaws.com", { arn, account });

    for (const [name, arn] of OWN_RULES) {
      it(`admits EventBridge for its rule ${name}`, async () => {
        assert.equal(await byEventBridge(arn), "Allowed");
      });
    }

    it("does not admit EventBridge for another rule of the account", async () => {
      assert.equal(await byEventBridge(ruleArn(undefined, "idc-jit-dev-something-else")), "ImplicitlyDenied");
      assert.equal(await byEventBridge(ruleArn(undefined, `${FORWARD_RULE}-copy`)), "ImplicitlyDenied");
    });

    it("does not admit EventBridge for the rule earlier versions had on the feedback bus", async () => {
      assert.equal(await byEventBridge(ruleArn(FEEDBACK_BUS_NAME, FEEDBACK_BUS_NAME)), "ImplicitlyDenied");
    });

    it("does not admit EventBridge for a rule of the same name in another account", async () => {
      const foreign = ruleArn(undefined, NOTIFICATION_RULES.RequestCreated, OTHER_ACCOUNT);
      assert.equal(await byEventBridge(foreign, OTHER_ACCOUNT), "ImplicitlyDenied");
      assert.equal(await byEventBridge(foreign, REQUESTER), "ImplicitlyDenied");
    });

    it("does not admit another service", async () => {
      const own = ruleArn(undefined, NOTIFICATION_RULES.RequestCreated);
      assert.equal(
        await assume(trust, EVENTS_ROLE, "ssm.amazonaws.com", { arn: own, account: REQUESTER }),
        "ImplicitlyDenied",
      );
    });
  });

  describe("permissions", () => {
    const as = (
      action: string,
      resource: string,
      options: { account?: string; context?: Record<string, string>; resourcePolicy?: PolicyDocument } = {},
    ) =>
      decide({
        principal: EVENTS_ROLE,
        action,
        resource,
        resourceAccount: options.account ?? REQUESTER,
        identityPolicies: [rolePolicy],
        context: options.context,
        resourcePolicy: options.resourcePolicy,
      });
    const start = (resource: string) => as("ssm:StartAutomationExecution", resource);

    for (const [what, document] of [
      ["the request runbook (it must run only from an approved change request)", REQUEST_RUNBOOK],
      ["the change template", CHANGE_TEMPLATE],
      ["an AWS-owned document", "AWS-RunShellScript"],
      ["the notification document of earlier versions", "idc-jit-dev-request-notification"],
    ]) {
      it(`starts no Automation: not ${what}`, async () => {
        assert.equal(await start(documentArn(document)), "ImplicitlyDenied");
        assert.equal(await start(automationDefinitionArn(document)), "ImplicitlyDenied");
        assert.equal(await start(automationExecutionArn()), "ImplicitlyDenied");
      });
    }

    it("passes no role, itself included", async () => {
      const context = { "iam:PassedToService": "ssm.amazonaws.com" };
      for (const role of [REQUEST_ROLE, EVENTS_ROLE, `arn:aws:iam::${REQUESTER}:role/Admin`]) {
        assert.equal(await as("iam:PassRole", role, { context }), "ImplicitlyDenied", role);
      }
    });

    it("can forward events to the management account's request bus, which admits it", async () => {
      const decision = await as("events:PutEvents", REQUEST_BUS, {
        account: MANAGEMENT,
        resourcePolicy: requestBusPolicy,
      });
      assert.equal(decision, "Allowed");
    });

    it("cannot put events on any other bus, the feedback bus included", async () => {
      assert.equal(await as("events:PutEvents", LEGACY_FEEDBACK_BUS), "ImplicitlyDenied");
      assert.equal(await as("events:PutEvents", busArn(REQUESTER, "default")), "ImplicitlyDenied");
      const other = busArn(MANAGEMENT, "default");
      const decision = await as("events:PutEvents", other, {
        account: MANAGEMENT,
        resourcePolicy: admitting(EVENTS_ROLE, ["events:PutEvents"], other),
      });
      assert.equal(decision, "ImplicitlyDenied");
    });
  });
});
