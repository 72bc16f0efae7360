import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { decide } from "../../support/iam";
import {
  CLOUDTRAIL_LOG_GROUP,
  CLOUDTRAIL_SUMMARY_FUNCTION,
  logGroupArn,
  logStreamArn,
  MANAGEMENT,
  PERMISSION_SET_PATH,
  PERMISSION_SET_SYNC_FUNCTION,
  parameterArn,
  planFor,
  roleArn,
} from "./fixtures";

const FUNCTIONS = [
  { fn: PERMISSION_SET_SYNC_FUNCTION, other: CLOUDTRAIL_SUMMARY_FUNCTION },
  { fn: CLOUDTRAIL_SUMMARY_FUNCTION, other: PERMISSION_SET_SYNC_FUNCTION },
];

/** The function roles share their functions' names. */
const policies = new Map<string, { trust: PolicyDocument; policy: PolicyDocument }>();
const as = (role: string, action: string, resource: string) =>
  decide({
    principal: roleArn(MANAGEMENT, role),
    action,
    resource,
    resourceAccount: MANAGEMENT,
    identityPolicies: [policies.get(role)!.policy],
  });

describe("the inline functions' roles", () => {
  before(async () => {
    const plan = await planFor();
    for (const { fn } of FUNCTIONS) policies.set(fn, plan.role(fn));
  });

  for (const { fn, other } of FUNCTIONS) {
    describe(`${fn}`, () => {
      const assume = (service: string) =>
        decide({
          principal: service,
          action: "sts:AssumeRole",
          resource: roleArn(MANAGEMENT, fn),
          resourceAccount: MANAGEMENT,
          resourcePolicy: policies.get(fn)!.trust,
        });

      it("is assumed by Lambda", async () => {
        assert.equal(await assume("lambda.amazonaws.com"), "Allowed");
      });

      it("is not assumed by another service", async () => {
        assert.equal(await assume("ssm.amazonaws.com"), "ImplicitlyDenied");
        assert.equal(await assume("events.amazonaws.com"), "ImplicitlyDenied");
      });

      for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) {
        it(`can ${action} in its own log group, /aws/lambda/${fn}`, async () => {
          assert.equal(await as(fn, action, logStreamArn(`/aws/lambda/${fn}`)), "Allowed");
        });

        it(`cannot ${action} in another function's log group or the CloudTrail log group`, async () => {
          assert.equal(await as(fn, action, logStreamArn(`/aws/lambda/${other}`)), "ImplicitlyDenied");
          assert.equal(await as(fn, action, logStreamArn(`/aws/lambda/${fn}-copy`)), "ImplicitlyDenied");
          assert.equal(await as(fn, action, logStreamArn(CLOUDTRAIL_LOG_GROUP)), "ImplicitlyDenied");
        });
      }
    });
  }

  describe(`the permission set sync role may maintain parameters only under ${PERMISSION_SET_PATH}`, () => {
    const sync = (action: string, name: string) => as(PERMISSION_SET_SYNC_FUNCTION, action, parameterArn(name));
    const under = `${PERMISSION_SET_PATH}AWSReadOnlyAccess`;

    for (const action of ["ssm:PutParameter", "ssm:DeleteParameter", "ssm:GetParametersByPath"]) {
      it(`can ${action} under the path`, async () => {
        assert.equal(await sync(action, under), "Allowed");
      });
    }

    it("can list the path itself (GetParametersByPath names the path without its trailing slash)", async () => {
      assert.equal(await sync("ssm:GetParametersByPath", "/idc-jit/dev/permission-sets"), "Allowed");
    });

    for (const name of [
      "/idc-jit/dev",
      "/idc-jit/dev/other",
      "/idc-jit/prod/permission-sets/AWSReadOnlyAccess",
      "/idc-jit/dev/permission-sets-extra/AWSReadOnlyAccess",
    ]) {
      it(`cannot PutParameter, DeleteParameter or GetParametersByPath at ${name}`, async () => {
        for (const action of ["ssm:PutParameter", "ssm:DeleteParameter", "ssm:GetParametersByPath"]) {
          assert.equal(await sync(action, name), "ImplicitlyDenied", action);
        }
      });
    }

    it("cannot PutParameter or DeleteParameter the parameter named like the path, /idc-jit/dev/permission-sets", async () => {
      for (const action of ["ssm:PutParameter", "ssm:DeleteParameter"]) {
        assert.equal(await sync(action, "/idc-jit/dev/permission-sets"), "ImplicitlyDenied", action);
      }
    });
  });

  describe("the CloudTrail summary role may query only the CloudTrail log group", () => {
    const summary = (action: string, group: string) => as(CLOUDTRAIL_SUMMARY_FUNCTION, action, logGroupArn(group));

    it(`can logs:StartQuery on ${CLOUDTRAIL_LOG_GROUP}`, async () => {
      assert.equal(await summary("logs:StartQuery", CLOUDTRAIL_LOG_GROUP), "Allowed");
    });

    for (const group of [`/aws/lambda/${PERMISSION_SET_SYNC_FUNCTION}`, "aws-controltower/Other", "CloudTrailLogs"]) {
      it(`cannot logs:StartQuery on ${group}`, async () => {
        assert.equal(await summary("logs:StartQuery", group), "ImplicitlyDenied");
      });
    }
  });
});
