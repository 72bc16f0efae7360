/**
 * The Identity Store fake: the grant workflow's GetUserId (AlternateIdentifier by userName, as the Identity Store API
 * reference's GetUserId describes it) and the group lookups approvals rely on.
 */
import assert from "node:assert/strict";
import type { ApiInput } from "../../../../tools/sim/aws";
import { Ids } from "../../../../tools/sim/ids";
import { IdentityStoreFake } from "../../../../tools/sim/services/identityStore";
import { IDENTITY_STORE_ID } from "../../../management/iam/fixtures";
import { awsError } from "../support/aws";

/** The Identity Store UserId pattern (API_GetUserId, UserId). */
const USER_ID = /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
const APPROVER_GROUP_ID = "9067a1b2c3-1234abcd-12ab-34cd-56ef-1234567890ab";

function setUp() {
  const store = new IdentityStoreFake(new Ids("identity-store-test"));
  const alice = store.createUser(IDENTITY_STORE_ID, "alice@example.com", "Alice");
  const bob = store.createUser(IDENTITY_STORE_ID, "bob");
  const approvers = store.createGroup(IDENTITY_STORE_ID, "JIT approvers", APPROVER_GROUP_ID);
  const auditors = store.createGroup(IDENTITY_STORE_ID, "Auditors");
  store.addMember(IDENTITY_STORE_ID, approvers, bob);
  const call = (api: string, input: ApiInput) => store.call(api, { IdentityStoreId: IDENTITY_STORE_ID, ...input });
  const byUserName = (value: unknown, path = "userName") => ({
    AlternateIdentifier: { UniqueAttribute: { AttributePath: path, AttributeValue: value } },
  });
  return { store, alice, bob, approvers, auditors, call, byUserName };
}

describe("Identity Store fake", () => {
  it("issues user ids of the API's UserId pattern", () => {
    const { alice, bob } = setUp();
    assert.match(alice, USER_ID);
    assert.notEqual(alice, bob);
  });

  describe("GetUserId", () => {
    it("resolves a user name to the UserId, as the grant workflow's Resolve_User step asks", async () => {
      const { call, alice, byUserName } = setUp();
      assert.deepEqual(await call("GetUserId", byUserName("alice@example.com")), {
        IdentityStoreId: IDENTITY_STORE_ID,
        UserId: alice,
      });
    });

    it("answers ResourceNotFoundException for a user name nobody has", async () => {
      const { call, byUserName } = setUp();
      await assert.rejects(call("GetUserId", byUserName("mallory")), awsError("ResourceNotFoundException"));
    });

    it("accepts only the attribute paths the API reference lists for users", async () => {
      const { call, byUserName } = setUp();
      await assert.rejects(call("GetUserId", byUserName("Alice", "displayName")), awsError("ValidationException"));
      await assert.rejects(call("GetUserId", byUserName("", "userName")), awsError("ValidationException"));
      await assert.rejects(call("GetUserId", byUserName("alice@example.com", "emails.value")), /has no emails/);
    });

    it("rejects an identity store id outside the API pattern and does not know other stores", async () => {
      const { store, byUserName } = setUp();
      await assert.rejects(
        store.call("GetUserId", { IdentityStoreId: "{{ X.IdentityStoreId }}", ...byUserName("alice") }),
        awsError("ValidationException"),
      );
      await assert.rejects(
        store.call("GetUserId", { IdentityStoreId: "d-0000000000", ...byUserName("alice") }),
        awsError("ResourceNotFoundException"),
      );
    });
  });

  it("describes a user by id", async () => {
    const { call, alice } = setUp();
    assert.deepEqual(await call("DescribeUser", { UserId: alice }), {
      IdentityStoreId: IDENTITY_STORE_ID,
      UserId: alice,
      UserName: "alice@example.com",
      DisplayName: "Alice",
    });
  });

  it("resolves a group's display name to its GroupId, keeping a given id", async () => {
    const { call } = setUp();
    const out = await call("GetGroupId", {
      AlternateIdentifier: { UniqueAttribute: { AttributePath: "displayName", AttributeValue: "JIT approvers" } },
    });
    assert.deepEqual(out, { IdentityStoreId: IDENTITY_STORE_ID, GroupId: APPROVER_GROUP_ID });
  });

  describe("memberships", () => {
    it("lists a user's group memberships, paged by MaxResults", async () => {
      const { store, call, bob, approvers, auditors } = setUp();
      store.addMember(IDENTITY_STORE_ID, auditors, bob);
      const first = (await call("ListGroupMembershipsForMember", { MemberId: { UserId: bob }, MaxResults: 1 })) as {
        GroupMemberships: { GroupId: string; MemberId: { UserId: string } }[];
        NextToken?: string;
      };
      assert.equal(first.GroupMemberships.length, 1);
      assert.ok(first.NextToken);
      const second = (await call("ListGroupMembershipsForMember", {
        MemberId: { UserId: bob },
        MaxResults: 1,
        NextToken: first.NextToken,
      })) as typeof first;
      assert.equal(second.NextToken, undefined);
      assert.deepEqual(
        [...first.GroupMemberships, ...second.GroupMemberships].map((m) => m.GroupId),
        [approvers, auditors],
      );
      assert.deepEqual(first.GroupMemberships[0].MemberId, { UserId: bob });
    });

    it("answers IsMemberInGroups per group", async () => {
      const { call, alice, bob, approvers, auditors } = setUp();
      const ask = (userId: string) =>
        call("IsMemberInGroups", { MemberId: { UserId: userId }, GroupIds: [approvers, auditors] });
      assert.deepEqual(await ask(bob), {
        Results: [
          { GroupId: approvers, MemberId: { UserId: bob }, MembershipExists: true },
          { GroupId: auditors, MemberId: { UserId: bob }, MembershipExists: false },
        ],
      });
      assert.deepEqual(
        ((await ask(alice)) as { Results: { MembershipExists: boolean }[] }).Results.map((r) => r.MembershipExists),
        [false, false],
      );
    });

    it("rejects an empty GroupIds list", async () => {
      const { call, bob } = setUp();
      await assert.rejects(
        call("IsMemberInGroups", { MemberId: { UserId: bob }, GroupIds: [] }),
        awsError("ValidationException"),
      );
    });

    it("answers the simulator's group and principal questions, and forgets a deleted user", () => {
      const { store, bob, approvers } = setUp();
      assert.equal(store.isUserInGroup("bob", approvers), true);
      assert.equal(store.isUserInGroup("alice@example.com", approvers), false);
      assert.equal(store.principalExists(IDENTITY_STORE_ID, "GROUP", approvers), true);
      store.deleteUser(IDENTITY_STORE_ID, bob);
      assert.equal(store.principalExists(IDENTITY_STORE_ID, "USER", bob), false);
      assert.equal(store.isUserInGroup("bob", approvers), false);
    });
  });

  it("refuses APIs it does not implement", async () => {
    const { call } = setUp();
    await assert.rejects(call("CreateUser", { UserName: "eve" }), /does not implement CreateUser/);
  });
});
