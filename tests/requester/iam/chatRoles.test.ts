import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { decide } from "../../support/iam";
import {
  automationDefinitionArn,
  automationExecutionArn,
  CHANGE_TEMPLATE,
  CHATBOT_APPROVER_ROLE,
  CHATBOT_APPROVER_ROLE_NAME,
  CHATBOT_REQUESTER_ROLE,
  CHATBOT_REQUESTER_ROLE_NAME,
  documentArn,
  OTHER_ACCOUNT,
  OTHER_REGION,
  REQUEST_RUNBOOK,
  REQUESTER,
  requesterPlanFor,
  roleArn,
  SLACK_CHAT,
  ssmArn,
} from "../fixtures";
import { assume } from "./assume";

interface ChatRole {
  name: string;
  arn: string;
  trust: PolicyDocument;
  policy: PolicyDocument;
}

const roles: Record<"requester" | "approver", ChatRole> = {
  requester: { name: CHATBOT_REQUESTER_ROLE_NAME, arn: CHATBOT_REQUESTER_ROLE } as ChatRole,
  approver: { name: CHATBOT_APPROVER_ROLE_NAME, arn: CHATBOT_APPROVER_ROLE } as ChatRole,
};

describe("the chat roles, in chat-only mode", () => {
  before(async () => {
    const plan = await requesterPlanFor(SLACK_CHAT);
    for (const role of Object.values(roles)) Object.assign(role, plan.role(role.name));
  });

  const as = (role: ChatRole, action: string, resource: string, context?: Record<string, string>) =>
    decide({
      principal: role.arn,
      action,
      resource,
      resourceAccount: REQUESTER,
      identityPolicies: [role.policy],
      context,
    });

  for (const role of Object.values(roles)) {
    describe(`the chat role ${role.name}: trust`, () => {
      it("admits AWS Chatbot", async () => {
        assert.equal(await assume(role.trust, role.arn, "chatbot.amazonaws.com"), "Allowed");
      });

      it("does not admit another service, nor a role of the account", async () => {
        assert.equal(await assume(role.trust, role.arn, "ssm.amazonaws.com"), "ImplicitlyDenied");
        const admin = await decide({
          principal: roleArn(REQUESTER, "Admin"),
          action: "sts:AssumeRole",
          resource: role.arn,
          resourceAccount: REQUESTER,
          resourcePolicy: role.trust,
        });
        assert.equal(admin, "ImplicitlyDenied");
      });
    });
  }

  describe(`the chat requester role (${CHATBOT_REQUESTER_ROLE_NAME}): permissions`, () => {
    const template = automationDefinitionArn(CHANGE_TEMPLATE, "$DEFAULT");
    const raise = (resource: string, autoApprove?: "true" | "false") =>
      as(
        roles.requester,
        "ssm:StartChangeRequestExecution",
        resource,
        autoApprove === undefined ? undefined : { "ssm:AutoApprove": autoApprove },
      );

    it("can raise a change request from the change template, and run its runbook, without auto-approval", async () => {
      assert.equal(await raise(template, "false"), "Allowed");
      assert.equal(await raise(documentArn(CHANGE_TEMPLATE), "false"), "Allowed");
      assert.equal(await raise(documentArn(REQUEST_RUNBOOK), "false"), "Allowed");
      assert.equal(await raise(automationExecutionArn(), "false"), "Allowed");
    });

    it("cannot raise a change request that asks for auto-approval", async () => {
      assert.equal(await raise(template, "true"), "ImplicitlyDenied");
      assert.equal(await raise(documentArn(REQUEST_RUNBOOK), "true"), "ImplicitlyDenied");
    });

    it("cannot raise a change request from another template", async () => {
      assert.equal(await raise(automationDefinitionArn("AWS-CreateSnapshot", "$DEFAULT"), "false"), "ImplicitlyDenied");
      assert.equal(await raise(documentArn(`${CHANGE_TEMPLATE}-copy`), "false"), "ImplicitlyDenied");
    });

    it("cannot start the request runbook directly, skipping the approval", async () => {
      const start = (resource: string) => as(roles.requester, "ssm:StartAutomationExecution", resource);
      assert.equal(await start(documentArn(REQUEST_RUNBOOK)), "ImplicitlyDenied");
      assert.equal(await start(automationDefinitionArn(REQUEST_RUNBOOK, "$DEFAULT")), "ImplicitlyDenied");
    });

    it("cannot approve, reject or cancel a request", async () => {
      for (const action of ["ssm:SendAutomationSignal", "ssm:StopAutomationExecution"]) {
        assert.equal(await as(roles.requester, action, automationExecutionArn()), "ImplicitlyDenied", action);
      }
    });

    it("can read change requests and documents, to show them in the channel", async () => {
      assert.equal(await as(roles.requester, "ssm:GetAutomationExecution", automationExecutionArn()), "Allowed");
      assert.equal(
        await as(roles.requester, "ssm:GetOpsItem", ssmArn(REQUESTER, "opsitem/oi-0123456789ab")),
        "Allowed",
      );
      assert.equal(await as(roles.requester, "ssm:DescribeDocument", documentArn(CHANGE_TEMPLATE)), "Allowed");
    });
  });

  describe("the chat roles' reads are scoped to the requester account's form and requests", () => {
    for (const key of ["requester", "approver"] as const) {
      it(`${key}: reads the form's documents, and no other document`, async () => {
        const role = roles[key];
        for (const doc of [CHANGE_TEMPLATE, REQUEST_RUNBOOK]) {
          assert.equal(await as(role, "ssm:GetDocument", documentArn(doc)), "Allowed", doc);
        }
        assert.equal(await as(role, "ssm:GetDocument", documentArn("AWS-RunShellScript")), "ImplicitlyDenied");
        assert.equal(await as(role, "ssm:DescribeDocument", documentArn("another-team-runbook")), "ImplicitlyDenied");
      });

      it(`${key}: reads executions and OpsItems of the requester account only`, async () => {
        const role = roles[key];
        assert.equal(
          await as(role, "ssm:GetAutomationExecution", automationExecutionArn(OTHER_ACCOUNT)),
          "ImplicitlyDenied",
        );
        assert.equal(
          await as(role, "ssm:GetOpsItem", ssmArn(OTHER_ACCOUNT, "opsitem/oi-0123456789ab")),
          "ImplicitlyDenied",
        );
        assert.equal(await as(role, "ssm:GetParameter", ssmArn(REQUESTER, "parameter/secret")), "ImplicitlyDenied");
      });
    }
  });

  describe(`the chat approver role (${CHATBOT_APPROVER_ROLE_NAME}): permissions`, () => {
    it("can approve or reject (ssm:SendAutomationSignal) executions of the requester account", async () => {
      assert.equal(await as(roles.approver, "ssm:SendAutomationSignal", automationExecutionArn()), "Allowed");
    });

    it("can cancel a request (an execution tagged with its requester), and stop no other execution", async () => {
      const stop = (context: Record<string, string>) =>
        as(roles.approver, "ssm:StopAutomationExecution", automationExecutionArn(), context);
      assert.equal(await stop({ "aws:ResourceTag/JitRequestedBy": "AROAEXAMPLEROLEID0001:alice" }), "Allowed");
      assert.equal(await stop({}), "ImplicitlyDenied");
    });

    for (const action of ["ssm:SendAutomationSignal", "ssm:StopAutomationExecution"]) {
      it(`cannot call ${action} on executions in another region or account`, async () => {
        assert.equal(
          await as(roles.approver, action, automationExecutionArn(REQUESTER, undefined, OTHER_REGION)),
          "ImplicitlyDenied",
        );
        assert.equal(await as(roles.approver, action, automationExecutionArn(OTHER_ACCOUNT)), "ImplicitlyDenied");
      });
    }

    it("cannot raise a change request, nor start an automation", async () => {
      const template = automationDefinitionArn(CHANGE_TEMPLATE, "$DEFAULT");
      const context = { "ssm:AutoApprove": "false" };
      assert.equal(await as(roles.approver, "ssm:StartChangeRequestExecution", template, context), "ImplicitlyDenied");
      assert.equal(
        await as(roles.approver, "ssm:StartAutomationExecution", documentArn(REQUEST_RUNBOOK)),
        "ImplicitlyDenied",
      );
    });

    it("can follow an execution's steps, to see what it approves", async () => {
      const decision = await as(roles.approver, "ssm:DescribeAutomationStepExecutions", automationExecutionArn());
      assert.equal(decision, "Allowed");
    });
  });
});
