import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { permissionSetArn } from "../../../tools/mocks";
import { decide } from "../../support/iam";
import type { Overrides, Plan } from "../../support/plan";
import { functionArn, GRANT_TABLE, INSTANCE_ARN, MANAGEMENT, planFor, roleArn, SCHEDULER_ROLE } from "./fixtures";

const REVOKE: Overrides = { "jit:revokeOpenSessions": true };
const REVOKER = "idc-jit-dev-session-revoker";
const ADMIN_SET = permissionSetArn(INSTANCE_ARN, "AWSAdministratorAccess");
const SOLUTION_SET = permissionSetArn(INSTANCE_ARN, "ApproveAWSAccountAccess");
const CANARY_SET = permissionSetArn(INSTANCE_ARN, "JitVerifyCanary");
/** The canary (jit:verify) denies everything already and its inline policy is the stack's: left out. */
const REVOKER_SETTING = { functionArn: functionArn(REVOKER), exceptSets: ["JitVerifyCanary"] };
/** A function's JSON settings, from its environment variable. */
const settingsOf = (plan: Plan, fn: string, variable: string) =>
  JSON.parse(
    (
      plan.byPhysicalName("aws:lambda/function:Function", fn).inputs.environment as {
        variables: Record<string, string>;
      }
    ).variables[variable],
  );
const endSettings = (plan: Plan) => settingsOf(plan, "idc-jit-dev-end-access", "JIT_END_ACCESS");

describe("jit:revokeOpenSessions in the management plan", () => {
  let on: Plan;
  let off: Plan;
  let revoker: PolicyDocument;
  before(async () => {
    [on, off] = await Promise.all([planFor(REVOKE), planFor()]);
    revoker = on.role(REVOKER).policy;
  });
  const as = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    decide({
      principal: roleArn(MANAGEMENT, REVOKER),
      action,
      resource,
      resourceAccount: MANAGEMENT,
      identityPolicies: [revoker],
      context,
    });

  it("off (the default): no revoker, and neither the end function nor the reconciler schedules one", () => {
    assert.equal(off.ofType("aws:lambda/function:Function").filter((f) => f.inputs.name === REVOKER).length, 0);
    assert.equal(endSettings(off).sessionRevoker, undefined);
    assert.equal(settingsOf(off, "idc-jit-dev-reconciler", "JIT_RECONCILER").sessionRevoker, undefined);
  });

  it("on: the reconciler, which ends overdue grants, schedules the revoker too", () => {
    assert.deepEqual(settingsOf(on, "idc-jit-dev-reconciler", "JIT_RECONCILER").sessionRevoker, REVOKER_SETTING);
  });

  it("on: the revoker function, named in the end function's settings, which the scheduler role may invoke", async () => {
    on.byPhysicalName("aws:lambda/function:Function", REVOKER);
    assert.deepEqual(endSettings(on).sessionRevoker, REVOKER_SETTING);
    const scheduler = on.role("idc-jit-dev-end-schedule").policy;
    const invoke = (fn: string) =>
      decide({
        principal: SCHEDULER_ROLE,
        action: "lambda:InvokeFunction",
        resource: functionArn(fn),
        resourceAccount: MANAGEMENT,
        identityPolicies: [scheduler],
      });
    assert.equal(await invoke(REVOKER), "Allowed");
    assert.equal(await invoke("idc-jit-dev-request-check"), "ImplicitlyDenied");
  });

  it("the revoker writes and provisions the requestable sets' inline policies only", async () => {
    for (const action of [
      "sso:GetInlinePolicyForPermissionSet",
      "sso:PutInlinePolicyToPermissionSet",
      "sso:ProvisionPermissionSet",
    ]) {
      assert.equal(await as(action, ADMIN_SET), "Allowed", action);
      assert.equal(await as(action, SOLUTION_SET), "ImplicitlyDenied", `${action} on a solution set`);
      assert.equal(await as(action, CANARY_SET), "ImplicitlyDenied", `${action} on the verify canary`);
    }
    assert.equal(await as("sso:ProvisionPermissionSet", "arn:aws:sso:::account/777788889999"), "Allowed");
    assert.equal(await as("sso:DescribePermissionSetProvisioningStatus", INSTANCE_ARN), "Allowed");
    assert.equal(await as("sso:DeleteInlinePolicyFromPermissionSet", ADMIN_SET), "ImplicitlyDenied");
    assert.equal(await as("sso:DeleteAccountAssignment", ADMIN_SET), "ImplicitlyDenied");
  });

  it("the revoker writes its lock items in the ledger, and no grant", async () => {
    const keys = (key: string) => ({ "dynamodb:LeadingKeys": [key] });
    for (const action of ["dynamodb:PutItem", "dynamodb:DeleteItem"]) {
      assert.equal(await as(action, GRANT_TABLE, keys(`sessionpolicy#${ADMIN_SET}`)), "Allowed", action);
      assert.equal(
        await as(action, GRANT_TABLE, keys("grant#0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")),
        "ImplicitlyDenied",
      );
    }
    assert.equal(await as("dynamodb:UpdateItem", GRANT_TABLE, keys(`sessionpolicy#${ADMIN_SET}`)), "ImplicitlyDenied");
  });
});
