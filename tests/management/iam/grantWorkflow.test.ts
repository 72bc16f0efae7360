import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { permissionSetArn } from "../../../tools/mocks";
import { type Decision, decide } from "../../support/iam";
import {
  admitting,
  automationExecutionArn,
  busArn,
  functionArn,
  GRANT_WORKFLOW_ROLE,
  IDENTITY_STORE_ID,
  INSTANCE_ARN,
  INSTANCE_ID,
  LEGACY_FEEDBACK_BUS,
  MANAGEMENT,
  OTHER_ACCOUNT,
  OTHER_INSTANCE_ID,
  PERMISSION_SET_PATH,
  PERMISSION_SET_SYNC_FUNCTION,
  parameterArn,
  planFor,
  REGION,
  REQUEST_BUS,
  REQUESTER,
  roleArn,
  ssmArn,
  TOPIC,
  WITHOUT_CLOUDTRAIL_SUMMARY,
} from "./fixtures";

const permissionSet = (instanceId: string) => `arn:aws:sso:::permissionSet/${instanceId}/ps-0123456789abcdef`;
const account = (id: string) => `arn:aws:sso:::account/${id}`;
const identityStore = (id: string) => `arn:aws:identitystore::${MANAGEMENT}:identitystore/${id}`;
const CLOUDTRAIL_SUMMARY = functionArn("idc-jit-dev-cloudtrail-summary");

/** What the example's eligibility rules name, and the permission sets the solution creates for itself. */
const REQUESTABLE_SETS = ["AWSAdministratorAccess", "AWSPowerUserAccess", "NetworkAdministrator", "ViewOnlyAccess"];
const SOLUTION_SETS = ["RequestAWSAccountAccess", "RequestAccountAccessNoApproval", "ApproveAWSAccountAccess"];

describe("the grant workflow role (idc-jit-dev-grant-workflow)", () => {
  let trust: PolicyDocument;
  let workflowPolicy: PolicyDocument;
  let withoutSummary: PolicyDocument;
  let requestBusPolicy: PolicyDocument;

  before(async () => {
    const plan = await planFor();
    ({ trust, policy: workflowPolicy } = plan.role("idc-jit-dev-grant-workflow"));
    requestBusPolicy = plan.jsonInput(
      plan.one("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "request-bus-policy"),
      "policy",
    );
    withoutSummary = (await planFor(WITHOUT_CLOUDTRAIL_SUMMARY)).role("idc-jit-dev-grant-workflow").policy;
  });

  describe("trust", () => {
    /** Whether `service` may assume the role, given the source context AWS sets for the call. */
    const assume = (service: string, context: Record<string, string>) =>
      decide({
        principal: service,
        action: "sts:AssumeRole",
        resource: GRANT_WORKFLOW_ROLE,
        resourceAccount: MANAGEMENT,
        resourcePolicy: trust,
        context,
      });
    const execution = (owner: string) => automationExecutionArn(owner);

    it("admits Systems Manager running an automation execution of the management account", async () => {
      const context = { "aws:SourceAccount": MANAGEMENT, "aws:SourceArn": execution(MANAGEMENT) };
      assert.equal(await assume("ssm.amazonaws.com", context), "Allowed");
    });

    it("does not admit Systems Manager acting for another account's automation execution", async () => {
      const context = { "aws:SourceAccount": REQUESTER, "aws:SourceArn": execution(REQUESTER) };
      assert.equal(await assume("ssm.amazonaws.com", context), "ImplicitlyDenied");
    });

    it("does not admit a management-account source whose ARN is another account's automation execution", async () => {
      const context = { "aws:SourceAccount": MANAGEMENT, "aws:SourceArn": execution(OTHER_ACCOUNT) };
      assert.equal(await assume("ssm.amazonaws.com", context), "ImplicitlyDenied");
    });

    it("does not admit Systems Manager for something other than an automation execution", async () => {
      const maintenanceWindow = ssmArn(MANAGEMENT, "maintenancewindow/mw-0123456789abcdef0");
      const context = { "aws:SourceAccount": MANAGEMENT, "aws:SourceArn": maintenanceWindow };
      assert.equal(await assume("ssm.amazonaws.com", context), "ImplicitlyDenied");
    });

    it("does not admit Systems Manager without the source account and ARN", async () => {
      assert.equal(await assume("ssm.amazonaws.com", {}), "ImplicitlyDenied");
    });

    it("does not admit another service", async () => {
      const context = { "aws:SourceAccount": MANAGEMENT, "aws:SourceArn": execution(MANAGEMENT) };
      assert.equal(await assume("lambda.amazonaws.com", context), "ImplicitlyDenied");
      assert.equal(await assume("events.amazonaws.com", context), "ImplicitlyDenied");
    });
  });

  describe("permissions", () => {
    const as = (
      action: string,
      resource: string,
      opts: { policy?: PolicyDocument; resourceAccount?: string; resourcePolicy?: PolicyDocument } = {},
    ): Promise<Decision> =>
      decide({
        principal: GRANT_WORKFLOW_ROLE,
        action,
        resource,
        resourceAccount: opts.resourceAccount ?? MANAGEMENT,
        identityPolicies: [opts.policy ?? workflowPolicy],
        resourcePolicy: opts.resourcePolicy,
      });

    for (const action of ["sso:CreateAccountAssignment", "sso:DeleteAccountAssignment"]) {
      describe(action, () => {
        it("is allowed on the configured Identity Center instance", async () => {
          assert.equal(await as(action, INSTANCE_ARN), "Allowed");
        });

        it("is allowed on each requestable permission set, as Identity Center names it when the stack deploys", async () => {
          for (const name of REQUESTABLE_SETS) {
            assert.equal(await as(action, permissionSetArn(INSTANCE_ARN, name)), "Allowed", name);
          }
        });

        it("is not allowed on the instance's other permission sets: the solution's own, or any other", async () => {
          for (const name of [...SOLUTION_SETS, "AWSOrganizationsFullAccess"]) {
            assert.equal(await as(action, permissionSetArn(INSTANCE_ARN, name)), "ImplicitlyDenied", name);
          }
          assert.equal(await as(action, permissionSet(INSTANCE_ID)), "ImplicitlyDenied");
        });

        it("is allowed on the organization's accounts", async () => {
          assert.equal(await as(action, account(REQUESTER)), "Allowed");
          assert.equal(await as(action, account(OTHER_ACCOUNT)), "Allowed");
        });

        it("is not allowed on another instance or its permission sets", async () => {
          assert.equal(await as(action, `arn:aws:sso:::instance/${OTHER_INSTANCE_ID}`), "ImplicitlyDenied");
          assert.equal(await as(action, permissionSet(OTHER_INSTANCE_ID)), "ImplicitlyDenied");
        });
      });
    }

    for (const action of [
      "sso:DescribeAccountAssignmentCreationStatus",
      "sso:DescribeAccountAssignmentDeletionStatus",
    ]) {
      it(`can ${action} on the configured instance, and not on another`, async () => {
        assert.equal(await as(action, INSTANCE_ARN), "Allowed");
        assert.equal(await as(action, `arn:aws:sso:::instance/${OTHER_INSTANCE_ID}`), "ImplicitlyDenied");
      });
    }

    it("can resolve a user name (identitystore:GetUserId) in the configured identity store, for its users", async () => {
      assert.equal(await as("identitystore:GetUserId", identityStore(IDENTITY_STORE_ID)), "Allowed");
      assert.equal(await as("identitystore:GetUserId", "arn:aws:identitystore:::user/9a67e2b1-0123-4567"), "Allowed");
    });

    it("can name the organization's accounts (organizations:DescribeAccount), and only those", async () => {
      const ownOrganization = (id: string) => `arn:aws:organizations::${MANAGEMENT}:account/o-a1b2c3d4e5/${id}`;
      assert.equal(await as("organizations:DescribeAccount", ownOrganization(REQUESTER)), "Allowed");
      assert.equal(await as("organizations:DescribeAccount", ownOrganization(OTHER_ACCOUNT)), "Allowed");
      const otherOrganization = `arn:aws:organizations::${OTHER_ACCOUNT}:account/o-z9y8x7w6v5/${REQUESTER}`;
      assert.equal(await as("organizations:DescribeAccount", otherOrganization), "ImplicitlyDenied");
    });

    it("cannot resolve user names in another identity store", async () => {
      assert.equal(await as("identitystore:GetUserId", identityStore("d-0000000000")), "ImplicitlyDenied");
    });

    it(`can read permission set parameters under ${PERMISSION_SET_PATH}`, async () => {
      assert.equal(await as("ssm:GetParameter", parameterArn(`${PERMISSION_SET_PATH}AWSReadOnlyAccess`)), "Allowed");
    });

    for (const name of [
      "/idc-jit/dev/other",
      "/idc-jit/prod/permission-sets/AWSReadOnlyAccess",
      "/idc-jit/dev/permission-sets-extra/AWSReadOnlyAccess",
    ]) {
      it(`cannot read the parameter ${name}`, async () => {
        assert.equal(await as("ssm:GetParameter", parameterArn(name)), "ImplicitlyDenied");
      });
    }

    it("can publish to the stack's notification topic", async () => {
      assert.equal(await as("sns:Publish", TOPIC, {}), "Allowed");
    });

    it("cannot publish to another topic", async () => {
      assert.equal(await as("sns:Publish", `arn:aws:sns:${REGION}:${MANAGEMENT}:other-topic`), "ImplicitlyDenied");
    });

    it("cannot put events on a bus of the requester account, even one that admits it: it reports by notification", async () => {
      const feedbackBusPolicy = admitting(GRANT_WORKFLOW_ROLE, ["events:PutEvents"], LEGACY_FEEDBACK_BUS);
      const decision = await as("events:PutEvents", LEGACY_FEEDBACK_BUS, {
        resourceAccount: REQUESTER,
        resourcePolicy: feedbackBusPolicy,
      });
      assert.equal(decision, "ImplicitlyDenied");
    });

    it("cannot put events on the request bus, nor on another bus of the requester account", async () => {
      assert.equal(await as("events:PutEvents", REQUEST_BUS, { resourcePolicy: requestBusPolicy }), "ImplicitlyDenied");
      const defaultBus = busArn(REQUESTER, "default");
      const decision = await as("events:PutEvents", defaultBus, {
        resourceAccount: REQUESTER,
        resourcePolicy: admitting(GRANT_WORKFLOW_ROLE, ["events:PutEvents"], defaultBus),
      });
      assert.equal(decision, "ImplicitlyDenied");
    });

    it("can invoke the CloudTrail summary function", async () => {
      assert.equal(await as("lambda:InvokeFunction", CLOUDTRAIL_SUMMARY), "Allowed");
    });

    it("cannot invoke another function", async () => {
      assert.equal(await as("lambda:InvokeFunction", functionArn(PERMISSION_SET_SYNC_FUNCTION)), "ImplicitlyDenied");
    });

    it("cannot invoke any function when the CloudTrail summary is disabled", async () => {
      const policy = withoutSummary;
      assert.equal(await as("lambda:InvokeFunction", CLOUDTRAIL_SUMMARY, { policy }), "ImplicitlyDenied");
      assert.equal(await as("lambda:InvokeFunction", functionArn("anything"), { policy }), "ImplicitlyDenied");
    });

    // Identity Center provisions aws-reserved/sso.amazonaws.com/ roles with the caller's IAM permissions when it
    // assigns access in the management account. The simulator refuses every IAM write to an aws-reserved role (as
    // AWS does for any other caller), so the grant is read from the statement rather than simulated.
    it("holds no IAM write while no rule names the management account (tests/management/iam/requestCheck.test.ts)", () => {
      const iamWrites = workflowPolicy.Statement.filter((s) =>
        [s.Action].flat().some((a) => /^iam:(Create|Delete|Put|Attach|Detach|Update)/.test(a)),
      );
      assert.deepEqual(iamWrites, []);
    });

    // (Only roles outside aws-reserved/ are informative: the simulator refuses writes to aws-reserved roles anyway.)
    for (const name of ["Admin", "service-role/Admin", "sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef"]) {
      it(`cannot create the management-account role ${name}`, async () => {
        assert.equal(await as("iam:CreateRole", roleArn(MANAGEMENT, name)), "ImplicitlyDenied");
      });
    }

    it("cannot change its own permissions", async () => {
      for (const action of ["iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateRole"]) {
        assert.equal(await as(action, GRANT_WORKFLOW_ROLE), "ImplicitlyDenied", action);
      }
    });
  });
});
