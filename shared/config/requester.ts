import type { Deployment } from "../naming";
import { Pattern, patterns } from "../patterns";
import {
  boolean,
  type ConfigIssue,
  type FieldValues,
  integer,
  object,
  oneOf,
  optional,
  required,
  text,
} from "./checks";
import { commonFields, readSideConfig, type SideConfig, type StoredConfig } from "./common";

export { APPROVAL_MODES, type ApprovalMode } from "./common";

export const CHAT_PLATFORMS = ["slack", "teams"] as const;
/** Who acts in a channel: the channel's role for everyone in it, or each member's own linked AWS identity. */
export const CHANNEL_AUTH = ["channelRole", "userRole"] as const;

const uuid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
export const chatPatterns = {
  stackReference: new Pattern(
    "^([a-zA-Z0-9._-]+/){0,2}[a-zA-Z0-9._-]+$",
    "a stack reference: <stack>, <project>/<stack> or <organization>/<project>/<stack>",
  ),
  slackWorkspaceId: new Pattern("^[0-9A-Z]{1,255}$", "a Slack workspace id such as T01ABCDEFGH"),
  slackChannelId: new Pattern("^[A-Z0-9]{9,11}$", "a Slack channel id such as C0123ABCDEF"),
  teamsTeamId: new Pattern(`^${uuid}$`, "a Microsoft Teams team id (a UUID)"),
  teamsTenantId: new Pattern(`^${uuid}$`, "a Microsoft Teams tenant id (a UUID)"),
  teamsChannelId: new Pattern(
    "^19(:|%3[aA])[a-zA-Z0-9_-]{1,128}(@|%40)thread\\.(tacv2|skype)$",
    "a Microsoft Teams channel id such as 19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2",
  ),
};

const channel = object({
  id: required(text(new Pattern("^[a-zA-Z0-9:%@._-]{1,256}$", "a chat channel id"))),
  auth: optional(oneOf(CHANNEL_AUTH), "channelRole" as (typeof CHANNEL_AUTH)[number]),
});

const chat = object({
  platform: required(oneOf(CHAT_PLATFORMS)),
  /** The Slack workspace id, or the Microsoft Teams team id. */
  workspaceId: required(text(new Pattern("^[a-zA-Z0-9-]{1,255}$", "a Slack workspace id or a Teams team id"))),
  /** Microsoft Teams only. */
  tenantId: optional(text(chatPatterns.teamsTenantId), undefined as string | undefined),
  requesterChannel: required(channel),
  /** A separate channel for approvers (recommended); approvers use the requester channel without one. */
  approverChannel: optional(channel, undefined as { id: string; auth: (typeof CHANNEL_AUTH)[number] } | undefined),
});

export const requesterFields = {
  ...commonFields,
  /** The management stack this side reads its settings from, as `pulumi.StackReference` names it. */
  managementStack: required(text(chatPatterns.stackReference)),
  /** The IAM Identity Center group whose members approve (web and CLI mode, Change Manager form). */
  approverGroupId: optional(text(patterns.identityCenterGroupId), undefined as string | undefined),
  /** Approvals the change template asks for (Change Manager form; the Automation form asks as many as the rules need). */
  approvalsRequired: optional(integer(1, 10), 1),
  /** Let holders of the no-approval permission set skip approval. */
  autoApprovable: optional(boolean, false),
  serviceLinkedRoles: optional(object({ ssm: optional(boolean, true), changeManager: optional(boolean, true) }), {
    ssm: true,
    changeManager: true,
  }),
  chat: optional(chat, undefined as ChatSettings | undefined),
};

export interface ChatSettings {
  platform: (typeof CHAT_PLATFORMS)[number];
  workspaceId: string;
  tenantId?: string;
  requesterChannel: { id: string; auth: (typeof CHANNEL_AUTH)[number] };
  approverChannel?: { id: string; auth: (typeof CHANNEL_AUTH)[number] };
}

type RequesterFields = FieldValues<typeof requesterFields>;

export type RequesterConfig = SideConfig<typeof requesterFields, "requester"> & Deployment;

/** Keys earlier versions of this side had, and what to do with them. */
const RETIRED = {
  approverPortalUrl: "belongs in the management stack's config now (the management side sends request notifications)",
};

/** Reads and validates the requester side's config; throws one ConfigError that names every bad key. */
export function readRequesterConfig(stored: StoredConfig): RequesterConfig {
  return readSideConfig("requester", requesterFields, stored, checkRequesterRules, RETIRED);
}

function checkRequesterRules(c: RequesterFields, issues: ConfigIssue[]) {
  if (c.approvalMode === "webAndCli" && c.requestForm === "automation") {
    if (c.approverGroupId !== undefined) {
      issues.push({
        key: "jit:approverGroupId",
        rule: "must be absent when jit:requestForm is automation: the approvers are whoever holds the approve permission set in the requester account (assign it to the approvers' group in IAM Identity Center)",
      });
    }
    if (c.chat !== undefined) {
      issues.push({
        key: "jit:chat",
        rule: "must be absent when jit:approvalMode is webAndCli: chat is the chatOnly mode",
      });
    }
    return;
  }
  if (c.approvalMode === "webAndCli") {
    if (c.approverGroupId === undefined) {
      issues.push({
        key: "jit:approverGroupId",
        rule: "is required when jit:approvalMode is webAndCli: the approver group",
      });
    }
    if (c.chat !== undefined) {
      issues.push({
        key: "jit:chat",
        rule: "must be absent when jit:approvalMode is webAndCli: chat is the chatOnly mode",
      });
    }
    return;
  }
  if (c.chat === undefined) {
    issues.push({ key: "jit:chat", rule: "is required when jit:approvalMode is chatOnly" });
  } else {
    checkChat(c.chat, issues);
  }
  if (c.approverGroupId !== undefined) {
    issues.push({
      key: "jit:approverGroupId",
      rule: "must be absent when jit:approvalMode is chatOnly: the chat approver role approves",
    });
  }
  if (c.approvalsRequired !== 1) {
    issues.push({
      key: "jit:approvalsRequired",
      rule: "must be 1 when jit:approvalMode is chatOnly (one approver role)",
    });
  }
}

function checkChat(chat: ChatSettings, issues: ConfigIssue[]) {
  const ids =
    chat.platform === "slack"
      ? { workspace: chatPatterns.slackWorkspaceId, channel: chatPatterns.slackChannelId }
      : { workspace: chatPatterns.teamsTeamId, channel: chatPatterns.teamsChannelId };
  if (!ids.workspace.test(chat.workspaceId)) {
    issues.push({ key: "jit:chat.workspaceId", rule: `must be ${ids.workspace.rule} on ${chat.platform}` });
  }
  const channels = [
    ["requesterChannel", chat.requesterChannel],
    ["approverChannel", chat.approverChannel],
  ] as const;
  for (const [key, ch] of channels) {
    if (ch && !ids.channel.test(ch.id)) {
      issues.push({ key: `jit:chat.${key}.id`, rule: `must be ${ids.channel.rule} on ${chat.platform}` });
    }
  }
  if (chat.platform === "teams" && chat.tenantId === undefined) {
    issues.push({ key: "jit:chat.tenantId", rule: "is required on Microsoft Teams" });
  }
  if (chat.platform === "slack" && chat.tenantId !== undefined) {
    issues.push({ key: "jit:chat.tenantId", rule: "is a Microsoft Teams setting; remove it for Slack" });
  }
  if (!chat.approverChannel && chat.requesterChannel.auth === "channelRole") {
    issues.push({
      key: "jit:chat.requesterChannel.auth",
      rule: "must be userRole when there is no approver channel: in one shared channel, approvers act with their own linked role",
    });
  }
  if (chat.approverChannel && chat.approverChannel.id === chat.requesterChannel.id) {
    issues.push({
      key: "jit:chat.approverChannel.id",
      rule: "must differ from the requester channel; omit it to share one",
    });
  }
}
