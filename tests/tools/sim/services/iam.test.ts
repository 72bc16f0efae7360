/**
 * IAM's GetRole as the request check uses it: Identity Center's roles exist only in the accounts a permission set is
 * provisioned to (IAM Identity Center User Guide, "IAM roles created by IAM Identity Center"), and a role made by
 * anyone else keeps the path it was made with.
 */
import assert from "node:assert/strict";
import type { Caller } from "../../../../tools/sim/aws";
import { reservedSsoRoleArn } from "../../../../tools/sim/identities";
import { World } from "../../../../tools/sim/world";
import { awsError } from "../support/aws";

const MANAGEMENT = "111122223333";
const REQUESTER = "444455556666";
const WORKLOAD = "777788889999";
const REGION = "eu-west-1";
const INSTANCE = "arn:aws:sso:::instance/ssoins-68047a3b2c1d9e0f";
const GROUP = "9067a1b2c3-1234abcd-12ab-34cd-56ef-1234567890ab";

const reader = (account: string): Caller => ({
  account,
  region: REGION,
  roleArn: `arn:aws:iam::${account}:role/idc-jit-dev-request-reader`,
  sessionName: "request-check",
});

/** A world whose instance has the approve set, assigned to a group in the requester account only. */
function setUp() {
  const world = new World();
  world.ssoAdmin.createInstance({ account: MANAGEMENT, instanceArn: INSTANCE, identityStoreId: "d-93671a2b3c" });
  const approve = world.ssoAdmin.createPermissionSet(INSTANCE, "ApproveAWSAccountAccess");
  world.ssoAdmin.createStandingAssignment(INSTANCE, {
    accountId: REQUESTER,
    permissionSetArn: approve,
    principalType: "GROUP",
    principalId: GROUP,
  });
  const roleName = (account: string) =>
    reservedSsoRoleArn(account, REGION, "ApproveAWSAccountAccess").split("/").pop() as string;
  const getRole = (account: string) =>
    world.iam.call("GetRole", { RoleName: roleName(account) }, reader(account)) as Promise<{
      Role: { Path: string; Arn: string };
    }>;
  return { world, getRole };
}

describe("IAM fake: GetRole of Identity Center's roles", () => {
  it("finds the role of a permission set in an account it is provisioned to, under Identity Center's path", async () => {
    const { getRole } = setUp();
    const { Role } = await getRole(REQUESTER);
    assert.equal(Role.Path, `/aws-reserved/sso.amazonaws.com/${REGION}/`);
    assert.equal(Role.Arn, reservedSsoRoleArn(REQUESTER, REGION, "ApproveAWSAccountAccess"));
  });

  it("finds no such role in an account the permission set is not provisioned to", async () => {
    const { getRole } = setUp();
    await assert.rejects(getRole(WORKLOAD), awsError("NoSuchEntity"));
  });

  it("finds a role someone made with the same name where they made it, with its own path", async () => {
    const { world } = setUp();
    const name = reservedSsoRoleArn(WORKLOAD, REGION, "ApproveAWSAccountAccess").split("/").pop() as string;
    world.iam.createRole(`arn:aws:iam::${WORKLOAD}:role/${name}`);
    const { Role } = (await world.iam.call("GetRole", { RoleName: name }, reader(WORKLOAD))) as {
      Role: { Path: string };
    };
    assert.equal(Role.Path, "/");
  });
});
