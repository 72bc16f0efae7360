import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { actingAs, decide } from "../../support/iam";
import { configWith, sharedManagementPlan, sharedRequesterPlan } from "../../support/plan";
import {
  admitting,
  automationExecutionArn,
  busArn,
  CLOUDTRAIL_LOG_GROUP,
  CLOUDTRAIL_SUMMARY_FUNCTION,
  functionArn,
  GRANT_TABLE,
  GRANT_WORKFLOW_ROLE,
  IDENTITY_STORE_ID,
  INSTANCE_ARN,
  identityStoreArn,
  LEGACY_FEEDBACK_BUS,
  logGroupArn,
  logStreamArn,
  MANAGEMENT,
  OPEN_INDEX,
  OTHER_ACCOUNT,
  organizationAccountArn,
  organizationalUnitArn,
  PERMISSION_SET_PATH,
  PERMISSION_SET_SYNC_FUNCTION,
  parameterArn,
  planFor,
  REQUEST_BUS,
  REQUEST_CHECK_FUNCTION,
  REQUEST_CHECK_ROLE,
  REQUEST_READER_ROLE,
  REQUESTER,
  roleArn,
  SCHEDULER_ROLE,
  scheduleArn,
  TOPIC,
  WITHOUT_CLOUDTRAIL_SUMMARY,
} from "./fixtures";

const USER = "arn:aws:identitystore:::user/9a67e2b1-0123-4567-89ab-cdef01234567";
const GROUP = "arn:aws:identitystore:::group/9067a1b2c3-1234abcd-12ab-34cd-56ef-1234567890ab";
/** IsMemberInGroups is authorized on every membership of the store (the AllGroupMemberships resource). */
const ALL_MEMBERSHIPS = "arn:aws:identitystore:::membership/*";
const OWN_STORE = identityStoreArn(IDENTITY_STORE_ID);
const OTHER_STORE = identityStoreArn("d-0000000000");
const OU = "ou-ab12-cd34ef56";

describe(`the request check role (${REQUEST_CHECK_FUNCTION})`, () => {
  let trust: PolicyDocument;
  let checkPolicy: PolicyDocument;
  let readerTrust: PolicyDocument;

  before(async () => {
    ({ trust, policy: checkPolicy } = (await planFor()).role(REQUEST_CHECK_FUNCTION));
    readerTrust = (await sharedRequesterPlan()).role("idc-jit-dev-request-reader").trust;
  });

  describe("trust", () => {
    const assume = (service: string) =>
      decide({
        principal: service,
        action: "sts:AssumeRole",
        resource: REQUEST_CHECK_ROLE,
        resourceAccount: MANAGEMENT,
        resourcePolicy: trust,
      });

    it("is assumed by Lambda", async () => {
      assert.equal(await assume("lambda.amazonaws.com"), "Allowed");
    });

    it("is not assumed by another service", async () => {
      for (const service of ["ssm.amazonaws.com", "events.amazonaws.com", "states.amazonaws.com"]) {
        assert.equal(await assume(service), "ImplicitlyDenied", service);
      }
    });
  });

  describe("permissions", () => {
    const as = actingAs(REQUEST_CHECK_ROLE, () => checkPolicy, MANAGEMENT);

    describe("reading the requester account", () => {
      /** Assumes `role` of `account`, whose trust policy admits the request check role. */
      const assumeAdmitted = (role: string, account: string) =>
        as("sts:AssumeRole", role, {
          resourceAccount: account,
          resourcePolicy: admitting(REQUEST_CHECK_ROLE, ["sts:AssumeRole"], role),
        });

      it("can assume the requester account's reader role (idc-jit-dev-request-reader), which trusts it", async () => {
        const decision = await as("sts:AssumeRole", REQUEST_READER_ROLE, {
          resourceAccount: REQUESTER,
          resourcePolicy: readerTrust,
        });
        assert.equal(decision, "Allowed");
      });

      for (const [what, name] of [
        ["the request role", "idc-jit-dev-request"],
        ["an administrator role", "Admin"],
        ["a look-alike of the reader role", "idc-jit-dev-request-reader-2"],
        ["the reader role's name under a path", "team/idc-jit-dev-request-reader"],
      ]) {
        it(`cannot assume another role of the requester account (${what}), even one that trusts it`, async () => {
          assert.equal(await assumeAdmitted(roleArn(REQUESTER, name), REQUESTER), "ImplicitlyDenied");
        });
      }

      it("cannot assume a role named idc-jit-dev-request-reader in another account, even one that trusts it", async () => {
        const foreign = roleArn(OTHER_ACCOUNT, "idc-jit-dev-request-reader");
        assert.equal(await assumeAdmitted(foreign, OTHER_ACCOUNT), "ImplicitlyDenied");
      });

      it("cannot read the requester account's executions itself (only through the reader role)", async () => {
        const execution = automationExecutionArn(REQUESTER);
        const decision = await as("ssm:GetAutomationExecution", execution, {
          resourceAccount: REQUESTER,
          resourcePolicy: admitting(REQUEST_CHECK_ROLE, ["ssm:GetAutomationExecution"], execution),
        });
        assert.equal(decision, "ImplicitlyDenied");
      });
    });

    describe("reading the identity store", () => {
      for (const [action, resources] of [
        ["identitystore:GetUserId", [OWN_STORE, USER]],
        // An approver's name, where AWS records an approval by user id (variant approverIdentity user-id).
        ["identitystore:DescribeUser", [OWN_STORE, USER]],
        ["identitystore:IsMemberInGroups", [OWN_STORE, USER, GROUP, ALL_MEMBERSHIPS]],
      ] as const) {
        it(`can ${action} in its identity store (${IDENTITY_STORE_ID}), on each resource the call names`, async () => {
          for (const resource of resources) assert.equal(await as(action, resource), "Allowed", resource);
        });

        it(`cannot ${action} in another identity store`, async () => {
          assert.equal(await as(action, OTHER_STORE), "ImplicitlyDenied");
        });
      }

      for (const [action, resources] of [
        ["identitystore:CreateGroupMembership", [OWN_STORE, USER, GROUP]],
        ["identitystore:DeleteGroupMembership", [OWN_STORE]],
        ["identitystore:CreateUser", [OWN_STORE]],
        ["identitystore:UpdateUser", [OWN_STORE, USER]],
        ["identitystore:DeleteUser", [OWN_STORE, USER]],
        ["identitystore:DeleteGroup", [OWN_STORE, GROUP]],
        ["identitystore:ListUsers", [OWN_STORE]],
        ["identitystore:ListGroupMembershipsForMember", [OWN_STORE]],
      ] as const) {
        it(`cannot ${action}, even in its identity store`, async () => {
          for (const resource of resources) assert.equal(await as(action, resource), "ImplicitlyDenied", resource);
        });
      }
    });

    describe("reading where accounts sit in the organization", () => {
      it("can organizations:ListParents of the organization's accounts and organizational units", async () => {
        assert.equal(await as("organizations:ListParents", organizationAccountArn(REQUESTER)), "Allowed");
        assert.equal(await as("organizations:ListParents", organizationAccountArn(OTHER_ACCOUNT)), "Allowed");
        assert.equal(await as("organizations:ListParents", organizationalUnitArn(OU)), "Allowed");
      });

      it("cannot ListParents in an organization another account manages, even one that admits it", async () => {
        const foreign = organizationAccountArn(REQUESTER, OTHER_ACCOUNT, "o-z9y8x7w6v5");
        const decision = await as("organizations:ListParents", foreign, {
          resourceAccount: OTHER_ACCOUNT,
          resourcePolicy: admitting(REQUEST_CHECK_ROLE, ["organizations:ListParents"], foreign),
        });
        assert.equal(decision, "ImplicitlyDenied");
      });

      for (const [action, resource] of [
        ["organizations:DescribeAccount", organizationAccountArn(REQUESTER)],
        ["organizations:MoveAccount", organizationAccountArn(REQUESTER)],
        ["organizations:RemoveAccountFromOrganization", organizationAccountArn(REQUESTER)],
        ["organizations:ListChildren", organizationalUnitArn(OU)],
        ["organizations:DescribeOrganizationalUnit", organizationalUnitArn(OU)],
      ]) {
        it(`cannot ${action}`, async () => {
          assert.equal(await as(action, resource), "ImplicitlyDenied");
        });
      }
    });

    describe("what the user already holds", () => {
      it("can list a user's account assignments in its Identity Center instance", async () => {
        assert.equal(await as("sso:ListAccountAssignmentsForPrincipal", INSTANCE_ARN), "Allowed");
      });

      it("can read the permission set name -> ARN parameters, the ARNs the grant workflow assigns", async () => {
        assert.equal(await as("ssm:GetParameter", parameterArn(`${PERMISSION_SET_PATH}AWSReadOnlyAccess`)), "Allowed");
      });
    });

    describe("the grant ledger and the end schedules", () => {
      for (const action of ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]) {
        it(`can ${action} in the grant ledger (it records the grant, or extends the one that holds the access)`, async () => {
          assert.equal(await as(action, GRANT_TABLE), "Allowed");
        });
      }

      it("can Query the ledger's open index", async () => {
        assert.equal(await as("dynamodb:Query", OPEN_INDEX), "Allowed");
      });

      it("cannot Scan the ledger, or touch another table", async () => {
        assert.equal(await as("dynamodb:Scan", GRANT_TABLE), "ImplicitlyDenied");
        const other = GRANT_TABLE.replace("grant-ledger", "other");
        assert.equal(await as("dynamodb:PutItem", other), "ImplicitlyDenied");
      });

      it("can move an extended grant's end schedule in the solution's schedule group, and no other", async () => {
        const schedule = scheduleArn("end-9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6");
        assert.equal(await as("scheduler:UpdateSchedule", schedule), "Allowed");
        assert.equal(await as("scheduler:CreateSchedule", schedule), "Allowed");
        assert.equal(await as("scheduler:UpdateSchedule", scheduleArn("x", "default")), "ImplicitlyDenied");
      });

      it("can pass the scheduler role to EventBridge Scheduler only", async () => {
        const pass = (service: string) =>
          decide({
            principal: REQUEST_CHECK_ROLE,
            action: "iam:PassRole",
            resource: SCHEDULER_ROLE,
            resourceAccount: MANAGEMENT,
            identityPolicies: [checkPolicy],
            context: { "iam:PassedToService": service },
          });
        assert.equal(await pass("scheduler.amazonaws.com"), "Allowed");
        assert.equal(await pass("lambda.amazonaws.com"), "ImplicitlyDenied");
      });

      it("announces an assignment on the solution's topic (it grants what it lets through)", async () => {
        assert.equal(await as("sns:Publish", TOPIC), "Allowed");
      });

      it("reads whether the grant workflow that asked is still running, in its own account", async () => {
        assert.equal(await as("ssm:GetAutomationExecution", automationExecutionArn(MANAGEMENT)), "Allowed");
      });

      it("claims nothing in Parameter Store any more (the ledger records each request once)", async () => {
        const claim = parameterArn("/idc-jit/dev/grant-claims/777788889999/AWSAdministratorAccess/user-id");
        assert.equal(await as("ssm:PutParameter", claim), "ImplicitlyDenied");
        assert.equal(await as("ssm:GetParameter", claim), "ImplicitlyDenied");
      });
    });

    describe("the reasons it writes for the grant workflow", () => {
      const reason = parameterArn("/idc-jit/dev/check-reasons/5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d");

      it("can ssm:PutParameter a reason under /idc-jit/dev/check-reasons/", async () => {
        assert.equal(await as("ssm:PutParameter", reason), "Allowed");
      });

      it("cannot read or delete a reason (the grant workflow reads and deletes it)", async () => {
        assert.equal(await as("ssm:GetParameter", reason), "ImplicitlyDenied");
        assert.equal(await as("ssm:DeleteParameter", reason), "ImplicitlyDenied");
      });

      it("cannot write a reason in another account", async () => {
        assert.equal(
          await as("ssm:PutParameter", parameterArn("/idc-jit/dev/check-reasons/x", OTHER_ACCOUNT)),
          "ImplicitlyDenied",
        );
      });
    });

    describe("nothing else", () => {
      for (const [what, action, resource] of [
        [
          "assign a permission set nobody may request",
          "sso:CreateAccountAssignment",
          "arn:aws:sso:::permissionSet/ssoins-0000aaaabbbbcccc/ps-0000000000000000",
        ],
        [
          "read an automation execution of another account",
          "ssm:GetAutomationExecution",
          automationExecutionArn(OTHER_ACCOUNT),
        ],
        ["write a parameter outside the reasons", "ssm:PutParameter", parameterArn("/idc-jit/dev/other")],
        ["read a parameter outside the permission set path", "ssm:GetParameter", parameterArn("/idc-jit/dev/other")],
        [
          "write a permission set parameter",
          "ssm:PutParameter",
          parameterArn(`${PERMISSION_SET_PATH}AWSReadOnlyAccess`),
        ],
        [
          "list a user's assignments in another instance",
          "sso:ListAccountAssignmentsForPrincipal",
          "arn:aws:sso:::instance/ssoins-0000aaaabbbbcccc",
        ],
        ["notify another topic", "sns:Publish", TOPIC.replace("notifications", "other")],
        ["put events on the request bus", "events:PutEvents", REQUEST_BUS],
        ["put events on the default bus", "events:PutEvents", busArn(MANAGEMENT, "default")],
        ["invoke the CloudTrail summary function", "lambda:InvokeFunction", functionArn(CLOUDTRAIL_SUMMARY_FUNCTION)],
        ["invoke itself", "lambda:InvokeFunction", functionArn(REQUEST_CHECK_FUNCTION)],
        ["assume the grant workflow role", "sts:AssumeRole", GRANT_WORKFLOW_ROLE],
        ["change its own permissions", "iam:PutRolePolicy", REQUEST_CHECK_ROLE],
      ]) {
        it(`cannot ${what} (${action})`, async () => {
          assert.equal(await as(action, resource), "ImplicitlyDenied");
        });
      }

      it("cannot put events on the requester's feedback bus, even where the bus admits it", async () => {
        const decision = await as("events:PutEvents", LEGACY_FEEDBACK_BUS, {
          resourceAccount: REQUESTER,
          resourcePolicy: admitting(REQUEST_CHECK_ROLE, ["events:PutEvents"], LEGACY_FEEDBACK_BUS),
        });
        assert.equal(decision, "ImplicitlyDenied");
      });
    });

    describe("its logs", () => {
      const ownGroup = `/aws/lambda/${REQUEST_CHECK_FUNCTION}`;

      for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) {
        it(`can ${action} in its own log group, ${ownGroup}`, async () => {
          assert.equal(await as(action, logStreamArn(ownGroup)), "Allowed");
        });

        it(`cannot ${action} in another function's log group, a look-alike or the CloudTrail log group`, async () => {
          for (const group of [
            `/aws/lambda/${PERMISSION_SET_SYNC_FUNCTION}`,
            `/aws/lambda/${REQUEST_CHECK_FUNCTION}-copy`,
            CLOUDTRAIL_LOG_GROUP,
          ]) {
            assert.equal(await as(action, logStreamArn(group)), "ImplicitlyDenied", group);
          }
        });
      }

      it("cannot create or delete log groups, nor query its own", async () => {
        assert.equal(await as("logs:CreateLogGroup", logGroupArn(ownGroup)), "ImplicitlyDenied");
        assert.equal(await as("logs:DeleteLogGroup", logGroupArn(ownGroup)), "ImplicitlyDenied");
        assert.equal(await as("logs:StartQuery", logGroupArn(ownGroup)), "ImplicitlyDenied");
      });
    });
  });
});

describe("the grant workflow role invokes the request check", () => {
  let workflowPolicy: PolicyDocument;
  let withoutSummary: PolicyDocument;

  before(async () => {
    workflowPolicy = (await planFor()).role("idc-jit-dev-grant-workflow").policy;
    withoutSummary = (await planFor(WITHOUT_CLOUDTRAIL_SUMMARY)).role("idc-jit-dev-grant-workflow").policy;
  });

  const invoke = (resource: string, policy = workflowPolicy) =>
    decide({
      principal: GRANT_WORKFLOW_ROLE,
      action: "lambda:InvokeFunction",
      resource,
      resourceAccount: MANAGEMENT,
      identityPolicies: [policy],
    });

  it(`can lambda:InvokeFunction the request check function (${REQUEST_CHECK_FUNCTION})`, async () => {
    assert.equal(await invoke(functionArn(REQUEST_CHECK_FUNCTION)), "Allowed");
  });

  it("still can when the CloudTrail summary is disabled", async () => {
    assert.equal(await invoke(functionArn(REQUEST_CHECK_FUNCTION), withoutSummary), "Allowed");
  });

  for (const [what, resource] of [
    ["the permission set sync function", functionArn(PERMISSION_SET_SYNC_FUNCTION)],
    ["a look-alike of the request check", functionArn(`${REQUEST_CHECK_FUNCTION}-copy`)],
    [
      "a function of the request check's name in another region",
      functionArn(REQUEST_CHECK_FUNCTION).replace("eu-west-1", "us-east-1"),
    ],
    ["any other function", functionArn("anything")],
  ]) {
    it(`cannot invoke ${what}`, async () => {
      assert.equal(await invoke(resource), "ImplicitlyDenied");
      assert.equal(await invoke(resource, withoutSummary), "ImplicitlyDenied");
    });
  }

  it("cannot invoke a function of the request check's name in another account, even one that admits it", async () => {
    const foreign = `arn:aws:lambda:eu-west-1:${OTHER_ACCOUNT}:function:${REQUEST_CHECK_FUNCTION}`;
    const decision = await decide({
      principal: GRANT_WORKFLOW_ROLE,
      action: "lambda:InvokeFunction",
      resource: foreign,
      resourceAccount: OTHER_ACCOUNT,
      identityPolicies: [workflowPolicy],
      resourcePolicy: admitting(GRANT_WORKFLOW_ROLE, ["lambda:InvokeFunction"], foreign),
    });
    assert.equal(decision, "ImplicitlyDenied");
  });

  describe("IAM in the management account, which Identity Center uses with the caller's permissions to assign there", () => {
    const iamWrites = (policy: PolicyDocument) =>
      policy.Statement.filter((st) =>
        [st.Action].flat().some((a) => /^iam:(Create|Delete|Put|Attach|Detach|Update)/.test(a)),
      );

    it("is not granted while no rule names the management account (the example config)", async () => {
      assert.deepEqual(iamWrites((await sharedManagementPlan()).role(REQUEST_CHECK_FUNCTION).policy), []);
    });

    it("is granted, on Identity Center's role path only, once a rule names the management account", async () => {
      const rules = JSON.parse(configWith("management-dev")["jit:eligibility"]) as Record<string, unknown>[];
      const breakGlass = {
        name: "break-glass-management",
        users: ["alice"],
        permissionSets: ["AWSAdministratorAccess"],
        accounts: [MANAGEMENT],
        maxDuration: "1h",
        approvals: 2,
      };
      const plan = await sharedManagementPlan({ "jit:eligibility": [...rules, breakGlass] });
      assert.deepEqual(
        iamWrites(plan.role(REQUEST_CHECK_FUNCTION).policy).map((st) => st.Resource),
        [`arn:aws:iam::${MANAGEMENT}:role/aws-reserved/sso.amazonaws.com/*`],
      );
    });
  });
});
