/**
 * The actions a permission set's inline policy may grant on `Resource: "*"`: only those IAM cannot scope. Adding one
 * is a reviewed change: say why. tests/policy/wildcardActions.test.ts checks each list against the Service
 * Authorization Reference data in @cloud-copilot/iam-simulate, so an entry cannot sit in the wrong list.
 */

/**
 * Actions with no resource type in the Service Authorization Reference: IAM can only grant them on "*".
 * Used by management/permissionSets.ts (Change Manager console reads, and AWS Chatbot identity linking).
 */
export const WITHOUT_RESOURCE_LEVEL_PERMISSIONS: readonly string[] = [
  // Change Manager console: listing documents, OpsItems and their metadata, and the people who approve.
  "ssm:ListDocuments",
  "ssm:DescribeOpsItems",
  // The jit CLI's `list`: change requests and their state.
  "ssm:DescribeAutomationExecutions",
  "ssm:ListOpsItemEvents",
  "ssm:ListOpsItemRelatedItems",
  "ssm:ListOpsMetadata",
  "iam:ListUsers",
  "iam:ListRoles",
  // AWS Chatbot user roles (jit:chatbotUserRoles): linking a chat identity to the signed-in AWS identity.
  "chatbot:DescribeChimeWebhookConfigurations",
  "chatbot:DescribeSlackChannelConfigurations",
  "chatbot:DescribeSlackChannels",
  "chatbot:DescribeSlackUserIdentities",
  "chatbot:DescribeSlackWorkspaces",
  "chatbot:GetMicrosoftTeamsChannelConfiguration",
  "chatbot:GetMicrosoftTeamsOauthParameters",
  "chatbot:GetSlackOauthParameters",
  "chatbot:ListMicrosoftTeamsChannelConfigurations",
  "chatbot:ListMicrosoftTeamsConfiguredTeams",
  "chatbot:ListMicrosoftTeamsUserIdentities",
  "chatbot:RedeemMicrosoftTeamsOauthCode",
  "chatbot:RedeemSlackOauthCode",
];

const allowed = new Set(WITHOUT_RESOURCE_LEVEL_PERMISSIONS.map((a) => a.toLowerCase()));

/** Whether an action may be granted on "*" (IAM action names are case-insensitive). */
export const mayUseAnyResource = (action: string): boolean => allowed.has(action.toLowerCase());
