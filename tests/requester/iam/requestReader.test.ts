import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { actingAs, decide } from "../../support/iam";
import {
  admitting,
  allowing,
  automationDefinitionArn,
  automationExecutionArn,
  documentArn,
  GRANT_WORKFLOW_ROLE,
  MANAGEMENT,
  OTHER_ACCOUNT,
  OTHER_REGION,
  REQUEST_BUS,
  REQUEST_ROLE,
  REQUEST_RUNBOOK,
  REQUESTER,
  requesterPlanFor,
  roleArn,
  ssmArn,
} from "../fixtures";
import { assume } from "./assume";

const READER_ROLE_NAME = "idc-jit-dev-request-reader";
const READER_ROLE = roleArn(REQUESTER, READER_ROLE_NAME);
/** The management side's request check role: the one principal the reader role trusts. */
const REQUEST_CHECK_ROLE = roleArn(MANAGEMENT, "idc-jit-dev-request-check");

describe(`the request reader role (${READER_ROLE_NAME})`, () => {
  let trust: PolicyDocument;
  let readerPolicy: PolicyDocument;

  before(async () => {
    ({ trust, policy: readerPolicy } = (await requesterPlanFor()).role(READER_ROLE_NAME));
  });

  describe("trust", () => {
    /** `principal` assumes the reader role, its own account allowing it sts:AssumeRole on the role. */
    const assumeAs = (principal: string) =>
      decide({
        principal,
        action: "sts:AssumeRole",
        resource: READER_ROLE,
        resourceAccount: REQUESTER,
        identityPolicies: [allowing(["sts:AssumeRole"], READER_ROLE)],
        resourcePolicy: trust,
      });

    it("admits the management account's request check role (idc-jit-dev-request-check)", async () => {
      assert.equal(await assumeAs(REQUEST_CHECK_ROLE), "Allowed");
    });

    for (const [who, principal] of [
      ["the grant workflow role", GRANT_WORKFLOW_ROLE],
      ["an administrator role", roleArn(MANAGEMENT, "Admin")],
      ["a role named idc-jit-dev-request-check under a path", roleArn(MANAGEMENT, "team/idc-jit-dev-request-check")],
      ["a role whose name starts with idc-jit-dev-request-check", roleArn(MANAGEMENT, "idc-jit-dev-request-check-2")],
    ]) {
      it(`does not admit another management-account role (${who})`, async () => {
        assert.equal(await assumeAs(principal), "ImplicitlyDenied");
      });
    }

    it("does not admit the management account as a whole (its root user)", async () => {
      assert.equal(await assumeAs(`arn:aws:iam::${MANAGEMENT}:root`), "ImplicitlyDenied");
    });

    it("does not admit a role named idc-jit-dev-request-check in a third account", async () => {
      assert.equal(await assumeAs(roleArn(OTHER_ACCOUNT, "idc-jit-dev-request-check")), "ImplicitlyDenied");
    });

    it("does not admit the requester account's own roles", async () => {
      assert.equal(await assumeAs(REQUEST_ROLE), "ImplicitlyDenied");
      assert.equal(await assumeAs(roleArn(REQUESTER, "Admin")), "ImplicitlyDenied");
    });

    it("does not admit a service (Lambda, Systems Manager)", async () => {
      assert.equal(await assume(trust, READER_ROLE, "lambda.amazonaws.com"), "ImplicitlyDenied");
      const execution = { arn: automationExecutionArn(), account: REQUESTER };
      assert.equal(await assume(trust, READER_ROLE, "ssm.amazonaws.com", execution), "ImplicitlyDenied");
    });
  });

  describe("permissions", () => {
    const as = actingAs(READER_ROLE, () => readerPolicy, REQUESTER);

    it("can read the roles IAM Identity Center created, to confirm a session's role is one", async () => {
      const role = `arn:aws:iam::${REQUESTER}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_RequestAWSAccountAccess_0123456789abcdef`;
      assert.equal(await as("iam:GetRole", role), "Allowed");
    });

    it("cannot read a role outside Identity Center's path, however it is named: AWS answers AccessDenied", async () => {
      for (const role of [
        `arn:aws:iam::${REQUESTER}:role/AWSReservedSSO_RequestAWSAccountAccess_0123456789abcdef`,
        `arn:aws:iam::${REQUESTER}:role/aws-reserved/other/AWSReservedSSO_RequestAWSAccountAccess_0123456789abcdef`,
        `arn:aws:iam::${REQUESTER}:role/idc-jit-dev-request`,
      ]) {
        assert.equal(await as("iam:GetRole", role), "ImplicitlyDenied", role);
      }
    });

    it("can ssm:GetAutomationExecution on an automation execution of the requester account in eu-west-1", async () => {
      assert.equal(await as("ssm:GetAutomationExecution", automationExecutionArn()), "Allowed");
      const another = automationExecutionArn(REQUESTER, "ffffffff-0000-1111-2222-333333333333");
      assert.equal(await as("ssm:GetAutomationExecution", another), "Allowed");
    });

    it(`cannot GetAutomationExecution on an execution of the requester account in another region (${OTHER_REGION})`, async () => {
      const elsewhere = automationExecutionArn(REQUESTER, undefined, OTHER_REGION);
      assert.equal(await as("ssm:GetAutomationExecution", elsewhere), "ImplicitlyDenied");
    });

    for (const [which, account] of [
      ["the management account", MANAGEMENT],
      ["a third account", OTHER_ACCOUNT],
    ]) {
      it(`cannot GetAutomationExecution on an execution of ${which}, even were it admitted there`, async () => {
        const execution = automationExecutionArn(account);
        const decision = await as("ssm:GetAutomationExecution", execution, {
          resourceAccount: account,
          resourcePolicy: admitting(READER_ROLE, ["ssm:GetAutomationExecution"], execution),
        });
        assert.equal(decision, "ImplicitlyDenied");
      });
    }

    it("can describe the request runbook (its default version), and no other document", async () => {
      assert.equal(await as("ssm:DescribeDocument", documentArn(REQUEST_RUNBOOK)), "Allowed");
      for (const other of [documentArn("idc-jit-dev-access-request"), documentArn(`${REQUEST_RUNBOOK}-2`)]) {
        assert.equal(await as("ssm:DescribeDocument", other), "ImplicitlyDenied", other);
      }
    });

    it("cannot start an automation (ssm:StartAutomationExecution), the request runbook included", async () => {
      for (const resource of [
        documentArn(REQUEST_RUNBOOK),
        automationDefinitionArn(REQUEST_RUNBOOK),
        automationExecutionArn(),
      ]) {
        assert.equal(await as("ssm:StartAutomationExecution", resource), "ImplicitlyDenied", resource);
      }
    });

    for (const action of ["ssm:SendAutomationSignal", "ssm:StopAutomationExecution"]) {
      it(`cannot steer an execution (${action})`, async () => {
        assert.equal(await as(action, automationExecutionArn()), "ImplicitlyDenied");
      });
    }

    for (const [action, resource] of [
      ["ssm:GetParameter", ssmArn(REQUESTER, "parameter/idc-jit/dev/anything")],
      ["ssm:GetDocument", documentArn(REQUEST_RUNBOOK)],
      ["ssm:GetOpsItem", ssmArn(REQUESTER, "opsitem/oi-0123456789ab")],
    ]) {
      it(`cannot read anything else (${action})`, async () => {
        assert.equal(await as(action, resource), "ImplicitlyDenied");
      });
    }

    it("cannot assume a role of another account, even one that trusts it", async () => {
      const role = roleArn(OTHER_ACCOUNT, "Admin");
      const decision = await as("sts:AssumeRole", role, {
        resourceAccount: OTHER_ACCOUNT,
        resourcePolicy: admitting(READER_ROLE, ["sts:AssumeRole"], role),
      });
      assert.equal(decision, "ImplicitlyDenied");
    });

    it("cannot put events on the management account's request bus, even one that admits it", async () => {
      const decision = await as("events:PutEvents", REQUEST_BUS, {
        resourceAccount: MANAGEMENT,
        resourcePolicy: admitting(READER_ROLE, ["events:PutEvents"], REQUEST_BUS),
      });
      assert.equal(decision, "ImplicitlyDenied");
    });
  });
});

const REFUSER_ROLE_NAME = "idc-jit-dev-request-refuser";
const REFUSER_ROLE = roleArn(REQUESTER, REFUSER_ROLE_NAME);
/** The management side's request notifier role: the one principal the refuser role trusts. */
const NOTIFIER_ROLE = roleArn(MANAGEMENT, "idc-jit-dev-request-notifier");
const TAG = "JitRequestedBy";

describe(`the request refuser role (${REFUSER_ROLE_NAME}): stops refused requests, names admitted ones' requesters`, () => {
  let trust: PolicyDocument;
  let refuserPolicy: PolicyDocument;
  let readerPolicy: PolicyDocument;

  before(async () => {
    const plan = await requesterPlanFor();
    ({ trust, policy: refuserPolicy } = plan.role(REFUSER_ROLE_NAME));
    readerPolicy = plan.role(READER_ROLE_NAME).policy;
  });

  it("is trusted by the request notifier alone", async () => {
    const assumeAs = (principal: string) =>
      decide({
        principal,
        action: "sts:AssumeRole",
        resource: REFUSER_ROLE,
        resourceAccount: REQUESTER,
        identityPolicies: [allowing(["sts:AssumeRole"], REFUSER_ROLE)],
        resourcePolicy: trust,
      });
    assert.equal(await assumeAs(NOTIFIER_ROLE), "Allowed");
    for (const other of [
      REQUEST_CHECK_ROLE,
      roleArn(REQUESTER, "Admin"),
      roleArn(OTHER_ACCOUNT, "idc-jit-dev-request-notifier"),
    ]) {
      assert.equal(await assumeAs(other), "ImplicitlyDenied", other);
    }
  });

  /** AddTagsToResource by `role` on `resource`, adding the keys `keys`, the resource already tagged `existing`. */
  const addTags = (
    policy: () => PolicyDocument,
    principal: string,
    keys: string[],
    existing: Record<string, string> = {},
    resource = automationExecutionArn(),
  ) =>
    decide({
      principal,
      action: "ssm:AddTagsToResource",
      resource,
      resourceAccount: REQUESTER,
      identityPolicies: [policy()],
      context: {
        "aws:TagKeys": keys,
        ...Object.fromEntries(keys.map((k) => [`aws:RequestTag/${k}`, "AROAREQUESTSETROLEID01:alice"])),
        ...Object.fromEntries(Object.entries(existing).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
      },
    });
  const asRefuser = (keys: string[], existing?: Record<string, string>, resource?: string) =>
    addTags(() => refuserPolicy, REFUSER_ROLE, keys, existing, resource);

  it(`can add the ${TAG} tag to a request of the requester account that has none`, async () => {
    assert.equal(await asRefuser([TAG]), "Allowed");
  });

  it("cannot add any other key, alone or beside it", async () => {
    for (const keys of [["Owner"], [TAG, "Owner"], ["jitrequestedby"], ["aws:cloudformation:stack-name"]]) {
      assert.equal(await asRefuser(keys), "ImplicitlyDenied", keys.join(","));
    }
  });

  it("cannot rename the requester of a request that carries the tag already", async () => {
    assert.equal(await asRefuser([TAG], { [TAG]: "AROAREQUESTSETROLEID01:bob" }), "ImplicitlyDenied");
  });

  it("cannot tag an execution of another account or Region, or another resource type", async () => {
    for (const resource of [
      automationExecutionArn(OTHER_ACCOUNT),
      automationExecutionArn(REQUESTER, undefined, OTHER_REGION),
      documentArn(REQUEST_RUNBOOK),
      ssmArn(REQUESTER, "parameter/idc-jit/dev/anything"),
    ]) {
      assert.equal(await asRefuser([TAG], {}, resource), "ImplicitlyDenied", resource);
    }
  });

  it("can stop an execution, and neither read, signal nor untag one", async () => {
    const as = actingAs(REFUSER_ROLE, () => refuserPolicy, REQUESTER);
    assert.equal(await as("ssm:StopAutomationExecution", automationExecutionArn()), "Allowed");
    for (const action of ["ssm:GetAutomationExecution", "ssm:SendAutomationSignal", "ssm:RemoveTagsFromResource"]) {
      assert.equal(await as(action, automationExecutionArn()), "ImplicitlyDenied", action);
    }
  });

  it("the reader role lists a request's tags and adds none", async () => {
    const as = actingAs(READER_ROLE, () => readerPolicy, REQUESTER);
    assert.equal(await as("ssm:ListTagsForResource", automationExecutionArn()), "Allowed");
    assert.equal(await as("ssm:ListTagsForResource", documentArn(REQUEST_RUNBOOK)), "ImplicitlyDenied");
    assert.equal(await addTags(() => readerPolicy, READER_ROLE, [TAG]), "ImplicitlyDenied");
  });
});
