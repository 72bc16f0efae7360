/**
 * A user's direct account assignment in IAM Identity Center: whether it exists, and how a request to create or delete
 * it ends. Both requests finish asynchronously; their status is polled on the function's own clock (setTimeout, which
 * the simulator runs on its virtual clock) and polling stops before the Lambda's remaining time runs out.
 *
 * AWS documentation this module follows (IAM Identity Center API reference):
 * - API_CreateAccountAssignment, API_DeleteAccountAssignment: answer an AccountAssignmentOperationStatus whose Status
 *   is IN_PROGRESS, FAILED or SUCCEEDED, with the RequestId to poll and a FailureReason when it failed.
 * - API_DescribeAccountAssignmentCreationStatus, API_DescribeAccountAssignmentDeletionStatus: the status of a request.
 * - API_ListAccountAssignments: the assignees (PrincipalType USER or GROUP, PrincipalId) of one permission set on one
 *   account, a page at a time; a NextToken means more pages. An assignment through a group is not the grant's.
 */
import {
  type AccountAssignmentOperationStatus,
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
  type SSOAdminClient,
} from "@aws-sdk/client-sso-admin";

export type SsoAdmin = Pick<SSOAdminClient, "send">;

/** One user's access: a permission set on an account. */
export interface Access {
  userId: string;
  accountId: string;
  permissionSetArn: string;
}

/** What a Lambda invocation knows of its time (the Lambda context). */
export interface InvocationTime {
  getRemainingTimeInMillis(): number;
}

/** Time kept back at the end of an invocation for the writes that follow polling (the ledger, the schedule). */
export const RESERVED_MS = 10_000;

/** The moment (epoch milliseconds) by which polling and listing must stop. */
export const deadlineOf = (context: InvocationTime, reservedMs = RESERVED_MS) =>
  Date.now() + context.getRemainingTimeInMillis() - reservedMs;

/** Out of time: a plain Error told apart by its name (closure serialization degrades Error subclasses). */
export function outOfTime(what: string): Error {
  return Object.assign(new Error(`out of time: ${what}`), { name: "OutOfTime" });
}

export const isOutOfTime = (err: unknown): err is Error => err instanceof Error && err.name === "OutOfTime";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Whether the user holds the permission set on the account as a direct (USER) assignment. Reads page after page
 * until one has no NextToken: an assignment is absent only once every page has been read. Throws OutOfTime when the
 * deadline passes first (absence unknown).
 */
export async function isAssigned(
  ssoAdmin: SsoAdmin,
  instanceArn: string,
  access: Access,
  deadline = Number.POSITIVE_INFINITY,
): Promise<boolean> {
  let NextToken: string | undefined;
  do {
    if (Date.now() > deadline) throw outOfTime(`listing the assignments of ${accessText(access)}`);
    const page = await ssoAdmin.send(
      new ListAccountAssignmentsCommand({
        InstanceArn: instanceArn,
        AccountId: access.accountId,
        PermissionSetArn: access.permissionSetArn,
        ...(NextToken !== undefined && { NextToken }),
      }),
    );
    const found = page.AccountAssignments?.some(
      (a) =>
        a.PrincipalType === "USER" &&
        a.PrincipalId === access.userId &&
        a.AccountId === access.accountId &&
        a.PermissionSetArn === access.permissionSetArn,
    );
    if (found) return true;
    NextToken = page.NextToken || undefined;
  } while (NextToken !== undefined);
  return false;
}

/** How an assignment request stands: settled (SUCCEEDED or FAILED), or still IN_PROGRESS when time ran out. */
export interface RequestOutcome {
  status: "SUCCEEDED" | "FAILED" | "IN_PROGRESS";
  requestId?: string;
  failureReason?: string;
}

const target = (instanceArn: string, access: Access) => ({
  InstanceArn: instanceArn,
  TargetId: access.accountId,
  TargetType: "AWS_ACCOUNT" as const,
  PermissionSetArn: access.permissionSetArn,
  PrincipalType: "USER" as const,
  PrincipalId: access.userId,
});

/** Asks for the assignment and follows the request until it settles or the deadline comes. */
export async function createAssignment(
  ssoAdmin: SsoAdmin,
  instanceArn: string,
  access: Access,
  deadline: number,
): Promise<RequestOutcome> {
  return followCreation(ssoAdmin, instanceArn, await startCreation(ssoAdmin, instanceArn, access), deadline);
}

/**
 * Asks for the assignment: CreateAccountAssignment's first status, with the RequestId to follow (kept in the ledger,
 * so that whoever ends the grant can wait for the creation to settle).
 */
export async function startCreation(
  ssoAdmin: SsoAdmin,
  instanceArn: string,
  access: Access,
): Promise<AccountAssignmentOperationStatus> {
  const { AccountAssignmentCreationStatus: status } = await ssoAdmin.send(
    new CreateAccountAssignmentCommand(target(instanceArn, access)),
  );
  if (status?.RequestId === undefined) {
    throw new Error("IAM Identity Center answered an assignment request without its id");
  }
  return status;
}

/** Follows a creation request from `first` until it settles or the deadline comes. */
export function followCreation(
  ssoAdmin: SsoAdmin,
  instanceArn: string,
  first: AccountAssignmentOperationStatus | undefined,
  deadline: number,
): Promise<RequestOutcome> {
  return follow(first, deadline, async (id) => {
    const described = await ssoAdmin.send(
      new DescribeAccountAssignmentCreationStatusCommand({
        InstanceArn: instanceArn,
        AccountAssignmentCreationRequestId: id,
      }),
    );
    return described.AccountAssignmentCreationStatus;
  });
}

/**
 * How an earlier creation request (its RequestId from the ledger) stands, followed until it settles or the deadline
 * comes; undefined if Identity Center no longer knows it (AWS documents no lifetime for a request's status: the caller
 * then decides by listing).
 */
export async function settleCreation(
  ssoAdmin: SsoAdmin,
  instanceArn: string,
  requestId: string,
  deadline: number,
): Promise<RequestOutcome | undefined> {
  let first: AccountAssignmentOperationStatus | undefined;
  try {
    ({ AccountAssignmentCreationStatus: first } = await ssoAdmin.send(
      new DescribeAccountAssignmentCreationStatusCommand({
        InstanceArn: instanceArn,
        AccountAssignmentCreationRequestId: requestId,
      }),
    ));
  } catch (err) {
    if ((err as { name?: string }).name === "ResourceNotFoundException") return undefined;
    throw err;
  }
  if (first === undefined) return undefined;
  return followCreation(ssoAdmin, instanceArn, { RequestId: requestId, ...first }, deadline);
}

/**
 * Asks for the assignment's removal and follows the request until it settles or the deadline comes. What AWS does
 * with an assignment that does not exist is not documented (refused with ResourceNotFoundException, accepted then
 * FAILED, or SUCCEEDED: tools/sim/variants.ts `deleteMissingAssignment`); a refusal is answered as FAILED with its
 * message, and in every case the caller decides by listing the assignments.
 */
export async function deleteAssignment(
  ssoAdmin: SsoAdmin,
  instanceArn: string,
  access: Access,
  deadline: number,
): Promise<RequestOutcome> {
  let status: AccountAssignmentOperationStatus | undefined;
  try {
    ({ AccountAssignmentDeletionStatus: status } = await ssoAdmin.send(
      new DeleteAccountAssignmentCommand(target(instanceArn, access)),
    ));
  } catch (err) {
    if ((err as { name?: string }).name !== "ResourceNotFoundException") throw err;
    return { status: "FAILED", failureReason: `refused: ${(err as Error).message}` };
  }
  return follow(status, deadline, async (id) => {
    const described = await ssoAdmin.send(
      new DescribeAccountAssignmentDeletionStatusCommand({
        InstanceArn: instanceArn,
        AccountAssignmentDeletionRequestId: id,
      }),
    );
    return described.AccountAssignmentDeletionStatus;
  });
}

const FIRST_POLL_MS = 1_000;
const LONGEST_POLL_MS = 5_000;

/** Polls a request's status, waiting 1 s then twice as long each time up to 5 s, until it settles or time is up. */
async function follow(
  first: AccountAssignmentOperationStatus | undefined,
  deadline: number,
  describeRequest: (requestId: string) => Promise<AccountAssignmentOperationStatus | undefined>,
): Promise<RequestOutcome> {
  const requestId = first?.RequestId;
  if (requestId === undefined) throw new Error("IAM Identity Center answered an assignment request without its id");
  let status = first;
  let wait = FIRST_POLL_MS;
  while (status?.Status === "IN_PROGRESS") {
    if (Date.now() + wait > deadline) return { status: "IN_PROGRESS", requestId };
    await sleep(wait);
    wait = Math.min(wait * 2, LONGEST_POLL_MS);
    status = await describeRequest(requestId);
  }
  if (status?.Status !== "SUCCEEDED" && status?.Status !== "FAILED") {
    throw new Error(`IAM Identity Center answered request ${requestId} with the status ${String(status?.Status)}`);
  }
  return {
    status: status.Status,
    requestId,
    ...(status.FailureReason !== undefined && { failureReason: status.FailureReason }),
  };
}

export const accessText = (a: Access) => `${a.permissionSetArn} for user ${a.userId} on account ${a.accountId}`;
