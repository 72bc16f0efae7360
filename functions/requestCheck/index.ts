/**
 * The request check: the grant workflow's first step (DESIGN.md §5). The request event comes from the requester
 * account, so nothing in it is taken on trust: the check reads the request runbook's execution and its parent change
 * request from that account (through a read-only role there), takes the requester from the change request's
 * `ExecutedBy` (an Identity Center session: `AWSReservedSSO_<permission set>_<hash>/<user name>`) and the approvers
 * from its approval step, then evaluates the eligibility rules with group membership from Identity Store and the
 * account's place in the organization from Organizations. An eligible request then claims its grant (./claim.ts), so
 * the same access is never granted by two workflows at once.
 *
 * The answer is one word, because Automation can only branch on an invocation's whole payload: `Eligible`,
 * `Rejected`, or `Ignored` for a request whose runbook was already told of a grant (EventBridge delivers at least
 * once). The reason for a refusal (written for the requester) is left in Parameter Store for the workflow to read
 * (./answers.ts, refuse). An AWS error is thrown (and the step retried).
 */
import type { DurationUnit } from "../../shared/config/common";
import { type EligibilityRule, evaluateEligibility, groupsNamed, type RequestFacts } from "../../shared/eligibility";
import { ELIGIBLE, IGNORED, isRejection, isRepeat, REJECTED, refuse, reject } from "./answers";
import {
  type CheckRequestEvent,
  type RecordedRequest,
  type RequesterAccountClients,
  type RequesterAccountSettings,
  readEvent,
  recordedRequest,
} from "./changeRequest";
import { claimGrant } from "./claim";
import { type DirectoryClients, holdsDirectly, membership, parentsOf, userId } from "./directory";

export { ELIGIBLE, IGNORED, REJECTED } from "./answers";
export type { CheckRequestEvent } from "./changeRequest";

export const REQUEST_CHECK_ENV = "JIT_REQUEST_CHECK";

export interface RequestCheckSettings extends RequesterAccountSettings {
  identityStoreId: string;
  instanceArn: string;
  /** Parameter Store path of the permission set name -> ARN parameters (ends with a slash). */
  permissionSetParameterPath: string;
  /** Parameter Store path of the grants' claims (ends with a slash). */
  grantClaimPath: string;
  /** Parameter Store path where a refusal's reason is left for the grant workflow (ends with a slash). */
  checkReasonPath: string;
  durationUnit: DurationUnit;
  rules: EligibilityRule[];
  /** The solution's own accounts: a rule covers them only by naming them. */
  guardedAccounts: string[];
}

export type RequestCheckClients = RequesterAccountClients & DirectoryClients;

const UNIT_MINUTES: Record<DurationUnit, number> = { hours: 60, minutes: 1 };

export function requestCheckSettings(env: Record<string, string | undefined>): RequestCheckSettings {
  const raw = env[REQUEST_CHECK_ENV];
  if (raw === undefined) throw new Error(`environment variable ${REQUEST_CHECK_ENV} is required`);
  const settings = JSON.parse(raw) as RequestCheckSettings;
  const strings = [
    "requesterAccountId",
    "readerRoleArn",
    "changeTemplateName",
    "runbookName",
    "identityStoreId",
    "instanceArn",
    "permissionSetParameterPath",
    "grantClaimPath",
    "checkReasonPath",
    "autoApprovePermissionSet",
  ];
  for (const key of strings) {
    if (typeof settings[key as keyof RequestCheckSettings] !== "string") {
      throw new Error(`environment variable ${REQUEST_CHECK_ENV} lacks ${key}`);
    }
  }
  if (!Array.isArray(settings.rules) || settings.rules.length === 0) {
    throw new Error(`environment variable ${REQUEST_CHECK_ENV} has no eligibility rules`);
  }
  if (!Array.isArray(settings.guardedAccounts)) {
    throw new Error(`environment variable ${REQUEST_CHECK_ENV} lacks guardedAccounts`);
  }
  if (!Array.isArray(settings.requestPermissionSets) || typeof settings.approvePermissionSet !== "string") {
    throw new Error(`environment variable ${REQUEST_CHECK_ENV} lacks the request and approve permission sets`);
  }
  if (!(settings.durationUnit in UNIT_MINUTES)) {
    throw new Error(`environment variable ${REQUEST_CHECK_ENV} has no durationUnit (hours or minutes)`);
  }
  return settings;
}

export async function checkAccessRequest(
  event: unknown,
  clients: RequestCheckClients,
  settings: RequestCheckSettings,
): Promise<string> {
  try {
    const request = readEvent(event);
    const recorded = await recordedRequest(request, clients, settings);
    const { facts, requesterId } = await gatherFacts(clients, settings, request, recorded);
    const verdict = evaluateEligibility(settings.rules, facts, settings.guardedAccounts);
    if (!verdict.eligible) return refuse(clients.ssm, settings.checkReasonPath, event, REJECTED, verdict.reason);
    await claimGrant(clients.ssm, {
      path: settings.grantClaimPath,
      accountId: request.AccountId,
      permissionSet: request.PermissionSet,
      userId: requesterId,
      user: recorded.requester,
      grantExecutionId: request.GrantExecutionId,
      requesterExecutionId: request.RequesterExecutionId,
    });
    return ELIGIBLE;
  } catch (err) {
    if (isRejection(err)) return refuse(clients.ssm, settings.checkReasonPath, event, REJECTED, err.message);
    if (isRepeat(err)) return refuse(clients.ssm, settings.checkReasonPath, event, IGNORED, err.message);
    throw err;
  }
}

/**
 * What the rules are evaluated on, from AWS: the requester's and each other approver's groups, the account's place in
 * the organization. A user who already holds the permission set on the account directly is turned away first.
 */
async function gatherFacts(
  clients: RequestCheckClients,
  s: RequestCheckSettings,
  request: CheckRequestEvent,
  recorded: RecordedRequest,
): Promise<{ facts: RequestFacts; requesterId: string }> {
  const { requester } = recorded;
  const groups = groupsNamed(s.rules);
  const self = (user: string) => user.toLowerCase() === requester.toLowerCase();
  const others = recorded.approvers.filter((u) => !self(u));
  const requesterId = await userId(clients, s.identityStoreId, requester);
  const held = holdsDirectly(
    clients,
    { instanceArn: s.instanceArn, parameterPath: s.permissionSetParameterPath },
    { userId: requesterId, permissionSet: request.PermissionSet, accountId: request.AccountId },
  );
  const [alreadyHeld, userGroups, accountParents, approverGroups] = await Promise.all([
    held,
    membership(clients, s.identityStoreId, requesterId, groups),
    parentsOf(clients, request.AccountId),
    // An approver who is no longer in the identity store simply does not count.
    Promise.all(others.map((a) => approverGroupsOf(clients, s.identityStoreId, a, groups))),
  ]);
  if (alreadyHeld) {
    reject(
      `${requester} already holds ${request.PermissionSet} on account ${request.AccountId} (a grant still running, or an assignment made outside JIT): ask again once it has ended`,
    );
  }
  const facts = {
    user: requester,
    userGroups,
    permissionSet: request.PermissionSet,
    account: request.AccountId,
    accountParents,
    minutes: Number(request.Duration) * UNIT_MINUTES[s.durationUnit],
    approvers: others.flatMap((user, i) => (approverGroups[i] ? [{ user, groups: approverGroups[i] }] : [])),
    selfApproved: recorded.approvers.some(self),
  };
  return { facts, requesterId };
}

/** An approver's groups, or undefined if they are no longer in the identity store. */
async function approverGroupsOf(clients: RequestCheckClients, storeId: string, user: string, groups: string[]) {
  try {
    return await membership(clients, storeId, await userId(clients, storeId, user), groups);
  } catch (err) {
    if (isRejection(err)) return undefined;
    throw err;
  }
}
