import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { decide } from "../../support/iam";
import {
  ALERT_ROLE,
  automationExecutionArn,
  GRANT_WORKFLOW_ROLE,
  MANAGEMENT,
  OTHER_ACCOUNT,
  planFor,
  roleArn,
  ruleArn,
  ssmArn,
} from "./fixtures";

const REQUEST_BUS_NAME = "idc-jit-dev-access-requests";

interface RuleRole {
  role: string;
  rule: string;
  document: string;
  documentRole: string;
}

const grant: RuleRole = {
  role: "idc-jit-dev-grant-rule",
  rule: "idc-jit-dev-start-grant",
  document: "idc-jit-dev-grant-access",
  documentRole: GRANT_WORKFLOW_ROLE,
};
const alert: RuleRole = {
  role: "idc-jit-dev-invalid-request-alert-rule",
  rule: "idc-jit-dev-invalid-request-alert",
  document: "idc-jit-dev-invalid-request-alert",
  documentRole: ALERT_ROLE,
};

for (const [own, other] of [
  [grant, alert],
  [alert, grant],
]) {
  describe(`the rule role ${own.role}`, () => {
    let trust: PolicyDocument;
    let rolePolicy: PolicyDocument;
    const principal = roleArn(MANAGEMENT, own.role);

    before(async () => {
      ({ trust, policy: rolePolicy } = (await planFor()).role(own.role));
    });

    describe("trust", () => {
      const assume = (service: string, sourceArn: string, sourceAccount = MANAGEMENT) =>
        decide({
          principal: service,
          action: "sts:AssumeRole",
          resource: principal,
          resourceAccount: MANAGEMENT,
          resourcePolicy: trust,
          context: { "aws:SourceAccount": sourceAccount, "aws:SourceArn": sourceArn },
        });

      it(`admits EventBridge for its own rule (${own.rule} on the request bus)`, async () => {
        assert.equal(await assume("events.amazonaws.com", ruleArn(REQUEST_BUS_NAME, own.rule)), "Allowed");
      });

      it(`does not admit EventBridge for the other rule (${other.rule})`, async () => {
        assert.equal(await assume("events.amazonaws.com", ruleArn(REQUEST_BUS_NAME, other.rule)), "ImplicitlyDenied");
      });

      it("does not admit EventBridge for a rule of the same name on the default bus", async () => {
        assert.equal(await assume("events.amazonaws.com", ruleArn(undefined, own.rule)), "ImplicitlyDenied");
      });

      it("does not admit EventBridge for a rule of the same name in another account", async () => {
        const foreign = ruleArn(REQUEST_BUS_NAME, own.rule, OTHER_ACCOUNT);
        assert.equal(await assume("events.amazonaws.com", foreign, OTHER_ACCOUNT), "ImplicitlyDenied");
      });

      it("does not admit another service", async () => {
        assert.equal(await assume("ssm.amazonaws.com", ruleArn(REQUEST_BUS_NAME, own.rule)), "ImplicitlyDenied");
      });
    });

    describe("permissions", () => {
      const as = (action: string, resource: string, context?: Record<string, string>) =>
        decide({
          principal,
          action,
          resource,
          resourceAccount: MANAGEMENT,
          identityPolicies: [rolePolicy],
          context,
        });
      const start = (resource: string) => as("ssm:StartAutomationExecution", resource);

      it(`can start its own document (${own.document}) by its document ARN`, async () => {
        assert.equal(await start(ssmArn(MANAGEMENT, `document/${own.document}`)), "Allowed");
      });

      for (const version of ["$LATEST", "$DEFAULT", "3"]) {
        it(`can start its own document by its automation-definition ARN, version ${version}`, async () => {
          assert.equal(await start(ssmArn(MANAGEMENT, `automation-definition/${own.document}:${version}`)), "Allowed");
        });
      }

      it("can create the automation execution it starts", async () => {
        assert.equal(await start(automationExecutionArn(MANAGEMENT)), "Allowed");
      });

      it(`cannot start the other document (${other.document}), in either ARN form`, async () => {
        assert.equal(await start(ssmArn(MANAGEMENT, `document/${other.document}`)), "ImplicitlyDenied");
        const definition = ssmArn(MANAGEMENT, `automation-definition/${other.document}:$LATEST`);
        assert.equal(await start(definition), "ImplicitlyDenied");
      });

      it("cannot start an AWS-owned or look-alike document", async () => {
        assert.equal(await start(ssmArn(MANAGEMENT, "document/AWS-RunShellScript")), "ImplicitlyDenied");
        assert.equal(await start(ssmArn(MANAGEMENT, `document/${own.document}-copy`)), "ImplicitlyDenied");
        const lookAlike = ssmArn(MANAGEMENT, `automation-definition/${own.document}-copy:$LATEST`);
        assert.equal(await start(lookAlike), "ImplicitlyDenied");
      });

      it("can pass its document's role to Systems Manager", async () => {
        const decision = await as("iam:PassRole", own.documentRole, { "iam:PassedToService": "ssm.amazonaws.com" });
        assert.equal(decision, "Allowed");
      });

      it("cannot pass its document's role to another service, or without naming the service", async () => {
        const toLambda = await as("iam:PassRole", own.documentRole, { "iam:PassedToService": "lambda.amazonaws.com" });
        assert.equal(toLambda, "ImplicitlyDenied");
        assert.equal(await as("iam:PassRole", own.documentRole), "ImplicitlyDenied");
      });

      it("cannot pass the other document's role, nor itself", async () => {
        const context = { "iam:PassedToService": "ssm.amazonaws.com" };
        assert.equal(await as("iam:PassRole", other.documentRole, context), "ImplicitlyDenied");
        assert.equal(await as("iam:PassRole", principal, context), "ImplicitlyDenied");
      });
    });
  });
}
