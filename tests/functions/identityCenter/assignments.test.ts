import assert from "node:assert/strict";
import {
  type AccountAssignment,
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
  ResourceNotFoundException,
  SSOAdminClient,
  ThrottlingException,
} from "@aws-sdk/client-sso-admin";
import { mockClient } from "aws-sdk-client-mock";
import {
  type Access,
  createAssignment,
  deadlineOf,
  deleteAssignment,
  isAssigned,
  isOutOfTime,
  RESERVED_MS,
  settleCreation,
} from "../../../functions/identityCenter/assignments";

const INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
const ACCESS: Access = {
  userId: "9a67e2b1c3-0123abcd-4567-89ab-cdef-0123456789ab",
  accountId: "777788889999",
  permissionSetArn: "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef",
};
const OTHER_USER = "9a67e2b1c3-99999999-4567-89ab-cdef-0123456789ab";
const REQUEST_ID = "7f6c1e0b-5d2a-4c8e-9f3b-2a1d4e6f8a90";

const assignment = (PrincipalId: string, PrincipalType: "USER" | "GROUP" = "USER"): AccountAssignment => ({
  AccountId: ACCESS.accountId,
  PermissionSetArn: ACCESS.permissionSetArn,
  PrincipalType,
  PrincipalId,
});
const later = () => Date.now() + 60_000;

describe("a user's account assignment in IAM Identity Center", () => {
  const sso = mockClient(SSOAdminClient);
  const client = new SSOAdminClient({ region: "eu-west-1" });
  beforeEach(() => sso.reset());

  describe("isAssigned", () => {
    it("lists the assignees of the permission set on the account and finds the user's direct assignment", async () => {
      sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [assignment(ACCESS.userId)] });
      assert.equal(await isAssigned(client, INSTANCE, ACCESS), true);
      assert.deepEqual(sso.commandCalls(ListAccountAssignmentsCommand)[0].args[0].input, {
        InstanceArn: INSTANCE,
        AccountId: ACCESS.accountId,
        PermissionSetArn: ACCESS.permissionSetArn,
      });
    });

    it("does not count another user, or a group with the user's id", async () => {
      sso.on(ListAccountAssignmentsCommand).resolves({
        AccountAssignments: [assignment(OTHER_USER), assignment(ACCESS.userId, "GROUP")],
      });
      assert.equal(await isAssigned(client, INSTANCE, ACCESS), false);
    });

    it("reads every page: the assignment on the last page is found", async () => {
      sso
        .on(ListAccountAssignmentsCommand)
        .resolvesOnce({ AccountAssignments: [assignment(OTHER_USER)], NextToken: "page-2" })
        .resolvesOnce({ AccountAssignments: [], NextToken: "page-3" })
        .resolvesOnce({ AccountAssignments: [assignment(ACCESS.userId)] });
      assert.equal(await isAssigned(client, INSTANCE, ACCESS), true);
      const tokens = sso.commandCalls(ListAccountAssignmentsCommand).map((c) => c.args[0].input.NextToken);
      assert.deepEqual(tokens, [undefined, "page-2", "page-3"]);
    });

    it("answers absent only after a page without NextToken", async () => {
      sso
        .on(ListAccountAssignmentsCommand)
        .resolvesOnce({ AccountAssignments: [], NextToken: "page-2" })
        .resolvesOnce({ AccountAssignments: [assignment(OTHER_USER)] });
      assert.equal(await isAssigned(client, INSTANCE, ACCESS), false);
      assert.equal(sso.commandCalls(ListAccountAssignmentsCommand).length, 2);
    });

    it("throws OutOfTime rather than answer absent when the deadline passes between pages", async () => {
      sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [], NextToken: "more" });
      await assert.rejects(isAssigned(client, INSTANCE, ACCESS, Date.now() - 1), isOutOfTime);
    });

    it("throws an AWS error", async () => {
      sso.on(ListAccountAssignmentsCommand).rejects(new ThrottlingException({ message: "slow down", $metadata: {} }));
      await assert.rejects(isAssigned(client, INSTANCE, ACCESS), (err: Error) => err.name === "ThrottlingException");
    });
  });

  describe("createAssignment", () => {
    it("assigns the permission set to the user on the account", async () => {
      sso.on(CreateAccountAssignmentCommand).resolves({
        AccountAssignmentCreationStatus: { Status: "SUCCEEDED", RequestId: REQUEST_ID },
      });
      assert.deepEqual(await createAssignment(client, INSTANCE, ACCESS, later()), {
        status: "SUCCEEDED",
        requestId: REQUEST_ID,
      });
      assert.deepEqual(sso.commandCalls(CreateAccountAssignmentCommand)[0].args[0].input, {
        InstanceArn: INSTANCE,
        TargetId: ACCESS.accountId,
        TargetType: "AWS_ACCOUNT",
        PermissionSetArn: ACCESS.permissionSetArn,
        PrincipalType: "USER",
        PrincipalId: ACCESS.userId,
      });
    });

    it("polls the creation status while it is IN_PROGRESS, until it settles", async () => {
      sso.on(CreateAccountAssignmentCommand).resolves({
        AccountAssignmentCreationStatus: { Status: "IN_PROGRESS", RequestId: REQUEST_ID },
      });
      sso.on(DescribeAccountAssignmentCreationStatusCommand).resolves({
        AccountAssignmentCreationStatus: { Status: "FAILED", RequestId: REQUEST_ID, FailureReason: "quota" },
      });
      const started = Date.now();
      assert.deepEqual(await createAssignment(client, INSTANCE, ACCESS, later()), {
        status: "FAILED",
        requestId: REQUEST_ID,
        failureReason: "quota",
      });
      assert.ok(Date.now() - started >= 990, "waited a second before asking again");
      assert.deepEqual(sso.commandCalls(DescribeAccountAssignmentCreationStatusCommand)[0].args[0].input, {
        InstanceArn: INSTANCE,
        AccountAssignmentCreationRequestId: REQUEST_ID,
      });
    });

    it("stops before the deadline and answers IN_PROGRESS with the request id", async () => {
      sso.on(CreateAccountAssignmentCommand).resolves({
        AccountAssignmentCreationStatus: { Status: "IN_PROGRESS", RequestId: REQUEST_ID },
      });
      const outcome = await createAssignment(client, INSTANCE, ACCESS, Date.now() + 500);
      assert.deepEqual(outcome, { status: "IN_PROGRESS", requestId: REQUEST_ID });
      assert.equal(sso.commandCalls(DescribeAccountAssignmentCreationStatusCommand).length, 0);
    });

    it("refuses an answer without a request id or with an unknown status", async () => {
      sso.on(CreateAccountAssignmentCommand).resolvesOnce({ AccountAssignmentCreationStatus: { Status: "SUCCEEDED" } });
      await assert.rejects(createAssignment(client, INSTANCE, ACCESS, later()), /without its id/);
      sso.on(CreateAccountAssignmentCommand).resolves({
        AccountAssignmentCreationStatus: { Status: "PAUSED" as "FAILED", RequestId: REQUEST_ID },
      });
      await assert.rejects(createAssignment(client, INSTANCE, ACCESS, later()), /with the status PAUSED/);
    });
  });

  describe("settleCreation", () => {
    it("follows an earlier creation request by its id until it settles", async () => {
      sso
        .on(DescribeAccountAssignmentCreationStatusCommand)
        .resolvesOnce({ AccountAssignmentCreationStatus: { Status: "IN_PROGRESS", RequestId: REQUEST_ID } })
        .resolves({ AccountAssignmentCreationStatus: { Status: "SUCCEEDED", RequestId: REQUEST_ID } });
      assert.deepEqual(await settleCreation(client, INSTANCE, REQUEST_ID, later()), {
        status: "SUCCEEDED",
        requestId: REQUEST_ID,
      });
      assert.equal(sso.commandCalls(DescribeAccountAssignmentCreationStatusCommand).length, 2);
    });

    it("answers IN_PROGRESS at the deadline, and nothing for a request Identity Center no longer knows", async () => {
      sso.on(DescribeAccountAssignmentCreationStatusCommand).resolves({
        AccountAssignmentCreationStatus: { Status: "IN_PROGRESS", RequestId: REQUEST_ID },
      });
      assert.deepEqual(await settleCreation(client, INSTANCE, REQUEST_ID, Date.now() + 500), {
        status: "IN_PROGRESS",
        requestId: REQUEST_ID,
      });
      sso
        .on(DescribeAccountAssignmentCreationStatusCommand)
        .rejects(new ResourceNotFoundException({ message: "no such request", $metadata: {} }));
      assert.equal(await settleCreation(client, INSTANCE, REQUEST_ID, later()), undefined);
    });
  });

  describe("deleteAssignment", () => {
    it("removes the user's assignment and follows the deletion until it settles", async () => {
      sso.on(DeleteAccountAssignmentCommand).resolves({
        AccountAssignmentDeletionStatus: { Status: "IN_PROGRESS", RequestId: REQUEST_ID },
      });
      sso.on(DescribeAccountAssignmentDeletionStatusCommand).resolves({
        AccountAssignmentDeletionStatus: { Status: "SUCCEEDED", RequestId: REQUEST_ID },
      });
      assert.deepEqual(await deleteAssignment(client, INSTANCE, ACCESS, later()), {
        status: "SUCCEEDED",
        requestId: REQUEST_ID,
      });
      assert.deepEqual(sso.commandCalls(DescribeAccountAssignmentDeletionStatusCommand)[0].args[0].input, {
        InstanceArn: INSTANCE,
        AccountAssignmentDeletionRequestId: REQUEST_ID,
      });
    });

    it("answers a refusal of a missing assignment (ResourceNotFoundException) as FAILED, for the caller to list", async () => {
      sso
        .on(DeleteAccountAssignmentCommand)
        .rejects(new ResourceNotFoundException({ message: "no such", $metadata: {} }));
      const outcome = await deleteAssignment(client, INSTANCE, ACCESS, later());
      assert.equal(outcome.status, "FAILED");
      assert.match(outcome.failureReason!, /refused: no such/);
    });

    it("throws any other AWS error", async () => {
      sso.on(DeleteAccountAssignmentCommand).rejects(new ThrottlingException({ message: "slow down", $metadata: {} }));
      await assert.rejects(deleteAssignment(client, INSTANCE, ACCESS, later()), /slow down/);
    });
  });

  describe("deadlineOf", () => {
    it("is the invocation's remaining time from now, less the time kept back for the writes that follow", () => {
      const before = Date.now();
      const deadline = deadlineOf({ getRemainingTimeInMillis: () => 60_000 });
      assert.ok(deadline >= before + 60_000 - RESERVED_MS && deadline <= Date.now() + 60_000 - RESERVED_MS);
    });
  });
});
