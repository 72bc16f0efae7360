/** The planned example stacks every policy must accept: both sides, with the config variants that change them. */
import { type Plan, sharedManagementPlan, sharedRequesterPlan } from "../support/plan";
import { CHAT_MANAGEMENT, grantsInMinutes, SLACK_CHAT, TEAMS_CHAT } from "../support/variants";

export const PLANNED_STACKS: { label: string; plan: () => Promise<Plan> }[] = [
  { label: "management-dev", plan: () => sharedManagementPlan() },
  { label: "management-dev with chat user roles", plan: () => sharedManagementPlan(CHAT_MANAGEMENT) },
  {
    label: "management-dev with grants in minutes, up to a day",
    plan: () => sharedManagementPlan(grantsInMinutes("1440m")),
  },
  {
    label: "management-dev cutting open sessions (jit:revokeOpenSessions)",
    plan: () => sharedManagementPlan({ "jit:revokeOpenSessions": true }),
  },
  { label: "requester-dev", plan: () => sharedRequesterPlan() },
  { label: "requester-dev in chat-only mode on Slack", plan: () => sharedRequesterPlan(SLACK_CHAT) },
  { label: "requester-dev in chat-only mode on Microsoft Teams", plan: () => sharedRequesterPlan(TEAMS_CHAT) },
];
