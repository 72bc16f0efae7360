/**
 * The IAM Identity Center admin fake: the grant workflow's calls (DescribeInstance, Create/DeleteAccountAssignment and
 * their status APIs), the permission set sync's (ListPermissionSets, DescribePermissionSet) and the session revoker's
 * (Get/PutInlinePolicy, ProvisionPermissionSet and its status API), with the example
 * config's instance. Principal ids follow the API reference's example GUID, f81d4fae-7dec-11d0-a765-00a0c91e6bf6.
 */
import assert from "node:assert/strict";
import type { ApiInput, Caller } from "../../../../tools/sim/aws";
import { START_TIME, VirtualClock } from "../../../../tools/sim/clock";
import { Ids } from "../../../../tools/sim/ids";
import { PACES } from "../../../../tools/sim/pace";
import { IdentityStoreFake } from "../../../../tools/sim/services/identityStore";
import { SsoAdminFake } from "../../../../tools/sim/services/ssoAdmin";
import { type AwsBehaviour, BASELINE } from "../../../../tools/sim/variants";
import {
  IDENTITY_STORE_ID,
  INSTANCE_ARN,
  MANAGEMENT,
  REGION,
  REQUESTER,
  roleArn,
} from "../../../management/iam/fixtures";
import { allowing, decide } from "../../../support/iam";
import { awsError, GRANT_WORKFLOW } from "../support/aws";
import { RESOURCE_ARNS } from "../support/resourceArns";

const REQUESTER_ROLE: Caller = { ...GRANT_WORKFLOW, account: REQUESTER, roleArn: roleArn(REQUESTER, "anything") };
const PRINCIPAL = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6";
const ACCOUNT = "123456789012";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Status {
  Status: string;
  RequestId: string;
  FailureReason?: string;
  CreatedDate: Date;
  TargetId: string;
  PrincipalId: string;
}

function setUp(behaviour: Partial<AwsBehaviour> = {}) {
  const clock = new VirtualClock();
  const sso = new SsoAdminFake(clock, new Ids("sso-test"), () => ({ ...BASELINE, ...behaviour }));
  sso.createInstance({
    account: MANAGEMENT,
    instanceArn: INSTANCE_ARN,
    identityStoreId: IDENTITY_STORE_ID,
    region: REGION,
  });
  const admin = sso.createPermissionSet(INSTANCE_ARN, "AWSAdministratorAccess", { sessionDuration: "PT4H" });
  const call = (api: string, input: ApiInput, caller = GRANT_WORKFLOW) =>
    sso.call(api, { InstanceArn: INSTANCE_ARN, ...input }, caller);
  const assignment = (overrides: ApiInput = {}) => ({
    TargetType: "AWS_ACCOUNT",
    TargetId: ACCOUNT,
    PermissionSetArn: admin,
    PrincipalType: "USER",
    PrincipalId: PRINCIPAL,
    ...overrides,
  });
  const create = async (overrides: ApiInput = {}) =>
    ((await call("CreateAccountAssignment", assignment(overrides))) as { AccountAssignmentCreationStatus: Status })
      .AccountAssignmentCreationStatus;
  const remove = async (overrides: ApiInput = {}) =>
    ((await call("DeleteAccountAssignment", assignment(overrides))) as { AccountAssignmentDeletionStatus: Status })
      .AccountAssignmentDeletionStatus;
  const creation = async (requestId: string) =>
    (
      (await call("DescribeAccountAssignmentCreationStatus", { AccountAssignmentCreationRequestId: requestId })) as {
        AccountAssignmentCreationStatus: Status;
      }
    ).AccountAssignmentCreationStatus;
  const deletion = async (requestId: string) =>
    (
      (await call("DescribeAccountAssignmentDeletionStatus", { AccountAssignmentDeletionRequestId: requestId })) as {
        AccountAssignmentDeletionStatus: Status;
      }
    ).AccountAssignmentDeletionStatus;
  const key = { accountId: ACCOUNT, permissionSetArn: admin, principalType: "USER" as const, principalId: PRINCIPAL };
  return { clock, sso, admin, call, create, remove, creation, deletion, key };
}

describe("IAM Identity Center admin fake", () => {
  describe("instance and permission sets", () => {
    it("describes the instance with its identity store to callers in the instance's account", async () => {
      const { call } = setUp();
      const out = (await call("DescribeInstance", {})) as Record<string, unknown>;
      assert.equal(out.InstanceArn, INSTANCE_ARN);
      assert.equal(out.IdentityStoreId, IDENTITY_STORE_ID);
      assert.equal(out.OwnerAccountId, MANAGEMENT);
      assert.equal(out.Status, "ACTIVE");
      assert.deepEqual(out.CreatedDate, new Date(START_TIME));
    });

    it("denies every API to callers in another account or region", async () => {
      const { call } = setUp();
      await assert.rejects(call("DescribeInstance", {}, REQUESTER_ROLE), awsError("AccessDeniedException"));
      await assert.rejects(
        call("ListPermissionSets", {}, { ...GRANT_WORKFLOW, region: "us-east-1" }),
        awsError("AccessDeniedException"),
      );
    });

    it("rejects an InstanceArn that does not match the API reference pattern", async () => {
      const { sso } = setUp();
      await assert.rejects(
        sso.call("DescribeInstance", { InstanceArn: "arn:aws:sso:::instance/ssoins-short" }, GRANT_WORKFLOW),
        awsError("ValidationException"),
      );
    });

    it("issues permission set ARNs of the documented shape and describes them", async () => {
      const { call, admin } = setUp();
      assert.match(admin, /^arn:aws:sso:::permissionSet\/ssoins-68047a3b2c1d9e0f\/ps-[0-9a-f]{16}$/);
      const out = (await call("DescribePermissionSet", { PermissionSetArn: admin })) as {
        PermissionSet: Record<string, unknown>;
      };
      assert.equal(out.PermissionSet.Name, "AWSAdministratorAccess");
      assert.equal(out.PermissionSet.PermissionSetArn, admin);
      assert.equal(out.PermissionSet.SessionDuration, "PT4H");
    });

    it("answers ResourceNotFoundException for a permission set the instance does not have", async () => {
      const { call } = setUp();
      const unknown = "arn:aws:sso:::permissionSet/ssoins-68047a3b2c1d9e0f/ps-0000000000000000";
      await assert.rejects(
        call("DescribePermissionSet", { PermissionSetArn: unknown }),
        awsError("ResourceNotFoundException"),
      );
    });

    it("pages ListPermissionSets by MaxResults and NextToken", async () => {
      const { sso, call, admin } = setUp();
      const others = ["A", "B", "C", "D"].map((name) => sso.createPermissionSet(INSTANCE_ARN, name));
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const out = (await call("ListPermissionSets", { MaxResults: 2, ...(token && { NextToken: token }) })) as {
          PermissionSets: string[];
          NextToken?: string;
        };
        assert.ok(out.PermissionSets.length <= 2);
        seen.push(...out.PermissionSets);
        token = out.NextToken;
        pages++;
      } while (token);
      assert.equal(pages, 3);
      assert.deepEqual(seen, [admin, ...others]);
    });

    it("rejects a MaxResults outside 1 to 100 and a NextToken it did not issue", async () => {
      const { call } = setUp();
      await assert.rejects(call("ListPermissionSets", { MaxResults: 0 }), awsError("ValidationException"));
      await assert.rejects(call("ListPermissionSets", { MaxResults: 101 }), awsError("ValidationException"));
      await assert.rejects(
        call("ListPermissionSets", { NextToken: "bm90LWEtbnVtYmVy" }),
        awsError("ValidationException"),
      );
    });
  });

  describe("account assignment lifecycle", () => {
    it("creates an assignment asynchronously: IN_PROGRESS with a request id, SUCCEEDED after the delay", async () => {
      const { clock, sso, create, creation, key } = setUp();
      const started = await create();
      assert.equal(started.Status, "IN_PROGRESS");
      assert.match(started.RequestId, UUID);
      assert.deepEqual(started.CreatedDate, new Date(START_TIME));
      assert.equal(started.TargetId, ACCOUNT);
      assert.equal(sso.hasAssignment(key), false);
      assert.equal((await creation(started.RequestId)).Status, "IN_PROGRESS");

      await clock.run();
      assert.equal(clock.now(), START_TIME + sso.assignmentDelayMs);
      const done = await creation(started.RequestId);
      assert.equal(done.Status, "SUCCEEDED");
      assert.equal(done.FailureReason, undefined);
      assert.equal(sso.hasAssignment({ ...key, instanceArn: INSTANCE_ARN }), true);
      assert.deepEqual(sso.assignments(), [{ ...key, instanceArn: INSTANCE_ARN, since: clock.now() }]);
    });

    it("deletes an assignment asynchronously: it exists until the deletion SUCCEEDED", async () => {
      const { clock, sso, create, remove, deletion, key } = setUp();
      await create();
      await clock.run();
      const started = await remove();
      assert.equal(started.Status, "IN_PROGRESS");
      assert.equal(sso.hasAssignment(key), true);
      await clock.run();
      assert.equal((await deletion(started.RequestId)).Status, "SUCCEEDED");
      assert.equal(sso.hasAssignment(key), false);
    });

    it("lets the completion delay be configured", async () => {
      const { clock, sso, create, creation } = setUp();
      sso.assignmentDelayMs = 45_000;
      const started = await create();
      await clock.run(START_TIME + 44_999);
      assert.equal((await creation(started.RequestId)).Status, "IN_PROGRESS");
      await clock.run();
      assert.equal((await creation(started.RequestId)).Status, "SUCCEEDED");
    });

    it("succeeds when the assignment already exists, without a second copy", async () => {
      const { clock, sso, call, create, creation, admin } = setUp();
      await create();
      await clock.run();
      const since = sso.assignments()[0].since;
      const again = await create();
      await clock.run();
      assert.equal((await creation(again.RequestId)).Status, "SUCCEEDED");
      assert.equal(sso.assignments().length, 1);
      assert.equal(sso.assignments()[0].since, since);
      const listed = (await call("ListAccountAssignments", { AccountId: ACCOUNT, PermissionSetArn: admin })) as {
        AccountAssignments: unknown[];
      };
      assert.deepEqual(listed.AccountAssignments, [
        { AccountId: ACCOUNT, PermissionSetArn: admin, PrincipalType: "USER", PrincipalId: PRINCIPAL },
      ]);
    });

    it("fails the deletion of an assignment that does not exist, with a FailureReason", async () => {
      const { clock, remove, deletion } = setUp();
      const started = await remove();
      assert.equal(started.Status, "IN_PROGRESS");
      await clock.run();
      const done = await deletion(started.RequestId);
      assert.equal(done.Status, "FAILED");
      assert.match(done.FailureReason ?? "", /404/);
    });

    describe("the deletion of an assignment that does not exist, per the deleteMissingAssignment reading", () => {
      it("not-found: refuses it at once with ResourceNotFoundException", async () => {
        const { remove } = setUp({ deleteMissingAssignment: "not-found" });
        await assert.rejects(remove(), awsError("ResourceNotFoundException"));
      });

      it("not-found: takes it while the assignment's creation is under way, and removes it after", async () => {
        const { clock, sso, create, remove, deletion, key } = setUp({ deleteMissingAssignment: "not-found" });
        await create();
        const started = await remove();
        await clock.run();
        assert.equal((await deletion(started.RequestId)).Status, "SUCCEEDED");
        assert.equal(sso.hasAssignment(key), false);
      });

      it("succeeds: ends SUCCEEDED with nothing removed", async () => {
        const { clock, remove, deletion } = setUp({ deleteMissingAssignment: "succeeds" });
        const started = await remove();
        await clock.run();
        assert.equal((await deletion(started.RequestId)).Status, "SUCCEEDED");
      });
    });

    it("takes as long as the world's pace: a minute and a half when slow", async () => {
      const { clock, create, creation } = setUp({ pace: "slow" });
      const started = await create();
      await clock.run(START_TIME + PACES.slow.identityCenterOperationMs - 1);
      assert.equal((await creation(started.RequestId)).Status, "IN_PROGRESS");
      await clock.run();
      assert.equal((await creation(started.RequestId)).Status, "SUCCEEDED");
      assert.equal(clock.now(), START_TIME + PACES.slow.identityCenterOperationMs);
    });

    it("keeps creation and deletion request ids apart", async () => {
      const { call, create } = setUp();
      const started = await create();
      await assert.rejects(
        call("DescribeAccountAssignmentDeletionStatus", { AccountAssignmentDeletionRequestId: started.RequestId }),
        awsError("ResourceNotFoundException"),
      );
    });

    it("rejects a request id that is not a UUID and answers ResourceNotFoundException for an unknown one", async () => {
      const { call } = setUp();
      await assert.rejects(
        call("DescribeAccountAssignmentCreationStatus", { AccountAssignmentCreationRequestId: "{{ X.RequestId }}" }),
        awsError("ValidationException"),
      );
      await assert.rejects(
        call("DescribeAccountAssignmentCreationStatus", {
          AccountAssignmentCreationRequestId: "00000000-0000-0000-0000-000000000000",
        }),
        awsError("ResourceNotFoundException"),
      );
    });
  });

  describe("input validation", () => {
    it("rejects an unresolved Automation reference as PrincipalId", async () => {
      const { sso, create } = setUp();
      await assert.rejects(create({ PrincipalId: "{{ Resolve_User.UserId }}" }), awsError("ValidationException"));
      assert.deepEqual(sso.assignments(), []);
    });

    it("accepts the prefixed principal id form of the API pattern", async () => {
      const { create } = setUp();
      assert.equal((await create({ PrincipalId: `9067a1b2c3-${PRINCIPAL}` })).Status, "IN_PROGRESS");
    });

    it("rejects a TargetId that is not 12 digits, a TargetType other than AWS_ACCOUNT and an unknown PrincipalType", async () => {
      const { create } = setUp();
      await assert.rejects(create({ TargetId: "12345678901" }), awsError("ValidationException"));
      await assert.rejects(create({ TargetId: "{{ AccountId }}" }), awsError("ValidationException"));
      await assert.rejects(create({ TargetType: "AWS_OU" }), awsError("ValidationException"));
      await assert.rejects(create({ PrincipalType: "ROLE" }), awsError("ValidationException"));
    });

    it("answers ResourceNotFoundException for a permission set of another instance", async () => {
      const { create } = setUp();
      const elsewhere = "arn:aws:sso:::permissionSet/ssoins-0000aaaabbbbcccc/ps-0123456789abcdef";
      await assert.rejects(create({ PermissionSetArn: elsewhere }), awsError("ResourceNotFoundException"));
    });
  });

  describe("fault hooks", () => {
    it("fails only the next creation, with the given reason and no assignment", async () => {
      const { clock, sso, create, creation } = setUp();
      sso.failNextCreation("Role quota exceeded");
      const failed = await create();
      await clock.run();
      assert.deepEqual(
        { status: (await creation(failed.RequestId)).Status, reason: (await creation(failed.RequestId)).FailureReason },
        { status: "FAILED", reason: "Role quota exceeded" },
      );
      assert.deepEqual(sso.assignments(), []);
      const next = await create();
      await clock.run();
      assert.equal((await creation(next.RequestId)).Status, "SUCCEEDED");
    });

    it("fails the next deletion and leaves the assignment in place", async () => {
      const { clock, sso, create, remove, deletion, key } = setUp();
      await create();
      await clock.run();
      sso.failNextDeletion("Throttled downstream");
      const failed = await remove();
      await clock.run();
      assert.equal((await deletion(failed.RequestId)).FailureReason, "Throttled downstream");
      assert.equal(sso.hasAssignment(key), true);
    });
  });

  describe("with the identity store as principal directory", () => {
    it("fails an assignment for a user the identity store does not have, as a 404 from the directory", async () => {
      const { clock, sso, create, creation } = setUp();
      const identityStore = new IdentityStoreFake(new Ids("store"));
      const alice = identityStore.createUser(IDENTITY_STORE_ID, "alice");
      sso.usePrincipalDirectory(identityStore);
      const known = await create({ PrincipalId: alice });
      const unknown = await create();
      await clock.run();
      assert.equal((await creation(known.RequestId)).Status, "SUCCEEDED");
      const failed = await creation(unknown.RequestId);
      assert.equal(failed.Status, "FAILED");
      assert.match(failed.FailureReason ?? "", /404.*was not found in directory d-93671a2b3c/);
    });
  });

  describe("listing assignments", () => {
    it("lists a principal's assignments, optionally for one account", async () => {
      const { clock, sso, call, create, admin } = setUp();
      const readOnly = sso.createPermissionSet(INSTANCE_ARN, "AWSReadOnlyAccess");
      await create();
      await create({ TargetId: "210987654321", PermissionSetArn: readOnly });
      await clock.run();
      const forPrincipal = (input: ApiInput) =>
        call("ListAccountAssignmentsForPrincipal", {
          PrincipalId: PRINCIPAL,
          PrincipalType: "USER",
          ...input,
        }) as Promise<{
          AccountAssignments: { AccountId: string; PermissionSetArn: string }[];
        }>;
      assert.equal((await forPrincipal({})).AccountAssignments.length, 2);
      const filtered = await forPrincipal({ Filter: { AccountId: ACCOUNT } });
      assert.deepEqual(
        filtered.AccountAssignments.map((a) => a.PermissionSetArn),
        [admin],
      );
      assert.equal(sso.permissionSetArn(INSTANCE_ARN, "AWSReadOnlyAccess"), readOnly);
    });
  });

  describe("inline policy and provisioning", () => {
    const DENY = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }],
    });
    const ALLOW = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" }],
    });

    interface Provisioning {
      Status: string;
      RequestId: string;
      AccountId?: string;
      PermissionSetArn: string;
      FailureReason?: string;
      CreatedDate: Date;
    }

    function withPolicies(behaviour: Partial<AwsBehaviour> = {}) {
      const world = setUp(behaviour);
      const { call, admin } = world;
      const get = async (set = admin) =>
        ((await call("GetInlinePolicyForPermissionSet", { PermissionSetArn: set })) as { InlinePolicy?: string })
          .InlinePolicy;
      const put = (policy: unknown, set = admin) =>
        call("PutInlinePolicyToPermissionSet", { PermissionSetArn: set, InlinePolicy: policy });
      const provision = async (target: ApiInput = { TargetType: "AWS_ACCOUNT", TargetId: ACCOUNT }) =>
        (
          (await call("ProvisionPermissionSet", { PermissionSetArn: admin, ...target })) as {
            PermissionSetProvisioningStatus: Provisioning;
          }
        ).PermissionSetProvisioningStatus;
      const provisioning = async (requestId: string) =>
        (
          (await call("DescribePermissionSetProvisioningStatus", { ProvisionPermissionSetRequestId: requestId })) as {
            PermissionSetProvisioningStatus: Provisioning;
          }
        ).PermissionSetProvisioningStatus;
      const accounts = async (status?: string) =>
        (
          (await call("ListAccountsForProvisionedPermissionSet", {
            PermissionSetArn: admin,
            ...(status && { ProvisioningStatus: status }),
          })) as { AccountIds: string[] }
        ).AccountIds;
      return { ...world, get, put, provision, provisioning, accounts };
    }

    it("answers an empty InlinePolicy for a set without one, and the policy after a Put replaces it", async () => {
      const { get, put } = withPolicies();
      assert.equal(await get(), "");
      assert.deepEqual(await put(ALLOW), {});
      assert.equal(await get(), ALLOW);
      await put(DENY);
      assert.equal(await get(), DENY);
    });

    it("rejects an InlinePolicy that is missing, empty, over 32768 characters or outside the model's characters", async () => {
      const { get, put, call, admin } = withPolicies();
      await assert.rejects(
        call("PutInlinePolicyToPermissionSet", { PermissionSetArn: admin }),
        awsError("ValidationException"),
      );
      await assert.rejects(put(""), awsError("ValidationException"));
      await assert.rejects(put(" ".repeat(32_769)), awsError("ValidationException"));
      await assert.rejects(put('{"Sid":"\u0100"}'), awsError("ValidationException"));
      assert.equal(await get(), "");
      await put(`\t${" ".repeat(32_766)}\u00FF`);
      assert.equal((await get())?.length, 32_768);
    });

    it("answers ResourceNotFoundException for a set of another instance and refuses another account", async () => {
      const { get, put, call, admin } = withPolicies();
      const elsewhere = "arn:aws:sso:::permissionSet/ssoins-0000aaaabbbbcccc/ps-0123456789abcdef";
      await assert.rejects(get(elsewhere), awsError("ResourceNotFoundException"));
      await assert.rejects(put(DENY, elsewhere), awsError("ResourceNotFoundException"));
      await assert.rejects(
        call("GetInlinePolicyForPermissionSet", { PermissionSetArn: admin }, REQUESTER_ROLE),
        awsError("AccessDeniedException"),
      );
    });

    it("provisions asynchronously: the account keeps the policy it had until the request SUCCEEDED", async () => {
      const { clock, sso, admin, create, put, provision, provisioning } = withPolicies();
      await put(ALLOW);
      await create();
      await clock.run();
      assert.equal(sso.provisionedInlinePolicy(ACCOUNT, admin), ALLOW);

      await put(DENY);
      assert.equal(sso.provisionedInlinePolicy(ACCOUNT, admin), ALLOW, "a Put alone changes no account");
      const started = await provision();
      assert.equal(started.Status, "IN_PROGRESS");
      assert.match(started.RequestId, UUID);
      assert.equal(started.AccountId, ACCOUNT);
      assert.equal(started.PermissionSetArn, admin);
      assert.deepEqual(started.CreatedDate, new Date(clock.now()));
      assert.equal((await provisioning(started.RequestId)).Status, "IN_PROGRESS");
      assert.equal(sso.provisionedInlinePolicy(ACCOUNT, admin), ALLOW);

      await clock.run();
      assert.equal((await provisioning(started.RequestId)).Status, "SUCCEEDED");
      assert.equal(sso.provisionedInlinePolicy(ACCOUNT, admin), DENY);
    });

    it("provisions to an account without assignments, and to every provisioned account with ALL_PROVISIONED_ACCOUNTS", async () => {
      const { clock, sso, admin, create, put, provision, accounts } = withPolicies();
      const other = "210987654321";
      await create();
      await clock.run();
      await provision({ TargetType: "AWS_ACCOUNT", TargetId: other });
      await clock.run();
      assert.deepEqual(await accounts(), [ACCOUNT, other]);

      await put(DENY);
      assert.deepEqual(await accounts("LATEST_PERMISSION_SET_NOT_PROVISIONED"), [ACCOUNT, other]);
      assert.deepEqual(await accounts("LATEST_PERMISSION_SET_PROVISIONED"), []);
      const all = await provision({ TargetType: "ALL_PROVISIONED_ACCOUNTS" });
      assert.equal(all.AccountId, undefined);
      await clock.run();
      assert.deepEqual(
        [sso.provisionedInlinePolicy(ACCOUNT, admin), sso.provisionedInlinePolicy(other, admin)],
        [DENY, DENY],
      );
      assert.deepEqual(await accounts("LATEST_PERMISSION_SET_NOT_PROVISIONED"), []);
      assert.deepEqual(await accounts("LATEST_PERMISSION_SET_PROVISIONED"), [ACCOUNT, other]);
    });

    it("provisions the policy the set had when asked, not one Put while the request was under way", async () => {
      const { clock, sso, admin, put, provision } = withPolicies();
      await put(DENY);
      await provision();
      await put(ALLOW);
      await clock.run();
      assert.equal(sso.provisionedInlinePolicy(ACCOUNT, admin), DENY);
    });

    it("refuses a second provisioning of the set while one is IN_PROGRESS with ConflictException", async () => {
      const { clock, provision } = withPolicies();
      await provision();
      await assert.rejects(provision({ TargetType: "ALL_PROVISIONED_ACCOUNTS" }), awsError("ConflictException"));
      await clock.run();
      assert.equal((await provision()).Status, "IN_PROGRESS");
    });

    it("rejects a TargetType outside the enum and an AWS_ACCOUNT target without a 12-digit TargetId", async () => {
      const { provision } = withPolicies();
      await assert.rejects(provision({ TargetType: "AWS_OU", TargetId: ACCOUNT }), awsError("ValidationException"));
      await assert.rejects(provision({}), awsError("ValidationException"));
      await assert.rejects(provision({ TargetType: "AWS_ACCOUNT" }), awsError("ValidationException"));
      await assert.rejects(
        provision({ TargetType: "AWS_ACCOUNT", TargetId: "{{ AccountId }}" }),
        awsError("ValidationException"),
      );
    });

    it("describes only its own provisioning requests by a UUID request id", async () => {
      const { call, create } = withPolicies();
      const assignment = await create();
      const describe = (id: string) =>
        call("DescribePermissionSetProvisioningStatus", { ProvisionPermissionSetRequestId: id });
      await assert.rejects(describe("{{ Provision.RequestId }}"), awsError("ValidationException"));
      await assert.rejects(describe(assignment.RequestId), awsError("ResourceNotFoundException"));
      await assert.rejects(call("DescribePermissionSetProvisioningStatus", {}), awsError("ValidationException"));
    });

    it("fails the next provisioning on request, leaving the accounts' policy as it was", async () => {
      const { clock, sso, admin, create, put, provision, provisioning } = withPolicies();
      await create();
      await clock.run();
      await put(DENY);
      sso.failNextProvisioning("Received a 500 status error: internal failure");
      const failed = await provision();
      await clock.run();
      const status = await provisioning(failed.RequestId);
      assert.deepEqual(
        [status.Status, status.FailureReason],
        ["FAILED", "Received a 500 status error: internal failure"],
      );
      assert.equal(sso.provisionedInlinePolicy(ACCOUNT, admin), undefined);
    });

    it("takes as long as an assignment: the world's pace", async () => {
      const { clock, provision, provisioning } = withPolicies({ pace: "slow" });
      const started = await provision();
      await clock.run(START_TIME + PACES.slow.identityCenterOperationMs - 1);
      assert.equal((await provisioning(started.RequestId)).Status, "IN_PROGRESS");
      await clock.run();
      assert.equal((await provisioning(started.RequestId)).Status, "SUCCEEDED");
    });

    it("is authorized as the Service Authorization Reference's actions on each of their resource types", async () => {
      const { admin } = setUp();
      const known = {
        organization: { id: "o-a1b2c3d4e5", managementAccount: MANAGEMENT },
        identityCenterAccount: MANAGEMENT,
        queryLogGroups: new Map(),
      };
      const calls: [string, ApiInput, number][] = [
        ["GetInlinePolicyForPermissionSet", { PermissionSetArn: admin }, 2],
        ["PutInlinePolicyToPermissionSet", { PermissionSetArn: admin, InlinePolicy: "{}" }, 2],
        ["ProvisionPermissionSet", { PermissionSetArn: admin, TargetType: "AWS_ACCOUNT", TargetId: ACCOUNT }, 3],
        ["ProvisionPermissionSet", { PermissionSetArn: admin, TargetType: "ALL_PROVISIONED_ACCOUNTS" }, 3],
        ["DescribePermissionSetProvisioningStatus", { ProvisionPermissionSetRequestId: PRINCIPAL }, 1],
      ];
      for (const [api, input, count] of calls) {
        const { action, resources } = RESOURCE_ARNS[`sso-admin:${api}`];
        const arns = resources({ InstanceArn: INSTANCE_ARN, ...input }, GRANT_WORKFLOW, known);
        assert.equal(arns.length, count, api);
        for (const resource of arns) {
          // The simulator refuses a resource of a type the action does not take: decide() throws.
          const request = { principal: GRANT_WORKFLOW.roleArn, action, resource, resourceAccount: MANAGEMENT };
          assert.equal(await decide({ ...request, identityPolicies: [allowing([action], arns)] }), "Allowed");
          assert.equal(
            await decide({ ...request, identityPolicies: [allowing([action], INSTANCE_ARN)] }),
            resource === INSTANCE_ARN ? "Allowed" : "ImplicitlyDenied",
          );
        }
      }
    });

    it("provisions a set's inline policy from before the simulation with a standing assignment", () => {
      const { sso } = setUp();
      const set = sso.createPermissionSet(INSTANCE_ARN, "Revocable", { inlinePolicy: ALLOW, sessionDuration: "PT8H" });
      sso.createStandingAssignment(INSTANCE_ARN, {
        accountId: ACCOUNT,
        permissionSetArn: set,
        principalType: "USER",
        principalId: PRINCIPAL,
      });
      assert.equal(sso.provisionedInlinePolicy(ACCOUNT, set), ALLOW);
      assert.deepEqual(sso.permissionSetDetails(set), { name: "Revocable", sessionDuration: "PT8H" });
    });
  });

  it("refuses APIs it does not implement", async () => {
    const { call } = setUp();
    await assert.rejects(call("CreatePermissionSet", { Name: "X" }), /does not implement CreatePermissionSet/);
  });
});
