import assert from "node:assert/strict";
import { parse } from "yaml";
import { type GrantDocumentArgs, grantDocument } from "../../../management/grantWorkflow/document";
import { ACCOUNT_ASSIGNMENT_GUARD, checkDocument } from "../../../shared/ssm/check";
import { toYaml } from "../../../shared/ssm/serialize";
import { errors } from "./support/documents";

const args: GrantDocumentArgs = {
  assumeRoleArn: "arn:aws:iam::111111111111:role/idc-jit-dev-grant-workflow",
  topicArn: "arn:aws:sns:eu-west-1:111111111111:idc-jit-dev-notifications",
  feedbackBusArn: "arn:aws:events:eu-west-1:222222222222:event-bus/idc-jit-dev-feedback",
  instanceArn: "arn:aws:sso:::instance/ssoins-0123456789abcdef",
  permissionSetParameterPath: "/idc-jit/dev/permission-sets/",
  checkReasonPath: "/idc-jit/dev/check-reasons/",
  requestCheckFunctionName: "idc-jit-dev-request-check",
  requestablePermissionSets: ["AWSAdministratorAccess", "AWSPowerUserAccess", "AWSReadOnlyAccess"],
  maxDuration: 8,
  durationUnit: "hours",
};

const variants: Record<string, GrantDocumentArgs> = {
  "without the CloudTrail summary": args,
  "with the CloudTrail summary after a wait": {
    ...args,
    cloudTrailSummary: { functionName: "idc-jit-dev-cloudtrail-summary", waitSeconds: 3600 },
  },
  "with the CloudTrail summary at once": {
    ...args,
    durationUnit: "minutes",
    maxDuration: 120,
    cloudTrailSummary: { functionName: "idc-jit-dev-cloudtrail-summary", waitSeconds: 0 },
  },
};

describe("the grant workflow document", () => {
  for (const [variant, documentArgs] of Object.entries(variants)) {
    it(`passes every check ${variant}, as the YAML given to SSM`, () => {
      const content = parse(toYaml(grantDocument(documentArgs)));
      const findings = checkDocument(content, "Automation", { guards: [ACCOUNT_ASSIGNMENT_GUARD] });
      assert.deepEqual(errors(findings), []);
    });
  }
});
