import assert from "node:assert/strict";
import {
  DEFAULTS,
  isStanding,
  RECONCILER_ENV,
  reconcilerSettings,
  validSettings,
} from "../../../functions/reconciler/settings";

const INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
const ADMIN = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0000000000000001";
const READER = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0000000000000002";
const USER = "9a67e2b1c3-0123abcd-4567-89ab-cdef-0123456789ab";
const GROUP = "9067a1b2c3-1234abcd-12ab-34cd-56ef-1234567890ab";

const valid = {
  instanceArn: INSTANCE,
  tableName: "jit-dev-grants",
  topicArn: "arn:aws:sns:eu-west-1:111122223333:jit-dev-notifications",
  permissionSets: { Admin: ADMIN, Reader: READER },
  standingAccess: [{ principalType: "GROUP", principalId: GROUP, permissionSetArn: ADMIN, accountId: "*" }],
  schedule: {
    groupName: "idc-jit-dev-grant-ends",
    roleArn: "arn:aws:iam::111122223333:role/idc-jit-dev-scheduler",
    deadLetterArn: "arn:aws:sqs:eu-west-1:111122223333:idc-jit-dev-end-dead-letters",
    documentName: "idc-jit-dev-end-access",
  },
  deadLetterQueues: [
    { kind: "request", url: "https://sqs.eu-west-1.amazonaws.com/111122223333/idc-jit-dev-request-dead-letters" },
    { kind: "end", url: "https://sqs.eu-west-1.amazonaws.com/111122223333/idc-jit-dev-end-dead-letters" },
  ],
};

const env = (value: unknown) => ({ [RECONCILER_ENV]: JSON.stringify(value) });

describe("reconciler settings", () => {
  it("reads the settings from one JSON environment variable, with defaults for the budget, quiet period and grace", () => {
    const s = reconcilerSettings(env(valid));
    assert.equal(s.instanceArn, INSTANCE);
    assert.deepEqual(s.permissionSets, { Admin: ADMIN, Reader: READER });
    assert.equal(s.callBudget, DEFAULTS.callBudget);
    assert.equal(s.callBudget, 200);
    assert.equal(s.alertQuietHours, 24);
    assert.equal(s.graceSeconds, DEFAULTS.graceSeconds);
  });

  it("requires the variable and JSON in it", () => {
    assert.throws(() => reconcilerSettings({}), /JIT_RECONCILER is required/);
    assert.throws(() => reconcilerSettings({ [RECONCILER_ENV]: "{" }), /must be JSON/);
  });

  const broken: [string, Record<string, unknown>, RegExp][] = [
    ["a table name with a slash", { tableName: "a/b" }, /tableName must be a DynamoDB table name/],
    ["a topic that is not an SNS ARN", { topicArn: "arn:aws:sqs:eu-west-1:111122223333:q" }, /topicArn must be an SNS/],
    ["no requestable set", { permissionSets: {} }, /permissionSets must be an object naming at least one/],
    [
      "a set ARN that is not one",
      { permissionSets: { Admin: "ps-1" } },
      /permissionSets.Admin must be an IAM Identity/,
    ],
    ["a budget below one removal", { callBudget: 5 }, /callBudget must be a whole number from 38 to 10000/],
    ["no end schedule settings", { schedule: undefined }, /JIT_RECONCILER: schedule must be an object/],
    ["no dead-letter queues", { deadLetterQueues: undefined }, /deadLetterQueues must be a list of/],
    [
      "a dead-letter queue of an unknown kind",
      { deadLetterQueues: [{ kind: "summary", url: "https://sqs.eu-west-1.amazonaws.com/111122223333/q" }] },
      /deadLetterQueues\[0\]\.kind must be one of request, end, notification/,
    ],
    [
      "a dead-letter queue named by its ARN, not its URL",
      { deadLetterQueues: [{ kind: "end", url: "arn:aws:sqs:eu-west-1:111122223333:q" }] },
      /deadLetterQueues\[0\]\.url must be an SQS queue URL/,
    ],
    ["a fractional quiet period", { alertQuietHours: 1.5 }, /alertQuietHours must be a whole number/],
    [
      "a standing entry for a set nobody can request",
      {
        standingAccess: [
          {
            principalType: "USER",
            principalId: USER,
            permissionSetArn: ADMIN.replace("1", "9"),
            accountId: "111122223333",
          },
        ],
      },
      /standingAccess\[0\].permissionSetArn must be the ARN of one of permissionSets/,
    ],
    [
      "a standing entry of an unknown principal type",
      { standingAccess: [{ principalType: "ROLE", principalId: USER, permissionSetArn: ADMIN, accountId: "*" }] },
      /standingAccess\[0\].principalType must be USER or GROUP/,
    ],
    [
      "a standing entry with a wildcard in part of an account id",
      { standingAccess: [{ principalType: "USER", principalId: USER, permissionSetArn: ADMIN, accountId: "1111*" }] },
      /standingAccess\[0\].accountId must be an AWS account id: exactly 12 digits, or \* for every account/,
    ],
    [
      "a session revoker that is not a function ARN",
      { sessionRevoker: { functionArn: "jit-session-revoker" } },
      /JIT_RECONCILER\.sessionRevoker\.functionArn must be/,
    ],
  ];
  for (const [what, change, error] of broken) {
    it(`refuses ${what}, naming the field and the rule`, () => {
      assert.throws(() => validSettings({ ...valid, ...change }), error);
    });
  }
});

describe("standing access", () => {
  const settings = validSettings({
    ...valid,
    standingAccess: [
      { principalType: "GROUP", principalId: GROUP, permissionSetArn: ADMIN, accountId: "*" },
      { principalType: "USER", principalId: USER, permissionSetArn: READER, accountId: "111122223333" },
    ],
  });
  const at = (principalType: string, principalId: string, permissionSetArn: string, accountId: string) =>
    isStanding(settings, { principalType, principalId, permissionSetArn, accountId });

  it("explains an entry's principal, set and account; * covers every account", () => {
    assert.equal(at("GROUP", GROUP, ADMIN, "444455556666"), true);
    assert.equal(at("USER", USER, READER, "111122223333"), true);
  });

  it("explains nothing else: another account, another set, or the same id as the other principal type", () => {
    assert.equal(at("USER", USER, READER, "444455556666"), false);
    assert.equal(at("USER", USER, ADMIN, "111122223333"), false);
    assert.equal(at("USER", GROUP, ADMIN, "111122223333"), false);
  });
});
