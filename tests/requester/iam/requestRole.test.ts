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
  REQUEST_ROLE,
  REQUEST_ROLE_NAME,
  REQUESTER,
  requesterPlanFor,
} from "../fixtures";
import { assume, automationTrustCases } from "./assume";

describe(`the request role (${REQUEST_ROLE_NAME})`, () => {
  let trust: PolicyDocument;
  let rolePolicy: PolicyDocument;
  let requestBusPolicy: PolicyDocument;

  before(async () => {
    ({ trust, policy: rolePolicy } = (await requesterPlanFor()).role(REQUEST_ROLE_NAME));
    const management = await managementPlanFor();
    requestBusPolicy = management.jsonInput(
      management.one("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "request-bus-policy"),
      "policy",
    );
  });

  describe("trust", () => {
    for (const [who, service, source, allowed] of automationTrustCases()) {
      it(`${allowed ? "admits" : "does not admit"} ${who}`, async () => {
        assert.equal(await assume(trust, REQUEST_ROLE, service, source), allowed ? "Allowed" : "ImplicitlyDenied");
      });
    }
  });

  describe("permissions", () => {
    /** The request role puts events on `bus`, whose owner admits it with `busPolicy`. */
    const putEvents = (bus: string, account: string, busPolicy?: PolicyDocument) =>
      decide({
        principal: REQUEST_ROLE,
        action: "events:PutEvents",
        resource: bus,
        resourceAccount: account,
        identityPolicies: [rolePolicy],
        resourcePolicy: busPolicy,
      });

    it("can put events on the management account's request bus, which admits it", async () => {
      assert.equal(await putEvents(REQUEST_BUS, MANAGEMENT, requestBusPolicy), "Allowed");
    });

    it("cannot put events on another bus of the management account, even one that admits it", async () => {
      const other = busArn(MANAGEMENT, "idc-jit-dev-access-requests-copy");
      assert.equal(
        await putEvents(other, MANAGEMENT, admitting(REQUEST_ROLE, ["events:PutEvents"], other)),
        "ImplicitlyDenied",
      );
    });

    it("cannot put events on a bus of the same name in a third account", async () => {
      const other = busArn(OTHER_ACCOUNT, "idc-jit-dev-access-requests");
      assert.equal(
        await putEvents(other, OTHER_ACCOUNT, admitting(REQUEST_ROLE, ["events:PutEvents"], other)),
        "ImplicitlyDenied",
      );
    });

    it("cannot put events on its own account's feedback bus or default bus", async () => {
      assert.equal(await putEvents(LEGACY_FEEDBACK_BUS, REQUESTER), "ImplicitlyDenied");
      assert.equal(await putEvents(busArn(REQUESTER, "default"), REQUESTER), "ImplicitlyDenied");
    });

    for (const [action, resource] of [
      ["sns:Publish", "arn:aws:sns:eu-west-1:111122223333:idc-jit-dev-notifications"],
      [
        "ssm:SendAutomationSignal",
        `arn:aws:ssm:eu-west-1:${REQUESTER}:automation-execution/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`,
      ],
      ["ssm:StartAutomationExecution", `arn:aws:ssm:eu-west-1:${REQUESTER}:document/idc-jit-dev-request-access`],
    ]) {
      it(`cannot do anything else, such as ${action}`, async () => {
        const decision = await decide({
          principal: REQUEST_ROLE,
          action,
          resource,
          resourceAccount: resource.split(":")[4],
          identityPolicies: [rolePolicy],
        });
        assert.equal(decision, "ImplicitlyDenied");
      });
    }
  });
});
