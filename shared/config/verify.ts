/**
 * The `jit:verify` setting: the canary permission set the management stack deploys for `jit verify` (a permission
 * set whose only policy denies everything) and the eligibility rule that lets administrators request it. The self-test raises a
 * request for the canary, so the rule must offer nothing else and need nobody else's approval.
 */
import type { EligibilityRule } from "../eligibility";
import { patterns } from "../patterns";
import { type ConfigIssue, object, optional, required, text } from "./checks";

/** The canary permission set's name unless `jit:verify.permissionSet` names another. */
export const DEFAULT_CANARY_PERMISSION_SET = "JitVerifyCanary";

export const verifySetting = object({
  /** The canary permission set the stack creates, denying everything. */
  permissionSet: optional(text(patterns.requestablePermissionSetName), DEFAULT_CANARY_PERMISSION_SET as string),
  /** The eligibility rule (in jit:eligibility) that lets administrators request the canary. */
  eligibilityRule: required(text(patterns.eligibilityRuleName)),
});

export interface VerifySetting {
  permissionSet: string;
  eligibilityRule: string;
}

/**
 * Checks the setting against the rules: the rule it names exists, offers the canary and nothing else (it needs no
 * approval, so it must not open anything that grants a permission), and needs no approval (the self-test has nobody
 * else approve); no other rule offers the canary, and the canary is none of the solution's own permission sets.
 */
export function checkVerify(
  verify: VerifySetting,
  rules: readonly EligibilityRule[],
  solutionSets: readonly string[],
  issues: ConfigIssue[],
): void {
  const { permissionSet: canary, eligibilityRule: name } = verify;
  const problem = (field: string, rule: string) => issues.push({ key: `jit:verify.${field}`, rule });
  if (solutionSets.includes(canary)) {
    problem(
      "permissionSet",
      `must not be ${canary}, one of the solution's own permission sets: the canary grants nothing`,
    );
  }
  const index = rules.findIndex((r) => r.name === name);
  if (index < 0) {
    problem(
      "eligibilityRule",
      `must name a rule of jit:eligibility; there is no rule named ${name} (the rules: ${rules.map((r) => r.name).join(", ")})`,
    );
    return;
  }
  const rule = rules[index];
  const key = `jit:eligibility[${index}]`;
  const about = "(jit:verify.eligibilityRule names this rule)";
  if (rule.permissionSets.length !== 1 || rule.permissionSets[0] !== canary) {
    issues.push({
      key: `${key}.permissionSets`,
      rule: `must be [${canary}], the canary alone: the self-test's rule needs no approval, so it must offer nothing that grants a permission ${about}`,
    });
  }
  if (rule.approvals !== 0) {
    issues.push({
      key: `${key}.approvals`,
      rule: `must be 0: jit verify raises its request with nobody else to approve it ${about}`,
    });
  }
  rules.forEach((other, i) => {
    if (i !== index && other.permissionSets.includes(canary)) {
      issues.push({
        key: `jit:eligibility[${i}].permissionSets`,
        rule: `must not offer ${canary}: the canary belongs to the rule ${name}, which jit:verify.eligibilityRule names`,
      });
    }
  });
}
