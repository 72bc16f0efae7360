import assert from "node:assert/strict";
import { ConfigError } from "../../../shared/config/checks";
import { splitStoredConfig } from "../../../shared/config/common";
import { sideOf } from "../../../shared/config/load";
import { readManagementConfig } from "../../../shared/config/management";
import { EVENT_TYPES } from "../../../shared/events";
import { configReader } from "../../support/configIssues";
import { configWith, type Overrides } from "../../support/plan";
import { ENGINEERS_GROUP, EXAMPLE_RULE, withRule } from "../../support/variants";

const { read, issuesOf, assertRejected } = configReader("management-dev", readManagementConfig);

const rules = withRule;

/** A group that holds a requestable set everywhere on purpose (break-glass administrators). */
const STANDING = {
  principalType: "GROUP",
  principalId: "9067a1b2c3-1234abcd-12ab-34cd-56ef-1234567890ab",
  permissionSet: "AWSAdministratorAccess",
  accountId: "*",
};

describe("management config", () => {
  it("reads the example stack's config, with typed values and defaults for what it leaves out", () => {
    const config = read();
    assert.equal(config.side, "management");
    assert.equal(config.managementAccountId, "111122223333");
    assert.equal(config.region, "eu-west-1");
    assert.equal(config.partition, "aws");
    assert.equal(config.maxDuration, 12);
    assert.equal(config.maxAccessWindow, undefined, "no limit on the effective access window unless set");
    assert.equal(config.mostApprovals, 1);
    assert.deepEqual(config.cloudTrailSummary, {
      enabled: true,
      logGroupName: "aws-controltower/CloudTrailLogs",
      waitSeconds: 3600,
    });
    assert.equal(config.namePrefix, "idc-jit");
    assert.equal(config.permissionSetSessionDuration, "PT8H");
    assert.equal(config.approvalMode, "webAndCli");
    assert.match(config.approverPortalUrl ?? "", /^https:\/\/d-93671a2b3c\.awsapps\.com\/start\//);
    assert.deepEqual(config.solutionPermissionSets, {
      request: "RequestAWSAccountAccess",
      requestNoApproval: "RequestAccountAccessNoApproval",
      approve: "ApproveAWSAccountAccess",
    });
  });

  it("gives a subscriber without events every event type, and keeps the ones a subscriber lists", () => {
    const config = read();
    assert.deepEqual(config.notifications[0].events, [...EVENT_TYPES]);
    assert.deepEqual(config.notifications[2].events, [
      "RequestApproved",
      "RequestRejected",
      "AccessGranted",
      "AccessRevoked",
      "Error",
    ]);
  });

  it("reads the eligibility rules with their durations in minutes, and derives what the form offers from them", () => {
    const config = read();
    assert.deepEqual(
      config.eligibility.map((r) => [r.name, r.maxMinutes, r.approvals]),
      [
        ["engineers-view-only", 720, 0],
        ["engineers-workloads", 240, 1],
        ["network-on-call", 480, 1],
        ["jit-verify", 60, 0],
      ],
    );
    assert.deepEqual(config.eligibility[2].groups, []);
    assert.deepEqual(config.requestablePermissionSets, [
      "AWSAdministratorAccess",
      "AWSPowerUserAccess",
      "JitVerifyCanary",
      "NetworkAdministrator",
      "ViewOnlyAccess",
    ]);
    assert.equal(config.maxDuration, 12, "the longest rule, in the form's unit (hours)");
  });

  it("offers the longest rule in minutes when the form asks in minutes", () => {
    const config = read({ "jit:durationUnit": "minutes", ...rules({ maxDuration: "90m" }) });
    assert.equal(config.maxDuration, 90);
    assert.equal(config.mostApprovals, 0);
  });

  it("runs the reconciler every 5 minutes and knows no standing access unless told", () => {
    const config = read();
    assert.equal(config.reconcileMinutes, 5);
    assert.equal(config.reconcilerCallBudget, 1000);
    assert.deepEqual(config.standingAccess, []);
  });

  it("reads standing access on a requestable set, for one account or every account", () => {
    const one = { ...STANDING, principalType: "USER", accountId: "777788889999" };
    const config = read({ "jit:standingAccess": [STANDING, one], "jit:reconcileMinutes": 15 });
    assert.deepEqual(config.standingAccess, [STANDING, one]);
    assert.equal(config.reconcileMinutes, 15);
  });

  it("deploys no guardrails unless told, and reads the deploying roles they admit", () => {
    assert.equal(read({ "jit:guardrails": undefined }).guardrails, undefined);
    const requester = "arn:aws:iam::444455556666:role/ci/jit-deploy";
    const management = "arn:aws:iam::111122223333:role/ci/jit-deploy";
    const onlyRequester = read({ "jit:guardrails": { requesterDeployRoleArn: requester } }).guardrails;
    assert.equal(onlyRequester?.requesterDeployRoleArn, requester);
    assert.equal(onlyRequester?.managementDeployRoleArn, undefined);
    const both = { requesterDeployRoleArn: requester, managementDeployRoleArn: management };
    assert.deepEqual(read({ "jit:guardrails": both }).guardrails, both);
  });

  it("takes the partition from the region", () => {
    const config = read({ "aws:region": "us-gov-west-1", "jit:guardrails": undefined });
    assert.equal(config.partition, "aws-us-gov");
  });

  describe("rejects, naming the key and the rule", () => {
    const cases: [string, Overrides, string, RegExp][] = [
      ["a missing requester account", { "jit:requesterAccountId": undefined }, "jit:requesterAccountId", /required/],
      [
        "an account id that is not 12 digits",
        { "jit:requesterAccountId": "4444555566" },
        "jit:requesterAccountId",
        /12 digits/,
      ],
      [
        "a requester account equal to the management account",
        { "jit:requesterAccountId": "111122223333" },
        "jit:requesterAccountId",
        /must differ/,
      ],
      [
        "an Identity Center instance ARN of the wrong shape",
        { "jit:identityCenterInstanceArn": "arn:aws:sso:::instance/ins-123" },
        "jit:identityCenterInstanceArn",
        /instance ARN/,
      ],
      [
        "an identity store id of the wrong shape",
        { "jit:identityStoreId": "store-1" },
        "jit:identityStoreId",
        /identity store/,
      ],
      ["no eligibility rules", { "jit:eligibility": undefined }, "jit:eligibility", /required/],
      ["an empty list of rules", { "jit:eligibility": [] }, "jit:eligibility", /1 to 100 items/],
      [
        "a rule permission set Parameter Store cannot name",
        rules({ permissionSets: ["AWSReadOnlyAccess", "Admin+Billing"] }),
        "jit:eligibility[0].permissionSets[1]",
        /Parameter Store/,
      ],
      [
        "a permission set listed twice in a rule",
        rules({ permissionSets: ["AWSReadOnlyAccess", "AWSReadOnlyAccess"] }),
        "jit:eligibility[0].permissionSets[1]",
        /unique/,
      ],
      [
        "the solution's own approve permission set as requestable",
        rules({ permissionSets: ["ApproveAWSAccountAccess"] }),
        "jit:eligibility[0].permissionSets[0]",
        /cannot be requested/,
      ],
      [
        "a rule without permission sets",
        rules({ permissionSets: [] }),
        "jit:eligibility[0].permissionSets",
        /1 to 100 items/,
      ],
      [
        "a permission set list given as a plain string",
        rules({ permissionSets: "AWSReadOnlyAccess" }),
        "jit:eligibility[0].permissionSets",
        /list/,
      ],
      ["a rule that names nobody", rules({ groups: undefined }), "jit:eligibility[0].users", /must name someone/],
      [
        "a rule that names no account or organizational unit",
        rules({ organizationalUnits: undefined }),
        "jit:eligibility[0].accounts",
        /must name where/,
      ],
      [
        "an organizational unit id of the wrong shape",
        rules({ organizationalUnits: ["Workloads"] }),
        "jit:eligibility[0].organizationalUnits[0]",
        /organizational unit id/,
      ],
      [
        "a user name with characters Identity Center user names may not have here",
        rules({ users: ['alice"bob'] }),
        "jit:eligibility[0].users[0]",
        /user name/,
      ],
      ["a rule duration over a day", rules({ maxDuration: "25h" }), "jit:eligibility[0].maxDuration", /at most 24h/],
      [
        "an access window without a unit",
        { "jit:maxAccessWindow": "13" },
        "jit:maxAccessWindow",
        /a duration such as 90m or 4h/,
      ],
      [
        "a rule duration in minutes when the form asks in hours",
        rules({ maxDuration: "90m" }),
        "jit:eligibility[0].maxDuration",
        /whole hours/,
      ],
      [
        "a rule duration without a unit",
        rules({ maxDuration: "4" }),
        "jit:eligibility[0].maxDuration",
        /such as 90m or 4h/,
      ],
      [
        "approver groups on a rule that needs no approval",
        rules({ approvals: 0, approverGroups: ["9067a1b2c3-1234abcd-12ab-34cd-56ef-1234567890ab"] }),
        "jit:eligibility[0].approverGroups",
        /must be absent when approvals is 0/,
      ],
      ["more approvals than a template can ask", rules({ approvals: 11 }), "jit:eligibility[0].approvals", /0 to 10/],
      [
        "more rules than fit in the request check's environment",
        {
          "jit:eligibility": Array.from({ length: 20 }, (_, i) => ({ ...EXAMPLE_RULE, name: `rule-${i}` })),
        },
        "jit:eligibility",
        /over the 3000 that fit in a Lambda environment/,
      ],
      [
        "two rules with one name",
        { "jit:eligibility": [EXAMPLE_RULE, EXAMPLE_RULE] },
        "jit:eligibility[1].name",
        /repeats/,
      ],
      [
        "a setting rules do not have",
        rules({ account: ["777788889999"] }),
        "jit:eligibility[0].account",
        /not a known setting/,
      ],
      ["an unknown duration unit", { "jit:durationUnit": "days" }, "jit:durationUnit", /hours, minutes/],
      [
        "a session duration outside 1 to 12 hours",
        { "jit:permissionSetSessionDuration": "PT13H" },
        "jit:permissionSetSessionDuration",
        /PT1H to PT12H/,
      ],
      [
        "a subscriber address that is not an email",
        { "jit:notifications": [{ email: "security-team" }] },
        "jit:notifications[0].email",
        /email address/,
      ],
      [
        "a subscriber event type that does not exist",
        { "jit:notifications": [{ email: "a@example.com", events: ["AccessGranted", "AccessStolen"] }] },
        "jit:notifications[0].events[1]",
        /one of RequestCreated/,
      ],
      [
        "the same subscriber twice, whatever the case",
        { "jit:notifications": [{ email: "a@example.com" }, { email: "A@example.com", events: ["Error"] }] },
        "jit:notifications[1].email",
        /list each subscriber once/,
      ],
      [
        "a setting the CloudTrail summary does not have",
        { "jit:cloudTrailSummary": { enabled: true, waitSecond: 60 } },
        "jit:cloudTrailSummary.waitSecond",
        /not a known setting/,
      ],
      [
        "a CloudTrail summary wait over 12 hours",
        { "jit:cloudTrailSummary": { enabled: true, waitSeconds: 86400 } },
        "jit:cloudTrailSummary.waitSeconds",
        /0 to 43200/,
      ],
      ["a misspelt key", { "jit:requesterAcountId": "444455556666" }, "jit:requesterAcountId", /not a setting/],
      [
        "a log retention CloudWatch does not offer",
        { "jit:logRetentionDays": 10 },
        "jit:logRetentionDays",
        /one of 1, 3, 5/,
      ],
      ["a name prefix with capitals", { "jit:namePrefix": "IdcJit" }, "jit:namePrefix", /lower-case/],
      ["a missing region", { "aws:region": undefined }, "aws:region", /required/],
      ["a region of the wrong shape", { "aws:region": "Ireland" }, "aws:region", /region/],
      [
        "credentials not pinned to the management account",
        { "aws:allowedAccountIds": ["444455556666"] },
        "aws:allowedAccountIds",
        /\["111122223333"\]/,
      ],
      ["a requester side's config", { "jit:side": "requester" }, "jit:side", /must be management/],
      ["a reconciler run interval of 0", { "jit:reconcileMinutes": 0 }, "jit:reconcileMinutes", /from 1 to 60/],
      [
        "a reconciler call budget too small to end one grant",
        { "jit:reconcilerCallBudget": 10 },
        "jit:reconcilerCallBudget",
        /from 38 to 10000/,
      ],
      [
        "a reconciler run interval over an hour",
        { "jit:reconcileMinutes": 61 },
        "jit:reconcileMinutes",
        /from 1 to 60/,
      ],
      [
        "a standing access with an unknown principal type",
        { "jit:standingAccess": [{ ...STANDING, principalType: "ROLE" }] },
        "jit:standingAccess[0].principalType",
        /one of USER, GROUP/,
      ],
      [
        "a standing access with a principal id of the wrong shape",
        { "jit:standingAccess": [{ ...STANDING, principalId: "admins" }] },
        "jit:standingAccess[0].principalId",
        /IAM Identity Center user or group id/,
      ],
      [
        "a standing access on a permission set no rule makes requestable",
        { "jit:standingAccess": [{ ...STANDING, permissionSet: "ApproveAWSAccountAccess" }] },
        "jit:standingAccess[0].permissionSet",
        /must be a requestable permission set/,
      ],
      [
        "a standing access on an account that is neither an id nor *",
        { "jit:standingAccess": [{ ...STANDING, accountId: "all" }] },
        "jit:standingAccess[0].accountId",
        /12 digits\), or \* for every account/,
      ],
      [
        "guardrails whose deploying role is not a role ARN",
        { "jit:guardrails": { requesterDeployRoleArn: "arn:aws:iam::444455556666:user/deployer" } },
        "jit:guardrails.requesterDeployRoleArn",
        /an IAM role ARN/,
      ],
      [
        "guardrails whose deploying role is in another account than the requester's",
        { "jit:guardrails": { requesterDeployRoleArn: "arn:aws:iam::111122223333:role/deployer" } },
        "jit:guardrails.requesterDeployRoleArn",
        /must be a role in the requester account \(444455556666\)/,
      ],
      [
        "guardrails whose deploying role is in another partition than the region's",
        { "jit:guardrails": { requesterDeployRoleArn: "arn:aws-cn:iam::444455556666:role/deployer" } },
        "jit:guardrails.requesterDeployRoleArn",
        /must be in the partition of eu-west-1 \(aws\), not aws-cn/,
      ],
      [
        "a management deploying role in another account than the management account",
        { "jit:guardrails": { managementDeployRoleArn: "arn:aws:iam::444455556666:role/deployer" } },
        "jit:guardrails.managementDeployRoleArn",
        /must be a role in the management account \(111122223333\)/,
      ],
      [
        "a standing access with a key it does not know",
        { "jit:standingAccess": [{ ...STANDING, permissionSetArn: "arn:aws:sso:::permissionSet/x" }] },
        "jit:standingAccess[0].permissionSetArn",
        /not a known setting/,
      ],
    ];
    for (const [what, overrides, key, rule] of cases) {
      it(what, () => assertRejected(overrides, key, rule));
    }
  });

  it("names the rule an issue is in, by its name as well as its place", () => {
    const issues = issuesOf({
      "jit:eligibility": [EXAMPLE_RULE, { ...EXAMPLE_RULE, name: "on-call", maxDuration: "90m", users: ["a b"] }],
      "jit:verify": undefined,
    });
    assert.deepEqual(
      issues.map((i) => [i.key, i.rule.endsWith("(in the rule named on-call)")]),
      [["jit:eligibility[1].users[0]", true]],
    );
    const crossField = issuesOf({
      "jit:eligibility": [{ ...EXAMPLE_RULE, name: "on-call", maxDuration: "90m" }],
      "jit:verify": undefined,
    });
    assert.match(crossField[0].rule, /whole hours .* \(in the rule named on-call\)$/);
  });

  it("reports every issue at once, so one pass fixes the config", () => {
    const issues = issuesOf({
      "jit:requesterAccountId": "bad",
      "jit:durationUnit": "weeks",
      "jit:notifications": [{ email: "nobody" }],
    });
    assert.deepEqual(
      issues.map((i) => i.key),
      ["jit:requesterAccountId", "jit:durationUnit", "jit:notifications[0].email"],
    );
  });

  describe("jit:verify: the canary permission set of the first-deployment self-test, and the rule that offers it", () => {
    const CANARY_RULE = {
      name: "jit-verify",
      groups: [ENGINEERS_GROUP],
      permissionSets: ["JitVerifyCanary"],
      accounts: ["444455556666"],
      maxDuration: "1h",
      approvals: 0,
    };
    /** The example's first rule and the canary's rule with `changes`, and `verify` as jit:verify. */
    const withCanary = (changes: Record<string, unknown>, verify: unknown = { eligibilityRule: "jit-verify" }) => ({
      "jit:eligibility": [EXAMPLE_RULE, { ...CANARY_RULE, ...changes }],
      "jit:verify": verify,
    });

    it("reads the example's canary and its rule, which the form then offers", () => {
      const config = read();
      assert.deepEqual(config.verify, { permissionSet: "JitVerifyCanary", eligibilityRule: "jit-verify" });
      assert.ok(config.requestablePermissionSets.includes("JitVerifyCanary"));
    });

    it("names the canary JitVerifyCanary unless told otherwise, and is optional (no canary, no jit verify)", () => {
      assert.equal(read(withCanary({})).verify?.permissionSet, "JitVerifyCanary");
      assert.equal(read(withRule({})).verify, undefined);
    });

    const cases: [string, Overrides, string, RegExp][] = [
      [
        "a rule name no rule has, listing the rules",
        withCanary({}, { eligibilityRule: "self-test" }),
        "jit:verify.eligibilityRule",
        /no rule named self-test \(the rules: engineers-view-only, jit-verify\)/,
      ],
      [
        "no rule named at all",
        withCanary({}, { permissionSet: "JitVerifyCanary" }),
        "jit:verify.eligibilityRule",
        /required/,
      ],
      [
        "a rule that offers more than the canary",
        withCanary({ permissionSets: ["JitVerifyCanary", "AWSReadOnlyAccess"] }),
        "jit:eligibility[1].permissionSets",
        /must be \[JitVerifyCanary\], the canary alone: .* \(in the rule named jit-verify\)$/,
      ],
      [
        "a rule that offers another set than the canary",
        withCanary({ permissionSets: ["AWSReadOnlyAccess"] }),
        "jit:eligibility[1].permissionSets",
        /must be \[JitVerifyCanary\]/,
      ],
      [
        "a rule that needs an approval",
        withCanary({ approvals: 1 }),
        "jit:eligibility[1].approvals",
        /must be 0: jit verify raises its request with nobody else to approve it/,
      ],
      [
        "another rule offering the canary",
        {
          ...withCanary({}),
          "jit:eligibility": [
            { ...EXAMPLE_RULE, permissionSets: ["AWSReadOnlyAccess", "JitVerifyCanary"] },
            CANARY_RULE,
          ],
        },
        "jit:eligibility[0].permissionSets",
        /must not offer JitVerifyCanary: the canary belongs to the rule jit-verify/,
      ],
      [
        "a canary that is one of the solution's own permission sets",
        withCanary(
          { permissionSets: ["RequestAWSAccountAccess"] },
          { permissionSet: "RequestAWSAccountAccess", eligibilityRule: "jit-verify" },
        ),
        "jit:verify.permissionSet",
        /must not be RequestAWSAccountAccess, one of the solution's own permission sets/,
      ],
      [
        "a canary name Parameter Store cannot hold",
        withCanary({}, { permissionSet: "Jit@Canary", eligibilityRule: "jit-verify" }),
        "jit:verify.permissionSet",
        /permission set name/,
      ],
      [
        "a setting jit:verify does not have",
        withCanary({}, { eligibilityRule: "jit-verify", account: "444455556666" }),
        "jit:verify.account",
        /not a known setting \(known: permissionSet, eligibilityRule\)/,
      ],
    ];
    for (const [what, overrides, key, rule] of cases) {
      it(`rejects ${what}, naming the key and the rule`, () => assertRejected(overrides, key, rule));
    }
  });

  it("says which side a stack deploys, and rejects any other side naming the allowed ones", () => {
    assert.equal(sideOf(splitStoredConfig(configWith("management-dev"))), "management");
    assert.throws(
      () => sideOf(splitStoredConfig(configWith("management-dev", { "jit:side": "both" }))),
      (err: unknown) =>
        err instanceof ConfigError && /jit:side: must be one of management, requester/.test(err.message),
    );
  });
});
