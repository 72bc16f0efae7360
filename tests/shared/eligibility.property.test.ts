/**
 * Issue 6, eligibility: the rules' config fields generated hostile a thousand times each (nothing is accepted unless
 * it is valid, and what is accepted is kept as given), and the evaluator checked against an oracle that states the
 * rules without the evaluator's code, over a thousand random rule sets and requests, with the properties a security
 * team relies on: less time or more approvals never turn an allowed request down, and the requester's own approval
 * never turns a refused one into an allowed one.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError } from "../../shared/config/checks";
import { readManagementConfig } from "../../shared/config/management";
import { type EligibilityRule, evaluateEligibility, type RequestFacts } from "../../shared/eligibility";
import { configReader } from "../support/configIssues";
import { hostile, oracles, validValues } from "../support/hostileInput";
import { withRule } from "../support/variants";

const RUNS = 1000;
const { read } = configReader("management-dev", readManagementConfig);

function readRule(field: string, value: unknown): EligibilityRule | undefined {
  try {
    return read(withRule({ [field]: value })).eligibility[0];
  } catch (err) {
    if (err instanceof ConfigError) return undefined;
    throw err;
  }
}

const whole = (s: string) => oracles.ruleDuration(s) && (s.endsWith("h") ? Number(s.slice(0, -1)) <= 24 : false);

describe("eligibility rules, generated (fast-check, 1,000 per field and property)", () => {
  describe("in config, a rule field is accepted only when valid, and kept exactly as given", () => {
    const fields: [string, fc.Arbitrary<string>, (s: string) => boolean, boolean][] = [
      ["name", validValues.word(1, 64), (s) => oracles.word(1, 64, "_-")(s) && oracles.word(1, 1, "")(s[0]), false],
      ["users", validValues.userName, oracles.userName, true],
      ["groups", validValues.groupId, validGroup, true],
      ["accounts", validValues.accountId, oracles.accountId, true],
      ["organizationalUnits", validValues.organizationalUnitId, validOrganizationalUnit, true],
      ["permissionSets", validValues.word(1, 32), oracles.word(1, 32, "_.-"), true],
      // The example's form asks in hours: a rule must be whole hours, at most a day.
      ["maxDuration", validValues.ruleDuration, whole, false],
    ];
    for (const [field, valid, oracle, inList] of fields) {
      it(`${field}`, () => {
        fc.assert(
          fc.property(hostile(valid), (value) => {
            const rule = readRule(field, inList ? [value] : value);
            assert.equal(rule !== undefined, oracle(value), JSON.stringify(value));
            if (rule && field !== "maxDuration") {
              assert.deepEqual((rule as unknown as Record<string, unknown>)[field], inList ? [value] : value);
            }
          }),
          { numRuns: RUNS },
        );
      });
    }
  });

  describe("the evaluator", () => {
    it("allows a request exactly when some rule admits the person, the set, the place, the time and the approvals", () => {
      fc.assert(
        fc.property(rulesArbitrary, factsArbitrary, (rules, facts) => {
          const verdict = evaluateEligibility(rules, facts);
          const allowing = rules.filter((r) => oracleAllows(r, facts));
          assert.equal(verdict.eligible, allowing.length > 0, JSON.stringify({ rules, facts, verdict }));
          if (verdict.eligible) assert.ok(allowing.some((r) => r.name === verdict.rule));
        }),
        { numRuns: RUNS },
      );
    });

    it("never refuses a shorter request it allows, nor one with more approvals", () => {
      fc.assert(
        fc.property(rulesArbitrary, factsArbitrary, approverArbitrary, (rules, facts, extra) => {
          if (!evaluateEligibility(rules, facts).eligible) return;
          const shorter = { ...facts, minutes: Math.max(1, facts.minutes - 30) };
          assert.equal(evaluateEligibility(rules, shorter).eligible, true);
          const more = { ...facts, approvers: [...facts.approvers, extra] };
          assert.equal(evaluateEligibility(rules, more).eligible, true);
        }),
        { numRuns: RUNS },
      );
    });

    it("never lets the requester's own approval turn a refusal into an allowed request", () => {
      fc.assert(
        fc.property(rulesArbitrary, factsArbitrary, (rules, facts) => {
          const without = evaluateEligibility(rules, { ...facts, selfApproved: false });
          const withOwn = evaluateEligibility(rules, { ...facts, selfApproved: true });
          assert.equal(withOwn.eligible, without.eligible);
          if (!withOwn.eligible && /approval/.test(withOwn.reason)) {
            assert.match(withOwn.reason, /own approval does not count$/);
          }
        }),
        { numRuns: RUNS },
      );
    });
  });
});

function validGroup(s: string): boolean {
  const parts = s.split("-");
  const hex = (p: string, n: number) => p.length === n && [...p].every((c) => "0123456789abcdef".includes(c));
  const uuid = (p: string[]) =>
    p.length === 5 && hex(p[0], 8) && hex(p[1], 4) && hex(p[2], 4) && hex(p[3], 4) && hex(p[4], 12);
  return uuid(parts) || (hex(parts[0], 10) && uuid(parts.slice(1)));
}

function validOrganizationalUnit(s: string): boolean {
  const lowerOrDigit = (p: string) => [...p].every((c) => (c >= "a" && c <= "z") || (c >= "0" && c <= "9"));
  const parts = s.split("-");
  if (parts[0] === "r")
    return parts.length === 2 && parts[1].length >= 4 && parts[1].length <= 32 && lowerOrDigit(parts[1]);
  return (
    parts.length === 3 &&
    parts[0] === "ou" &&
    parts[1].length >= 4 &&
    parts[1].length <= 32 &&
    lowerOrDigit(parts[1]) &&
    parts[2].length >= 8 &&
    parts[2].length <= 32 &&
    lowerOrDigit(parts[2])
  );
}

// A small world: four people, three groups, three sets, and accounts in a tree root > ou-a > ou-b.
const PEOPLE = ["alice", "bob", "carol", "dave"];
const GROUPS = ["g-engineers", "g-approvers", "g-ops"];
const SETS = ["Admin", "PowerUser", "ReadOnly"];
const PLACES: Record<string, string[]> = {
  "111111111111": ["ou-a", "r-root"],
  "222222222222": ["ou-b", "ou-a", "r-root"],
  "333333333333": ["r-root"],
};
const subset = <T>(values: T[]) => fc.subarray(values);

const rulesArbitrary = fc
  .array(
    fc.record({
      users: subset(PEOPLE),
      groups: subset(GROUPS),
      permissionSets: subset(SETS),
      accounts: subset(Object.keys(PLACES)),
      organizationalUnits: subset(["ou-a", "ou-b", "r-root"]),
      maxMinutes: fc.integer({ min: 1, max: 1440 }),
      approvals: fc.integer({ min: 0, max: 3 }),
      approverGroups: subset(GROUPS),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((rules) => rules.map((r, i): EligibilityRule => ({ ...r, name: `rule-${i}` })));

const approverArbitrary = fc.record({
  user: fc.constantFrom("erin", "frank", "grace"),
  groups: subset(GROUPS).map((g) => new Set(g)),
});

const factsArbitrary = fc
  .record({
    user: fc.constantFrom(...PEOPLE),
    userGroups: subset(GROUPS),
    permissionSet: fc.constantFrom(...SETS),
    account: fc.constantFrom(...Object.keys(PLACES)),
    minutes: fc.integer({ min: 1, max: 1500 }),
    approvers: fc.uniqueArray(approverArbitrary, { maxLength: 3, selector: (a) => a.user }),
    selfApproved: fc.boolean(),
  })
  .map((f): RequestFacts => ({ ...f, userGroups: new Set(f.userGroups), accountParents: PLACES[f.account] }));

/** The rules in words: who, what, where, how long, and how many approvals by others (from its groups, if any). */
function oracleAllows(rule: EligibilityRule, facts: RequestFacts): boolean {
  const who = rule.users.includes(facts.user) || [...facts.userGroups].some((g) => rule.groups.includes(g));
  const where =
    rule.accounts.includes(facts.account) || facts.accountParents.some((p) => rule.organizationalUnits.includes(p));
  const counted = facts.approvers.filter(
    (a) => rule.approverGroups.length === 0 || [...a.groups].some((g) => rule.approverGroups.includes(g)),
  ).length;
  return (
    who &&
    rule.permissionSets.includes(facts.permissionSet) &&
    where &&
    facts.minutes <= rule.maxMinutes &&
    counted >= rule.approvals
  );
}
