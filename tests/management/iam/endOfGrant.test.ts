import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { permissionSetArn } from "../../../tools/mocks";
import { decide } from "../../support/iam";
import {
  automationExecutionArn,
  CLOUDTRAIL_SUMMARY_FUNCTION,
  DEAD_LETTER_QUEUE,
  END_DOCUMENT,
  END_FUNCTION,
  END_WORKFLOW_ROLE,
  functionArn,
  GRANT_TABLE,
  GRANT_WORKFLOW_ROLE,
  INSTANCE_ARN,
  MANAGEMENT,
  OPEN_INDEX,
  OTHER_ACCOUNT,
  planFor,
  RECONCILER_FUNCTION,
  REGION,
  REQUEST_CHECK_FUNCTION,
  roleArn,
  SCHEDULE_GROUP,
  SCHEDULER_ROLE,
  scheduleArn,
  ssmArn,
  TOPIC,
  WITHOUT_CLOUDTRAIL_SUMMARY,
} from "./fixtures";

const ADMIN_SET = permissionSetArn(INSTANCE_ARN, "AWSAdministratorAccess");
const SOLUTION_SET = permissionSetArn(INSTANCE_ARN, "ApproveAWSAccountAccess");
const groupArn = (group: string, account = MANAGEMENT) =>
  `arn:aws:scheduler:${REGION}:${account}:schedule-group/${group}`;
const endDefinition = `${ssmArn(MANAGEMENT, `automation-definition/${END_DOCUMENT}`)}:$DEFAULT`;

/** `principal`'s call with `policy`, in the management account unless the resource is another's. */
const acting =
  (principal: string, policy: () => PolicyDocument) =>
  (action: string, resource: string, context: Record<string, string> = {}) =>
    decide({ principal, action, resource, resourceAccount: MANAGEMENT, identityPolicies: [policy()], context });

describe("the end-of-grant roles", () => {
  let scheduler: { trust: PolicyDocument; policy: PolicyDocument };
  let endWorkflow: { trust: PolicyDocument; policy: PolicyDocument };
  let endFunction: { trust: PolicyDocument; policy: PolicyDocument };
  let checkAndGrant: { trust: PolicyDocument; policy: PolicyDocument };
  let grantWorkflow: PolicyDocument;

  before(async () => {
    const plan = await planFor();
    scheduler = plan.role("idc-jit-dev-end-schedule");
    endWorkflow = plan.role("idc-jit-dev-end-access-workflow");
    endFunction = plan.role("idc-jit-dev-end-access");
    checkAndGrant = plan.role("idc-jit-dev-request-check");
    grantWorkflow = plan.role("idc-jit-dev-grant-workflow").policy;
  });

  describe("the scheduler role (idc-jit-dev-end-schedule)", () => {
    const assume = (service: string, context: Record<string, string>) =>
      decide({
        principal: service,
        action: "sts:AssumeRole",
        resource: SCHEDULER_ROLE,
        resourceAccount: MANAGEMENT,
        resourcePolicy: scheduler.trust,
        context,
      });

    it("admits EventBridge Scheduler for the solution's schedule group in this account only", async () => {
      const own = { "aws:SourceAccount": MANAGEMENT, "aws:SourceArn": groupArn(SCHEDULE_GROUP) };
      assert.equal(await assume("scheduler.amazonaws.com", own), "Allowed");
      const otherGroup = { "aws:SourceAccount": MANAGEMENT, "aws:SourceArn": groupArn("default") };
      assert.equal(await assume("scheduler.amazonaws.com", otherGroup), "ImplicitlyDenied");
      const otherAccount = {
        "aws:SourceAccount": OTHER_ACCOUNT,
        "aws:SourceArn": groupArn(SCHEDULE_GROUP, OTHER_ACCOUNT),
      };
      assert.equal(await assume("scheduler.amazonaws.com", otherAccount), "ImplicitlyDenied");
      assert.equal(await assume("ssm.amazonaws.com", own), "ImplicitlyDenied");
    });

    it("may start the end-of-grant workflow, pass its role to Systems Manager, and dead-letter an end", async () => {
      const as = acting(SCHEDULER_ROLE, () => scheduler.policy);
      assert.equal(await as("ssm:StartAutomationExecution", endDefinition), "Allowed");
      const grantDefinition = `${ssmArn(MANAGEMENT, "automation-definition/idc-jit-dev-grant-access")}:$DEFAULT`;
      assert.equal(await as("ssm:StartAutomationExecution", grantDefinition), "ImplicitlyDenied");
      const pass = (service: string) => as("iam:PassRole", END_WORKFLOW_ROLE, { "iam:PassedToService": service });
      assert.equal(await pass("ssm.amazonaws.com"), "Allowed");
      assert.equal(await pass("lambda.amazonaws.com"), "ImplicitlyDenied");
      assert.equal(
        await as("iam:PassRole", GRANT_WORKFLOW_ROLE, { "iam:PassedToService": "ssm.amazonaws.com" }),
        "ImplicitlyDenied",
      );
      assert.equal(await as("sqs:SendMessage", DEAD_LETTER_QUEUE), "Allowed");
    });
  });

  describe("the reconciler's schedule role (idc-jit-dev-reconciler-schedule)", () => {
    it("admits EventBridge Scheduler for the solution's schedule group, as Scheduler names it, in this account only", async () => {
      const reconcilerSchedule = (await planFor()).role("idc-jit-dev-reconciler-schedule");
      const assume = (context: Record<string, string>) =>
        decide({
          principal: "scheduler.amazonaws.com",
          action: "sts:AssumeRole",
          resource: roleArn(MANAGEMENT, "idc-jit-dev-reconciler-schedule"),
          resourceAccount: MANAGEMENT,
          resourcePolicy: reconcilerSchedule.trust,
          context,
        });
      assert.equal(
        await assume({ "aws:SourceAccount": MANAGEMENT, "aws:SourceArn": groupArn(SCHEDULE_GROUP) }),
        "Allowed",
      );
      assert.equal(
        await assume({ "aws:SourceAccount": MANAGEMENT, "aws:SourceArn": groupArn("default") }),
        "ImplicitlyDenied",
      );
      const as = acting(roleArn(MANAGEMENT, "idc-jit-dev-reconciler-schedule"), () => reconcilerSchedule.policy);
      assert.equal(await as("lambda:InvokeFunction", functionArn(RECONCILER_FUNCTION)), "Allowed");
      assert.equal(await as("lambda:InvokeFunction", functionArn(END_FUNCTION)), "ImplicitlyDenied");
    });
  });

  describe("the end-of-grant workflow role (idc-jit-dev-end-access-workflow)", () => {
    it("is assumed by Systems Manager for this account's automation executions", async () => {
      const decision = await decide({
        principal: "ssm.amazonaws.com",
        action: "sts:AssumeRole",
        resource: END_WORKFLOW_ROLE,
        resourceAccount: MANAGEMENT,
        resourcePolicy: endWorkflow.trust,
        context: { "aws:SourceAccount": MANAGEMENT, "aws:SourceArn": automationExecutionArn(MANAGEMENT) },
      });
      assert.equal(decision, "Allowed");
    });

    it("invokes the end function, reads grant items and notifies; it removes nothing itself", async () => {
      const as = acting(END_WORKFLOW_ROLE, () => endWorkflow.policy);
      assert.equal(await as("lambda:InvokeFunction", functionArn(END_FUNCTION)), "Allowed");
      assert.equal(await as("lambda:InvokeFunction", functionArn(REQUEST_CHECK_FUNCTION)), "ImplicitlyDenied");
      assert.equal(await as("dynamodb:GetItem", GRANT_TABLE), "Allowed");
      assert.equal(await as("dynamodb:PutItem", GRANT_TABLE), "ImplicitlyDenied");
      assert.equal(await as("sns:Publish", TOPIC), "Allowed");
      assert.equal(await as("sso:DeleteAccountAssignment", INSTANCE_ARN), "ImplicitlyDenied");
    });
  });

  for (const [what, physical] of [
    ["the request check role, which grants", "idc-jit-dev-request-check"],
    ["the end function role", "idc-jit-dev-end-access"],
  ] as const) {
    describe(`${what} (${physical})`, () => {
      const role = roleArn(MANAGEMENT, physical);
      const policy = () => (physical === "idc-jit-dev-request-check" ? checkAndGrant : endFunction).policy;
      const as = acting(role, policy);

      it("assigns the requestable sets only, on the instance and the organization's accounts", async () => {
        const action = "sso:CreateAccountAssignment";
        assert.equal(await as(action, INSTANCE_ARN), "Allowed");
        assert.equal(await as(action, ADMIN_SET), "Allowed");
        assert.equal(await as(action, "arn:aws:sso:::account/777788889999"), "Allowed");
        assert.equal(await as(action, SOLUTION_SET), "ImplicitlyDenied");
        assert.equal(await as("sso:DescribeAccountAssignmentCreationStatus", INSTANCE_ARN), "Allowed");
      });

      // The end function must still end grants of a set an operator has since taken out of the rules.
      const removesAny = physical === "idc-jit-dev-end-access";
      it(`removes and lists assignments of ${removesAny ? "any set of the instance" : "the requestable sets only"}`, async () => {
        for (const action of ["sso:DeleteAccountAssignment", "sso:ListAccountAssignments"]) {
          assert.equal(await as(action, ADMIN_SET), "Allowed", action);
          assert.equal(await as(action, SOLUTION_SET), removesAny ? "Allowed" : "ImplicitlyDenied", action);
          assert.equal(
            await as(action, "arn:aws:sso:::permissionSet/ssoins-ffffffffffffffff/ps-0123456789abcdef"),
            "ImplicitlyDenied",
            `${action} on another instance's set`,
          );
        }
      });

      it("reads and writes single ledger items and queries the open index, nothing more", async () => {
        for (const action of ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]) {
          assert.equal(await as(action, GRANT_TABLE), "Allowed", action);
        }
        assert.equal(await as("dynamodb:Query", OPEN_INDEX), "Allowed");
        assert.equal(await as("dynamodb:Scan", GRANT_TABLE), "ImplicitlyDenied");
        assert.equal(await as("dynamodb:DeleteTable", GRANT_TABLE), "ImplicitlyDenied");
      });

      it("manages end schedules in the solution's group, passing the scheduler role to Scheduler only", async () => {
        const schedule = scheduleArn("end-9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6");
        for (const action of ["CreateSchedule", "UpdateSchedule", "DeleteSchedule", "GetSchedule"]) {
          assert.equal(await as(`scheduler:${action}`, schedule), "Allowed", action);
        }
        assert.equal(await as("scheduler:CreateSchedule", scheduleArn("x", "default")), "ImplicitlyDenied");
        assert.equal(
          await as("iam:PassRole", SCHEDULER_ROLE, { "iam:PassedToService": "scheduler.amazonaws.com" }),
          "Allowed",
        );
        assert.equal(
          await as("iam:PassRole", SCHEDULER_ROLE, { "iam:PassedToService": "ssm.amazonaws.com" }),
          "ImplicitlyDenied",
        );
      });

      it("cannot invoke functions or start automations", async () => {
        assert.equal(await as("lambda:InvokeFunction", functionArn(REQUEST_CHECK_FUNCTION)), "ImplicitlyDenied");
        assert.equal(await as("ssm:StartAutomationExecution", endDefinition), "ImplicitlyDenied");
      });
    });
  }

  describe("the CloudTrail summary (jit:cloudTrailSummary enabled): scheduled for when the sessions expire, not slept for", () => {
    const summary = functionArn(CLOUDTRAIL_SUMMARY_FUNCTION);

    it("the scheduler role invokes the summary function, and no other function", async () => {
      const as = acting(SCHEDULER_ROLE, () => scheduler.policy);
      assert.equal(await as("lambda:InvokeFunction", summary), "Allowed");
      for (const other of [END_FUNCTION, RECONCILER_FUNCTION, REQUEST_CHECK_FUNCTION]) {
        assert.equal(await as("lambda:InvokeFunction", functionArn(other)), "ImplicitlyDenied", other);
      }
      assert.equal(await as("lambda:InvokeFunction", summary.replace(MANAGEMENT, OTHER_ACCOUNT)), "ImplicitlyDenied");
    });

    it("the end function makes the summary's schedule in the solution's group, passing the scheduler role", async () => {
      const as = acting(roleArn(MANAGEMENT, "idc-jit-dev-end-access"), () => endFunction.policy);
      const name = "summary-9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
      assert.equal(await as("scheduler:CreateSchedule", scheduleArn(name)), "Allowed");
      assert.equal(await as("scheduler:CreateSchedule", scheduleArn(name, "default")), "ImplicitlyDenied");
      assert.equal(
        await as("iam:PassRole", SCHEDULER_ROLE, { "iam:PassedToService": "scheduler.amazonaws.com" }),
        "Allowed",
      );
      // It never invokes the summary itself.
      assert.equal(await as("lambda:InvokeFunction", summary), "ImplicitlyDenied");
    });

    it("the end-of-grant workflow role no longer invokes the summary: the schedule does", async () => {
      const as = acting(END_WORKFLOW_ROLE, () => endWorkflow.policy);
      assert.equal(await as("lambda:InvokeFunction", summary), "ImplicitlyDenied");
    });

    it("with no least wait (waitSeconds 0) too: the scheduler role invokes the summary, the workflow role does not", async () => {
      const plan = await planFor({ "jit:cloudTrailSummary": { enabled: true, waitSeconds: 0 } });
      const workflow = acting(END_WORKFLOW_ROLE, () => plan.role("idc-jit-dev-end-access-workflow").policy);
      assert.equal(await workflow("lambda:InvokeFunction", summary), "ImplicitlyDenied");
      const schedule = acting(SCHEDULER_ROLE, () => plan.role("idc-jit-dev-end-schedule").policy);
      assert.equal(await schedule("lambda:InvokeFunction", summary), "Allowed");
    });

    it("without the summary neither role invokes it", async () => {
      const plan = await planFor(WITHOUT_CLOUDTRAIL_SUMMARY);
      for (const [role, physical] of [
        [SCHEDULER_ROLE, "idc-jit-dev-end-schedule"],
        [END_WORKFLOW_ROLE, "idc-jit-dev-end-access-workflow"],
      ]) {
        const as = acting(role, () => plan.role(physical).policy);
        assert.equal(await as("lambda:InvokeFunction", summary), "ImplicitlyDenied", physical);
      }
    });
  });

  describe("the grant workflow role, for the new lifecycle", () => {
    const as = acting(GRANT_WORKFLOW_ROLE, () => grantWorkflow);

    it("invokes the request check (which grants), but not the end function or the reconciler", async () => {
      assert.equal(await as("lambda:InvokeFunction", functionArn(REQUEST_CHECK_FUNCTION)), "Allowed");
      assert.equal(await as("lambda:InvokeFunction", functionArn("idc-jit-dev-grant-access")), "ImplicitlyDenied");
      assert.equal(await as("lambda:InvokeFunction", functionArn(END_FUNCTION)), "ImplicitlyDenied");
      assert.equal(await as("lambda:InvokeFunction", functionArn(RECONCILER_FUNCTION)), "ImplicitlyDenied");
    });

    it("hands a failed grant over: starts the end-of-grant workflow and passes its role to Systems Manager", async () => {
      assert.equal(await as("ssm:StartAutomationExecution", endDefinition), "Allowed");
      assert.equal(
        await as("iam:PassRole", END_WORKFLOW_ROLE, { "iam:PassedToService": "ssm.amazonaws.com" }),
        "Allowed",
      );
      assert.equal(
        await as("iam:PassRole", END_WORKFLOW_ROLE, { "iam:PassedToService": "lambda.amazonaws.com" }),
        "ImplicitlyDenied",
      );
    });
  });
});
