/**
 * The STS fake's AssumeRole against the STS API reference (AssumeRole: RoleSessionName's pattern, DurationSeconds and
 * role chaining, the response's Credentials and AssumedRoleUser) and the IAM User Guide's trust policies, the
 * sessions its credentials stand for until they expire, and GetCallerIdentity (UserId, Account, Arn of the caller).
 */
import assert from "node:assert/strict";
import type { ApiInput, Caller } from "../../../../tools/sim/aws";
import { START_TIME } from "../../../../tools/sim/clock";
import { cloudTrailRecord } from "../../../../tools/sim/cloudTrail";
import { deployStack } from "../../../../tools/sim/deployment";
import { identityCenterSession, roleUniqueId } from "../../../../tools/sim/identities";
import { World } from "../../../../tools/sim/world";
import { awsError } from "../support/aws";

const ACCOUNT = "111122223333";
const REGION = "eu-west-1";
const TARGET = `arn:aws:iam::${ACCOUNT}:role/Target`;
const TARGET_ID = "AROAEXAMPLETARGET0001";
const role = (name: string, sessionName = name.toLowerCase()): Caller => ({
  account: ACCOUNT,
  region: REGION,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
  sessionName,
});
const OPERATOR = role("Operator");
const HOUR = 3600_000;

const trust = (...statements: Record<string, unknown>[]) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({ Effect: "Allow", Action: "sts:AssumeRole", ...s })),
  });
const trusting = (principal: unknown, extra: Record<string, unknown> = {}) =>
  trust({ Principal: { AWS: principal }, ...extra });

/** A world holding TARGET with `trustPolicy`, and AssumeRole called through it (recorded like every call). */
function setUp(trustPolicy = trusting(OPERATOR.roleArn)) {
  const world = new World();
  world.roleIds.set(TARGET, TARGET_ID);
  world.sts.createRole(TARGET, trustPolicy);
  const assume = async (input: ApiInput = {}, caller = OPERATOR) =>
    (await world.callAws("sts", "AssumeRole", { RoleArn: TARGET, RoleSessionName: "alice", ...input }, caller)) as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: Date };
      AssumedRoleUser: { Arn: string; AssumedRoleId: string };
    };
  return { world, assume };
}

/** AWS's AccessDenied for `caller` assuming `roleArn`, naming the caller's session. */
const denied =
  (caller: Caller, roleArn = TARGET) =>
  (err: unknown) => {
    awsError("AccessDenied")(err);
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/${caller.roleArn.split("/").pop()}/${caller.sessionName}`;
    assert.equal(
      (err as Error).message,
      `AccessDenied: User: ${session} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
    return true;
  };

describe("STS fake: AssumeRole", () => {
  it("answers a caller the trust policy allows with credentials for a session of the role", async () => {
    const { assume } = setUp();
    const { Credentials, AssumedRoleUser } = await assume();
    assert.match(Credentials.AccessKeyId, /^ASIA[0-9A-F]{16}$/);
    assert.match(Credentials.SecretAccessKey, /^[A-Za-z0-9+/]{40}$/);
    assert.ok(Credentials.SessionToken.length > 40);
    assert.deepEqual(Credentials.Expiration, new Date(START_TIME + HOUR));
    assert.deepEqual(AssumedRoleUser, {
      Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Target/alice`,
      AssumedRoleId: `${TARGET_ID}:alice`,
    });
  });

  it("lasts DurationSeconds when given, from the virtual clock's now", async () => {
    const { world, assume } = setUp();
    await world.run(START_TIME + 5 * 60_000);
    const { Credentials } = await assume({ DurationSeconds: 900 });
    assert.deepEqual(Credentials.Expiration, new Date(START_TIME + 5 * 60_000 + 900_000));
  });

  it("admits the principals a trust policy may name: the account, the role, one session of it", async () => {
    const principals = [
      ACCOUNT,
      `arn:aws:iam::${ACCOUNT}:root`,
      OPERATOR.roleArn,
      `arn:aws:sts::${ACCOUNT}:assumed-role/Operator/operator`,
    ];
    for (const principal of principals) {
      const { assume } = setUp(trusting(principal));
      await assume();
    }
  });

  it("refuses a caller the trust policy does not name, with AWS's AccessDenied message", async () => {
    const { assume } = setUp();
    const other = role("Other");
    await assert.rejects(assume({}, other), denied(other));
    const { assume: assumeAsSession } = setUp(trusting(`arn:aws:sts::${ACCOUNT}:assumed-role/Operator/bob`));
    await assert.rejects(assumeAsSession(), denied(OPERATOR));
  });

  it("refuses a caller a Deny statement names, though an Allow names its whole account", async () => {
    const { assume } = setUp(
      trust({ Principal: { AWS: ACCOUNT } }, { Effect: "Deny", Principal: { AWS: OPERATOR.roleArn } }),
    );
    await assert.rejects(assume(), denied(OPERATOR));
    await assume({}, role("Other"));
  });

  it("refuses a role session under a service trust, as the project's roles have (aws:SourceAccount, aws:SourceArn)", async () => {
    const { assume } = setUp(
      trust({
        Principal: { Service: "ssm.amazonaws.com" },
        Condition: {
          StringEquals: { "aws:SourceAccount": ACCOUNT },
          ArnLike: { "aws:SourceArn": `arn:aws:ssm:${REGION}:${ACCOUNT}:automation-execution/*` },
        },
      }),
    );
    await assert.rejects(assume(), denied(OPERATOR));
  });

  it("tests sts:ExternalId and sts:RoleSessionName conditions against the request", async () => {
    const { assume } = setUp(
      trusting(OPERATOR.roleArn, {
        Condition: { StringEquals: { "sts:ExternalId": "ticket-42" }, StringLike: { "sts:RoleSessionName": "a*" } },
      }),
    );
    await assert.rejects(assume(), denied(OPERATOR));
    await assert.rejects(assume({ ExternalId: "ticket-42", RoleSessionName: "bob" }), awsError("AccessDenied"));
    await assume({ ExternalId: "ticket-42" });
  });

  it("refuses a role that does not exist the same way (AccessDenied, not NoSuchEntity)", async () => {
    const { assume } = setUp();
    const missing = `arn:aws:iam::${ACCOUNT}:role/Missing`;
    await assert.rejects(assume({ RoleArn: missing }), denied(OPERATOR, missing));
  });

  it("refuses a RoleSessionName outside [\\w+=,.@-]{2,64} (ValidationError)", async () => {
    const { assume } = setUp();
    for (const name of ["a", "has space", "x".repeat(65), "alice/admin", undefined]) {
      await assert.rejects(assume({ RoleSessionName: name }), awsError("ValidationError"), String(name));
    }
    for (const name of ["ab", "alice@example.com", "a+b=c,d.e_f-g", "x".repeat(64)]) {
      await assume({ RoleSessionName: name });
    }
  });

  it("refuses DurationSeconds outside 900 to 43200, and beyond an hour for a chained role session", async () => {
    const { assume } = setUp();
    await assert.rejects(assume({ DurationSeconds: 899 }), awsError("ValidationError"));
    await assert.rejects(assume({ DurationSeconds: 43201 }), awsError("ValidationError"));
    await assert.rejects(assume({ DurationSeconds: 7200 }), /1 hour session limit for roles assumed by role chaining/);
    await assume({ DurationSeconds: 3600 });
  });

  it("refuses what it does not simulate (session policies, tags) as a simulator error", async () => {
    const { assume } = setUp();
    await assert.rejects(assume({ Policy: "{}" }), /does not implement AssumeRole Policy/);
    await assert.rejects(assume({ Tags: [] }), /does not implement AssumeRole Tags/);
  });

  it("is recorded like any call: the timeline, and a CloudTrail record from sts.amazonaws.com", async () => {
    const { world, assume } = setUp();
    world.logs.createLogGroup(ACCOUNT, REGION, "trail");
    world.trail = { account: ACCOUNT, region: REGION, name: "trail" };
    await assume();
    assert.ok(world.timeline.entries.some((e) => e.kind === "call" && e.what === "sts:AssumeRole"));
    const record = cloudTrailRecord(world.calls.at(-1)!);
    assert.equal(record.eventSource, "sts.amazonaws.com");
    assert.equal(record.eventName, "AssumeRole");
    assert.deepEqual(record.requestParameters, { roleArn: TARGET, roleSessionName: "alice" });
  });
});

describe("STS fake: sessions of assumed credentials", () => {
  it("names the session the credentials sign for: the role's account, the caller's Region, the session name", async () => {
    const { world, assume } = setUp();
    const { Credentials } = await assume();
    assert.deepEqual(world.sessionFor(Credentials.AccessKeyId), {
      account: ACCOUNT,
      region: REGION,
      roleArn: TARGET,
      sessionName: "alice",
    });
  });

  it("refuses an access key id it never issued (InvalidClientTokenId)", () => {
    const { world } = setUp();
    assert.throws(() => world.sessionFor("ASIAAAAAAAAAAAAAAAAA"), awsError("InvalidClientTokenId"));
  });

  it("refuses credentials once they expired in virtual time (ExpiredTokenException)", async () => {
    const { world, assume } = setUp();
    const { Credentials } = await assume({ DurationSeconds: 900 });
    await world.run(START_TIME + 900_000 - 1);
    assert.equal(world.sessionFor(Credentials.AccessKeyId).sessionName, "alice");
    await world.run(START_TIME + 900_000);
    assert.throws(() => world.sessionFor(Credentials.AccessKeyId), awsError("ExpiredTokenException"));
  });
});

describe("STS fake: planned roles", () => {
  it("deploys a planned role with its trust policy and unique id", async () => {
    const world = new World();
    deployStack(world, {
      account: ACCOUNT,
      region: REGION,
      resources: [
        {
          type: "aws:iam/role:Role",
          name: "target-role",
          inputs: { name: "Target", assumeRolePolicy: trusting(OPERATOR.roleArn) },
          state: { uniqueId: TARGET_ID },
        },
      ],
    });
    const response = (await world.callAws(
      "sts",
      "AssumeRole",
      { RoleArn: TARGET, RoleSessionName: "alice" },
      OPERATOR,
    )) as { AssumedRoleUser: { AssumedRoleId: string } };
    assert.equal(response.AssumedRoleUser.AssumedRoleId, `${TARGET_ID}:alice`);
    await assert.rejects(
      world.callAws("sts", "AssumeRole", { RoleArn: TARGET, RoleSessionName: "bob" }, role("Other")),
      awsError("AccessDenied"),
    );
  });
});

describe("STS fake: GetCallerIdentity", () => {
  interface Identity {
    UserId: string;
    Account: string;
    Arn: string;
  }
  const whoAmI = (world: World, caller: Caller, input: ApiInput = {}) =>
    world.callAws("sts", "GetCallerIdentity", input, caller) as Promise<Identity>;

  it("names a role session: the role's unique id and the session name, the account, the session's ARN", async () => {
    const { world } = setUp();
    world.roleIds.set(OPERATOR.roleArn, "AROAEXAMPLEOPERATOR01");
    assert.deepEqual(await whoAmI(world, OPERATOR), {
      UserId: "AROAEXAMPLEOPERATOR01:operator",
      Account: ACCOUNT,
      Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Operator/operator`,
    });
  });

  it("names an Identity Center user's session by its AWSReservedSSO role without the role's path, and the user name", async () => {
    const { world } = setUp();
    const alice = identityCenterSession(ACCOUNT, REGION, "RequestAWSAccountAccess", "alice");
    const identity = await whoAmI(world, alice);
    assert.match(
      identity.Arn,
      new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_RequestAWSAccountAccess_[0-9a-f]{16}/alice$`),
    );
    assert.equal(identity.UserId, `${roleUniqueId(alice.roleArn)}:alice`);
    assert.match(identity.UserId, /^AROA[0-9A-Z]{17}:alice$/);
    assert.equal(identity.Account, ACCOUNT);
  });

  it("names the session that AssumeRole's credentials sign for", async () => {
    const { world, assume } = setUp();
    const { Credentials } = await assume();
    assert.deepEqual(await whoAmI(world, world.sessionFor(Credentials.AccessKeyId)), {
      UserId: `${TARGET_ID}:alice`,
      Account: ACCOUNT,
      Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Target/alice`,
    });
  });

  it("needs no permission: a session no policy names may ask", async () => {
    const { world } = setUp();
    const other = role("Other");
    assert.equal((await whoAmI(world, other)).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Other/other`);
  });

  it("takes no parameters: any is refused as a simulator error", async () => {
    const { world } = setUp();
    await assert.rejects(whoAmI(world, OPERATOR, { RoleArn: TARGET }), /does not implement GetCallerIdentity RoleArn/);
    await whoAmI(world, OPERATOR, { RoleArn: undefined });
  });

  it("is recorded read-only: a CloudTrail record, but no event on the bus (AssumeRole has one)", async () => {
    const { world, assume } = setUp();
    const emitted: string[] = [];
    const emit = world.events.emit.bind(world.events);
    world.events.emit = (account, region, event) => {
      emitted.push(String((event.detail as { eventName: string }).eventName));
      return emit(account, region, event);
    };
    await whoAmI(world, OPERATOR);
    const record = cloudTrailRecord(world.calls.at(-1)!);
    assert.equal(record.eventSource, "sts.amazonaws.com");
    assert.equal(record.eventName, "GetCallerIdentity");
    assert.equal(record.readOnly, true);
    await assume();
    assert.deepEqual(emitted, ["AssumeRole"]);
  });
});
