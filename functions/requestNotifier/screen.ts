/**
 * The screen a new request passes before any approver is asked (issue "refuse early"): the part of the request check
 * that needs no approval. Who raised it (the execution's `ExecutedBy`: an Identity Center session with a request set,
 * of the very user the form names), and whether a rule admits that user, names the set, covers the account and allows
 * the duration, with group membership from Identity Store and the account's place from Organizations; and whether the
 * user already holds the access outside JIT (an assignment no open grant in the ledger explains). The request
 * check runs all of it again, and the approvals, when the approved request arrives: the screen only spares approvers
 * a request that can never be granted, and tells the requester at once.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { AutomationExecution } from "@aws-sdk/client-ssm";
import { accessRequestParameterSpecs, type RequestBounds } from "../../shared/accessRequest";
import type { DurationUnit, RequestForm } from "../../shared/config/common";
import {
  type EligibilityRule,
  fewestApprovals,
  groupsNamed,
  requestBoundsOf,
  type ScreenFacts,
  screenEligibility,
} from "../../shared/eligibility";
import { FORM_FIELDS } from "../../shared/events";
import { dynamoLedger } from "../ledger";
import { isRejection, reject } from "../requestCheck/answers";
import { isIdentityCenterRole, requesterOf } from "../requestCheck/changeRequest";
import {
  type DirectoryClients,
  heldOutsideJit,
  holdsDirectly,
  membership,
  parentsOf,
  permissionSetArn,
  userId,
} from "../requestCheck/directory";

export interface ScreenSettings {
  requesterAccountId: string;
  durationUnit: DurationUnit;
  requestForm: RequestForm;
  identityStoreId: string;
  /** The permission sets a request may be raised with. */
  requestPermissionSets: string[];
  rules: EligibilityRule[];
  /** The solution's own accounts: a rule covers them only by naming them. */
  guardedAccounts: string[];
  /** Whether the user already holds the access outside JIT: the set's ARN, the instance, the grant ledger. */
  permissionSetParameterPath: string;
  instanceArn: string;
  tableName: string;
}

export interface ScreenClients extends DirectoryClients {
  /** The grant ledger's table, read only: an open JIT grant of the access explains an assignment. */
  dynamodb: Pick<DynamoDBClient, "send">;
  /** IAM in the requester account, read with the reader role: whether a session's role is Identity Center's. */
  requesterIam: Pick<IAMClient, "send">;
}

/** The rule a request falls under (the one needing fewest approvals), or why no rule ever could grant it. */
export type ScreenResult = { eligible: true; rule: EligibilityRule } | { eligible: false; reason: string };

export const UNIT_MINUTES: Record<DurationUnit, number> = { hours: 60, minutes: 1 };

/**
 * Screens the request `raised` (the change request, or the Automation form's run) with the form's `values`. A reason
 * that the request can never be granted is an answer; an AWS error is thrown (the notifier is tried again).
 */
export async function screenRequest(
  raised: AutomationExecution,
  values: Record<string, string | undefined>,
  clients: ScreenClients,
  settings: ScreenSettings,
): Promise<ScreenResult> {
  try {
    // The form's bounds follow from the rules, as the stack derives them (kept out of the 4 KB environment).
    checkValues(values, requestBoundsOf(settings.rules, settings.durationUnit));
    const { facts, id } = await factsOf(raised, values as Record<string, string>, clients, settings);
    const screened = screenEligibility(settings.rules, facts, settings.guardedAccounts);
    if (!screened.eligible) return screened;
    if (
      await heldOutside(clients, settings, { userId: id, permissionSet: facts.permissionSet, accountId: facts.account })
    ) {
      return { eligible: false, reason: heldOutsideJit(facts.user, facts.permissionSet, facts.account) };
    }
    return { eligible: true, rule: fewestApprovals(screened.rules) };
  } catch (err) {
    if (isRejection(err)) return { eligible: false, reason: err.message };
    throw err;
  }
}

async function factsOf(
  raised: AutomationExecution,
  values: Record<string, string>,
  clients: ScreenClients,
  s: ScreenSettings,
): Promise<{ facts: ScreenFacts; id: string }> {
  const requester = requesterOf(raised, values.RequestingUser, s);
  const [identityCenter, id, accountParents] = await Promise.all([
    isIdentityCenterRole(clients.requesterIam, requester.roleName),
    userId(clients, s.identityStoreId, requester.userName),
    parentsOf(clients, values.AccountId),
  ]);
  if (!identityCenter) {
    reject(`the request was raised with the role ${requester.roleName}, which IAM Identity Center did not create`);
  }
  const facts = {
    user: requester.userName,
    userGroups: await membership(clients, s.identityStoreId, id, groupsNamed(s.rules)),
    permissionSet: values.PermissionSet,
    account: values.AccountId,
    accountParents,
    // The request's own unit: checkValues let through only this deployment's.
    minutes: Number(values.Duration) * UNIT_MINUTES[values.DurationUnit as DurationUnit],
  };
  return { facts, id };
}

/**
 * Whether the user holds the access by a direct assignment that no open JIT grant explains (one made outside JIT). An
 * open grant of it is no reason to refuse: the request may extend it, as the check decides.
 */
async function heldOutside(
  clients: ScreenClients,
  s: ScreenSettings,
  access: { userId: string; permissionSet: string; accountId: string },
): Promise<boolean> {
  const arn = await permissionSetArn(clients, s.permissionSetParameterPath, access.permissionSet);
  const held = { userId: access.userId, permissionSetArn: arn, accountId: access.accountId };
  const ledger = dynamoLedger({ dynamodb: clients.dynamodb, tableName: s.tableName });
  const [holder, direct] = await Promise.all([ledger.holderOf(held), holdsDirectly(clients, s.instanceArn, held)]);
  return holder === undefined && direct;
}

/** The form's values keep the request runbook's own rules (Change Manager checks them only once approved). */
function checkValues(values: Record<string, string | undefined>, bounds: RequestBounds): void {
  const specs = accessRequestParameterSpecs(bounds);
  for (const field of FORM_FIELDS) {
    const { pattern, allowedValues } = specs[field];
    const value = values[field];
    if (value === undefined) reject(`the request has no ${field}`);
    else if (pattern && !pattern.test(value)) reject(`the request's ${field} must be ${pattern.rule}`);
    else if (allowedValues && !allowedValues.includes(value)) {
      reject(`the request's ${field} must be one of ${allowedValues.join(", ")}`);
    }
  }
}
