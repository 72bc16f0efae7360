import { type Deployment, partitionOf } from "../naming";
import { Pattern, patterns } from "../patterns";
import {
  ConfigError,
  type ConfigIssue,
  type Fields,
  type FieldValues,
  integer,
  namespaceEntries,
  numberIn,
  oneOf,
  optional,
  readNamespace,
  required,
  text,
} from "./checks";

export const SIDES = ["management", "requester"] as const;
export type SideName = (typeof SIDES)[number];

/**
 * How requests are raised and approved: the Change Manager form and CLI, or chat only (the two exclude each other).
 * Both sides know it: the requester side builds the form, the management side words the notifications.
 */
export const APPROVAL_MODES = ["webAndCli", "chatOnly"] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

/**
 * Where people fill in a request: Change Manager's change template (the runbook runs once the change request is
 * approved), or the request runbook itself on the Automation console, with its own aws:approve steps (for
 * organizations without Change Manager, which AWS closed to new customers on 7 November 2025).
 */
export const REQUEST_FORMS = ["changeManager", "automation"] as const;
export type RequestForm = (typeof REQUEST_FORMS)[number];

export const DURATION_UNITS = ["hours", "minutes"] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

/** The values CloudWatch Logs accepts for a log group's retention. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The permission sets the solution itself creates; their names are configurable but default to the sample's. */
export const DEFAULT_SOLUTION_PERMISSION_SETS = {
  request: "RequestAWSAccountAccess",
  requestNoApproval: "RequestAccountAccessNoApproval",
  approve: "ApproveAWSAccountAccess",
} as const;

/** Settings both sides share; they must be equal on both sides of one environment. */
export const commonFields = {
  side: required(oneOf(SIDES)),
  environment: required(text(patterns.environment)),
  namePrefix: optional(text(patterns.namePrefix), "idc-jit"),
  managementAccountId: required(text(patterns.accountId)),
  requesterAccountId: required(text(patterns.accountId)),
  logRetentionDays: optional(numberIn(LOG_RETENTION_DAYS), 30),
  /** The requester side builds the form for it; the management side words the notifications for it. */
  approvalMode: optional(oneOf(APPROVAL_MODES), "webAndCli" as ApprovalMode),
  /** The requester side builds this form; the management side reads requests and approvals from its records. */
  requestForm: optional(oneOf(REQUEST_FORMS), "changeManager" as RequestForm),
  /** Hours a pending request waits for its approvals before it expires (aws:approve waits at most 30 days). */
  approvalTimeout: optional(integer(1, 720), 24),
  /** Hours between the reminders approvers get while a request waits for them. */
  approvalReminder: optional(integer(1, 720), 4),
};

/** The engine's flat config map split into our namespace (`jit`) and the AWS provider's (`aws`). */
export interface StoredConfig {
  jit: Record<string, string>;
  aws: Record<string, string>;
}

export function splitStoredConfig(all: Readonly<Record<string, string>>): StoredConfig {
  return { jit: namespaceEntries(all, "jit"), aws: namespaceEntries(all, "aws") };
}

/**
 * Reads the AWS provider's settings we rely on (the provider owns the rest of its namespace): the region, and
 * `aws:allowedAccountIds`, which must name exactly the account this side deploys to, so the provider itself refuses
 * credentials for any other account (a management stack applied with requester credentials, say).
 */
export function readProviderSettings(
  stored: StoredConfig,
  accountId: string | undefined,
  issues: ConfigIssue[],
): { region: string; partition: string } | undefined {
  const allowed = stored.aws.allowedAccountIds;
  if (accountId !== undefined && !sameList(allowed, [accountId])) {
    issues.push({
      key: "aws:allowedAccountIds",
      rule: `must be ["${accountId}"], the account this side deploys to, so the AWS provider refuses other credentials (got ${allowed ?? "nothing"})`,
    });
  }
  const region = stored.aws.region;
  if (region === undefined) {
    issues.push({ key: "aws:region", rule: "is required: the region the stack deploys to" });
    return undefined;
  }
  const checked = text(patterns.region).read(region, "aws:region", issues);
  return checked === undefined ? undefined : { region: checked, partition: partitionOf(checked) };
}

function sameList(stored: string | undefined, expected: string[]): boolean {
  try {
    return stored !== undefined && JSON.stringify(JSON.parse(stored)) === JSON.stringify(expected);
  } catch {
    return false;
  }
}

export function checkAccountsDiffer(
  d: Pick<Deployment, "managementAccountId" | "requesterAccountId">,
  issues: ConfigIssue[],
) {
  if (d.managementAccountId === d.requesterAccountId) {
    issues.push({
      key: "jit:requesterAccountId",
      rule: "must differ from jit:managementAccountId: requests are raised outside the account that grants access",
    });
  }
}

/** ISO 8601 session durations Identity Center accepts for a permission set: 1 to 12 hours. */
export const sessionDuration = new Pattern("^PT([1-9]|1[0-2])H$", "an ISO 8601 duration from PT1H to PT12H");

/** A side's config once read: its fields, the side, and the provider's region and partition. */
export type SideConfig<F extends Fields, S extends SideName> = Omit<FieldValues<F>, "side"> & {
  side: S;
  region: string;
  partition: string;
};

/**
 * Reads one side's config: its fields, the provider settings pinned to the side's own account, the rules both sides
 * share, then the side's own cross-field `rules`; throws one ConfigError that names every bad key.
 */
export function readSideConfig<F extends typeof commonFields & Fields, S extends SideName>(
  side: S,
  fields: F,
  stored: StoredConfig,
  rules: (values: FieldValues<F>, issues: ConfigIssue[]) => void,
  retired: Readonly<Record<string, string>> = {},
): SideConfig<F, S> {
  const issues: ConfigIssue[] = [];
  const values = readNamespace("jit", fields, stored.jit, issues, retired) as
    | FieldValues<typeof commonFields>
    | undefined;
  const ownAccount = side === "management" ? values?.managementAccountId : values?.requesterAccountId;
  const provider = readProviderSettings(stored, ownAccount, issues);
  if (values) {
    if (values.side !== side) issues.push({ key: "jit:side", rule: `must be ${side} for the ${side} side's config` });
    checkAccountsDiffer(values, issues);
    rules(values as FieldValues<F>, issues);
  }
  if (!values || !provider || issues.length > 0) throw new ConfigError(issues);
  return { ...(values as FieldValues<F>), ...provider, side };
}
