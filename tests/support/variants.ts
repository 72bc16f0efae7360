/** Requester config variants the tests share: chat-only mode on each platform. */
import type { Overrides } from "./plan";

/** A management side that lets people link chat identities and pass the chat roles, as chat user roles need. */
export const CHAT_MANAGEMENT: Overrides = { "jit:chatbotUserRoles": true, "jit:approvalMode": "chatOnly" };

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

/** The example config's Engineers group, which its eligibility rules admit. */
export const ENGINEERS_GROUP = "3f8e1a2b4c-0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d";

/** The example config's first eligibility rule, as the config file holds it. */
export const EXAMPLE_RULE = {
  name: "engineers-view-only",
  groups: [ENGINEERS_GROUP],
  permissionSets: ["ViewOnlyAccess"],
  organizationalUnits: ["r-ab12"],
  maxDuration: "12h",
  approvals: 0,
};

/**
 * A management side whose only rule is the example's first with `changes` (an undefined value removes a field), and so
 * without the example's `jit verify` canary, whose rule it drops.
 */
export function withRule(changes: Record<string, unknown>): Overrides {
  const rule = Object.fromEntries(Object.entries({ ...EXAMPLE_RULE, ...changes }).filter(([, v]) => v !== undefined));
  return { "jit:eligibility": [rule], "jit:verify": undefined };
}

/** A management side with one eligibility rule: the Engineers group, `permissionSets` anywhere, up to `maxDuration`. */
export function oneRule(permissionSets: string[], maxDuration: string, approvals = 1): Overrides {
  return withRule({ name: "only-rule", permissionSets, maxDuration, approvals });
}

/** Grants in minutes, up to `maxDuration` (such as 90m), for trying the revocation out. */
export function grantsInMinutes(maxDuration: string): Overrides {
  return {
    "jit:durationUnit": "minutes",
    ...oneRule(["AWSAdministratorAccess", "AWSPowerUserAccess", "AWSReadOnlyAccess"], maxDuration),
  };
}
