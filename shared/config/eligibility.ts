/** The `jit:eligibility` setting: the rules as config holds them, and the checks that span a rule's fields. */
import type { EligibilityRule } from "../eligibility";
import { type Pattern, patterns } from "../patterns";
import { type Checked, type ConfigIssue, integer, list, object, optional, required, text } from "./checks";
import type { DurationUnit } from "./common";

/** The longest a rule may allow: a day (Automation can sleep up to a week). */
export const MAX_RULE_MINUTES = 1440;

const ids = (pattern: Pattern) => optional(list(text(pattern), { min: 1, max: 100, unique: true }), [] as string[]);

export const eligibilityRule = object({
  name: required(text(patterns.eligibilityRuleName)),
  users: ids(patterns.userName),
  groups: ids(patterns.identityCenterGroupId),
  permissionSets: required(list(text(patterns.requestablePermissionSetName), { min: 1, max: 100, unique: true })),
  accounts: ids(patterns.accountId),
  organizationalUnits: ids(patterns.organizationalUnitId),
  maxDuration: required(text(patterns.ruleDuration)),
  approvals: optional(integer(0, 10), 1),
  approverGroups: ids(patterns.identityCenterGroupId),
});

export const eligibilityRules = list(eligibilityRule, { min: 1, max: 100 });

type StoredRule = NonNullable<Checked<typeof eligibilityRule>>;

export function ruleMinutes(duration: string): number {
  const amount = Number(duration.slice(0, -1));
  return duration.endsWith("h") ? amount * 60 : amount;
}

/** Checks what spans a rule's fields (and the rules' names); the rules as the request check uses them. */
export function checkEligibility(
  stored: readonly StoredRule[],
  unit: DurationUnit,
  solutionSets: readonly string[],
  issues: ConfigIssue[],
): EligibilityRule[] {
  const names = stored.map((r) => r.name);
  return stored.map((r, i) => {
    const key = `jit:eligibility[${i}]`;
    const problem = (field: string, rule: string) => issues.push({ key: `${key}.${field}`, rule });
    if (names.indexOf(r.name) !== i) problem("name", `repeats ${r.name}; each rule needs its own name`);
    if (r.users.length === 0 && r.groups.length === 0) {
      problem("users", "or groups must name someone: a rule admits the users and group members it names");
    }
    if (r.accounts.length === 0 && r.organizationalUnits.length === 0) {
      problem("accounts", "or organizationalUnits must name where the rule applies");
    }
    const minutes = ruleMinutes(r.maxDuration);
    if (minutes > MAX_RULE_MINUTES) {
      problem("maxDuration", `must be at most 24h (${MAX_RULE_MINUTES}m), not ${r.maxDuration}`);
    }
    if (unit === "hours" && minutes % 60 !== 0) {
      problem(
        "maxDuration",
        `must be whole hours when jit:durationUnit is hours (the form asks in hours), not ${r.maxDuration}`,
      );
    }
    if (r.approvals === 0 && r.approverGroups.length > 0) {
      problem("approverGroups", "must be absent when approvals is 0: nobody approves");
    }
    r.permissionSets.forEach((set, j) => {
      if (solutionSets.includes(set)) {
        problem(`permissionSets[${j}]`, `must not be ${set}: the solution's own permission sets cannot be requested`);
      }
    });
    const { maxDuration, ...rest } = r;
    return { ...rest, maxMinutes: minutes };
  });
}
