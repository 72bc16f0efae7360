import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { decide } from "../../support/iam";
import type { Plan } from "../../support/plan";
import {
  automationExecutionArn,
  CHATBOT_APPROVER_ROLE,
  CHATBOT_REQUESTER_ROLE,
  CHATBOT_USER_ROLES,
  identityCenterUser,
  MANAGEMENT,
  planFor,
  REQUESTER,
  ssmArn,
} from "./fixtures";

const INLINE_POLICY = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy";

/** The three permission sets: logical name of the inline policy, and the set's name in Identity Center. */
const SETS = {
  request: { policy: "permission-sets-request-policy", name: "RequestAWSAccountAccess" },
  requestNoApproval: { policy: "permission-sets-request-no-approval-policy", name: "RequestAccountAccessNoApproval" },
  approve: { policy: "permission-sets-approve-policy", name: "ApproveAWSAccountAccess" },
};
type SetKey = keyof typeof SETS;
const REQUEST_SETS: SetKey[] = ["request", "requestNoApproval"];

/** What a change request for the JIT template names: the template (both ARN forms) and the runbook it runs. */
const CHANGE_REQUEST_RESOURCES = {
  "the change template's document ARN": ssmArn(REQUESTER, "document/idc-jit-dev-access-request"),
  "the change template's automation-definition ARN": ssmArn(
    REQUESTER,
    "automation-definition/idc-jit-dev-access-request:$DEFAULT",
  ),
  "the runbook's document ARN": ssmArn(REQUESTER, "document/idc-jit-dev-request-access"),
  "the new automation execution": automationExecutionArn(REQUESTER),
};

function inlinePolicies(plan: Plan): Record<SetKey, PolicyDocument> {
  const read = (key: SetKey) => plan.jsonInput(plan.one(INLINE_POLICY, SETS[key].policy), "inlinePolicy");
  return { request: read("request"), requestNoApproval: read("requestNoApproval"), approve: read("approve") };
}

describe("the solution's permission sets", () => {
  let sets: Record<SetKey, PolicyDocument>;
  let chatSets: Record<SetKey, PolicyDocument>;

  before(async () => {
    sets = inlinePolicies(await planFor());
    chatSets = inlinePolicies(await planFor(CHATBOT_USER_ROLES));
  });

  /** A user of permission set `key` acting in the requester account. */
  const asUserOf = (
    key: SetKey,
    action: string,
    resource: string,
    context?: Record<string, string | string[]>,
    policies: Record<SetKey, PolicyDocument> = sets,
  ) =>
    decide({
      principal: identityCenterUser(SETS[key].name),
      action,
      resource,
      resourceAccount: REQUESTER,
      identityPolicies: [policies[key]],
      context,
    });
  const changeRequest = (key: SetKey, resource: string, autoApprove?: "true" | "false") =>
    asUserOf(
      key,
      "ssm:StartChangeRequestExecution",
      resource,
      autoApprove === undefined ? {} : { "ssm:AutoApprove": autoApprove },
    );

  describe(`a user of the request set (${SETS.request.name})`, () => {
    for (const [what, resource] of Object.entries(CHANGE_REQUEST_RESOURCES)) {
      it(`can raise a change request for approval (ssm:AutoApprove false) on ${what}`, async () => {
        assert.equal(await changeRequest("request", resource, "false"), "Allowed");
      });

      it(`can raise a change request without ssm:AutoApprove on ${what}`, async () => {
        assert.equal(await changeRequest("request", resource), "Allowed");
      });

      it(`cannot raise a change request that skips approval (ssm:AutoApprove true) on ${what}`, async () => {
        assert.equal(await changeRequest("request", resource, "true"), "ImplicitlyDenied");
      });
    }
  });

  describe(`a user of the no-approval request set (${SETS.requestNoApproval.name})`, () => {
    for (const [what, resource] of Object.entries(CHANGE_REQUEST_RESOURCES)) {
      it(`can raise a change request with ssm:AutoApprove true on ${what}`, async () => {
        assert.equal(await changeRequest("requestNoApproval", resource, "true"), "Allowed");
      });
    }

    it("can raise a change request for approval too", async () => {
      const template = CHANGE_REQUEST_RESOURCES["the change template's document ARN"];
      assert.equal(await changeRequest("requestNoApproval", template, "false"), "Allowed");
    });
  });

  for (const key of REQUEST_SETS) {
    it(`a user of ${SETS[key].name} cannot raise a change request from another template`, async () => {
      for (const other of [
        ssmArn(REQUESTER, "document/AWS-HelloWorldChangeTemplate"),
        ssmArn(REQUESTER, "automation-definition/idc-jit-dev-access-request-copy:$DEFAULT"),
        ssmArn(MANAGEMENT, "document/idc-jit-dev-access-request"),
      ]) {
        assert.equal(await changeRequest(key, other, "false"), "ImplicitlyDenied", other);
      }
    });
  }

  describe("ending a grant early (the end-access document)", () => {
    const endAccess = ssmArn(REQUESTER, "automation-definition/idc-jit-dev-end-access:$DEFAULT");
    const endRole = `arn:aws:iam::${REQUESTER}:role/idc-jit-dev-end-request`;
    for (const key of ["request", "requestNoApproval", "approve"] as SetKey[]) {
      it(`a user of ${SETS[key].name} may start it and pass it its role, to Systems Manager only`, async () => {
        assert.equal(await asUserOf(key, "ssm:StartAutomationExecution", endAccess), "Allowed");
        const pass = (service: string) => asUserOf(key, "iam:PassRole", endRole, { "iam:PassedToService": service });
        assert.equal(await pass("ssm.amazonaws.com"), "Allowed");
        assert.equal(await pass("lambda.amazonaws.com"), "ImplicitlyDenied");
      });

      it(`a user of ${SETS[key].name} may not tag it (an approver could then stop it as if it were a request)`, async () => {
        const start = (tag?: string) =>
          asUserOf(key, "ssm:StartAutomationExecution", endAccess, {
            "aws:userid": "AROAEXAMPLEROLEID0001:alice",
            ...(tag && { "aws:RequestTag/JitRequestedBy": tag, "aws:TagKeys": ["JitRequestedBy"] }),
          });
        assert.equal(await start(), "Allowed");
        assert.equal(await start("AROAEXAMPLEROLEID0001:alice"), "ImplicitlyDenied");
        assert.equal(await start("AROAEXAMPLEROLEID0001:bob"), "ImplicitlyDenied");
      });

      it(`a user of ${SETS[key].name} may start no other Automation document that way`, async () => {
        for (const other of [
          ssmArn(REQUESTER, "automation-definition/AWS-DeleteIAMRole:$DEFAULT"),
          ssmArn(REQUESTER, "automation-definition/idc-jit-dev-request-access:$DEFAULT"),
          ssmArn(MANAGEMENT, "automation-definition/idc-jit-dev-end-access:$DEFAULT"),
        ]) {
          assert.equal(await asUserOf(key, "ssm:StartAutomationExecution", other), "ImplicitlyDenied", other);
        }
      });
    }
  });

  describe(`a user of the approve set (${SETS.approve.name})`, () => {
    it("can approve or reject (ssm:SendAutomationSignal) a change request's execution in the requester account", async () => {
      const signal = await asUserOf("approve", "ssm:SendAutomationSignal", automationExecutionArn(REQUESTER));
      assert.equal(signal, "Allowed");
    });

    it("cannot raise change requests", async () => {
      const template = CHANGE_REQUEST_RESOURCES["the change template's document ARN"];
      assert.equal(await changeRequest("approve", template, "false"), "ImplicitlyDenied");
    });
  });

  for (const key of REQUEST_SETS) {
    it(`a user of ${SETS[key].name} cannot approve or reject (ssm:SendAutomationSignal)`, async () => {
      const signal = await asUserOf(key, "ssm:SendAutomationSignal", automationExecutionArn(REQUESTER));
      assert.equal(signal, "ImplicitlyDenied");
    });
  }

  describe("cancelling (ssm:StopAutomationExecution): only requests, and a requester only their own", () => {
    // The tag the CLI sets when it raises a request: the requester's aws:userid (role id and session name).
    const TAG = "JitRequestedBy";
    const ALICE = "AROAEXAMPLEROLEID0001:alice";
    const BOB = "AROAEXAMPLEROLEID0001:bob";
    const execution = automationExecutionArn(REQUESTER);
    const stop = (key: SetKey, userId: string, tag: string | undefined) =>
      asUserOf(key, "ssm:StopAutomationExecution", execution, {
        "aws:userid": userId,
        ...(tag === undefined ? {} : { [`aws:ResourceTag/${TAG}`]: tag }),
      });
    const template = CHANGE_REQUEST_RESOURCES["the change template's document ARN"];
    const raise = (key: SetKey, userId: string, tag: string | undefined) =>
      asUserOf(key, "ssm:StartChangeRequestExecution", template, {
        "aws:userid": userId,
        "ssm:AutoApprove": "false",
        ...(tag === undefined ? {} : { [`aws:RequestTag/${TAG}`]: tag }),
      });

    for (const key of REQUEST_SETS) {
      it(`a user of ${SETS[key].name} can cancel a request they raised (tagged with their own aws:userid)`, async () => {
        assert.equal(await stop(key, ALICE, ALICE), "Allowed");
      });

      it(`a user of ${SETS[key].name} cannot cancel another user's request`, async () => {
        assert.equal(await stop(key, ALICE, BOB), "ImplicitlyDenied");
      });

      it(`a user of ${SETS[key].name} cannot stop an execution without the tag (an EventBridge target's, the end-access document's, the organization's own)`, async () => {
        assert.equal(await stop(key, ALICE, undefined), "ImplicitlyDenied");
      });

      it(`a user of ${SETS[key].name} may tag a request with their own aws:userid only`, async () => {
        assert.equal(await raise(key, ALICE, ALICE), "Allowed");
        assert.equal(await raise(key, ALICE, undefined), "Allowed");
        assert.equal(await raise(key, ALICE, BOB), "ImplicitlyDenied");
      });

      it(`a user of ${SETS[key].name} may put no other tag on a request (five would leave no room for the requester's)`, async () => {
        const withKeys = (keys: string[]) =>
          asUserOf(key, "ssm:StartChangeRequestExecution", template, {
            "aws:userid": ALICE,
            "ssm:AutoApprove": "false",
            [`aws:RequestTag/${TAG}`]: ALICE,
            "aws:TagKeys": keys,
          });
        assert.equal(await withKeys([TAG]), "Allowed");
        assert.equal(await withKeys([TAG, "Owner"]), "ImplicitlyDenied");
      });
    }

    it(`a user of ${SETS.approve.name} can cancel anyone's request`, async () => {
      assert.equal(await stop("approve", ALICE, BOB), "Allowed");
      assert.equal(await stop("approve", ALICE, ALICE), "Allowed");
    });

    it(`a user of ${SETS.approve.name} cannot stop an execution that is not a request (no tag)`, async () => {
      assert.equal(await stop("approve", ALICE, undefined), "ImplicitlyDenied");
    });
  });

  describe("chat (AWS Chatbot user roles)", () => {
    const passRole = (key: SetKey, role: string, policies: Record<SetKey, PolicyDocument>) =>
      asUserOf(key, "iam:PassRole", role, { "iam:PassedToService": "chatbot.amazonaws.com" }, policies);

    for (const key of REQUEST_SETS) {
      it(`with jit:chatbotUserRoles, a user of ${SETS[key].name} can pass the chatbot requester role`, async () => {
        assert.equal(await passRole(key, CHATBOT_REQUESTER_ROLE, chatSets), "Allowed");
      });

      it(`with jit:chatbotUserRoles, a user of ${SETS[key].name} cannot pass the chatbot approver role`, async () => {
        assert.equal(await passRole(key, CHATBOT_APPROVER_ROLE, chatSets), "ImplicitlyDenied");
      });
    }

    it(`with jit:chatbotUserRoles, a user of ${SETS.approve.name} can pass the chatbot approver role`, async () => {
      assert.equal(await passRole("approve", CHATBOT_APPROVER_ROLE, chatSets), "Allowed");
    });

    it(`with jit:chatbotUserRoles, a user of ${SETS.approve.name} cannot pass the chatbot requester role`, async () => {
      assert.equal(await passRole("approve", CHATBOT_REQUESTER_ROLE, chatSets), "ImplicitlyDenied");
    });

    for (const key of Object.keys(SETS) as SetKey[]) {
      it(`without jit:chatbotUserRoles, a user of ${SETS[key].name} cannot pass either chatbot role`, async () => {
        assert.equal(await passRole(key, CHATBOT_REQUESTER_ROLE, sets), "ImplicitlyDenied");
        assert.equal(await passRole(key, CHATBOT_APPROVER_ROLE, sets), "ImplicitlyDenied");
      });
    }
  });

  // The documents AWS owns (arn:aws:ssm:<region>::document/AWS-*) are granted too; the simulator cannot evaluate an
  // ARN without an account, so no test here reads one.
  describe("the Change Manager console's reads", () => {
    const OTHER = "999988887777";
    const reads: [string, string, string][] = [
      ["ssm:GetDocument", "document/idc-jit-dev-access-request", "a document"],
      ["ssm:DescribeDocumentParameters", "document/idc-jit-dev-request-access", "a document's parameters"],
      ["ssm:GetAutomationExecution", "automation-execution/0c1d2e3f-4a5b-4c6d-8e7f-901234567890", "a request"],
      ["ssm:GetOpsItem", "opsitem/oi-0123456789ab", "an OpsItem"],
      ["ssm:GetServiceSetting", "servicesetting/ssm/opsitem/ssm-patchmanager", "a service setting"],
    ];
    for (const key of Object.keys(SETS) as SetKey[]) {
      for (const [action, resource, what] of reads) {
        it(`${key}: reads ${what} of the requester account, and not of another account (${action})`, async () => {
          assert.equal(await asUserOf(key, action, ssmArn(REQUESTER, resource)), "Allowed");
          assert.equal(await asUserOf(key, action, ssmArn(OTHER, resource)), "ImplicitlyDenied");
        });
      }
    }
  });
});
