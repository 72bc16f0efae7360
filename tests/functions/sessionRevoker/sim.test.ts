/**
 * The session revoker against the simulator's Identity Center (tools/sim/services/ssoAdmin.ts, tools/sim/sessions.ts):
 * the sessions a user opened during a grant stop once the revoker has written its deny and the set is provisioned to
 * the account, and nobody else's do.
 */
import assert from "node:assert/strict";
import type { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { revokeSessions } from "../../../functions/sessionRevoker";
import type { ApiInput, Caller } from "../../../tools/sim/aws";
import { VirtualClock } from "../../../tools/sim/clock";
import { Ids } from "../../../tools/sim/ids";
import { IdentityStoreFake } from "../../../tools/sim/services/identityStore";
import { SsoAdminFake } from "../../../tools/sim/services/ssoAdmin";
import { type OpenSession, sessionStanding } from "../../../tools/sim/sessions";
import { IDENTITY_STORE_ID, INSTANCE_ARN, MANAGEMENT, REGION, roleArn } from "../../management/iam/fixtures";
import { type Dynalite, startDynalite } from "../../support/dynalite";

const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "210987654321";
const REVOKER: Caller = {
  account: MANAGEMENT,
  region: REGION,
  roleArn: roleArn(MANAGEMENT, "idc-jit-dev-session-revoker"),
  sessionName: "idc-jit-dev-session-revoker",
};

/** The fake as the revoker's SSO Admin client: each command is the API call of its name. */
const asClient = (sso: SsoAdminFake) =>
  ({
    send: (command: { constructor: { name: string }; input: unknown }) =>
      sso.call(command.constructor.name.replace(/Command$/, ""), command.input as ApiInput, REVOKER),
  }) as unknown as Pick<SSOAdminClient, "send">;

describe("sessionRevoker against the simulated Identity Center", () => {
  let db: Dynalite;
  before(async () => {
    db = await startDynalite();
  });
  after(() => db.close());

  it("cuts the user's session in the grant's account once provisioned; other users and accounts keep theirs", async () => {
    // Now, as the revoker (which reads the real time) refuses an end dated a day before or minutes after it.
    const clock = new VirtualClock(Date.now());
    const sso = new SsoAdminFake(clock, new Ids("revoker"));
    sso.createInstance({
      account: MANAGEMENT,
      instanceArn: INSTANCE_ARN,
      identityStoreId: IDENTITY_STORE_ID,
      region: REGION,
    });
    const set = sso.createPermissionSet(INSTANCE_ARN, "AWSAdministratorAccess", { sessionDuration: "PT4H" });
    const store = new IdentityStoreFake(new Ids("store"));
    const [alice, bob] = [store.createUser(IDENTITY_STORE_ID, "alice"), store.createUser(IDENTITY_STORE_ID, "bob")];
    const session = (userId: string, userName: string, accountId = ACCOUNT): OpenSession => ({
      userId,
      userName,
      accountId,
      permissionSetArn: set,
      openedAt: clock.now(),
    });
    const sessions = [session(alice, "alice"), session(bob, "bob"), session(alice, "alice", OTHER_ACCOUNT)];
    await clock.run(clock.now() + 60_000);

    const revoking = revokeSessions(
      {
        requestId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        userId: alice,
        accountId: ACCOUNT,
        permissionSetArn: set,
        revokedAt: Math.floor(clock.now() / 1000),
      },
      { ssoAdmin: asClient(sso), dynamodb: db.client },
      { instanceArn: INSTANCE_ARN, tableName: await db.table() },
      { getRemainingTimeInMillis: () => 60_000 },
    );
    // The provisioning finishes on the virtual clock, which the revoker's polling waits for.
    setTimeout(() => void clock.run(), 100);
    await revoking;
    // The same policy provisioned to the other account too (any later provisioning of the set would): still only
    // the grant's account is cut, by aws:PrincipalAccount.
    await sso.call(
      "ProvisionPermissionSet",
      { InstanceArn: INSTANCE_ARN, PermissionSetArn: set, TargetType: "AWS_ACCOUNT", TargetId: OTHER_ACCOUNT },
      REVOKER,
    );
    await clock.run();
    assert.ok(sso.provisionedInlinePolicy(OTHER_ACCOUNT, set), "the deny is provisioned to the other account");
    const standing = await Promise.all(sessions.map((s) => sessionStanding(sso, s, clock.now())));
    assert.deepEqual(standing, ["denied", "active", "active"]);
    const reopened = session(alice, "alice");
    assert.equal(await sessionStanding(sso, reopened, clock.now() + 60_000), "active", "a later grant's session");
  });
});
