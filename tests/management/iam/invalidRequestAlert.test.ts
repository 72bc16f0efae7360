import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { decide } from "../../support/iam";
import {
  ALERT_ROLE,
  admitting,
  automationExecutionArn,
  LEGACY_FEEDBACK_BUS,
  MANAGEMENT,
  planFor,
  REGION,
  REQUESTER,
  TOPIC,
} from "./fixtures";

describe("the invalid-request alert role (idc-jit-dev-invalid-request-alert)", () => {
  let trust: PolicyDocument;
  let alertPolicy: PolicyDocument;

  before(async () => {
    const plan = await planFor();
    ({ trust, policy: alertPolicy } = plan.role("idc-jit-dev-invalid-request-alert"));
  });

  const assume = (sourceAccount: string) =>
    decide({
      principal: "ssm.amazonaws.com",
      action: "sts:AssumeRole",
      resource: ALERT_ROLE,
      resourceAccount: MANAGEMENT,
      resourcePolicy: trust,
      context: { "aws:SourceAccount": sourceAccount, "aws:SourceArn": automationExecutionArn(sourceAccount) },
    });
  const as = (action: string, resource: string, resourceAccount: string, resourcePolicy?: PolicyDocument) =>
    decide({
      principal: ALERT_ROLE,
      action,
      resource,
      resourceAccount,
      identityPolicies: [alertPolicy],
      resourcePolicy,
    });

  it("admits Systems Manager for the management account's automation executions, not another account's", async () => {
    assert.equal(await assume(MANAGEMENT), "Allowed");
    assert.equal(await assume(REQUESTER), "ImplicitlyDenied");
  });

  it("can publish to the stack's notification topic, and no other", async () => {
    assert.equal(await as("sns:Publish", TOPIC, MANAGEMENT), "Allowed");
    const other = `arn:aws:sns:${REGION}:${MANAGEMENT}:other-topic`;
    assert.equal(await as("sns:Publish", other, MANAGEMENT), "ImplicitlyDenied");
  });

  it("cannot send feedback to the requester account, even where the feedback bus would admit it", async () => {
    const feedbackBusPolicy = admitting(ALERT_ROLE, ["events:PutEvents"], LEGACY_FEEDBACK_BUS);
    assert.equal(await as("events:PutEvents", LEGACY_FEEDBACK_BUS, REQUESTER, feedbackBusPolicy), "ImplicitlyDenied");
  });
});
