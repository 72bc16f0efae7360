import { EVENT_TYPES, type EventType } from "../events";
import type { Deployment } from "../naming";
import { patterns } from "../patterns";
import {
  boolean,
  type ConfigIssue,
  type FieldValues,
  integer,
  list,
  object,
  oneOf,
  optional,
  required,
  text,
} from "./checks";
import {
  commonFields,
  DEFAULT_REQUESTABLE_PERMISSION_SETS,
  DEFAULT_SOLUTION_PERMISSION_SETS,
  DURATION_UNITS,
  type DurationUnit,
  readSideConfig,
  type SideConfig,
  type StoredConfig,
  sessionDuration,
} from "./common";

/** The longest grant a config may allow, per unit: a day (Automation can sleep up to a week). */
export const MAX_DURATION: Record<DurationUnit, number> = { hours: 24, minutes: 1440 };

const subscriber = object({
  email: required(text(patterns.email)),
  events: optional(list(oneOf(EVENT_TYPES), { min: 1, unique: true }), [...EVENT_TYPES] as EventType[]),
});

const cloudTrailSummary = object({
  enabled: required(boolean),
  logGroupName: optional(text(patterns.logGroupName), "aws-controltower/CloudTrailLogs"),
  /** How long after the revocation to wait before summarising: the permission set session can outlive the grant. */
  waitSeconds: optional(integer(0, 43200), 0),
});

const solutionPermissionSets = object({
  request: optional(text(patterns.permissionSetName), DEFAULT_SOLUTION_PERMISSION_SETS.request),
  requestNoApproval: optional(text(patterns.permissionSetName), DEFAULT_SOLUTION_PERMISSION_SETS.requestNoApproval),
  approve: optional(text(patterns.permissionSetName), DEFAULT_SOLUTION_PERMISSION_SETS.approve),
});

export const managementFields = {
  ...commonFields,
  identityCenterInstanceArn: required(text(patterns.identityCenterInstanceArn)),
  identityStoreId: required(text(patterns.identityStoreId)),
  requestablePermissionSets: optional(
    list(text(patterns.requestablePermissionSetName), { min: 1, max: 100, unique: true }),
    [...DEFAULT_REQUESTABLE_PERMISSION_SETS],
  ),
  durationUnit: optional(oneOf(DURATION_UNITS), "hours" as DurationUnit),
  maxDuration: optional(integer(1, MAX_DURATION.minutes), 12),
  solutionPermissionSets: optional(solutionPermissionSets, { ...DEFAULT_SOLUTION_PERMISSION_SETS }),
  permissionSetSessionDuration: optional(text(sessionDuration), "PT8H"),
  organizationsResourcePolicy: optional(boolean, true),
  chatbotUserRoles: optional(boolean, false),
  cloudTrailSummary: optional(cloudTrailSummary, {
    enabled: false,
    logGroupName: "aws-controltower/CloudTrailLogs",
    waitSeconds: 0,
  }),
  permissionSetSyncMinutes: optional(integer(1, 1440), 15),
  notifications: optional(list(subscriber, { min: 0, unique: true }), []),
};

type ManagementFields = FieldValues<typeof managementFields>;

export type ManagementConfig = SideConfig<typeof managementFields, "management"> & Deployment;

/** Reads and validates the management side's config; throws one ConfigError that names every bad key. */
export function readManagementConfig(stored: StoredConfig): ManagementConfig {
  return readSideConfig("management", managementFields, stored, checkManagementRules);
}

function checkManagementRules(c: ManagementFields, issues: ConfigIssue[]) {
  if (c.maxDuration > MAX_DURATION[c.durationUnit]) {
    issues.push({
      key: "jit:maxDuration",
      rule: `must be at most ${MAX_DURATION[c.durationUnit]} when jit:durationUnit is ${c.durationUnit}`,
    });
  }
  const emails = c.notifications.map((n) => n.email.toLowerCase());
  emails.forEach((email, i) => {
    if (emails.indexOf(email) !== i) {
      issues.push({ key: `jit:notifications[${i}].email`, rule: `repeats ${email}; list each subscriber once` });
    }
  });
  const own = Object.values(c.solutionPermissionSets);
  if (new Set(own).size !== own.length) {
    issues.push({ key: "jit:solutionPermissionSets", rule: "must name three different permission sets" });
  }
  c.requestablePermissionSets.forEach((name, i) => {
    if (own.includes(name)) {
      issues.push({
        key: `jit:requestablePermissionSets[${i}]`,
        rule: `must not be ${name}: the solution's own request and approve permission sets cannot be requested`,
      });
    }
  });
}
