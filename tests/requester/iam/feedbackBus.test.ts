import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { decide } from "../../support/iam";
import {
  allowing,
  FEEDBACK_BUS,
  GRANT_WORKFLOW_ROLE,
  MANAGEMENT,
  OTHER_ACCOUNT,
  REQUESTER,
  requesterPlanFor,
  roleArn,
} from "../fixtures";

describe("the feedback bus policy", () => {
  let busPolicy: PolicyDocument;

  before(async () => {
    const plan = await requesterPlanFor();
    busPolicy = plan.jsonInput(
      plan.one("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "feedback-bus-policy"),
      "policy",
    );
  });

  /** `principal` sends an event to the feedback bus, its own account allowing it events:PutEvents anywhere. */
  const putEvents = (principal: string, withPolicy = true) =>
    decide({
      principal,
      action: "events:PutEvents",
      resource: FEEDBACK_BUS,
      resourceAccount: REQUESTER,
      identityPolicies: [allowing(["events:PutEvents"])],
      resourcePolicy: withPolicy ? busPolicy : undefined,
    });

  it("lets the management account's grant workflow role (idc-jit-dev-grant-workflow) put events on the bus", async () => {
    assert.equal(await putEvents(GRANT_WORKFLOW_ROLE), "Allowed");
  });

  it("is what admits it: without it, the workflow role cannot put events across accounts", async () => {
    assert.equal(await putEvents(GRANT_WORKFLOW_ROLE, false), "ImplicitlyDenied");
  });

  for (const [who, principal] of [
    ["the grant rule role", roleArn(MANAGEMENT, "idc-jit-dev-grant-rule")],
    ["the invalid-request alert role", roleArn(MANAGEMENT, "idc-jit-dev-invalid-request-alert")],
    ["the permission-set sync role", roleArn(MANAGEMENT, "idc-jit-dev-permission-set-sync")],
    ["an administrator role", roleArn(MANAGEMENT, "Admin")],
    ["a role named idc-jit-dev-grant-workflow under a path", roleArn(MANAGEMENT, "team/idc-jit-dev-grant-workflow")],
    ["a role whose name starts with idc-jit-dev-grant-workflow", roleArn(MANAGEMENT, "idc-jit-dev-grant-workflow-2")],
  ]) {
    it(`does not let another management-account role (${who}) put events on the bus`, async () => {
      assert.equal(await putEvents(principal), "ImplicitlyDenied");
    });
  }

  it("does not let a role named idc-jit-dev-grant-workflow in a third account put events on the bus", async () => {
    assert.equal(await putEvents(roleArn(OTHER_ACCOUNT, "idc-jit-dev-grant-workflow")), "ImplicitlyDenied");
  });
});
