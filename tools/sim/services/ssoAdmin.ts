/**
 * IAM Identity Center's admin API (`sso-admin`) as the grant workflow and the permission set sync use it: instances,
 * permission sets with their inline policies, and account assignments and permission set provisioning that finish
 * asynchronously on the virtual clock.
 */
import { type ApiInput, AwsError, type Caller, errors, requireString, type ServiceFake, unsupported } from "../aws";
import type { VirtualClock } from "../clock";
import type { Ids } from "../ids";
import { PACES } from "../pace";
import { type AwsBehaviour, BASELINE } from "../variants";
import { type PagingRules, page } from "./pagination";
import { Provisioning } from "./ssoProvisioning";

// Patterns from the IAM Identity Center API reference (API_CreateAccountAssignment, API_AccountAssignment,
// API_DescribeAccountAssignmentDeletionStatus, API_ListPermissionSets), anchored as the service applies them.
const INSTANCE_ARN = /^arn:aws(-[a-z]{1,5}){0,3}:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
const PERMISSION_SET_ARN =
  /^arn:aws(-[a-z]{1,5}){0,3}:sso:::permissionSet\/(sso)?ins-[a-zA-Z0-9-.]{16}\/ps-[a-zA-Z0-9-./]{16}$/;
const PRINCIPAL_ID = /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REQUEST_ID = /^\b[0-9a-f]{8}\b-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-\b[0-9a-f]{12}\b$/;
const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;
// PermissionSetPolicyDocument (API_PutInlinePolicyToPermissionSet InlinePolicy): 1 to 32768 characters of this set.
const POLICY_DOCUMENT = /^[\t\n\r\u0020-\u00FF]+$/;
const POLICY_DOCUMENT_MAX = 32_768;
// ProvisioningStatus (API_ListAccountsForProvisionedPermissionSet).
const PROVISIONING_STATUSES = ["LATEST_PERMISSION_SET_PROVISIONED", "LATEST_PERMISSION_SET_NOT_PROVISIONED"];
// MaxResults and NextToken from API_ListPermissionSets and API_ListAccountAssignments.
const PAGING: PagingRules = {
  maxResults: 100,
  tokenPattern: /^[-a-zA-Z0-9+=/_]*$/,
  invalidToken: () => new AwsError("ValidationException", "NextToken: the pagination token is invalid"),
};

export type PrincipalType = "USER" | "GROUP";
export type OperationStatus = "IN_PROGRESS" | "FAILED" | "SUCCEEDED";

export interface AssignmentKey {
  accountId: string;
  permissionSetArn: string;
  principalType: PrincipalType;
  principalId: string;
}

export interface AccountAssignment extends AssignmentKey {
  instanceArn: string;
  /** Virtual time (ms) the assignment came into effect. */
  since: number;
}

/** Whether a user or group exists in an identity store (the Identity Store fake answers this). */
export interface PrincipalDirectory {
  principalExists(identityStoreId: string, principalType: PrincipalType, principalId: string): boolean;
}

interface Instance {
  account: string;
  region?: string;
  instanceArn: string;
  identityStoreId: string;
  createdDate: number;
}

interface PermissionSet {
  arn: string;
  instanceArn: string;
  name: string;
  description?: string;
  sessionDuration: string;
  /** The inline policy, as the last PutInlinePolicyToPermissionSet gave it; none until one does. */
  inlinePolicy?: string;
  createdDate: number;
}

interface AssignmentRequest extends AssignmentKey {
  kind: "creation" | "deletion";
  requestId: string;
  instanceArn: string;
  status: OperationStatus;
  failureReason?: string;
  createdDate: number;
}

export class SsoAdminFake implements ServiceFake {
  /** Every assignment created or deleted, in order: when access began and ended. */
  readonly history: (AccountAssignment & { change: "created" | "deleted"; at: number })[] = [];
  readonly service = "sso-admin";
  private delayOverrideMs?: number;

  private readonly instances = new Map<string, Instance>();
  private readonly permissionSets = new Map<string, PermissionSet>();
  private readonly current = new Map<string, AccountAssignment>();
  /** Keys of assignments made before the simulation, outside the solution: they must outlive every request. */
  private readonly standing = new Set<string>();
  /** Where each set is provisioned, with its inline policy as provisioned there, and ProvisionPermissionSet requests. */
  private readonly provisioning: Provisioning;
  private readonly requests = new Map<string, AssignmentRequest>();
  private directory?: PrincipalDirectory;
  private nextFailure: { creation?: string; deletion?: string } = {};
  /** How many more deletion requests end FAILED after the next one (failDeletions). */
  private moreFailingDeletions = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly ids: Ids,
    /** How this world's AWS behaves where AWS documents nothing (../variants.ts). */
    private readonly behaviour: () => AwsBehaviour = () => BASELINE,
  ) {
    this.provisioning = new Provisioning(clock, ids, () => this.assignmentDelayMs);
  }

  /** How long (virtual ms) an assignment creation or deletion stays IN_PROGRESS: the world's pace, unless set. */
  get assignmentDelayMs(): number {
    return this.delayOverrideMs ?? PACES[this.behaviour().pace].identityCenterOperationMs;
  }

  set assignmentDelayMs(ms: number) {
    this.delayOverrideMs = ms;
  }

  createInstance(setup: { account: string; instanceArn: string; identityStoreId: string; region?: string }): void {
    if (!INSTANCE_ARN.test(setup.instanceArn)) throw new Error(`not an instance ARN: ${setup.instanceArn}`);
    this.instances.set(setup.instanceArn, { ...setup, createdDate: this.clock.now() });
  }

  /**
   * Creates a permission set; `arn` gives it the ARN the plan was built with, where one is known, `inlinePolicy` the
   * inline policy it has before the simulation.
   */
  createPermissionSet(
    instanceArn: string,
    name: string,
    options: { sessionDuration?: string; description?: string; arn?: string; inlinePolicy?: string } = {},
  ): string {
    const { sessionDuration = "PT1H", description, inlinePolicy } = options;
    if (!this.instances.has(instanceArn)) throw new Error(`no instance ${instanceArn}`);
    if (!PERMISSION_SET_NAME.test(name)) throw new Error(`not a permission set name: ${name}`);
    if (this.setsOf(instanceArn).some((set) => set.name === name)) throw new Error(`permission set ${name} exists`);
    const instanceId = instanceArn.slice(instanceArn.lastIndexOf("/") + 1);
    const arn = options.arn ?? `arn:aws:sso:::permissionSet/${instanceId}/ps-${this.ids.hex(16)}`;
    if (this.permissionSets.has(arn)) throw new Error(`permission set ${arn} exists`);
    this.permissionSets.set(arn, {
      arn,
      instanceArn,
      name,
      description,
      sessionDuration,
      inlinePolicy,
      createdDate: this.clock.now(),
    });
    return arn;
  }

  /** Checks principals against an identity store when an assignment request completes. */
  usePrincipalDirectory(directory: PrincipalDirectory): void {
    this.directory = directory;
  }

  /** The next creation request ends FAILED with `reason`, leaving the assignments as they are. */
  failNextCreation(reason: string): void {
    this.nextFailure.creation = reason;
  }

  /** The next deletion request ends FAILED with `reason`, leaving the assignments as they are. */
  failNextDeletion(reason: string): void {
    this.nextFailure.deletion = reason;
  }

  /** The next ProvisionPermissionSet request ends FAILED with `reason`, provisioning nothing. */
  failNextProvisioning(reason: string): void {
    this.provisioning.failNext(reason);
  }

  /** The next `count` deletion requests end FAILED with `reason`. */
  failDeletions(count: number, reason: string): void {
    this.nextFailure.deletion = reason;
    this.moreFailingDeletions = count - 1;
  }

  /** The names of every permission set, in every instance. */
  permissionSetNames(): string[] {
    return [...this.permissionSets.values()].map((set) => set.name);
  }

  /**
   * The names of the permission sets provisioned to an account: "as part of a successful CreateAccountAssignment
   * call, the specified permission set will automatically be provisioned to the account" (API_CreateAccountAssignment).
   * What removing the last assignment does to the role is not documented; a set once provisioned stays so here.
   */
  permissionSetsProvisionedTo(accountId: string): string[] {
    const arns = new Set(
      [...this.current.values(), ...this.history.filter((h) => h.change === "created")]
        .filter((a) => a.accountId === accountId)
        .map((a) => a.permissionSetArn),
    );
    return [...arns].flatMap((arn) => this.permissionSets.get(arn)?.name ?? []);
  }

  /** A permission set's name and SessionDuration (an ISO 8601 duration such as `PT4H`). */
  permissionSetDetails(permissionSetArn: string): { name: string; sessionDuration: string } {
    const { name, sessionDuration } = this.setNamed({ permissionSetArn });
    return { name, sessionDuration };
  }

  /**
   * The set's inline policy as last provisioned to the account (what a session there is evaluated against): undefined
   * when the set was provisioned without one, or never provisioned there.
   */
  provisionedInlinePolicy(accountId: string, permissionSetArn: string): string | undefined {
    return this.provisioning.policyIn(this.setNamed({ permissionSetArn }), accountId);
  }

  /** The ARN of the instance's permission set of that name. */
  permissionSetArn(instanceArn: string, name: string): string {
    const set = this.setsOf(instanceArn).find((s) => s.name === name);
    if (!set) throw new Error(`no permission set ${name} in ${instanceArn}`);
    return set.arn;
  }

  /**
   * An assignment someone made outside the solution before the simulation (a permanent one): in effect at once,
   * listed like any other, and left out of what a request's grant and revocation are judged by.
   */
  createStandingAssignment(instanceArn: string, key: AssignmentKey): void {
    if (!this.instances.has(instanceArn)) throw new Error(`no instance ${instanceArn}`);
    const k = keyOf(key);
    this.current.set(k, { ...key, instanceArn, since: this.clock.now() });
    this.standing.add(k);
    this.provisioning.provision(this.setNamed(key), key.accountId);
  }

  /** Standing assignments that no longer exist. */
  standingRemoved(): AssignmentKey[] {
    return [...this.standing].filter((k) => !this.current.has(k)).map(keyFromString);
  }

  /** The assignments requests made that exist now. */
  assignments(): AccountAssignment[] {
    return [...this.current.entries()].filter(([k]) => !this.standing.has(k)).map(([, a]) => ({ ...a }));
  }

  /** How many assignments requests made exist now (checked after every simulated call, so without copying them). */
  assignmentCount(): number {
    let count = this.current.size;
    for (const k of this.standing) if (this.current.has(k)) count--;
    return count;
  }

  hasAssignment(key: AssignmentKey & { instanceArn?: string }): boolean {
    return [...this.current.values()].some(
      (a) => keyOf(a) === keyOf(key) && (key.instanceArn === undefined || a.instanceArn === key.instanceArn),
    );
  }

  async call(api: string, input: ApiInput, caller: Caller): Promise<unknown> {
    switch (api) {
      case "DescribeInstance":
        return this.describeInstance(input, caller);
      case "ListPermissionSets":
        return this.listPermissionSets(input, caller);
      case "DescribePermissionSet":
        return { PermissionSet: describeSet(this.permissionSetIn(this.instance(input, caller), input)) };
      case "CreateAccountAssignment":
        return { AccountAssignmentCreationStatus: this.startRequest("creation", input, caller) };
      case "DeleteAccountAssignment":
        return { AccountAssignmentDeletionStatus: this.startRequest("deletion", input, caller) };
      case "DescribeAccountAssignmentCreationStatus":
        return { AccountAssignmentCreationStatus: this.requestStatus("creation", input, caller) };
      case "DescribeAccountAssignmentDeletionStatus":
        return { AccountAssignmentDeletionStatus: this.requestStatus("deletion", input, caller) };
      case "ListAccountAssignments":
        return this.listAccountAssignments(input, caller);
      case "ListAccountAssignmentsForPrincipal":
        return this.listAccountAssignmentsForPrincipal(input, caller);
      case "ListAccountsForProvisionedPermissionSet":
        return this.listAccountsForProvisionedPermissionSet(input, caller);
      case "GetInlinePolicyForPermissionSet":
        return this.getInlinePolicy(input, caller);
      case "PutInlinePolicyToPermissionSet":
        return this.putInlinePolicy(input, caller);
      case "ProvisionPermissionSet":
        return { PermissionSetProvisioningStatus: this.startProvisioning(input, caller) };
      case "DescribePermissionSetProvisioningStatus":
        return { PermissionSetProvisioningStatus: this.provisioningStatus(input, caller) };
      default:
        return unsupported(this.service, api);
    }
  }

  private describeInstance(input: ApiInput, caller: Caller) {
    const instance = this.instance(input, caller);
    const account = instance.account;
    return {
      InstanceArn: instance.instanceArn,
      IdentityStoreId: instance.identityStoreId,
      IdentityStoreArn: `arn:aws:identitystore::${account}:identitystore/${instance.identityStoreId}`,
      OwnerAccountId: account,
      CreatedDate: new Date(instance.createdDate),
      Status: "ACTIVE",
    };
  }

  private listPermissionSets(input: ApiInput, caller: Caller) {
    const instance = this.instance(input, caller);
    const arns = this.setsOf(instance.instanceArn).map((set) => set.arn);
    const { items, next } = page(arns, input, PAGING);
    return { PermissionSets: items, ...(next && { NextToken: next }) };
  }

  private listAccountAssignments(input: ApiInput, caller: Caller) {
    const instance = this.instance(input, caller);
    const accountId = requireString(input, "AccountId", ACCOUNT_ID);
    const set = this.permissionSetIn(instance, input);
    const matching = this.assignmentsOf(instance).filter(
      (a) => a.accountId === accountId && a.permissionSetArn === set.arn,
    );
    const { items, next } = page(matching, input, PAGING);
    return { AccountAssignments: items.map(listed), ...(next && { NextToken: next }) };
  }

  /**
   * Every account the set is provisioned to; with ProvisioningStatus LATEST_PERMISSION_SET_NOT_PROVISIONED, those whose
   * provisioned inline policy is not the set's current one.
   */
  private listAccountsForProvisionedPermissionSet(input: ApiInput, caller: Caller) {
    const instance = this.instance(input, caller);
    const set = this.permissionSetIn(instance, input);
    const status = input.ProvisioningStatus;
    if (status !== undefined && !PROVISIONING_STATUSES.includes(status as string)) {
      throw errors.validation("ProvisioningStatus", `must be one of ${PROVISIONING_STATUSES.join(", ")}`);
    }
    const latest = status === undefined ? undefined : status === PROVISIONING_STATUSES[0];
    const accounts = this.provisioning.accounts(set, latest);
    const { items, next } = page(accounts.sort(), input, PAGING);
    return { AccountIds: items, ...(next && { NextToken: next }) };
  }

  private listAccountAssignmentsForPrincipal(input: ApiInput, caller: Caller) {
    const instance = this.instance(input, caller);
    const principalId = requireString(input, "PrincipalId", PRINCIPAL_ID);
    const principalType = principalTypeOf(input);
    const filter = input.Filter as { AccountId?: unknown } | undefined;
    const accountId = filter?.AccountId === undefined ? undefined : requireString(filter, "AccountId", ACCOUNT_ID);
    const matching = this.assignmentsOf(instance).filter(
      (a) =>
        a.principalId === principalId &&
        a.principalType === principalType &&
        (accountId === undefined || a.accountId === accountId),
    );
    // The API reference: "the service might return fewer results than the maximum even when there are more results
    // available" (variant listPages: short pages play it, one assignment a page).
    const short = this.behaviour().listPages === "one-per-page" && matching.length > 0;
    const { items, next } = page(matching, short ? { ...input, MaxResults: 1 } : input, PAGING);
    return { AccountAssignments: items.map(listed), ...(next && { NextToken: next }) };
  }

  private startRequest(kind: AssignmentRequest["kind"], input: ApiInput, caller: Caller) {
    const instance = this.instance(input, caller);
    const accountId = requireString(input, "TargetId", ACCOUNT_ID);
    if (input.TargetType !== "AWS_ACCOUNT") throw errors.validation("TargetType", "must be AWS_ACCOUNT");
    const set = this.permissionSetIn(instance, input);
    const principalType = principalTypeOf(input);
    const principalId = requireString(input, "PrincipalId", PRINCIPAL_ID);

    if (kind === "deletion" && this.behaviour().deleteMissingAssignment === "not-found") {
      this.refuseMissing({ accountId, permissionSetArn: set.arn, principalType, principalId }, instance);
    }
    const request: AssignmentRequest = {
      kind,
      requestId: this.ids.uuid(),
      instanceArn: instance.instanceArn,
      accountId,
      permissionSetArn: set.arn,
      principalType,
      principalId,
      status: "IN_PROGRESS",
      createdDate: this.clock.now(),
    };
    this.requests.set(request.requestId, request);
    const forcedFailure = this.nextFailure[kind];
    if (kind === "deletion" && this.moreFailingDeletions > 0) this.moreFailingDeletions--;
    else this.nextFailure[kind] = undefined;
    this.clock.later(
      this.assignmentDelayMs,
      () => this.complete(request, instance, forcedFailure),
      (err) => this.fail(request, `An unexpected internal service exception was encountered: ${err}`),
    );
    return operationStatus(request);
  }

  /**
   * Under the `not-found` reading, deleting an assignment that does not exist is refused at once. One whose creation
   * is still under way counts as existing: the deletion, started later, completes after it.
   */
  private refuseMissing(key: AssignmentKey, instance: Instance): void {
    const k = keyOf(key);
    const creating = [...this.requests.values()].some(
      (r) => r.kind === "creation" && r.status === "IN_PROGRESS" && keyOf(r) === k,
    );
    if (this.current.has(k) || creating) return;
    throw errors.notFound(
      "ResourceNotFoundException",
      `No account assignment of ${key.permissionSetArn} to ${key.principalType} ${key.principalId} on ${key.accountId} in ${instance.instanceArn}`,
    );
  }

  /**
   * Creating an assignment that exists succeeds without a duplicate: Terraform's AWS provider checks first "since the
   * AWS SSO API doesn't prevent us from creating duplicates" (hashicorp/terraform-provider-aws,
   * internal/service/ssoadmin/account_assignment.go). Deleting one that does not exist ends FAILED with a 404 reason,
   * as hashicorp/terraform-provider-aws#19341 shows for a principal removed from the directory; the reason text for
   * a missing assignment is an assumption. What AWS does with a missing assignment is the world's
   * `deleteMissingAssignment` reading: ends FAILED (as here), refused at once (`startRequest`), or SUCCEEDED.
   */
  private complete(request: AssignmentRequest, instance: Instance, forcedFailure: string | undefined): void {
    const failure = forcedFailure ?? this.apply(request, instance);
    if (failure === undefined) request.status = "SUCCEEDED";
    else this.fail(request, failure);
  }

  /** Changes the assignments as the request asks; returns why it could not. */
  private apply(request: AssignmentRequest, instance: Instance): string | undefined {
    const { instanceArn, accountId, permissionSetArn, principalType, principalId } = request;
    if (this.directory && !this.directory.principalExists(instance.identityStoreId, principalType, principalId)) {
      return `Received a 404 status error: the ${principalType} assignee ${principalId} was not found in directory ${instance.identityStoreId}`;
    }
    const key = keyOf(request);
    if (request.kind === "deletion") {
      const existing = this.current.get(key);
      if (!existing) {
        return this.behaviour().deleteMissingAssignment === "succeeds"
          ? undefined
          : "Received a 404 status error: Assignment not found.";
      }
      this.current.delete(key);
      this.history.push({ ...existing, change: "deleted", at: this.clock.now() });
      return undefined;
    }
    if (!this.current.has(key)) {
      const since = this.clock.now();
      const assignment = { instanceArn, accountId, permissionSetArn, principalType, principalId, since };
      this.current.set(key, assignment);
      this.history.push({ ...assignment, change: "created", at: since });
    }
    this.provisioning.provision(this.setNamed(request), accountId);
    return undefined;
  }

  private fail(request: AssignmentRequest, reason: string): void {
    request.status = "FAILED";
    request.failureReason = reason;
  }

  private requestStatus(kind: AssignmentRequest["kind"], input: ApiInput, caller: Caller) {
    const instance = this.instance(input, caller);
    const field = kind === "creation" ? "AccountAssignmentCreationRequestId" : "AccountAssignmentDeletionRequestId";
    const requestId = requireString(input, field, REQUEST_ID);
    const request = this.requests.get(requestId);
    if (!request || request.kind !== kind || request.instanceArn !== instance.instanceArn) {
      throw errors.notFound("ResourceNotFoundException", `No ${kind} request ${requestId}`);
    }
    return operationStatus(request);
  }

  /**
   * An empty string when the set has no inline policy: "if a valid ARN is provided for a permission set, it is
   * possible for an empty inline policy to be returned" (API_GetInlinePolicyForPermissionSet, InlinePolicy).
   */
  private getInlinePolicy(input: ApiInput, caller: Caller) {
    const set = this.permissionSetIn(this.instance(input, caller), input);
    return { InlinePolicy: set.inlinePolicy ?? "" };
  }

  /** Replaces the set's inline policy; accounts keep the one provisioned to them until the next provisioning. */
  private putInlinePolicy(input: ApiInput, caller: Caller) {
    const set = this.permissionSetIn(this.instance(input, caller), input);
    const policy = requireString(input, "InlinePolicy", POLICY_DOCUMENT);
    if (policy.length > POLICY_DOCUMENT_MAX) {
      throw errors.validation("InlinePolicy", `must be at most ${POLICY_DOCUMENT_MAX} characters`);
    }
    set.inlinePolicy = policy;
    return {};
  }

  private startProvisioning(input: ApiInput, caller: Caller) {
    const set = this.permissionSetIn(this.instance(input, caller), input);
    return this.provisioning.start(set, provisionTargetOf(input));
  }

  private provisioningStatus(input: ApiInput, caller: Caller) {
    const instance = this.instance(input, caller);
    const requestId = requireString(input, "ProvisionPermissionSetRequestId", REQUEST_ID);
    return this.provisioning.status(instance.instanceArn, requestId);
  }

  /** A set the simulation made, by ARN (a setup error otherwise, not an API answer). */
  private setNamed(key: { permissionSetArn: string }): PermissionSet {
    const set = this.permissionSets.get(key.permissionSetArn);
    if (!set) throw new Error(`no permission set ${key.permissionSetArn}`);
    return set;
  }

  /** Instances are visible only to their own account (and home region, when given). */
  private instance(input: ApiInput, caller: Caller): Instance {
    const instanceArn = requireString(input, "InstanceArn", INSTANCE_ARN);
    const instance = this.instances.get(instanceArn);
    if (!instance || instance.account !== caller.account || (instance.region && instance.region !== caller.region)) {
      throw errors.accessDenied(`${caller.roleArn} cannot use the Identity Center instance ${instanceArn}`);
    }
    return instance;
  }

  private permissionSetIn(instance: Instance, input: ApiInput): PermissionSet {
    const arn = requireString(input, "PermissionSetArn", PERMISSION_SET_ARN);
    const set = this.permissionSets.get(arn);
    if (!set || set.instanceArn !== instance.instanceArn) {
      throw errors.notFound("ResourceNotFoundException", `Could not find PermissionSet with ARN ${arn}`);
    }
    return set;
  }

  private setsOf(instanceArn: string): PermissionSet[] {
    return [...this.permissionSets.values()].filter((set) => set.instanceArn === instanceArn);
  }

  private assignmentsOf(instance: Instance): AccountAssignment[] {
    return [...this.current.values()].filter((a) => a.instanceArn === instance.instanceArn);
  }
}

/** ProvisionPermissionSet's target: TargetId for AWS_ACCOUNT, none for ALL_PROVISIONED_ACCOUNTS (ProvisionTargetType). */
function provisionTargetOf(input: ApiInput): string | undefined {
  if (input.TargetType === "ALL_PROVISIONED_ACCOUNTS") return undefined;
  if (input.TargetType !== "AWS_ACCOUNT") {
    throw errors.validation("TargetType", "must be AWS_ACCOUNT or ALL_PROVISIONED_ACCOUNTS");
  }
  return requireString(input, "TargetId", ACCOUNT_ID);
}

function keyOf(k: AssignmentKey): string {
  return [k.accountId, k.permissionSetArn, k.principalType, k.principalId].join("|");
}

function keyFromString(key: string): AssignmentKey {
  const [accountId, permissionSetArn, principalType, principalId] = key.split("|");
  return { accountId, permissionSetArn, principalType: principalType as PrincipalType, principalId };
}

function principalTypeOf(input: ApiInput): PrincipalType {
  const type = input.PrincipalType;
  if (type !== "USER" && type !== "GROUP") throw errors.validation("PrincipalType", "must be USER or GROUP");
  return type;
}

function describeSet(set: PermissionSet) {
  return {
    Name: set.name,
    PermissionSetArn: set.arn,
    ...(set.description !== undefined && { Description: set.description }),
    CreatedDate: new Date(set.createdDate),
    SessionDuration: set.sessionDuration,
  };
}

function listed(a: AccountAssignment) {
  return {
    AccountId: a.accountId,
    PermissionSetArn: a.permissionSetArn,
    PrincipalType: a.principalType,
    PrincipalId: a.principalId,
  };
}

function operationStatus(r: AssignmentRequest) {
  return {
    Status: r.status,
    RequestId: r.requestId,
    ...(r.failureReason !== undefined && { FailureReason: r.failureReason }),
    TargetId: r.accountId,
    TargetType: "AWS_ACCOUNT",
    PermissionSetArn: r.permissionSetArn,
    PrincipalType: r.principalType,
    PrincipalId: r.principalId,
    CreatedDate: new Date(r.createdDate),
  };
}
