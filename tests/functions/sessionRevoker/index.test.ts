import assert from "node:assert/strict";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
  ConflictException,
  DescribePermissionSetProvisioningStatusCommand,
  GetInlinePolicyForPermissionSetCommand,
  type PermissionSetProvisioningStatus,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { mockClient } from "aws-sdk-client-mock";
import { revokeSessions } from "../../../functions/sessionRevoker";
import type { RevocationEvent } from "../../../functions/sessionRevoker/event";
import { sessionPolicyKey, takeLock } from "../../../functions/sessionRevoker/lock";
import { MAX_INLINE_POLICY, revocationSid, revocationStatement } from "../../../functions/sessionRevoker/policy";
import { LEDGER_KEY } from "../../../shared/grantLedger";
import type { PolicyDocument } from "../../../shared/iam";
import { type Dynalite, startDynalite } from "../../support/dynalite";
import { ACCOUNT, INSTANCE, PERMISSION_SET, USER } from "../../support/grantFunctions";
import { decide } from "../../support/iam";

const MINUTE = { getRemainingTimeInMillis: () => 60_000 };
const OTHER_USER = "9a67e2b1c3-0123abcd-4567-89ab-cdef-0123456789ac";
const OTHER_ACCOUNT = "111122223333";
const REQUEST = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SECOND_REQUEST = "1a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
/** The organization's own statement in the set's inline policy, which the revoker must keep as it is. */
const ORG_STATEMENT = { Sid: "OrgReadOnlyBuckets", Effect: "Allow", Action: "s3:GetObject", Resource: "*" };

const revocation = (over: Partial<RevocationEvent> = {}): RevocationEvent => ({
  requestId: REQUEST,
  userId: USER,
  accountId: ACCOUNT,
  permissionSetArn: PERMISSION_SET,
  revokedAt: Math.floor(Date.now() / 1000),
  ...over,
});

/** Identity Center's inline policy and provisioning for one set, as aws-sdk-client-mock answers them. */
class SetFake {
  readonly client = new SSOAdminClient({
    region: "eu-west-1",
    credentials: { accessKeyId: "t", secretAccessKey: "t" },
  });
  /** Module-wide, as the other functions' tests mock it (tests/support/grantFunctions.ts): reset before each test. */
  readonly mock = mockClient(SSOAdminClient);
  policy: string | undefined;
  /** What ProvisionPermissionSet answers, then each Describe in turn (the last one repeats). */
  provisioning: PermissionSetProvisioningStatus["Status"][] = ["SUCCEEDED"];
  failureReason: string | undefined;

  reset(policy?: string) {
    this.mock.reset();
    this.policy = policy;
    this.provisioning = ["SUCCEEDED"];
    this.failureReason = undefined;
    let step = 0;
    const status = () => ({
      PermissionSetProvisioningStatus: {
        RequestId: "b2c3d4e5-0000-4000-8000-000000000001",
        Status: this.provisioning[Math.min(step++, this.provisioning.length - 1)],
        FailureReason: this.failureReason,
      },
    });
    this.mock.on(GetInlinePolicyForPermissionSetCommand).callsFake(async () => ({ InlinePolicy: this.policy ?? "" }));
    this.mock.on(PutInlinePolicyToPermissionSetCommand).callsFake(async (input) => {
      this.policy = input.InlinePolicy;
      return {};
    });
    this.mock.on(ProvisionPermissionSetCommand).callsFake(async () => {
      step = 0;
      return status();
    });
    this.mock.on(DescribePermissionSetProvisioningStatusCommand).callsFake(async () => status());
  }

  document(): { Version: string; Statement: Record<string, unknown>[] } {
    return JSON.parse(this.policy ?? "");
  }
}

describe("sessionRevoker: cuts an ended grant's open sessions with a deny in its permission set", () => {
  let db: Dynalite;
  let tableName: string;
  const set = new SetFake();
  before(async () => {
    db = await startDynalite();
  });
  after(() => db.close());
  beforeEach(async () => {
    tableName = await db.table();
    set.reset(JSON.stringify({ Version: "2012-10-17", Statement: [ORG_STATEMENT] }));
  });

  const revoke = (event: unknown, context = MINUTE) =>
    revokeSessions(event, { ssoAdmin: set.client, dynamodb: db.client }, { instanceArn: INSTANCE, tableName }, context);
  const ours = () => set.document().Statement.filter((s) => String(s.Sid).startsWith("JitRevokedSessions"));
  const lockItem = async () =>
    (
      await db.client.send(
        new GetItemCommand({ TableName: tableName, Key: { [LEDGER_KEY]: { S: sessionPolicyKey(PERMISSION_SET) } } }),
      )
    ).Item;

  describe("the deny it writes, as IAM evaluates it beside the set's own allow", () => {
    const cutoff = Math.floor(Date.now() / 1000) - 60;
    let policy: PolicyDocument;
    before(async () => {
      tableName = await db.table();
      set.reset();
      await revoke(revocation({ revokedAt: cutoff }));
      const { Statement } = set.document();
      policy = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }, ...(Statement as [])],
      };
    });
    const session = (user: string, account: string, issuedAt: number) =>
      decide({
        principal: `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef`,
        action: "s3:ListAllMyBuckets",
        resource: "*",
        resourceAccount: account,
        identityPolicies: [policy],
        context: { "identitystore:userId": user, "aws:TokenIssueTime": new Date(issuedAt * 1000).toISOString() },
      });

    it("denies that user's session in that account issued before the end", async () => {
      assert.equal(await session(USER, ACCOUNT, cutoff - 60), "ExplicitlyDenied");
    });
    it("allows that user's session issued after the end (a later grant of the same set)", async () => {
      assert.equal(await session(USER, ACCOUNT, cutoff + 60), "Allowed");
    });
    it("allows another user's session of the set, and the same user's session in another account", async () => {
      assert.equal(await session(OTHER_USER, ACCOUNT, cutoff - 60), "Allowed");
      assert.equal(await session(USER, OTHER_ACCOUNT, cutoff - 60), "Allowed");
    });
  });

  it("keeps the organization's statements, adds one deny, provisions to the grant's account only, frees the lock", async () => {
    const said = await revoke(revocation());
    assert.match(said, new RegExp(`user ${USER} in account ${ACCOUNT}`));
    const { Statement } = set.document();
    assert.deepEqual(Statement[0], ORG_STATEMENT);
    assert.deepEqual(
      ours().map((s) => s.Sid),
      [revocationSid(REQUEST)],
    );
    assert.match(String(ours()[0].Sid), /^[A-Za-z0-9]+$/, "a Sid is alphanumeric");
    const provisions = set.mock.commandCalls(ProvisionPermissionSetCommand).map((c) => c.args[0].input);
    assert.deepEqual(provisions, [
      { InstanceArn: INSTANCE, PermissionSetArn: PERMISSION_SET, TargetType: "AWS_ACCOUNT", TargetId: ACCOUNT },
    ]);
    assert.equal(await lockItem(), undefined);
  });

  it("an empty inline policy (the set has none) becomes a policy with the deny alone", async () => {
    set.reset(undefined);
    await revoke(revocation());
    assert.deepEqual(
      set.document().Statement.map((s) => s.Sid),
      [revocationSid(REQUEST)],
    );
  });

  it("drops its own statements whose cutoff is over 12 hours old (no session outlasts them); keeps recent ones", async () => {
    const now = Math.floor(Date.now() / 1000);
    const stale = revocationStatement(
      revocation({
        requestId: SECOND_REQUEST,
        userId: OTHER_USER,
        accountId: OTHER_ACCOUNT,
        revokedAt: now - 13 * 3600,
      }),
    );
    set.reset(JSON.stringify({ Version: "2012-10-17", Statement: [ORG_STATEMENT, stale] }));
    const recent = "2a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    await revoke(revocation({ requestId: recent, userId: OTHER_USER, revokedAt: now - 11 * 3600 }));
    await revoke(revocation());
    assert.deepEqual(
      ours().map((s) => s.Sid),
      [revocationSid(recent), revocationSid(REQUEST)],
    );
    assert.deepEqual(set.document().Statement[0], ORG_STATEMENT);
  });

  it("an end over 12 hours old has nothing to cut (no session outlasts 12 hours): nothing written, no lock", async () => {
    const said = await revoke(revocation({ revokedAt: Math.floor(Date.now() / 1000) - 13 * 3600 }));
    assert.match(said, /nothing to cut/);
    assert.equal(set.mock.commandCalls(PutInlinePolicyToPermissionSetCommand).length, 0);
    assert.equal(set.mock.commandCalls(ProvisionPermissionSetCommand).length, 0);
  });

  it("a lock dated past twice any holder's life (no revoker wrote it) is taken; its own lock, written twice, too", async () => {
    await db.client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          [LEDGER_KEY]: { S: sessionPolicyKey(PERMISSION_SET) },
          owner: { S: "planted" },
          expiresAt: { N: String(Date.now() + 365 * 86_400_000) },
        },
      }),
    );
    await revoke(revocation());
    assert.deepEqual(
      ours().map((s) => s.Sid),
      [revocationSid(REQUEST)],
    );
    const lock = {
      dynamodb: db.client,
      tableName,
      permissionSetArn: PERMISSION_SET,
      owner: "request r (invocation 1)",
    };
    const now = Date.now();
    assert.equal(await takeLock(lock, now, now + 60_000), true);
    assert.equal(await takeLock(lock, now, now + 60_000), true, "an SDK retry of the write that took it");
    assert.equal(await takeLock({ ...lock, owner: "another" }, now, now + 60_000), false);
  });

  it("one deny per user and account: a later end replaces the earlier one, an earlier one arriving late adds nothing", async () => {
    const now = Math.floor(Date.now() / 1000);
    const earlier = "2a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    await revoke(revocation({ requestId: earlier, revokedAt: now - 600 }));
    await revoke(revocation({ revokedAt: now }));
    assert.deepEqual(
      ours().map((s) => s.Sid),
      [revocationSid(REQUEST)],
    );
    // The earlier end's revocation delivered again (a retry, late): the later cutoff already denies its sessions.
    await revoke(revocation({ requestId: earlier, revokedAt: now - 600 }));
    assert.deepEqual(
      ours().map((s) => s.Sid),
      [revocationSid(REQUEST)],
    );
    // Another account of the same user keeps a statement of its own.
    await revoke(revocation({ requestId: SECOND_REQUEST, accountId: OTHER_ACCOUNT }));
    assert.deepEqual(
      ours().map((s) => s.Sid),
      [revocationSid(REQUEST), revocationSid(SECOND_REQUEST)],
    );
  });

  it("writes characters past U+00FF as JSON escapes (Identity Center's inline policy takes U+0020 to U+00FF)", async () => {
    const named = { ...ORG_STATEMENT, Sid: "OrgNamed", Resource: "arn:aws:s3:::bucket/\u00e9t\u00e9-\u6771\u4eac/*" };
    set.reset(JSON.stringify({ Statement: [named] }));
    await revoke(revocation());
    assert.doesNotMatch(set.policy ?? "", /[\u0100-\uffff]/);
    assert.equal(set.document().Statement[0].Resource, "arn:aws:s3:::bucket/\u00e9t\u00e9-\u6771\u4eac/*");
    assert.equal((set.document() as { Version?: string }).Version, undefined, "a document without Version keeps none");
  });

  it("a retry of the same revocation adds nothing and provisions again", async () => {
    await revoke(revocation());
    const written = set.policy;
    await revoke(revocation());
    assert.equal(set.policy, written);
    assert.equal(set.mock.commandCalls(PutInlinePolicyToPermissionSetCommand).length, 1);
    assert.equal(set.mock.commandCalls(ProvisionPermissionSetCommand).length, 2);
  });

  it("two revocations of one set at once with no time to wait: one is refused (thrown, retried), both denies end up written", async () => {
    set.provisioning = ["IN_PROGRESS", "SUCCEEDED"];
    const second = revocation({ requestId: SECOND_REQUEST, userId: OTHER_USER });
    const results = await Promise.allSettled([revoke(revocation()), revoke(second)]);
    const refused = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    assert.equal(refused.length, 1, "the lock lets one through");
    assert.match(String(refused[0].reason), /being changed by another revocation/);
    const lost = results[0].status === "rejected" ? revocation() : second;
    await revoke(lost);
    assert.deepEqual(
      ours()
        .map((s) => s.Sid)
        .sort(),
      [revocationSid(REQUEST), revocationSid(SECOND_REQUEST)].sort(),
    );
  });

  it("a revocation with time to spare waits for the lock another holds, and both denies are written at once", async () => {
    set.provisioning = ["IN_PROGRESS", "SUCCEEDED"];
    const second = revocation({ requestId: SECOND_REQUEST, userId: OTHER_USER });
    // 100 seconds left: 10 kept back, 90 for the work once it holds the lock, so it may wait up to about 10 seconds.
    const spare = { getRemainingTimeInMillis: () => 110_000 };
    const results = await Promise.allSettled([revoke(revocation(), spare), revoke(second, spare)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["fulfilled", "fulfilled"],
    );
    assert.deepEqual(
      ours()
        .map((s) => s.Sid)
        .sort(),
      [revocationSid(REQUEST), revocationSid(SECOND_REQUEST)].sort(),
    );
    assert.equal(await lockItem(), undefined, "the lock is free again");
  });

  it("two deliveries of one revocation at once (Scheduler delivers at least once): only one holds the lock", async () => {
    set.provisioning = ["IN_PROGRESS", "SUCCEEDED"];
    const results = await Promise.allSettled([revoke(revocation()), revoke(revocation())]);
    assert.deepEqual(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
    assert.deepEqual(
      ours().map((s) => s.Sid),
      [revocationSid(REQUEST)],
    );
  });

  it("a lock another invocation holds and has not let expire: refused, nothing written, its lock left to it", async () => {
    const held = (expiresAt: number) =>
      db.client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            [LEDGER_KEY]: { S: sessionPolicyKey(PERMISSION_SET) },
            owner: { S: `request ${SECOND_REQUEST} (invocation 1)` },
            expiresAt: { N: String(expiresAt) },
          },
        }),
      );
    await held(Date.now() + 60_000);
    await assert.rejects(revoke(revocation()), /being changed by another revocation/);
    assert.equal(set.mock.commandCalls(PutInlinePolicyToPermissionSetCommand).length, 0);
    assert.ok(await lockItem(), "another's lock is not released by the one refused");
  });

  it("a lock left by a revocation that died is taken once it has expired", async () => {
    await db.client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          [LEDGER_KEY]: { S: sessionPolicyKey(PERMISSION_SET) },
          owner: { S: SECOND_REQUEST },
          expiresAt: { N: String(Date.now() - 1000) },
        },
      }),
    );
    await revoke(revocation());
    assert.equal(ours().length, 1);
  });

  it("over the 10,240 characters IAM allows a role's inline policy: thrown naming the set and the size, nothing written", async () => {
    const big = {
      Sid: "OrgBig",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::${"b".repeat(10_000)}/*`,
    };
    const before = JSON.stringify({ Version: "2012-10-17", Statement: [big] });
    assert.ok(before.length < MAX_INLINE_POLICY);
    set.reset(before);
    await assert.rejects(revoke(revocation()), (err: Error) => {
      assert.match(err.message, new RegExp(`${PERMISSION_SET.replace(/[/.]/g, "\\$&")} would take \\d+ characters`));
      return true;
    });
    assert.equal(set.policy, before);
    assert.equal(set.mock.commandCalls(ProvisionPermissionSetCommand).length, 0);
    assert.equal(await lockItem(), undefined, "the lock is released on failure");
  });

  it("an inline policy that is not JSON, or not a policy document, is never overwritten: thrown naming the set", async () => {
    for (const [text, said] of [
      ["{not json", /inline policy of .*ps-0123456789abcdef is not JSON/],
      ["null", /inline policy of .*ps-0123456789abcdef is not a policy document/],
      ['[{"Effect":"Allow"}]', /is not a policy document/],
      ['{"Version":"2012-10-17","Statement":["s3:*"]}', /has a statement that is not an object/],
    ] as const) {
      set.reset(text);
      await assert.rejects(revoke(revocation()), said);
      assert.equal(set.mock.commandCalls(PutInlinePolicyToPermissionSetCommand).length, 0, text);
    }
  });

  it("keeps the rest of the organization's document as it was (its Id, a single Statement object)", async () => {
    set.reset(JSON.stringify({ Version: "2012-10-17", Id: "OrgPolicy", Statement: ORG_STATEMENT }));
    await revoke(revocation());
    const { Id, Statement } = set.document() as { Id?: string; Statement: unknown[] };
    assert.equal(Id, "OrgPolicy");
    assert.deepEqual(Statement[0], ORG_STATEMENT);
    assert.equal(Statement.length, 2);
  });

  it("provisioning FAILED, or still IN_PROGRESS when time runs out, or refused (ConflictException): thrown", async () => {
    set.provisioning = ["IN_PROGRESS", "FAILED"];
    set.failureReason = "the role could not be updated";
    await assert.rejects(revoke(revocation()), /ended FAILED: the role could not be updated/);
    set.provisioning = ["IN_PROGRESS"];
    await assert.rejects(revoke(revocation(), { getRemainingTimeInMillis: () => 10_500 }), /still IN_PROGRESS/);
    set.mock
      .on(ProvisionPermissionSetCommand)
      .rejects(new ConflictException({ message: "another provisioning", $metadata: {} }));
    await assert.rejects(revoke(revocation(), { getRemainingTimeInMillis: () => 11_000 }), {
      name: "ConflictException",
    });
    assert.equal(await lockItem(), undefined);
  });

  it("waits out another provisioning of the set (ConflictException) while time is left, then provisions", async () => {
    set.mock
      .on(ProvisionPermissionSetCommand)
      .rejectsOnce(new ConflictException({ message: "There is a conflicting operation in process.", $metadata: {} }))
      .resolves({
        PermissionSetProvisioningStatus: { Status: "SUCCEEDED", RequestId: "11111111-2222-4333-8444-555555555555" },
      });
    await revoke(revocation());
    assert.equal(set.mock.commandCalls(ProvisionPermissionSetCommand).length, 2);
    assert.deepEqual(
      ours().map((s) => s.Sid),
      [revocationSid(REQUEST)],
    );
  });

  it("refuses an end dated in the future or over a day ago (a deny dated later would cut the user's next grants)", async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const revokedAt of [now + 3600, now - 2 * 86_400]) {
      await assert.rejects(
        revoke(revocation({ revokedAt })),
        /revokedAt must be a whole number of epoch seconds within/,
      );
    }
    assert.equal(set.mock.commandCalls(PutInlinePolicyToPermissionSetCommand).length, 0);
  });

  it("refuses an event with a bad field, naming it", async () => {
    await assert.rejects(
      revoke({ ...revocation(), userId: "bob" }),
      /^Error: userId must be an IAM Identity Center user id/,
    );
    await assert.rejects(revoke({ ...revocation(), accountId: "1" }), /^Error: accountId must be/);
    await assert.rejects(revoke({ ...revocation(), revokedAt: "now" }), /^Error: revokedAt must be a whole number/);
    assert.equal(set.mock.calls().length, 0);
  });
});
