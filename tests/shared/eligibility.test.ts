import assert from "node:assert/strict";
import { type EligibilityRule, evaluateEligibility, groupsNamed, type RequestFacts } from "../../shared/eligibility";

const ENGINEERS = "3f8e1a2b4c-0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d";
const APPROVERS = "9067a1b2c3-1234abcd-12ab-34cd-56ef-1234567890ab";
const ROOT = "r-ab12";
const WORKLOADS = "ou-ab12-wkld0001";
const PRODUCTION = "ou-ab12-prod0001"; // nested in Workloads
const INFRASTRUCTURE = "ou-ab12-infr0001";
const ACCOUNT = "777788889999";

/** A rule admitting the engineers to administer the Workloads unit for 4 hours with one approval by anyone. */
function rule(overrides: Partial<EligibilityRule> = {}): EligibilityRule {
  return {
    name: "engineers-workloads",
    users: [],
    groups: [ENGINEERS],
    permissionSets: ["AWSAdministratorAccess"],
    accounts: [],
    organizationalUnits: [WORKLOADS],
    maxMinutes: 240,
    approvals: 1,
    approverGroups: [],
    ...overrides,
  };
}

/** Alice, an engineer, asks for AWSAdministratorAccess for 2 hours on an account in Production (in Workloads). */
function facts(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return {
    user: "alice",
    userGroups: new Set([ENGINEERS]),
    permissionSet: "AWSAdministratorAccess",
    account: ACCOUNT,
    accountParents: [PRODUCTION, WORKLOADS, ROOT],
    minutes: 120,
    approvers: [{ user: "bob", groups: new Set([APPROVERS]) }],
    selfApproved: false,
    ...overrides,
  };
}

const eligible = (name: string) => ({ eligible: true, rule: name });

/** The reason of a verdict that must be a rejection. */
function reasonFor(rules: EligibilityRule[], request: RequestFacts): string {
  const verdict = evaluateEligibility(rules, request);
  assert.equal(verdict.eligible, false, `expected a rejection, got ${JSON.stringify(verdict)}`);
  return (verdict as { reason: string }).reason;
}

const NO_RULE = "no eligibility rule lets alice request AWSAdministratorAccess on account 777788889999";

describe("evaluateEligibility", () => {
  describe("who the rule admits", () => {
    it("admits a user the rule names exactly as spelt: Alice is not the alice a rule names", () => {
      const byName = rule({ name: "alice-by-name", users: ["alice"], groups: [] });
      assert.deepEqual(evaluateEligibility([byName], facts({ userGroups: new Set() })), eligible("alice-by-name"));
      for (const user of ["Alice", "ALICE"]) {
        assert.deepEqual(evaluateEligibility([byName], facts({ user, userGroups: new Set() })), {
          eligible: false,
          reason: `no eligibility rule lets ${user} request AWSAdministratorAccess on account 777788889999`,
        });
      }
    });

    it("admits a member of a group the rule names", () => {
      assert.deepEqual(evaluateEligibility([rule()], facts()), eligible("engineers-workloads"));
    });

    it("rejects someone the rule neither names nor has a group of", () => {
      const reason = reasonFor([rule({ users: ["carol"] })], facts({ user: "mallory", userGroups: new Set() }));
      assert.equal(reason, "no eligibility rule lets mallory request AWSAdministratorAccess on account 777788889999");
    });
  });

  describe("what the rule allows", () => {
    it("rejects a permission set the rule does not list", () => {
      const reason = reasonFor([rule()], facts({ permissionSet: "AWSPowerUserAccess" }));
      assert.equal(reason, "no eligibility rule lets alice request AWSPowerUserAccess on account 777788889999");
    });
  });

  describe("where the rule applies", () => {
    it("covers an account it names directly, wherever the account sits", () => {
      const direct = rule({ accounts: [ACCOUNT], organizationalUnits: [] });
      assert.deepEqual(
        evaluateEligibility([direct], facts({ accountParents: [INFRASTRUCTURE, ROOT] })),
        eligible("engineers-workloads"),
      );
    });

    it("covers an account in a unit nested anywhere below the unit it names", () => {
      assert.deepEqual(
        evaluateEligibility([rule()], facts({ accountParents: [PRODUCTION, WORKLOADS, ROOT] })),
        eligible("engineers-workloads"),
      );
      assert.deepEqual(
        evaluateEligibility([rule({ organizationalUnits: [PRODUCTION] })], facts()),
        eligible("engineers-workloads"),
      );
    });

    it("covers every account of the organization when it names the root", () => {
      const everywhere = rule({ organizationalUnits: [ROOT] });
      assert.deepEqual(
        evaluateEligibility([everywhere], facts({ accountParents: [INFRASTRUCTURE, ROOT] })),
        eligible("engineers-workloads"),
      );
      assert.deepEqual(
        evaluateEligibility([everywhere], facts({ accountParents: [ROOT] })),
        eligible("engineers-workloads"),
      );
    });

    it("covers a guarded account (one of the solution's own) only where it names it, not through a unit", () => {
      const everywhere = rule({ organizationalUnits: [ROOT] });
      const verdict = evaluateEligibility([everywhere], facts({ accountParents: [ROOT] }), [ACCOUNT]);
      assert.deepEqual(verdict, {
        eligible: false,
        reason: `${NO_RULE} (an account of this solution: a rule must name it in accounts)`,
      });
      const named = rule({ accounts: [ACCOUNT] });
      assert.deepEqual(evaluateEligibility([named], facts(), [ACCOUNT]), eligible("engineers-workloads"));
    });

    it("rejects an account outside the units and accounts it names", () => {
      assert.equal(reasonFor([rule()], facts({ accountParents: [INFRASTRUCTURE, ROOT] })), NO_RULE);
      assert.equal(reasonFor([rule({ accounts: ["111122223333"] })], facts({ accountParents: [ROOT] })), NO_RULE);
    });
  });

  describe("how long", () => {
    it("allows exactly the rule's longest duration", () => {
      assert.deepEqual(evaluateEligibility([rule()], facts({ minutes: 240 })), eligible("engineers-workloads"));
    });

    it("rejects one minute more, naming the minutes asked for and allowed", () => {
      const reason = reasonFor([rule()], facts({ minutes: 241 }));
      assert.equal(
        reason,
        "241 minutes is longer than the 240 minutes the eligibility rules allow alice for AWSAdministratorAccess on account 777788889999",
      );
    });

    it("names the longest duration any matching rule allows", () => {
      const rules = [rule({ name: "short", maxMinutes: 60 }), rule({ name: "longer", maxMinutes: 180 })];
      assert.match(reasonFor(rules, facts({ minutes: 300 })), /^300 minutes is longer than the 180 minutes /);
    });
  });

  describe("approvals", () => {
    it("lets a request through without approvals when the rule needs none", () => {
      const open = rule({ name: "read-only", approvals: 0 });
      assert.deepEqual(evaluateEligibility([open], facts({ approvers: [] })), eligible("read-only"));
    });

    it("does not count the requester's own approval, and says so", () => {
      const reason = reasonFor([rule()], facts({ approvers: [], selfApproved: true }));
      assert.equal(
        reason,
        "rule engineers-workloads needs 1 approval(s) by someone other than alice; it has 0; alice's own approval does not count",
      );
    });

    it("does not mention an own approval there was none of", () => {
      const reason = reasonFor([rule({ approvals: 2 })], facts());
      assert.equal(reason, "rule engineers-workloads needs 2 approval(s) by someone other than alice; it has 1");
    });

    it("counts only approvals by members of the approver groups when the rule names them", () => {
      const guarded = rule({ approverGroups: [APPROVERS] });
      const byEngineer = facts({ approvers: [{ user: "dave", groups: new Set([ENGINEERS]) }] });
      assert.equal(
        reasonFor([guarded], byEngineer),
        `rule engineers-workloads needs 1 approval(s) by someone other than alice in its approver groups; it has 0`,
      );
      assert.deepEqual(evaluateEligibility([guarded], facts()), eligible("engineers-workloads"));
    });

    it("counts anyone's approval when the rule names no approver groups", () => {
      const byEngineer = facts({ approvers: [{ user: "dave", groups: new Set() }] });
      assert.deepEqual(evaluateEligibility([rule()], byEngineer), eligible("engineers-workloads"));
    });
  });

  describe("several rules", () => {
    it("grants under the first rule every condition of which the request meets", () => {
      const rules = [
        rule({ name: "short-shift", maxMinutes: 60 }),
        rule({ name: "long-shift", maxMinutes: 240 }),
        rule({ name: "also-long", maxMinutes: 480 }),
      ];
      assert.deepEqual(evaluateEligibility(rules, facts({ minutes: 120 })), eligible("long-shift"));
    });

    it("passes over a rule needing more approvals for a later one needing fewer", () => {
      const rules = [rule({ name: "strict", approvals: 2 }), rule({ name: "lenient", approvals: 1 })];
      assert.deepEqual(evaluateEligibility(rules, facts()), eligible("lenient"));
    });

    it("names the rule needing the fewest approvals when none has enough", () => {
      const rules = [rule({ name: "strict", approvals: 3 }), rule({ name: "lenient", approvals: 2 })];
      assert.match(reasonFor(rules, facts()), /^rule lenient needs 2 approval\(s\)/);
    });
  });

  describe("the reason names the first condition no rule meets", () => {
    it("who, what and where come before the duration and the approvals", () => {
      const tooLongUnapproved = { minutes: 600, approvers: [] };
      assert.equal(reasonFor([rule()], facts({ ...tooLongUnapproved, accountParents: [ROOT] })), NO_RULE);
    });

    it("the duration comes before the approvals", () => {
      assert.match(reasonFor([rule()], facts({ minutes: 600, approvers: [] })), /^600 minutes is longer than/);
    });

    it("the approvals are named only for rules the duration fits", () => {
      const rules = [rule({ name: "short-open", maxMinutes: 60, approvals: 0 }), rule({ name: "long-guarded" })];
      assert.match(
        reasonFor(rules, facts({ minutes: 120, approvers: [] })),
        /^rule long-guarded needs 1 approval\(s\)/,
      );
    });
  });
});

describe("groupsNamed", () => {
  it("lists each requester and approver group once, in the order the rules name them", () => {
    const rules = [
      rule({ groups: [ENGINEERS], approverGroups: [APPROVERS] }),
      rule({ groups: [APPROVERS, ENGINEERS], approverGroups: [] }),
    ];
    assert.deepEqual(groupsNamed(rules), [ENGINEERS, APPROVERS]);
  });

  it("is empty when the rules admit users by name only", () => {
    assert.deepEqual(groupsNamed([rule({ users: ["alice"], groups: [] })]), []);
  });
});
