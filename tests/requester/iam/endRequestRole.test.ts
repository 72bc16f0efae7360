import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { decide } from "../../support/iam";
import {
  admitting,
  busArn,
  LEGACY_FEEDBACK_BUS,
  MANAGEMENT,
  managementPlanFor,
  OTHER_ACCOUNT,
  REQUEST_BUS,
  REQUESTER,
  requesterPlanFor,
} from "../fixtures";
import { assume, automationTrustCases } from "./assume";

const END_REQUEST_ROLE_NAME = "idc-jit-dev-end-request";
const END_REQUEST_ROLE = `arn:aws:iam::${REQUESTER}:role/${END_REQUEST_ROLE_NAME}`;

describe(`the end-access document's role (${END_REQUEST_ROLE_NAME})`, () => {
  let trust: PolicyDocument;
  let rolePolicy: PolicyDocument;
  let requestBusPolicy: PolicyDocument;

  before(async () => {
    ({ trust, policy: rolePolicy } = (await requesterPlanFor()).role(END_REQUEST_ROLE_NAME));
    const management = await managementPlanFor();
    requestBusPolicy = management.jsonInput(
      management.one("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "request-bus-policy"),
      "policy",
    );
  });

  describe("trust", () => {
    for (const [who, service, source, allowed] of automationTrustCases()) {
      it(`${allowed ? "admits" : "does not admit"} ${who}`, async () => {
        assert.equal(await assume(trust, END_REQUEST_ROLE, service, source), allowed ? "Allowed" : "ImplicitlyDenied");
      });
    }
  });

  describe("permissions", () => {
    const putEvents = (bus: string, account: string, busPolicy?: PolicyDocument) =>
      decide({
        principal: END_REQUEST_ROLE,
        action: "events:PutEvents",
        resource: bus,
        resourceAccount: account,
        identityPolicies: [rolePolicy],
        resourcePolicy: busPolicy,
      });

    it("can put events on the management account's request bus, which admits it", async () => {
      assert.equal(await putEvents(REQUEST_BUS, MANAGEMENT, requestBusPolicy), "Allowed");
    });

    it("cannot put events on any other bus", async () => {
      const copy = busArn(MANAGEMENT, "idc-jit-dev-access-requests-copy");
      assert.equal(
        await putEvents(copy, MANAGEMENT, admitting(END_REQUEST_ROLE, ["events:PutEvents"], copy)),
        "ImplicitlyDenied",
      );
      const third = busArn(OTHER_ACCOUNT, "idc-jit-dev-access-requests");
      assert.equal(
        await putEvents(third, OTHER_ACCOUNT, admitting(END_REQUEST_ROLE, ["events:PutEvents"], third)),
        "ImplicitlyDenied",
      );
      assert.equal(await putEvents(LEGACY_FEEDBACK_BUS, REQUESTER), "ImplicitlyDenied");
    });

    it("cannot end anything itself (ssm:StopAutomationExecution, sso:DeleteAccountAssignment)", async () => {
      for (const [action, resource] of [
        ["ssm:StopAutomationExecution", `arn:aws:ssm:eu-west-1:${REQUESTER}:automation-execution/x`],
        ["sso:DeleteAccountAssignment", "arn:aws:sso:::instance/ssoins-68047a3b2c1d9e0f"],
      ]) {
        const decision = await decide({
          principal: END_REQUEST_ROLE,
          action,
          resource,
          resourceAccount: REQUESTER,
          identityPolicies: [rolePolicy],
        });
        assert.equal(decision, "ImplicitlyDenied", action);
      }
    });
  });
});
