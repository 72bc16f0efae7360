/**
 * Where the IAM Identity Center admin fake's (./ssoAdmin.ts) permission sets are provisioned, with each set's inline
 * policy as provisioned in each account, and its ProvisionPermissionSet requests, which finish on the virtual clock.
 */
import { AwsError, errors } from "../aws";
import type { VirtualClock } from "../clock";
import type { Ids } from "../ids";
import type { OperationStatus } from "./ssoAdmin";

/** What is provisioned: a permission set as it is at the time, with its inline policy (none if undefined). */
export interface ProvisionedSet {
  instanceArn: string;
  arn: string;
  inlinePolicy?: string;
}

/** A ProvisionPermissionSet request: to one account, or (no accountId) to every account the set is provisioned to. */
interface ProvisioningRequest {
  requestId: string;
  instanceArn: string;
  permissionSetArn: string;
  accountId?: string;
  /** The set's inline policy when provisioning was asked for: what it provisions. */
  inlinePolicy?: string;
  status: OperationStatus;
  failureReason?: string;
  createdDate: number;
}

export class Provisioning {
  /**
   * `instanceArn permissionSetArn accountId` of every permission set provisioned to an account, with the set's inline
   * policy as provisioned there: "As part of a successful CreateAccountAssignment call, the specified permission set
   * will automatically be provisioned to the account" (API_CreateAccountAssignment). No API reference says a deletion
   * unprovisions it: it stays. A later change of the inline policy reaches the account only when the set is
   * provisioned again: "If the permission set is already referenced by one or more account assignments, you will need
   * to call ProvisionPermissionSet after this action to apply the corresponding IAM policy updates to all assigned
   * accounts" (API_PutInlinePolicyToPermissionSet).
   */
  private readonly provisioned = new Map<string, string | undefined>();
  private readonly requests = new Map<string, ProvisioningRequest>();
  private nextFailure?: string;

  constructor(
    private readonly clock: VirtualClock,
    private readonly ids: Ids,
    /** How long (virtual ms) a request stays IN_PROGRESS. */
    private readonly delayMs: () => number,
  ) {}

  /** Provisions the set as it is now to the account, at once (as a successful assignment does). */
  provision(set: ProvisionedSet, accountId: string): void {
    this.provisioned.set(keyOf(set.instanceArn, set.arn, accountId), set.inlinePolicy);
  }

  /** The set's inline policy as last provisioned to the account: undefined if it had none, or was never provisioned. */
  policyIn(set: ProvisionedSet, accountId: string): string | undefined {
    return this.provisioned.get(keyOf(set.instanceArn, set.arn, accountId));
  }

  /** The accounts the set is provisioned to: all, or only those with (`latest`) or without its current inline policy. */
  accounts(set: ProvisionedSet, latest?: boolean): string[] {
    const prefix = keyOf(set.instanceArn, set.arn, "");
    const accounts = [...this.provisioned.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length));
    if (latest === undefined) return accounts;
    return accounts.filter((account) => (this.policyIn(set, account) === set.inlinePolicy) === latest);
  }

  /** The next request ends FAILED with `reason`, provisioning nothing. */
  failNext(reason: string): void {
    this.nextFailure = reason;
  }

  /**
   * Starts provisioning the set as it is now, to `accountId` (AWS_ACCOUNT) or, with none, to every account it is
   * provisioned to (ALL_PROVISIONED_ACCOUNTS, API_ProvisionPermissionSet): IN_PROGRESS until the delay has passed,
   * like an assignment. While one provisioning of the set is under way, another is refused with ConflictException: the
   * model's "conflict with a previous successful write ... A retry (with appropriate backoff logic) is the recommended
   * response"; "There is a conflicting operation in process." is the text seen on permission set updates
   * (aws-samples/aws-iam-identity-center-extensions#111).
   */
  start(set: ProvisionedSet, accountId: string | undefined) {
    if ([...this.requests.values()].some((r) => r.status === "IN_PROGRESS" && r.permissionSetArn === set.arn)) {
      throw new AwsError("ConflictException", "There is a conflicting operation in process.");
    }
    const request: ProvisioningRequest = {
      requestId: this.ids.uuid(),
      instanceArn: set.instanceArn,
      permissionSetArn: set.arn,
      accountId,
      inlinePolicy: set.inlinePolicy,
      status: "IN_PROGRESS",
      createdDate: this.clock.now(),
    };
    this.requests.set(request.requestId, request);
    const forcedFailure = this.nextFailure;
    this.nextFailure = undefined;
    this.clock.later(
      this.delayMs(),
      () => this.complete(request, forcedFailure),
      (err) => this.fail(request, `An unexpected internal service exception was encountered: ${err}`),
    );
    return statusOf(request);
  }

  /** A request's status, by its id, if the instance made it. */
  status(instanceArn: string, requestId: string) {
    const request = this.requests.get(requestId);
    if (!request || request.instanceArn !== instanceArn) {
      throw errors.notFound("ResourceNotFoundException", `No provisioning request ${requestId}`);
    }
    return statusOf(request);
  }

  private complete(request: ProvisioningRequest, forcedFailure: string | undefined): void {
    if (forcedFailure !== undefined) {
      this.fail(request, forcedFailure);
      return;
    }
    const set = { instanceArn: request.instanceArn, arn: request.permissionSetArn, inlinePolicy: request.inlinePolicy };
    for (const account of request.accountId ? [request.accountId] : this.accounts(set)) this.provision(set, account);
    request.status = "SUCCEEDED";
  }

  private fail(request: ProvisioningRequest, reason: string): void {
    request.status = "FAILED";
    request.failureReason = reason;
  }
}

const keyOf = (instanceArn: string, permissionSetArn: string, accountId: string) =>
  `${instanceArn} ${permissionSetArn} ${accountId}`;

/** PermissionSetProvisioningStatus as the API answers it. */
function statusOf(r: ProvisioningRequest) {
  return {
    Status: r.status,
    RequestId: r.requestId,
    ...(r.accountId !== undefined && { AccountId: r.accountId }),
    PermissionSetArn: r.permissionSetArn,
    ...(r.failureReason !== undefined && { FailureReason: r.failureReason }),
    CreatedDate: new Date(r.createdDate),
  };
}
