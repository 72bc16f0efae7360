/** Requester config variants the tests share: chat-only mode on each platform. */
import type { Overrides } from "./plan";

/** A management side that lets people link chat identities and pass the chat roles, as chat user roles need. */
export const CHAT_MANAGEMENT: Overrides = { "jit:chatbotUserRoles": true };

/** Chat-only mode on Slack, with a separate approver channel whose members act with their own linked role. */
export const SLACK_CHAT: Overrides = {
  "jit:approvalMode": "chatOnly",
  "jit:approverGroupId": undefined,
  "jit:chat": {
    platform: "slack",
    workspaceId: "T01ABCDEFGH",
    requesterChannel: { id: "C0123ABCDEF" },
    approverChannel: { id: "C0456GHIJKL", auth: "userRole" },
  },
};

/** Chat-only mode on Microsoft Teams, with one channel shared by requesters and approvers. */
export const TEAMS_CHAT: Overrides = {
  "jit:approvalMode": "chatOnly",
  "jit:approverGroupId": undefined,
  "jit:chat": {
    platform: "teams",
    workspaceId: "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
    tenantId: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
    requesterChannel: { id: "19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2", auth: "userRole" },
  },
};
