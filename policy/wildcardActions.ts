/**
 * The actions a permission set's inline policy may grant on `Resource: "*"`. Adding one is a reviewed change: say
 * which list it belongs to and why. tests/policy/wildcardActions.test.ts checks each list against the Service
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

/**
 * Read-only actions that do take a resource (a document, an automation execution, an OpsItem, a service setting or
 * a resource data sync), accepted on "*" as an exception: the Change Manager console reads templates, runbooks
 * (AWS-owned ones included) and requests across the account, and these actions change nothing. Scoping them to the
 * account's and AWS's ARNs would remove this list.
 */
export const CONSOLE_READS_ON_ANY_RESOURCE: readonly string[] = [
  "ssm:DescribeDocument",
  "ssm:DescribeDocumentParameters",
  "ssm:DescribeDocumentPermission",
  "ssm:GetAutomationExecution",
  "ssm:GetCalendarState",
  "ssm:GetDocument",
  "ssm:GetServiceSetting",
  "ssm:ListDocumentMetadataHistory",
  "ssm:ListDocumentVersions",
  "ssm:GetOpsItem",
  "ssm:GetOpsSummary",
  "ssm:DescribeAutomationStepExecutions",
];

const allowed = new Set(
  [...WITHOUT_RESOURCE_LEVEL_PERMISSIONS, ...CONSOLE_READS_ON_ANY_RESOURCE].map((a) => a.toLowerCase()),
);

/** Whether an action may be granted on "*" (IAM action names are case-insensitive). */
export const mayUseAnyResource = (action: string): boolean => allowed.has(action.toLowerCase());
