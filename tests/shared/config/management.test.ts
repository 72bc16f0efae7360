import assert from "node:assert/strict";
import { ConfigError } from "../../../shared/config/checks";
import { splitStoredConfig } from "../../../shared/config/common";
import { sideOf } from "../../../shared/config/load";
import { readManagementConfig } from "../../../shared/config/management";
import { EVENT_TYPES } from "../../../shared/events";
import { configReader } from "../../support/configIssues";
import { configWith, type Overrides } from "../../support/plan";

const { read, issuesOf, assertRejected } = configReader("management-dev", readManagementConfig);

describe("management config", () => {
  it("reads the example stack's config, with typed values and defaults for what it leaves out", () => {
    const config = read();
    assert.equal(config.side, "management");
    assert.equal(config.managementAccountId, "111122223333");
    assert.equal(config.region, "eu-west-1");
    assert.equal(config.partition, "aws");
    assert.equal(config.maxDuration, 12);
    assert.deepEqual(config.cloudTrailSummary, {
      enabled: true,
      logGroupName: "aws-controltower/CloudTrailLogs",
      waitSeconds: 3600,
    });
    assert.equal(config.namePrefix, "idc-jit");
    assert.equal(config.permissionSetSessionDuration, "PT8H");
    assert.equal(config.organizationsResourcePolicy, true);
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
    ]);
  });

  it("takes the partition from the region", () => {
    const config = read({ "aws:region": "us-gov-west-1" });
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
      [
        "a requestable permission set Parameter Store cannot name",
        { "jit:requestablePermissionSets": ["AWSReadOnlyAccess", "Admin+Billing"] },
        "jit:requestablePermissionSets[1]",
        /Parameter Store/,
      ],
      [
        "a requestable permission set listed twice",
        { "jit:requestablePermissionSets": ["AWSReadOnlyAccess", "AWSReadOnlyAccess"] },
        "jit:requestablePermissionSets[1]",
        /unique/,
      ],
      [
        "the solution's own approve permission set as requestable",
        { "jit:requestablePermissionSets": ["AWSReadOnlyAccess", "ApproveAWSAccountAccess"] },
        "jit:requestablePermissionSets[1]",
        /cannot be requested/,
      ],
      [
        "an empty list of requestable sets",
        { "jit:requestablePermissionSets": [] },
        "jit:requestablePermissionSets",
        /1 to 100 items/,
      ],
      [
        "a list given as a plain string",
        { "jit:requestablePermissionSets": "AWSReadOnlyAccess" },
        "jit:requestablePermissionSets",
        /list/,
      ],
      ["an unknown duration unit", { "jit:durationUnit": "days" }, "jit:durationUnit", /hours, minutes/],
      ["a maximum duration over a day of hours", { "jit:maxDuration": 25 }, "jit:maxDuration", /at most 24/],
      ["a maximum duration that is not whole", { "jit:maxDuration": 1.5 }, "jit:maxDuration", /whole number/],
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
    ];
    for (const [what, overrides, key, rule] of cases) {
      it(what, () => assertRejected(overrides, key, rule));
    }
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

  it("says which side a stack deploys, and rejects any other side naming the allowed ones", () => {
    assert.equal(sideOf(splitStoredConfig(configWith("management-dev"))), "management");
    assert.throws(
      () => sideOf(splitStoredConfig(configWith("management-dev", { "jit:side": "both" }))),
      (err: unknown) =>
        err instanceof ConfigError && /jit:side: must be one of management, requester/.test(err.message),
    );
  });
});
