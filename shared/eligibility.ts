/**
 * Eligibility: who may request which permission sets on which accounts, for how long, and with how many approvals
 * (DESIGN.md §5). The rules come from the management stack's config; the request check evaluates them against facts
 * it read from AWS (never from the request event alone) before anything is granted.
 */

export interface EligibilityRule {
  name: string;
  /** Identity Center user names the rule admits. */
  users: readonly string[];
  /** Identity Center group ids whose members the rule admits. */
  groups: readonly string[];
  permissionSets: readonly string[];
  accounts: readonly string[];
  /** Organizational unit ids (each covers its nested units) or the root id. */
  organizationalUnits: readonly string[];
  maxMinutes: number;
  /** Approvals by people other than the requester; 0 lets the request through without approval. */
  approvals: number;
  /** When not empty, only approvals by members of these groups count. */
  approverGroups: readonly string[];
}

/** What the request check established about one request, from AWS. */
export interface RequestFacts {
  user: string;
  /** The requester's groups, among those the rules name. */
  userGroups: ReadonlySet<string>;
  permissionSet: string;
  account: string;
  /** The account's parents up to the root: organizational unit ids, then the root id. */
  accountParents: readonly string[];
  minutes: number;
  /** Distinct approvers other than the requester, with their groups among those the rules name. */
  approvers: readonly { user: string; groups: ReadonlySet<string> }[];
  /** Whether the requester approved their own request (which never counts). */
  selfApproved: boolean;
}

export type Verdict = { eligible: true; rule: string } | { eligible: false; reason: string };

/** Every group id the rules name, as requester or approver groups: the memberships the check must look up. */
export function groupsNamed(rules: readonly EligibilityRule[]): string[] {
  return [...new Set(rules.flatMap((r) => [...r.groups, ...r.approverGroups]))];
}

/**
 * A user is named exactly as Identity Center spells them (its sessions carry the name as stored): `Alice` is not the
 * `alice` a rule names, whatever Identity Store would make of the two.
 */
const admits = (rule: EligibilityRule, user: string, groups: ReadonlySet<string>) =>
  rule.users.includes(user) || rule.groups.some((g) => groups.has(g));

/** Whether the rule covers the account: by name, or through an organizational unit unless the account is guarded. */
const covers = (rule: EligibilityRule, facts: ScreenFacts, guarded: readonly string[]) =>
  rule.accounts.includes(facts.account) ||
  (!guarded.includes(facts.account) && rule.organizationalUnits.some((ou) => facts.accountParents.includes(ou)));

/** The approvals that count under `rule`: other people's, and only from its approver groups if it names any. */
function countedApprovals(rule: EligibilityRule, facts: RequestFacts): number {
  if (rule.approverGroups.length === 0) return facts.approvers.length;
  return facts.approvers.filter((a) => rule.approverGroups.some((g) => a.groups.has(g))).length;
}

/** The part of a request's facts that is known before anyone approves it. */
export type ScreenFacts = Omit<RequestFacts, "approvers" | "selfApproved">;

/**
 * Whether some rule could grant the request once approved: the rules that admit the user, name the set, cover the
 * account and allow the duration; or why none does. The reason names the first condition no rule met, so the
 * requester learns whether to ask for less time or for something else.
 */
export type Screening = { eligible: true; rules: EligibilityRule[] } | { eligible: false; reason: string };

export function screenEligibility(
  rules: readonly EligibilityRule[],
  facts: ScreenFacts,
  /**
   * Accounts a rule covers only by naming them in `accounts`, never through an organizational unit: the solution's
   * own accounts, where access would reach the request form, the reader role and the grant workflow themselves.
   */
  guarded: readonly string[] = [],
): Screening {
  const what = `${facts.permissionSet} on account ${facts.account}`;
  const matching = rules.filter(
    (r) =>
      admits(r, facts.user, facts.userGroups) &&
      r.permissionSets.includes(facts.permissionSet) &&
      covers(r, facts, guarded),
  );
  if (matching.length === 0) {
    const own = guarded.includes(facts.account)
      ? " (an account of this solution: a rule must name it in accounts)"
      : "";
    return { eligible: false, reason: `no eligibility rule lets ${facts.user} request ${what}${own}` };
  }
  const longEnough = matching.filter((r) => facts.minutes <= r.maxMinutes);
  if (longEnough.length === 0) {
    const longest = Math.max(...matching.map((r) => r.maxMinutes));
    return {
      eligible: false,
      reason: `${facts.minutes} minutes is longer than the ${longest} minutes the eligibility rules allow ${facts.user} for ${what}`,
    };
  }
  return { eligible: true, rules: longEnough };
}

/** Of the rules a screened request falls under, the one that needs the fewest approvals (the first of equals). */
export function fewestApprovals(rules: readonly EligibilityRule[]): EligibilityRule {
  return rules.reduce((a, b) => (b.approvals < a.approvals ? b : a));
}

/** What a rule asks of approvals, in words: "2 approval(s) by someone other than alice in its approver groups". */
export function approvalsWanted(rule: EligibilityRule, user: string): string {
  const from = rule.approverGroups.length > 0 ? " in its approver groups" : "";
  return `${rule.approvals} approval(s) by someone other than ${user}${from}`;
}

/** The first rule that admits the request with its approvals, or why none does (screenEligibility, then approvals). */
export function evaluateEligibility(
  rules: readonly EligibilityRule[],
  facts: RequestFacts,
  guarded: readonly string[] = [],
): Verdict {
  const screened = screenEligibility(rules, facts, guarded);
  if (!screened.eligible) return screened;
  const approved = screened.rules.find((r) => countedApprovals(r, facts) >= r.approvals);
  if (approved) return { eligible: true, rule: approved.name };
  const fewest = fewestApprovals(screened.rules);
  const own = facts.selfApproved ? `; ${facts.user}'s own approval does not count` : "";
  return {
    eligible: false,
    reason: `rule ${fewest.name} needs ${approvalsWanted(fewest, facts.user)}; it has ${countedApprovals(fewest, facts)}${own}`,
  };
}

/** A rule's longest duration in the form's unit (whole units only). */
export function durationInUnit(minutes: number, unit: "hours" | "minutes"): number {
  return unit === "hours" ? Math.floor(minutes / 60) : minutes;
}

/** What the rules let anyone request at all: the form's permission sets and its longest duration, in `unit`. */
export function requestBoundsOf(
  rules: readonly EligibilityRule[],
  unit: "hours" | "minutes",
): { requestablePermissionSets: string[]; maxDuration: number; durationUnit: "hours" | "minutes" } {
  return {
    requestablePermissionSets: [...new Set(rules.flatMap((r) => r.permissionSets))].sort(),
    maxDuration: Math.max(...rules.map((r) => durationInUnit(r.maxMinutes, unit))),
    durationUnit: unit,
  };
}
