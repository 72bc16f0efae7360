import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { readManagementConfig } from "../../../shared/config/management";
import { managementConfigWarnings } from "../../../shared/config/warnings";
import { configReader } from "../../support/configIssues";
import { withRule } from "../../support/variants";

const { read, assertRejected } = configReader("management-dev", readManagementConfig);
const warningsOf = (overrides = {}) => managementConfigWarnings(read(overrides));

/** The example management stacks, by name (Pulumi.management-*.yaml at the top of the repository). */
const MANAGEMENT_STACKS = readdirSync(`${__dirname}/../../..`)
  .map((file) => /^Pulumi\.(management-.+)\.yaml$/.exec(file)?.[1])
  .filter((stack): stack is string => stack !== undefined);

describe("management config warnings: a no-approval rule on the organization root with a set that reads data", () => {
  it("none in the example stacks: their no-approval rule on the root offers a view-only set", () => {
    assert.ok(MANAGEMENT_STACKS.length >= 2, `found ${MANAGEMENT_STACKS}`);
    for (const stack of MANAGEMENT_STACKS) {
      const config = configReader(stack, readManagementConfig).read();
      assert.deepEqual(managementConfigWarnings(config), [], stack);
      const rootRule = config.eligibility.find((r) => r.organizationalUnits.some((ou) => ou.startsWith("r-")));
      assert.ok(rootRule, `${stack} has a rule on the root`);
      if (rootRule.approvals === 0) {
        for (const set of rootRule.permissionSets) assert.ok(config.viewOnlyPermissionSets.includes(set), set);
      }
    }
  });

  it("warns on a read-only set offered on the root with no approval, naming the rule, the root and the set", () => {
    const warnings = warningsOf(withRule({ name: "read-all", permissionSets: ["AWSReadOnlyAccess"], approvals: 0 }));
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].key, "jit:eligibility[0]");
    assert.match(warnings[0].rule, /read-all.*needs no approval.*root r-ab12.*AWSReadOnlyAccess can be taken/);
  });

  it("takes every set not listed in jit:viewOnlyPermissionSets to read data, and names only those", () => {
    const warnings = warningsOf({
      ...withRule({ permissionSets: ["ViewOnlyAccess", "BillingReader"], approvals: 0 }),
      "jit:viewOnlyPermissionSets": ["ViewOnlyAccess"],
    });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].rule, /so BillingReader can be taken/);
  });

  it("does not warn when the rule needs an approval, covers no root, or offers only view-only sets or the canary", () => {
    assert.deepEqual(warningsOf(withRule({ permissionSets: ["AWSReadOnlyAccess"], approvals: 1 })), []);
    assert.deepEqual(
      warningsOf(withRule({ approvals: 0, organizationalUnits: ["ou-ab12-wkld0001"], accounts: ["777788889999"] })),
      [],
    );
    assert.deepEqual(
      warningsOf({
        ...withRule({ permissionSets: ["ViewOnlyAccess"], approvals: 0 }),
        "jit:viewOnlyPermissionSets": ["ViewOnlyAccess"],
      }),
      [],
    );
    assert.deepEqual(
      warningsOf({
        ...withRule({ name: "jit-verify", permissionSets: ["JitVerifyCanary"], approvals: 0 }),
        "jit:verify": { permissionSet: "JitVerifyCanary", eligibilityRule: "jit-verify" },
      }),
      [],
    );
  });

  it("refuses a jit:viewOnlyPermissionSets entry that is not a permission set name, naming the key", () => {
    assertRejected(
      { "jit:viewOnlyPermissionSets": ["View Only"] },
      "jit:viewOnlyPermissionSets[0]",
      /permission set name/,
    );
  });
});

describe("management config warnings: too few subscribers to hear that one of them no longer does", () => {
  it("warns with fewer than two subscribers receiving Error, and not with two", () => {
    const only = warningsOf({ "jit:notifications": [{ email: "security@example.com" }] });
    assert.deepEqual(
      only.map((w) => w.key),
      ["jit:notifications"],
    );
    assert.match(only[0].rule, /has 1 subscriber\(s\) receiving Error/);
    const none = warningsOf({
      "jit:notifications": [
        { email: "a@example.com", events: ["AccessGranted"] },
        { email: "b@example.com", events: ["RequestCreated"] },
      ],
    });
    assert.match(none[0].rule, /has 0 subscriber\(s\)/);
    assert.deepEqual(
      warningsOf({ "jit:notifications": [{ email: "a@example.com" }, { email: "b@example.com", events: ["Error"] }] }),
      [],
    );
  });
});

describe("management config warnings: change alerts that cannot tell the deployer apart", () => {
  it("warns without jit:guardrails.managementDeployRoleArn, since every deployment's writes would alert", () => {
    const warnings = warningsOf({ "jit:guardrails": undefined });
    assert.deepEqual(
      warnings.map((w) => w.key),
      ["jit:guardrails.managementDeployRoleArn"],
    );
    assert.match(warnings[0].rule, /raises a change alert, one Error each/);
  });
});
