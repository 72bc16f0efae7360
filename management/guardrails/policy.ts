/**
 * The service control policy `jit:guardrails` attaches to the requester account (a member account, where SCPs
 * apply): only the role that deploys the requester stack may write the solution's documents, rules, buses and roles
 * there, and nobody but Identity Center may write the roles on its path or its `AWSSSO_*` SAML providers (an
 * administrator of the account who could would forge Identity Center sessions, and with them approvals).
 */
import type { PolicyDocument, Statement } from "../../shared/iam";
import type { Names } from "../../shared/naming";

/** Organizations' limit on an SCP's size, whitespace included (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html). */
export const MAX_SCP_CHARACTERS = 5120;

/** What `jit:guardrails` needs to build the requester account's SCP. */
export interface RequesterGuardrailArgs {
  names: Names;
  requesterAccountId: string;
  /** The role CI deploys the requester stack with: the only principal that may write the solution's resources. */
  deployRoleArn: string;
  /**
   * With `jit:chatbotUserRoles`, the solution's permission sets (by name) whose users pass their set's chat role to
   * Chatbot to link their own identity: their Identity Center roles may hand that role to Chatbot too.
   */
  chatUserPermissionSets?: string[];
}

const DOCUMENT_WRITES = [
  "ssm:CreateDocument",
  "ssm:UpdateDocument",
  "ssm:UpdateDocumentDefaultVersion",
  "ssm:UpdateDocumentMetadata",
  "ssm:DeleteDocument",
  "ssm:ModifyDocumentPermission",
  "ssm:AddTagsToResource",
  "ssm:RemoveTagsFromResource",
];

const RULE_WRITES = [
  "events:PutRule",
  "events:DeleteRule",
  "events:DisableRule",
  "events:EnableRule",
  "events:PutTargets",
  "events:RemoveTargets",
  "events:TagResource",
  "events:UntagResource",
];

/** PutPermission and RemovePermission are left out: IAM authorizes them on `*` only, so no resource could scope them. */
const BUS_WRITES = ["events:CreateEventBus", "events:UpdateEventBus", "events:DeleteEventBus"];

const ROLE_WRITES = [
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:UpdateAssumeRolePolicy",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
  "iam:TagRole",
  "iam:UntagRole",
];

/** Changes to a chat channel's configuration: which channel, which role its members act with. */
const CHAT_CONFIGURATION_WRITES = [
  "chatbot:UpdateSlackChannelConfiguration",
  "chatbot:DeleteSlackChannelConfiguration",
  "chatbot:UpdateMicrosoftTeamsChannelConfiguration",
  "chatbot:DeleteMicrosoftTeamsChannelConfiguration",
];

const SAML_PROVIDER_WRITES = [
  "iam:CreateSAMLProvider",
  "iam:UpdateSAMLProvider",
  "iam:DeleteSAMLProvider",
  "iam:TagSAMLProvider",
  "iam:UntagSAMLProvider",
];

/**
 * Identity Center's service-linked role, which creates the `AWSReservedSSO_*` roles and the `AWSSSO_*` SAML provider
 * in member accounts (its policy, https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSSSOServiceRolePolicy.html). SCPs do not
 * restrict service-linked roles at all ("SCPs don't affect service-linked roles",
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html); the exemption is stated
 * anyway, so the policy says what it means to a reader and to the IAM simulation.
 */
const identityCenterRole = (partition: string) =>
  `arn:${partition}:iam::*:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO`;

export function requesterGuardrailPolicy(a: RequesterGuardrailArgs): PolicyDocument {
  const { base, partition, arn, requester } = a.names;
  const account = a.requesterAccountId;
  const documents = [requester.changeTemplate, requester.requestRunbook, requester.endAccessDocument];
  const onlyTheDeployer = { ArnNotLike: { "aws:PrincipalArn": a.deployRoleArn } };
  const onlyIdentityCenter = { ArnNotLike: { "aws:PrincipalArn": identityCenterRole(partition) } };
  const statements: Statement[] = [
    {
      Sid: "JitDocumentsOnlyByDeployer",
      Effect: "Deny",
      Action: DOCUMENT_WRITES,
      Resource: [...new Set(documents)].map((name) => arn.document(account, name)),
      Condition: onlyTheDeployer,
    },
    {
      Sid: "JitRulesAndBusesOnlyByDeployer",
      Effect: "Deny",
      Action: [...RULE_WRITES, ...BUS_WRITES],
      Resource: [arn.rule(account, undefined, `${base}-*`), arn.eventBus(account, `${base}-*`)],
      Condition: onlyTheDeployer,
    },
    {
      Sid: "JitRolesOnlyByDeployer",
      Effect: "Deny",
      Action: ROLE_WRITES,
      Resource: arn.role(account, `${base}-*`),
      Condition: onlyTheDeployer,
    },
    {
      // Whoever could change the deploying role (its trust, its policies, or delete it and create another of its name)
      // would be the deployer. Nobody in the account may; the organization changes it with the SCP detached.
      Sid: "JitDeployingRoleUnchangeable",
      Effect: "Deny",
      Action: ROLE_WRITES,
      Resource: a.deployRoleArn,
    },
    {
      // A chat channel acting as the solution's chat approver role may end grants and cancel requests; a rule
      // acting as its event role sends to the management bus. Only the deployer hands those roles to a service.
      Sid: "JitRolesPassedOnlyByDeployer",
      Effect: "Deny",
      Action: "iam:PassRole",
      Resource: arn.role(account, `${base}-*`),
      Condition: {
        ArnNotLike: {
          "aws:PrincipalArn": [
            a.deployRoleArn,
            ...(a.chatUserPermissionSets ?? []).map((set) =>
              arn.role(account, `aws-reserved/sso.amazonaws.com/*AWSReservedSSO_${set}_*`),
            ),
          ],
        },
        StringEquals: { "iam:PassedToService": ["chatbot.amazonaws.com", "events.amazonaws.com"] },
      },
    },
    {
      Sid: "JitChatChannelsOnlyByDeployer",
      Effect: "Deny",
      Action: CHAT_CONFIGURATION_WRITES,
      Resource: `arn:${partition}:chatbot::${account}:chat-configuration/*/${base}-*`,
      Condition: onlyTheDeployer,
    },
    {
      Sid: "IdentityCenterRolesOnlyByIdentityCenter",
      Effect: "Deny",
      Action: ROLE_WRITES,
      Resource: arn.role(account, "aws-reserved/sso.amazonaws.com/*"),
      Condition: onlyIdentityCenter,
    },
    {
      Sid: "IdentityCenterSamlOnlyByIdentityCenter",
      Effect: "Deny",
      Action: SAML_PROVIDER_WRITES,
      Resource: `arn:${partition}:iam::${account}:saml-provider/AWSSSO_*`,
      Condition: onlyIdentityCenter,
    },
  ];
  return { Version: "2012-10-17", Statement: statements };
}

/** The policy as Organizations stores it; throws if it is over the size Organizations accepts. */
export function guardrailPolicyText(doc: PolicyDocument): string {
  const text = JSON.stringify(doc);
  if (text.length > MAX_SCP_CHARACTERS) {
    throw new Error(
      `jit:guardrails: the requester account's SCP takes ${text.length} characters, over the ${MAX_SCP_CHARACTERS} Organizations accepts; shorten jit:namePrefix or the deploying role's path and name`,
    );
  }
  return text;
}
