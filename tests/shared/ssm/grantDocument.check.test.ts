import assert from "node:assert/strict";
import { parse } from "yaml";
import { type EndDocumentArgs, endDocument } from "../../../management/endOfGrant/document";
import { type GrantDocumentArgs, grantDocument } from "../../../management/grantWorkflow/document";
import { ACCOUNT_ASSIGNMENT_GUARD, checkDocument } from "../../../shared/ssm/check";
import { toYaml } from "../../../shared/ssm/serialize";
import { errors } from "./support/documents";

const args: GrantDocumentArgs = {
  assumeRoleArn: "arn:aws:iam::111111111111:role/idc-jit-dev-grant-workflow",
  topicArn: "arn:aws:sns:eu-west-1:111111111111:idc-jit-dev-notifications",
  checkReasonPath: "/idc-jit/dev/check-reasons/",
  requestCheckFunctionName: "idc-jit-dev-request-check",
  endDocumentName: "idc-jit-dev-end-access",
  requestablePermissionSets: ["AWSAdministratorAccess", "AWSPowerUserAccess", "AWSReadOnlyAccess"],
  maxDuration: 8,
  durationUnit: "hours",
};

const endArgs: EndDocumentArgs = {
  assumeRoleArn: "arn:aws:iam::111111111111:role/idc-jit-dev-end-access-workflow",
  topicArn: "arn:aws:sns:eu-west-1:111111111111:idc-jit-dev-notifications",
  endFunctionName: "idc-jit-dev-end-access",
  tableName: "idc-jit-dev-grant-ledger",
};

const check = (doc: unknown) =>
  errors(checkDocument(parse(toYaml(doc as never)), "Automation", { guards: [ACCOUNT_ASSIGNMENT_GUARD] }));

describe("the grant workflow document", () => {
  for (const durationUnit of ["hours", "minutes"] as const) {
    it(`passes every check with durations in ${durationUnit}, as the YAML given to SSM`, () => {
      assert.deepEqual(check(grantDocument({ ...args, durationUnit, maxDuration: 120 })), []);
    });
  }

  it("never sleeps: the grant's end is its schedule's", () => {
    const doc = grantDocument(args);
    assert.deepEqual(
      doc.steps.filter((s) => s.action === "aws:sleep" && s.name !== "End").map((s) => s.name),
      [],
    );
  });
});

describe("the end-of-grant workflow document", () => {
  it("passes every check, as the YAML given to SSM", () => {
    assert.deepEqual(check(endDocument(endArgs)), []);
  });

  it("never sleeps, and never invokes the CloudTrail summary: the end function schedules it", () => {
    const doc = endDocument(endArgs);
    assert.deepEqual(
      doc.steps.filter((s) => s.action === "aws:sleep" && s.name !== "End").map((s) => s.name),
      [],
    );
    assert.deepEqual(
      doc.steps.filter((s) => s.action === "aws:invokeLambdaFunction").map((s) => s.name),
      ["End_Access"],
    );
  });
});
