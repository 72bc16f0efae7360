/**
 * jit:guardrails: the service control policy the management stack attaches to the requester account, decided by the
 * IAM simulation as AWS applies an SCP (beside FullAWSAccess, to every principal of the account).
 */
import assert from "node:assert/strict";
import type { PolicyDocument } from "../../../shared/iam";
import { decide, decideByScps, type Request } from "../../support/iam";
import {
  CHATBOT_USER_ROLES,
  identityCenterUser,
  planFor,
  REGION,
  REQUESTER,
  roleArn,
  ruleArn,
  ssmArn,
} from "./fixtures";

const DEPLOY_ROLE = roleArn(REQUESTER, "jit-requester-deploy");
const GUARDRAILS = { "jit:guardrails": { requesterDeployRoleArn: DEPLOY_ROLE } };
const ADMIN = roleArn(REQUESTER, "Admin");
const IDENTITY_CENTER = roleArn(REQUESTER, "aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO");
const IDENTITY_CENTER_ROLE = identityCenterUser("AdministratorAccess");
const SAML_PROVIDER = `arn:aws:iam::${REQUESTER}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE`;

/** What the solution keeps in the requester account, and a write that would change each. */
const SOLUTION_WRITES: [string, string][] = [
  ["ssm:UpdateDocument", ssmArn(REQUESTER, "document/idc-jit-dev-access-request")],
  ["ssm:UpdateDocumentDefaultVersion", ssmArn(REQUESTER, "document/idc-jit-dev-request-access")],
  ["ssm:DeleteDocument", ssmArn(REQUESTER, "document/idc-jit-dev-end-access")],
  ["ssm:CreateDocument", ssmArn(REQUESTER, "document/idc-jit-dev-end-access")],
  ["events:PutTargets", ruleArn(undefined, "idc-jit-dev-request-created", REQUESTER)],
  ["events:DisableRule", ruleArn(undefined, "idc-jit-dev-invalid-request-forward", REQUESTER)],
  ["events:DeleteEventBus", `arn:aws:events:${REGION}:${REQUESTER}:event-bus/idc-jit-dev-access-feedback`],
  ["iam:PutRolePolicy", roleArn(REQUESTER, "idc-jit-dev-request")],
  ["iam:UpdateAssumeRolePolicy", roleArn(REQUESTER, "idc-jit-dev-request-reader")],
  ["iam:AttachRolePolicy", roleArn(REQUESTER, "idc-jit-dev-chatbot-approver")],
];

/** Writes to what Identity Center keeps in the account: its roles' path and its SAML provider. */
const IDENTITY_CENTER_WRITES: [string, string][] = [
  ["iam:CreateRole", roleArn(REQUESTER, "aws-reserved/sso.amazonaws.com/AWSReservedSSO_ApproveAWSAccountAccess_1")],
  ["iam:UpdateAssumeRolePolicy", IDENTITY_CENTER_ROLE],
  ["iam:PutRolePolicy", IDENTITY_CENTER_ROLE],
  ["iam:CreateSAMLProvider", SAML_PROVIDER],
  ["iam:UpdateSAMLProvider", SAML_PROVIDER],
];

describe("the requester account's guardrails (jit:guardrails)", () => {
  let scp: PolicyDocument;
  let attachedTo: unknown;

  before(async () => {
    const plan = await planFor(GUARDRAILS);
    const policy = plan.one("aws:organizations/policy:Policy", "guardrails-scp");
    assert.equal(policy.inputs.type, "SERVICE_CONTROL_POLICY");
    scp = plan.jsonInput(policy, "content");
    attachedTo = plan.one("aws:organizations/policyAttachment:PolicyAttachment", "guardrails-scp-attachment").inputs
      .targetId;
  });

  /** `principal`, whose own policy allows everything, does `action` on `resource` in the requester account. */
  const request = (principal: string, action: string, resource: string, scps: PolicyDocument[]): Request => ({
    principal,
    action,
    resource,
    resourceAccount: REQUESTER,
    identityPolicies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }],
    serviceControlPolicies: scps,
  });
  const as = (principal: string, action: string, resource: string, scps = [scp]) =>
    decide(request(principal, action, resource, scps));
  /** The SCP's own decision, which IAM's refusal of writes under /aws-reserved/ (in the simulation) would hide. */
  const scpAs = (principal: string, action: string, resource: string) =>
    decideByScps(request(principal, action, resource, [scp]));

  it("is attached to the requester account", () => {
    assert.equal(attachedTo, REQUESTER);
  });

  for (const [action, resource] of SOLUTION_WRITES) {
    it(`denies an administrator of the account ${action} on ${resource.split(":").pop()}, which it allowed before`, async () => {
      assert.equal(await as(ADMIN, action, resource, []), "Allowed");
      assert.equal(await as(ADMIN, action, resource), "ExplicitlyDenied");
    });

    it(`lets the deploying role ${action} on ${resource.split(":").pop()}`, async () => {
      assert.equal(await as(DEPLOY_ROLE, action, resource), "Allowed");
    });
  }

  for (const [who, principal] of [
    ["a role of the same name under a path", roleArn(REQUESTER, "ci/jit-requester-deploy")],
    ["a role whose name starts with the deploying role's", roleArn(REQUESTER, "jit-requester-deploy-2")],
    ["an Identity Center user's role", IDENTITY_CENTER_ROLE],
  ]) {
    it(`denies ${who} what only the deploying role may do`, async () => {
      assert.equal(await as(principal, "ssm:UpdateDocument", SOLUTION_WRITES[0][1]), "ExplicitlyDenied");
      assert.equal(
        await as(principal, "iam:PutRolePolicy", roleArn(REQUESTER, "idc-jit-dev-request")),
        "ExplicitlyDenied",
      );
    });
  }

  for (const [action, resource] of IDENTITY_CENTER_WRITES) {
    it(`lets only Identity Center ${action} on ${resource.split(":").pop()}: not an administrator, not the deploying role`, async () => {
      // IAM may refuse writes under /aws-reserved/ itself (the simulation says so; AWS does not say it for CreateRole):
      // the SCP denies them whatever IAM does.
      assert.equal(await scpAs(ADMIN, action, resource), "ExplicitlyDenied");
      assert.equal(await scpAs(DEPLOY_ROLE, action, resource), "ExplicitlyDenied");
      assert.equal(await scpAs(IDENTITY_CENTER_ROLE, action, resource), "ExplicitlyDenied");
      assert.equal(await scpAs(IDENTITY_CENTER, action, resource), "Allowed");
      assert.equal((await as(ADMIN, action, resource, [])) === "ExplicitlyDenied", false, "nothing denied it before");
    });
  }

  it("lets Identity Center write its SAML provider", async () => {
    assert.equal(await as(IDENTITY_CENTER, "iam:UpdateSAMLProvider", SAML_PROVIDER), "Allowed");
  });

  for (const action of ["iam:UpdateAssumeRolePolicy", "iam:DeleteRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"]) {
    it(`lets nobody in the account ${action} on the deploying role, not even itself (whoever could would be the deployer)`, async () => {
      assert.equal(await as(ADMIN, action, DEPLOY_ROLE, []), "Allowed");
      assert.equal(await as(ADMIN, action, DEPLOY_ROLE), "ExplicitlyDenied");
      assert.equal(await as(DEPLOY_ROLE, action, DEPLOY_ROLE), "ExplicitlyDenied");
    });
  }

  /** `principal` passes `role` to `service`. */
  const passing = (principal: string, role: string, service: string, scps = [scp]) =>
    decide({
      ...request(principal, "iam:PassRole", roleArn(REQUESTER, role), scps),
      context: { "iam:PassedToService": service },
    });

  it("lets only the deploying role hand the solution's roles to Chatbot or EventBridge (a channel or rule of its own)", async () => {
    for (const [role, service] of [
      ["idc-jit-dev-chatbot-approver", "chatbot.amazonaws.com"],
      ["idc-jit-dev-requester-events", "events.amazonaws.com"],
    ]) {
      assert.equal(await passing(ADMIN, role, service, []), "Allowed");
      assert.equal(await passing(ADMIN, role, service), "ExplicitlyDenied");
      assert.equal(await passing(DEPLOY_ROLE, role, service), "Allowed");
    }
  });

  it("with jit:chatbotUserRoles, lets the solution's sets hand their chat role to Chatbot (a user linking their own)", async () => {
    const plan = await planFor({ ...GUARDRAILS, ...CHATBOT_USER_ROLES });
    const withUserRoles = plan.jsonInput<PolicyDocument>(
      plan.one("aws:organizations/policy:Policy", "guardrails-scp"),
      "content",
    );
    const approver = identityCenterUser("ApproveAWSAccountAccess");
    const link = "idc-jit-dev-chatbot-approver";
    assert.equal(await passing(approver, link, "chatbot.amazonaws.com", [withUserRoles]), "Allowed");
    assert.equal(await passing(approver, link, "chatbot.amazonaws.com"), "ExplicitlyDenied", "not without user roles");
    assert.equal(await passing(ADMIN, link, "chatbot.amazonaws.com", [withUserRoles]), "ExplicitlyDenied");
    assert.equal(
      await passing(approver, "idc-jit-dev-requester-events", "events.amazonaws.com", [withUserRoles]),
      "Allowed",
      "its own policy bounds it",
    );
  });

  it("still lets a requester pass the request role to Systems Manager, as raising a request does", async () => {
    assert.equal(await passing(IDENTITY_CENTER_ROLE, "idc-jit-dev-request", "ssm.amazonaws.com"), "Allowed");
  });

  it("lets only the deploying role change or delete the solution's chat channel configurations", async () => {
    const channel = (name: string) => `arn:aws:chatbot::${REQUESTER}:chat-configuration/slack-channel/${name}`;
    const update = "chatbot:UpdateSlackChannelConfiguration";
    assert.equal(await as(ADMIN, update, channel("idc-jit-dev-approver-channel"), []), "Allowed");
    assert.equal(await as(ADMIN, update, channel("idc-jit-dev-approver-channel")), "ExplicitlyDenied");
    assert.equal(await as(DEPLOY_ROLE, update, channel("idc-jit-dev-approver-channel")), "Allowed");
    assert.equal(await as(ADMIN, update, channel("team-alerts")), "Allowed");
  });

  it("leaves the account's other resources and every read alone", async () => {
    assert.equal(await as(ADMIN, "ssm:UpdateDocument", ssmArn(REQUESTER, "document/team-runbook")), "Allowed");
    assert.equal(await as(ADMIN, "iam:PutRolePolicy", roleArn(REQUESTER, "team-role")), "Allowed");
    assert.equal(await as(ADMIN, "events:PutRule", ruleArn(undefined, "team-rule", REQUESTER)), "Allowed");
    assert.equal(await as(ADMIN, "ssm:GetDocument", SOLUTION_WRITES[0][1]), "Allowed");
    assert.equal(await as(ADMIN, "iam:GetRole", IDENTITY_CENTER_ROLE), "Allowed");
  });

  it("fits Organizations' limit on an SCP's size (5,120 characters)", () => {
    assert.ok(JSON.stringify(scp).length <= 5120, `${JSON.stringify(scp).length} characters`);
  });

  it("is not deployed without jit:guardrails", async () => {
    const plan = await planFor();
    assert.equal(plan.resources.filter((r) => r.type.startsWith("aws:organizations/")).length, 0);
  });
});
