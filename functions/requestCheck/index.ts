/**
 * The request check: the grant workflow's first step (DESIGN.md §5). The request event comes from the requester
 * account, so nothing in it is taken on trust: the check reads the request runbook's execution and its parent change
 * request from that account (through a read-only role there), takes the requester from the change request's
 * `ExecutedBy` (an Identity Center session: `AWSReservedSSO_<permission set>_<hash>/<user name>`) and the approvers
 * from its approval step, then evaluates the eligibility rules with group membership from Identity Store and the
 * account's place in the organization from Organizations. An eligible request then claims its grant (./claim.ts), so
 * the same access is never granted by two workflows at once.
 *
 * The answer is one bare token, because Automation can only branch on an invocation's whole payload, and AWS does not
 * document whether that payload is a string's JSON text or the string itself: `Eligible`, `Rejected`, or `Ignored` for
 * a request whose runbook was already told of a grant (EventBridge delivers at least once). Before answering
 * `Rejected` or `Ignored` the check writes its reason to Parameter Store (./reason.ts), where the grant workflow reads
 * it. An AWS error is thrown (and the step retried).
 */
import type { DurationUnit } from "../../shared/config/common";
import { type EligibilityRule, evaluateEligibility, groupsNamed, type RequestFacts } from "../../shared/eligibility";
import { patterns } from "../../shared/patterns";
import { type Answer, ELIGIBLE, IGNORED, isRejection, isRepeat, REJECTED, reject } from "./answers";
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
import { recordReason } from "./reason";

export { type Answer, ELIGIBLE, EXTENDED, IGNORED, REJECTED } from "./answers";
export type { CheckRequestEvent } from "./changeRequest";

export const REQUEST_CHECK_ENV = "JIT_REQUEST_CHECK";

export interface RequestCheckSettings extends RequesterAccountSettings {
  identityStoreId: string;
  instanceArn: string;
  /** Parameter Store path of the permission set name -> ARN parameters (ends with a slash). */
  permissionSetParameterPath: string;
  /** Parameter Store path of the grants' claims (ends with a slash). */
  grantClaimPath: string;
  /** Parameter Store path the reasons for turning requests away are written under (ends with a slash). */
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
): Promise<Answer> {
  try {
    const request = readEvent(event);
    const recorded = await recordedRequest(request, clients, settings);
    const { facts, requesterId } = await gatherFacts(clients, settings, request, recorded);
    const verdict = evaluateEligibility(settings.rules, facts, settings.guardedAccounts);
    if (!verdict.eligible) return reject(unidentifiedApprovals(recorded) ?? verdict.reason);
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
    const turnedAway = isRejection(err) ? REJECTED : isRepeat(err) ? IGNORED : undefined;
    if (!turnedAway) throw err;
    await tellWhy(clients, settings, event, (err as Error).message);
    return turnedAway;
  }
}

/**
 * Writes why the request was turned away, for the grant workflow that asked. An event without a valid
 * GrantExecutionId names no workflow to tell: the reason is only logged, and the workflow uses a fixed comment.
 */
async function tellWhy(clients: RequestCheckClients, settings: RequestCheckSettings, event: unknown, reason: string) {
  const grant = (event as { GrantExecutionId?: unknown } | null)?.GrantExecutionId;
  if (typeof grant === "string" && patterns.automationExecutionId.test(grant)) {
    await recordReason(clients.ssm, settings.checkReasonPath, grant, reason);
  } else {
    console.log(`no grant workflow to tell why: ${reason}`);
  }
}

/**
 * Why approvals could not be counted, if AWS recorded approvals that name no person (the approver's role, not its
 * session): approvals are then counted by person only where AWS says who gave them, so a request that needs them
 * cannot be granted, and the reason must say that AWS's record is the cause.
 */
function unidentifiedApprovals(recorded: RecordedRequest): string | undefined {
  const roles = recorded.unidentifiedApprovers;
  if (roles.length === 0) return undefined;
  return `AWS recorded approvals without the approver (only the role ${roles.join(", ")}): no approval can be counted`;
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
