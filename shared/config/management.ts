import { type EligibilityRule, requestBoundsOf } from "../eligibility";
import { EVENT_TYPES, type EventType } from "../events";
import { type Deployment, partitionOf } from "../naming";
import { patterns } from "../patterns";
import {
  boolean,
  ConfigError,
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
  DEFAULT_SOLUTION_PERMISSION_SETS,
  DURATION_UNITS,
  type DurationUnit,
  readSideConfig,
  type SideConfig,
  type StoredConfig,
  sessionDuration,
} from "./common";
import { checkEligibility, eligibilityRules } from "./eligibility";
import { checkVerify, type VerifySetting, verifySetting } from "./verify";

const subscriber = object({
  email: required(text(patterns.email)),
  events: optional(list(oneOf(EVENT_TYPES), { min: 1, unique: true }), [...EVENT_TYPES] as EventType[]),
});

const cloudTrailSummary = object({
  enabled: required(boolean),
  logGroupName: optional(text(patterns.logGroupName), "aws-controltower/CloudTrailLogs"),
  /**
   * The least wait after the revocation before summarising, in seconds: the summary always waits at least the granted
   * set's session duration (sessions open at the revocation last that long), so 0 waits just that.
   */
  waitSeconds: optional(integer(0, 43200), 0),
});

const solutionPermissionSets = object({
  request: optional(text(patterns.permissionSetName), DEFAULT_SOLUTION_PERMISSION_SETS.request),
  requestNoApproval: optional(text(patterns.permissionSetName), DEFAULT_SOLUTION_PERMISSION_SETS.requestNoApproval),
  approve: optional(text(patterns.permissionSetName), DEFAULT_SOLUTION_PERMISSION_SETS.approve),
});

/**
 * `jit:guardrails`: the requester account's service control policy (management/guardrails/) and whom the management
 * account's change alerts leave out (management/changeAlerts/).
 */
const guardrails = object({
  /** The role CI deploys the requester stack with: the only principal the SCP lets write the solution's resources. */
  requesterDeployRoleArn: optional(text(patterns.iamRoleArn), undefined as string | undefined),
  /** The role CI deploys the management stack with: its changes to the solution's resources raise no alert. */
  managementDeployRoleArn: optional(text(patterns.iamRoleArn), undefined as string | undefined),
});

export interface GuardrailSetting {
  requesterDeployRoleArn?: string;
  managementDeployRoleArn?: string;
}

/** An assignment the organization keeps on purpose: the reconciler never alerts on it (functions/reconciler/). */
const standingAccess = object({
  principalType: required(oneOf(["USER", "GROUP"] as const)),
  principalId: required(text(patterns.identityCenterPrincipalId)),
  /** One of the requestable permission sets, by name (the reconciler sweeps no other). */
  permissionSet: required(text(patterns.requestablePermissionSetName)),
  accountId: required(text(patterns.accountIdOrAny)),
});

export const managementFields = {
  ...commonFields,
  identityCenterInstanceArn: required(text(patterns.identityCenterInstanceArn)),
  identityStoreId: required(text(patterns.identityStoreId)),
  /** Who may request what, where, for how long and with how many approvals. */
  eligibility: required(eligibilityRules),
  /**
   * Permission sets the organization vouches hold no more than AWS's managed ViewOnlyAccess policy (no data): a rule
   * that needs no approval on the organization root warns for any other set it names (./warnings.ts).
   */
  viewOnlyPermissionSets: optional(
    list(text(patterns.requestablePermissionSetName), { min: 0, max: 100, unique: true }),
    [] as string[],
  ),
  /** The unit the form asks for the duration in. */
  durationUnit: optional(oneOf(DURATION_UNITS), "hours" as DurationUnit),
  solutionPermissionSets: optional(solutionPermissionSets, { ...DEFAULT_SOLUTION_PERMISSION_SETS }),
  permissionSetSessionDuration: optional(text(sessionDuration), "PT8H"),
  /**
   * The longest access any rule may give, a session open when the grant ends included: each rule's maxDuration plus
   * the session duration of each set it names (read from Identity Center at deployment). Unset, no limit.
   */
  maxAccessWindow: optional(text(patterns.ruleDuration), undefined as string | undefined),
  /** The approve permission set's link in the access portal, offered in notifications as the way to approve. */
  approverPortalUrl: optional(text(patterns.httpsUrl), undefined as string | undefined),
  chatbotUserRoles: optional(boolean, false),
  cloudTrailSummary: optional(cloudTrailSummary, {
    enabled: false,
    logGroupName: "aws-controltower/CloudTrailLogs",
    waitSeconds: 0,
  }),
  /**
   * Cut the sessions a grant opened when it ends: a deny for the user's sessions issued before the end, written into
   * the permission set's inline policy and provisioned to the account (functions/sessionRevoker/; its cost: README).
   * Off, a session opened during the grant lasts its permission set's session duration after the end.
   */
  revokeOpenSessions: optional(boolean, false),
  permissionSetSyncMinutes: optional(integer(1, 1440), 15),
  /** How often the reconciler runs: it ends overdue grants and sweeps the requestable sets' assignments. */
  reconcileMinutes: optional(integer(1, 60), 5),
  /**
   * AWS calls one reconciler run may make (overdue grants first, then the dead letters, then the sweep). The sweep
   * lists an account's assignments again from the first page each run, a call per 100 assignments, then reads the
   * ledger for each.
   */
  reconcilerCallBudget: optional(integer(38, 10_000), 1000),
  /** Assignments of requestable sets the organization keeps on purpose: the reconciler never alerts on them. */
  standingAccess: optional(list(standingAccess, { min: 0, unique: true }), []),
  notifications: optional(list(subscriber, { min: 0, unique: true }), []),
  /** The canary permission set for `jit verify`, the first-deployment self-test, and the rule that offers it. */
  verify: optional<VerifySetting | undefined>(verifySetting, undefined),
  /** Service control policies the management stack attaches to the requester account (README, "Guardrails"). */
  guardrails: optional<GuardrailSetting | undefined>(guardrails, undefined),
};

/** What the rules may take of the request check function's environment, which Lambda limits to 4 KB in all. */
const MAX_RULES_BYTES = 3000;

type ManagementFields = FieldValues<typeof managementFields>;

/** The eligibility rules as the request check uses them, and what the form offers because of them. */
interface DerivedFromRules {
  eligibility: EligibilityRule[];
  /** Every permission set some rule names, in alphabetical order (as the form lists them). */
  requestablePermissionSets: string[];
  /** The longest duration any rule allows, in jit:durationUnit. */
  maxDuration: number;
  /** The most approvals any rule needs: the change template must collect at least as many. */
  mostApprovals: number;
  /**
   * The most approvals a rule naming each requestable set needs: the Automation form collects as many for a request of
   * that set (the check still applies the rule the request falls under).
   */
  approvalsBySet: Record<string, number>;
}

export type ManagementConfig = Omit<SideConfig<typeof managementFields, "management">, "eligibility"> &
  DerivedFromRules &
  Deployment;

/** Keys earlier versions of this side had, and what to do with them. */
const RETIRED = {
  organizationsResourcePolicy:
    "is no longer used: the request notifier names accounts from the management account (remove the key, and the JitRequesterDescribeAccount statement from the organization's resource policy)",
};

/** Reads and validates the management side's config; throws one ConfigError that names every bad key. */
export function readManagementConfig(stored: StoredConfig): ManagementConfig {
  let derived: DerivedFromRules | undefined;
  try {
    const config = readSideConfig(
      "management",
      managementFields,
      stored,
      (c, issues) => {
        derived = checkManagementRules(c, issues);
        checkGuardrails(c, stored.aws.region, issues);
      },
      RETIRED,
    );
    return { ...config, ...(derived as DerivedFromRules) };
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(err.issues.map((i) => naming(i, ruleNames(stored))));
    throw err;
  }
}

/** The names the stored rules give themselves, by position (whatever else is wrong with them). */
function ruleNames(stored: StoredConfig): unknown[] {
  try {
    const rules = JSON.parse(stored.jit.eligibility ?? "[]") as unknown;
    return Array.isArray(rules) ? rules.map((r) => (r as { name?: unknown } | null)?.name) : [];
  } catch {
    return [];
  }
}

/** An issue about one eligibility rule also names the rule, where it has a name. */
function naming(issue: ConfigIssue, names: unknown[]): ConfigIssue {
  const index = /^jit:eligibility\[(\d+)\]/.exec(issue.key)?.[1];
  const name = index === undefined ? undefined : names[Number(index)];
  return typeof name === "string" ? { ...issue, rule: `${issue.rule} (in the rule named ${name})` } : issue;
}

function checkManagementRules(c: ManagementFields, issues: ConfigIssue[]): DerivedFromRules {
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
  const eligibility = checkEligibility(c.eligibility, c.durationUnit, own, issues);
  if (c.verify) checkVerify(c.verify, eligibility, own, issues);
  const requestable = new Set(eligibility.flatMap((r) => r.permissionSets));
  c.standingAccess.forEach((s, i) => {
    if (!requestable.has(s.permissionSet)) {
      issues.push({
        key: `jit:standingAccess[${i}].permissionSet`,
        rule: `must be a requestable permission set (one an eligibility rule names), not ${JSON.stringify(s.permissionSet)}: the reconciler sweeps no other`,
      });
    }
  });
  const size = Buffer.byteLength(JSON.stringify(eligibility));
  if (size > MAX_RULES_BYTES) {
    issues.push({
      key: "jit:eligibility",
      rule: `takes ${size} bytes as the request check's settings, over the ${MAX_RULES_BYTES} that fit in a Lambda environment (4 KB in all): name groups rather than users, or merge rules`,
    });
  }
  const bounds = requestBoundsOf(eligibility, c.durationUnit);
  return {
    eligibility,
    requestablePermissionSets: bounds.requestablePermissionSets,
    maxDuration: bounds.maxDuration,
    mostApprovals: Math.max(...eligibility.map((r) => r.approvals)),
    approvalsBySet: approvalsBySet(eligibility),
  };
}

/**
 * The SCP trusts the requester's deploying role by its ARN, and the change alerts leave out the management's by its
 * ARN: a role of another account or partition would lock the deployer out, or alert on every deployment.
 */
function checkGuardrails(c: ManagementFields, region: string | undefined, issues: ConfigIssue[]) {
  const sides = [
    { key: "requesterDeployRoleArn", account: c.requesterAccountId, side: "requester" },
    { key: "managementDeployRoleArn", account: c.managementAccountId, side: "management" },
  ] as const;
  for (const { key, account, side } of sides) {
    const deployRole = c.guardrails?.[key];
    if (deployRole === undefined) continue;
    const [, partition, , , roleAccount] = deployRole.split(":");
    if (roleAccount !== account) {
      issues.push({
        key: `jit:guardrails.${key}`,
        rule: `must be a role in the ${side} account (${account}), the one the ${side} stack deploys with, not ${deployRole}`,
      });
    } else if (region !== undefined && partition !== partitionOf(region)) {
      issues.push({
        key: `jit:guardrails.${key}`,
        rule: `must be in the partition of ${region} (${partitionOf(region)}), not ${partition}`,
      });
    }
  }
}

function approvalsBySet(rules: readonly EligibilityRule[]): Record<string, number> {
  const bySet: Record<string, number> = {};
  for (const rule of rules) {
    for (const set of rule.permissionSets) bySet[set] = Math.max(bySet[set] ?? 0, rule.approvals);
  }
  return Object.fromEntries(Object.entries(bySet).sort(([a], [b]) => a.localeCompare(b)));
}
