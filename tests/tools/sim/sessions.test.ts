/**
 * Open Identity Center sessions: a session lasts its permission set's session duration, and a Deny in the set's inline
 * policy stops it once that policy is provisioned to the session's account ("Use a Deny policy to revoke active user
 * permissions"), for sessions issued before the Deny's aws:TokenIssueTime cutoff only.
 */
import assert from "node:assert/strict";
import type { ApiInput } from "../../../tools/sim/aws";
import { VirtualClock } from "../../../tools/sim/clock";
import { Ids } from "../../../tools/sim/ids";
import { IdentityStoreFake } from "../../../tools/sim/services/identityStore";
import { SsoAdminFake } from "../../../tools/sim/services/ssoAdmin";
import { type OpenSession, sessionMayAct, sessionStanding } from "../../../tools/sim/sessions";
import { IDENTITY_STORE_ID, INSTANCE_ARN, MANAGEMENT, REGION } from "../../management/iam/fixtures";
import { GRANT_WORKFLOW } from "./support/aws";

const ACCOUNT = "123456789012";
const MINUTE = 60_000;

/** The revocation Deny of the user guide's example: the user's sessions issued before `cutoff`. */
function revocation(userId: string, cutoff: number): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Deny",
        Action: "*",
        Resource: "*",
        Condition: {
          StringEquals: { "identitystore:userId": userId },
          DateLessThan: { "aws:TokenIssueTime": new Date(cutoff).toISOString() },
        },
      },
    ],
  });
}

async function setUp() {
  const clock = new VirtualClock();
  const sso = new SsoAdminFake(clock, new Ids("sessions"));
  sso.createInstance({
    account: MANAGEMENT,
    instanceArn: INSTANCE_ARN,
    identityStoreId: IDENTITY_STORE_ID,
    region: REGION,
  });
  const set = sso.createPermissionSet(INSTANCE_ARN, "AWSAdministratorAccess", { sessionDuration: "PT4H" });
  const store = new IdentityStoreFake(new Ids("store"));
  const alice = store.createUser(IDENTITY_STORE_ID, "alice");
  const bob = store.createUser(IDENTITY_STORE_ID, "bob");
  const call = (api: string, input: ApiInput) => sso.call(api, { InstanceArn: INSTANCE_ARN, ...input }, GRANT_WORKFLOW);
  for (const user of [alice, bob]) {
    await call("CreateAccountAssignment", {
      TargetType: "AWS_ACCOUNT",
      TargetId: ACCOUNT,
      PermissionSetArn: set,
      PrincipalType: "USER",
      PrincipalId: user,
    });
  }
  await clock.run();
  const session = (userId: string, userName: string): OpenSession => ({
    userId,
    userName,
    accountId: ACCOUNT,
    permissionSetArn: set,
    openedAt: clock.now(),
  });
  /** Puts the Deny on the set and provisions it to the account: the account has it once the request SUCCEEDED. */
  const revoke = async (userId: string, cutoff: number) => {
    await call("PutInlinePolicyToPermissionSet", { PermissionSetArn: set, InlinePolicy: revocation(userId, cutoff) });
    await call("ProvisionPermissionSet", { PermissionSetArn: set, TargetType: "AWS_ACCOUNT", TargetId: ACCOUNT });
  };
  return { clock, sso, alice, bob, session, revoke };
}

describe("open Identity Center sessions", () => {
  it("last the permission set's session duration, without any Deny", async () => {
    const { sso, alice, session } = await setUp();
    const opened = session(alice, "alice");
    const end = opened.openedAt + 4 * 60 * MINUTE;
    assert.equal(await sessionMayAct(sso, opened, end - 1), true);
    assert.equal(await sessionStanding(sso, opened, end), "expired");
  });

  it("are cut by a Deny with a later cutoff once it is provisioned to the account, not before", async () => {
    const { clock, sso, alice, session, revoke } = await setUp();
    const opened = session(alice, "alice");
    await clock.run(clock.now() + 10 * MINUTE);
    await revoke(alice, clock.now());
    assert.equal(await sessionStanding(sso, opened, clock.now()), "active", "put, still provisioning");
    await clock.run();
    assert.equal(await sessionStanding(sso, opened, clock.now()), "denied");
  });

  it("opened after the Deny's cutoff are not cut by it", async () => {
    const { clock, sso, alice, session, revoke } = await setUp();
    await revoke(alice, clock.now());
    await clock.run();
    await clock.run(clock.now() + MINUTE);
    const reopened = session(alice, "alice");
    assert.equal(await sessionStanding(sso, reopened, clock.now() + MINUTE), "active");
  });

  it("of another user are not cut by a user's Deny", async () => {
    const { clock, sso, alice, bob, session, revoke } = await setUp();
    const bobs = session(bob, "bob");
    await clock.run(clock.now() + MINUTE);
    await revoke(alice, clock.now());
    await clock.run();
    assert.equal(await sessionMayAct(sso, bobs, clock.now()), true);
  });
});
