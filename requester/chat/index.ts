import * as aws from "@pulumi/aws";
import * as awsnative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import type { RequestForm } from "../../shared/config/common";
import type { ChatSettings } from "../../shared/config/requester";
import { allow, type PolicyDocument, policy, serviceTrust } from "../../shared/iam";
import type { Names } from "../../shared/naming";
import { carriesNoTags, isRequest, tagNamesCaller } from "../../shared/requestOwnership";
import { roleWithPolicy } from "../../shared/resources";
import { chatAliases } from "./aliases";

export interface ChatChannelsArgs {
  chat: ChatSettings;
  account: string;
  region: string;
  names: Names;
  tags: Record<string, string>;
  /** The form the requester side deploys (jit:requestForm): what the request alias starts. */
  requestForm: RequestForm;
}

/** List APIs the chat commands use: IAM offers no resource to name. */
const LIST_ACTIONS = ["ssm:DescribeOpsItems", "ssm:ListDocuments"];
const DOCUMENT_READ_ACTIONS = ["ssm:DescribeDocument", "ssm:GetDocument"];

/**
 * Chat-only mode (AWS Chatbot, now Amazon Q Developer in chat applications): the roles requesters and approvers act
 * with in Slack or Microsoft Teams, and the channel configurations. Each channel's guardrail is its role's own policy,
 * so a member acting with a linked user role can do no more in the channel than raise or approve requests.
 */
export class ChatChannels extends pulumi.ComponentResource {
  readonly requesterRole: aws.iam.Role;
  readonly approverRole: aws.iam.Role;
  readonly aliases: ReturnType<typeof chatAliases>;

  constructor(name: string, args: ChatChannelsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:requester:ChatChannels", name, {}, opts);
    const parent = { parent: this };
    const { names, account, chat, tags, requestForm } = args;
    const { requester, arn } = names;
    const executions = arn.automationExecutions(account);

    // What both channels read: the form's documents, the requests' executions and their OpsItems.
    const reads = (executionActions: string[]) => [
      allow("ChangeManagerList", LIST_ACTIONS, "*"),
      allow("ReadForm", DOCUMENT_READ_ACTIONS, [
        arn.document(account, requester.changeTemplate),
        arn.document(account, requester.requestRunbook),
      ]),
      allow("ReadRequests", executionActions, executions),
      allow("ReadOpsItems", ["ssm:GetOpsItem"], arn.ssmResource(account, "opsitem/*")),
    ];
    const permissions = {
      requester: policy(
        ...reads(["ssm:GetAutomationExecution"]),
        ...(requestForm === "automation"
          ? // The Automation form: the runbook itself, run as its role (starting a document with an assumeRole passes it).
            [
              allow(
                "RaiseRequest",
                ["ssm:StartAutomationExecution"],
                arn.startAutomation(account, requester.requestRunbook),
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
                [
                  ...arn.startAutomation(account, requester.changeTemplate),
                  arn.document(account, requester.requestRunbook),
                ],
                { ...tagNamesCaller, BoolIfExists: { "ssm:AutoApprove": "false" } },
              ),
            ]),
      ),
      approver: policy(
        ...reads(["ssm:GetAutomationExecution", "ssm:DescribeAutomationStepExecutions"]),
        allow("ApproveOrReject", ["ssm:SendAutomationSignal"], executions),
        // Any request, and no other execution of the account (shared/requestOwnership.ts).
        allow("CancelRequest", ["ssm:StopAutomationExecution"], executions, isRequest),
        // The end-access alias: ends a grant early (the management side takes the approver channel's role as an
        // approver's).
        allow(
          "EndAccessEarly",
          ["ssm:StartAutomationExecution"],
          arn.startAutomation(account, requester.endAccessDocument),
          carriesNoTags,
        ),
        allow("PassEndAccessRole", ["iam:PassRole"], arn.role(account, requester.endAccessRole), {
          StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" },
        }),
      ),
    };
    const chatRole = (key: keyof typeof permissions, roleName: string, description: string) =>
      roleWithPolicy(
        `${name}-${key}-role`,
        { roleName, description, trust: serviceTrust("chatbot.amazonaws.com"), policy: permissions[key], tags },
        parent,
      );
    this.requesterRole = chatRole("requester", requester.chatbotRequesterRole, "Raises JIT access requests from chat");
    this.approverRole = chatRole("approver", requester.chatbotApproverRole, "Approves JIT access requests from chat");

    const guardrail = (key: keyof typeof permissions, doc: PolicyDocument) =>
      new aws.iam.Policy(
        `${name}-${key}-guardrail`,
        {
          name: `${requester[key === "requester" ? "chatbotRequesterRole" : "chatbotApproverRole"]}-guardrail`,
          policy: JSON.stringify(doc),
          tags,
        },
        parent,
      );
    const guardrails = {
      requester: guardrail("requester", permissions.requester),
      approver: guardrail("approver", permissions.approver),
    };

    // An explicit provider pins the chat resources to the stack's region and account, as aws:allowedAccountIds does.
    const provider = new awsnative.Provider(
      `${name}-provider`,
      { region: args.region as awsnative.Region, allowedAccountIds: [account] },
      parent,
    );
    const nativeTags = Object.entries(tags).map(([key, value]) => ({ key, value }));
    const channels = [
      {
        key: "requester",
        settings: chat.requesterChannel,
        role: this.requesterRole,
        configurationName: requester.chatbotRequesterChannel,
      },
      ...(chat.approverChannel
        ? [
            {
              key: "approver" as const,
              settings: chat.approverChannel,
              role: this.approverRole,
              configurationName: requester.chatbotApproverChannel,
            },
          ]
        : []),
    ] as const;
    for (const channel of channels) {
      const common = {
        configurationName: channel.configurationName,
        iamRoleArn: channel.role.arn,
        // A shared channel serves approvers too (acting with their linked approver role), so it takes both guardrails.
        guardrailPolicies: chat.approverChannel
          ? [guardrails[channel.key].arn]
          : [guardrails.requester.arn, guardrails.approver.arn],
        loggingLevel: "INFO",
        userRoleRequired: channel.settings.auth === "userRole",
        tags: nativeTags,
      };
      const options = { parent: this, provider };
      if (chat.platform === "slack") {
        new awsnative.chatbot.SlackChannelConfiguration(
          `${name}-${channel.key}-channel`,
          { ...common, slackWorkspaceId: chat.workspaceId, slackChannelId: channel.settings.id },
          options,
        );
      } else {
        new awsnative.chatbot.MicrosoftTeamsChannelConfiguration(
          `${name}-${channel.key}-channel`,
          {
            ...common,
            teamId: chat.workspaceId,
            teamsTenantId: chat.tenantId ?? "",
            teamsChannelId: channel.settings.id,
          },
          options,
        );
      }
    }

    this.aliases = chatAliases({
      requestForm,
      changeTemplateName: requester.changeTemplate,
      runbookName: requester.requestRunbook,
      endAccessDocumentName: requester.endAccessDocument,
      region: args.region,
    });
    this.registerOutputs({
      requesterRoleArn: this.requesterRole.arn,
      approverRoleArn: this.approverRole.arn,
      aliases: this.aliases,
    });
  }
}
