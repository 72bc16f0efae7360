import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RequestForm } from "../shared/config/common";
import { allow, type PolicyDocument, policy, type Statement } from "../shared/iam";
import type { Names } from "../shared/naming";
import { carriesNoTags, isRequest, raisedByCaller, tagNamesCaller } from "../shared/requestOwnership";

export interface SolutionPermissionSetsArgs {
  instanceArn: string;
  requesterAccountId: string;
  /** Names of the three permission sets. */
  setNames: { request: string; requestNoApproval: string; approve: string };
  sessionDuration: string;
  /** Add the statements AWS Chatbot user roles need (passing the chat role, linking chat identities). */
  chatbotUserRoles: boolean;
  /** The form requests are raised with: what the request sets may start, and the page each set opens. */
  requestForm: RequestForm;
  names: Names;
  tags: Record<string, string>;
}

/** Read-only Systems Manager actions the Change Manager console needs to show templates and requests. */
/** What the Change Manager console lists to show templates, requests and approvers: list APIs take no resource. */
const CHANGE_MANAGER_LIST_ACTIONS = [
  "ssm:ListDocuments",
  // The CLI's `jit list`: the change requests and their state.
  "ssm:DescribeAutomationExecutions",
  "ssm:DescribeOpsItems",
  "ssm:ListOpsItemEvents",
  "ssm:ListOpsItemRelatedItems",
  "ssm:ListOpsMetadata",
  "iam:ListUsers",
  "iam:ListRoles",
];

/** What the console reads of one document: the account's own, or one AWS owns. */
const DOCUMENT_READ_ACTIONS = [
  "ssm:DescribeDocument",
  "ssm:DescribeDocumentParameters",
  "ssm:DescribeDocumentPermission",
  "ssm:GetCalendarState",
  "ssm:GetDocument",
  "ssm:ListDocumentMetadataHistory",
  "ssm:ListDocumentVersions",
];

/** What a chat user needs to link their chat identity to this AWS identity (AWS Chatbot user roles). */
const CHATBOT_USER_ACTIONS = [
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
 * The permission sets people use in the requester account: to request access (approval required), to request
 * access that may be auto-approved, and to approve. Each opens the right Change Manager page (relay state).
 */
export class SolutionPermissionSets extends pulumi.ComponentResource {
  readonly request: aws.ssoadmin.PermissionSet;
  readonly requestNoApproval: aws.ssoadmin.PermissionSet;
  readonly approve: aws.ssoadmin.PermissionSet;

  constructor(name: string, args: SolutionPermissionSetsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:SolutionPermissionSets", name, {}, opts);
    const { names, requesterAccountId } = args;
    const executions = names.arn.automationExecutions(requesterAccountId);
    // A change request names the template and the runbook it runs; both are authorized.
    const changeTemplate = [
      ...names.arn.startAutomation(requesterAccountId, names.requester.changeTemplate),
      names.arn.document(requesterAccountId, names.requester.requestRunbook),
    ];
    // Ending a grant early (requester/endRequest/): the end-access document, with the role it runs as.
    const endAccess: Statement[] = [
      allow(
        "EndAccessEarly",
        ["ssm:StartAutomationExecution"],
        names.arn.startAutomation(requesterAccountId, names.requester.endAccessDocument),
        carriesNoTags,
      ),
      allow("PassEndAccessRole", ["iam:PassRole"], names.arn.role(requesterAccountId, names.requester.endAccessRole), {
        StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" },
      }),
    ];
    const chatStatements = (chatRoleArn: string): Statement[] =>
      args.chatbotUserRoles
        ? [
            allow("PassChatRole", ["iam:PassRole"], chatRoleArn, {
              StringEquals: { "iam:PassedToService": "chatbot.amazonaws.com" },
            }),
            allow("LinkChatIdentity", CHATBOT_USER_ACTIONS, "*"),
          ]
        : [];
    // The console's reads, each on the requester account's (and for documents AWS's own) resources of its type.
    const ssm = (resource: string) => names.arn.ssmResource(requesterAccountId, resource);
    const consoleReads = (executionReads: string[]): Statement[] => [
      allow("ChangeManagerList", CHANGE_MANAGER_LIST_ACTIONS, "*"),
      allow("ChangeManagerReadDocuments", DOCUMENT_READ_ACTIONS, [
        names.arn.document(requesterAccountId, "*"),
        names.arn.document("", "*"),
      ]),
      allow("ChangeManagerReadRequests", executionReads, executions),
      allow("ChangeManagerReadOpsItems", ["ssm:GetOpsItem"], ssm("opsitem/*")),
      allow("ChangeManagerReadSettings", ["ssm:GetServiceSetting"], ssm("servicesetting/*")),
      allow("ChangeManagerReadSummaries", ["ssm:GetOpsSummary"], ssm("resource-data-sync/*")),
    ];
    // The Automation form: the runbook itself, run as its role (starting a document with an assumeRole passes it).
    const raiseRequest = (autoApprove: boolean): Statement[] =>
      args.requestForm === "automation"
        ? [
            allow(
              "RaiseRequest",
              ["ssm:StartAutomationExecution"],
              names.arn.startAutomation(requesterAccountId, names.requester.requestRunbook),
              tagNamesCaller,
            ),
            allow("PassRequestRole", ["iam:PassRole"], names.crossSide.requestRoleArn, {
              StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" },
            }),
          ]
        : [
            allow(
              "CreateChangeRequest",
              ["ssm:StartChangeRequestExecution"],
              changeTemplate,
              // Without the no-approval set, a request may not ask to skip approval.
              autoApprove ? tagNamesCaller : { ...tagNamesCaller, BoolIfExists: { "ssm:AutoApprove": "false" } },
            ),
          ];
    const requestPolicy = (autoApprove: boolean) =>
      policy(
        ...consoleReads(["ssm:GetAutomationExecution"]),
        ...raiseRequest(autoApprove),
        // A requester cancels their own requests only (shared/requestOwnership.ts); every cancellation is notified.
        allow("CancelOwnRequest", ["ssm:StopAutomationExecution"], executions, raisedByCaller),
        ...endAccess,
        ...chatStatements(names.crossSide.chatbotRequesterRoleArn),
      );

    const define = (key: string, setName: string, description: string, relayState: string, inline: PolicyDocument) => {
      const set = new aws.ssoadmin.PermissionSet(
        `${name}-${key}`,
        {
          name: setName,
          description,
          instanceArn: args.instanceArn,
          relayState,
          sessionDuration: args.sessionDuration,
          tags: args.tags,
        },
        { parent: this },
      );
      new aws.ssoadmin.PermissionSetInlinePolicy(
        `${name}-${key}-policy`,
        { instanceArn: args.instanceArn, permissionSetArn: set.arn, inlinePolicy: JSON.stringify(inline) },
        { parent: this },
      );
      return set;
    };

    this.request = define(
      "request",
      args.setNames.request,
      "Request temporary access to an AWS account through IAM Identity Center",
      names.urls.requestForm(args.requestForm),
      requestPolicy(false),
    );
    this.requestNoApproval = define(
      "request-no-approval",
      args.setNames.requestNoApproval,
      "Request temporary access to an AWS account, with automatic approval where the template allows it",
      names.urls.requestForm(args.requestForm),
      requestPolicy(true),
    );
    this.approve = define(
      "approve",
      args.setNames.approve,
      "Approve or reject temporary access to AWS accounts",
      names.urls.pendingApprovals(args.requestForm),
      policy(
        ...consoleReads(["ssm:GetAutomationExecution", "ssm:DescribeAutomationStepExecutions"]),
        allow("ApproveOrReject", ["ssm:SendAutomationSignal"], executions),
        // Any request, and no other execution of the account (shared/requestOwnership.ts).
        allow("CancelRequest", ["ssm:StopAutomationExecution"], executions, isRequest),
        ...endAccess,
        ...chatStatements(names.crossSide.chatbotApproverRoleArn),
      ),
    );

    this.registerOutputs({
      requestArn: this.request.arn,
      requestNoApprovalArn: this.requestNoApproval.arn,
      approveArn: this.approve.arn,
    });
  }
}

export interface CanaryPermissionSetArgs {
  instanceArn: string;
  /** jit:verify.permissionSet. */
  setName: string;
  tags: Record<string, string>;
}

/**
 * The canary's only policy: everything denied. An explicit Deny wins over any Allow, so a policy attached to the
 * canary out of band still grants nothing, and the no-approval rule that offers the canary stays harmless. Removing
 * this policy takes the same Identity Center rights as editing any other set, and the next `pulumi up` puts it back.
 */
export const CANARY_DENY_ALL = {
  Version: "2012-10-17",
  Statement: [{ Sid: "TheJitVerifyCanaryGrantsNothing", Effect: "Deny", Action: "*", Resource: "*" }],
};

/**
 * The canary `jit verify` requests (jit:verify): a permission set that denies everything, so granting it opens
 * nothing; its session lasts the shortest time Identity Center allows.
 */
export function canaryPermissionSet(
  name: string,
  args: CanaryPermissionSetArgs,
  opts?: pulumi.CustomResourceOptions,
): aws.ssoadmin.PermissionSet {
  const set = new aws.ssoadmin.PermissionSet(
    name,
    {
      name: args.setName,
      description: "JIT self-test canary (jit verify): denies everything",
      instanceArn: args.instanceArn,
      sessionDuration: "PT1H",
      tags: args.tags,
    },
    opts,
  );
  new aws.ssoadmin.PermissionSetInlinePolicy(
    `${name}-deny-all`,
    { instanceArn: args.instanceArn, permissionSetArn: set.arn, inlinePolicy: JSON.stringify(CANARY_DENY_ALL) },
    { ...opts, parent: set },
  );
  return set;
}
