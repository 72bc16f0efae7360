/**
 * The request check: the grant workflow's first step (DESIGN.md §5). The request event comes from the requester
 * account, so nothing in it is taken on trust: the check reads the request runbook's execution and its parent change
 * request from that account (through a read-only role there), takes the requester from the change request's
 * `ExecutedBy` (an Identity Center session: `AWSReservedSSO_<permission set>_<hash>/<user name>`) and the approvers
 * from its approval step, then evaluates the eligibility rules with group membership from Identity Store and the
 * account's place in the organization from Organizations.
 *
 * The answer is one string, because Automation can only branch on an invocation's whole payload: `Eligible: ...`,
 * `Rejected: <reason>` (the reason written for the requester), or `Ignored: <reason>` for a request whose runbook was
 * already told of a grant (EventBridge delivers at least once). An AWS error is thrown (and the step retried).
 */
import { GetUserIdCommand, type IdentitystoreClient, IsMemberInGroupsCommand } from "@aws-sdk/client-identitystore";
import { ListParentsCommand, type OrganizationsClient } from "@aws-sdk/client-organizations";
import { type AutomationExecution, GetAutomationExecutionCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, type STSClient } from "@aws-sdk/client-sts";
import type { DurationUnit } from "../shared/config/common";
import { type EligibilityRule, evaluateEligibility, groupsNamed } from "../shared/eligibility";
import { ACCESS_REQUEST_FIELDS, type AccessRequestField, FORM_FIELDS, REQUEST_RUNBOOK_STEPS } from "../shared/events";
import { identityCenterSession } from "../shared/identityCenter";
import { patterns } from "../shared/patterns";

export const REQUEST_CHECK_ENV = "JIT_REQUEST_CHECK";

export interface RequestCheckSettings {
  requesterAccountId: string;
  /** The read-only role in the requester account the check reads executions with. */
  readerRoleArn: string;
  changeTemplateName: string;
  runbookName: string;
  identityStoreId: string;
  /** The permission sets a request may be raised with (with and without approval). */
  requestPermissionSets: string[];
  /** The permission set approvals count from. */
  approvePermissionSet: string;
  durationUnit: DurationUnit;
  rules: EligibilityRule[];
}

export interface RequestCheckClients {
  sts: Pick<STSClient, "send">;
  identityStore: Pick<IdentitystoreClient, "send">;
  organizations: Pick<OrganizationsClient, "send">;
  /** An SSM client for the requester account, acting with the reader role's temporary credentials. */
  requesterSsm(credentials: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
  }): Pick<SSMClient, "send">;
}

export type CheckRequestEvent = Record<AccessRequestField, string>;

export const ELIGIBLE = "Eligible";
export const REJECTED = "Rejected";
/** A request delivered again after its grant: neither granted again nor answered (its requester is being served). */
export const IGNORED = "Ignored";
/** The answer becomes the requester's feedback comment: at most 200 printable characters, no `"` or `\`. */
const MAX_ANSWER = 200;

function answer(text: string): string {
  const printable = text.replace(/[^ !#-[\]-~]/g, "?");
  return printable.length <= MAX_ANSWER ? printable : `${printable.slice(0, MAX_ANSWER - 3)}...`;
}

const UNIT_MINUTES: Record<DurationUnit, number> = { hours: 60, minutes: 1 };
const ACTIVE = new Set(["Pending", "InProgress", "Waiting"]);
/** Where the request runbook is until a grant is reported to it. */
const BEFORE_GRANT = new Set<string>([REQUEST_RUNBOOK_STEPS.send, REQUEST_RUNBOOK_STEPS.granted]);

export function requestCheckSettings(env: Record<string, string | undefined>): RequestCheckSettings {
  const raw = env[REQUEST_CHECK_ENV];
  if (raw === undefined) throw new Error(`environment variable ${REQUEST_CHECK_ENV} is required`);
  const settings = JSON.parse(raw) as RequestCheckSettings;
  for (const key of ["requesterAccountId", "readerRoleArn", "changeTemplateName", "runbookName", "identityStoreId"]) {
    if (typeof settings[key as keyof RequestCheckSettings] !== "string") {
      throw new Error(`environment variable ${REQUEST_CHECK_ENV} lacks ${key}`);
    }
  }
  if (!Array.isArray(settings.rules) || settings.rules.length === 0) {
    throw new Error(`environment variable ${REQUEST_CHECK_ENV} has no eligibility rules`);
  }
  if (!Array.isArray(settings.requestPermissionSets) || typeof settings.approvePermissionSet !== "string") {
    throw new Error(`environment variable ${REQUEST_CHECK_ENV} lacks the request and approve permission sets`);
  }
  if (!(settings.durationUnit in UNIT_MINUTES)) {
    throw new Error(`environment variable ${REQUEST_CHECK_ENV} has no durationUnit (hours or minutes)`);
  }
  return settings;
}

/** A request that cannot be granted, with the reason the requester and the administrators are told. */
class Rejection extends Error {}

/** A request seen before, with the reason the administrators are told. */
class Repeat extends Error {}

const reject = (reason: string): never => {
  throw new Rejection(reason);
};

export async function checkAccessRequest(
  event: unknown,
  clients: RequestCheckClients,
  settings: RequestCheckSettings,
): Promise<string> {
  try {
    const request = readEvent(event);
    const ssm = await requesterAccount(clients, settings, request.RequesterExecutionId);
    const runbook = await execution(ssm, request.RequesterExecutionId);
    checkRunbook(runbook, request, settings);
    const changeRequest = await execution(ssm, runbook.ParentAutomationExecutionId ?? reject(NO_CHANGE_REQUEST));
    checkChangeRequest(changeRequest, runbook, settings);
    const requester = requesterOf(changeRequest, request.RequestingUser, settings);
    const approvals = approvalsOf(changeRequest, settings);
    const facts = await gatherFacts(clients, settings, request, requester, approvals);
    const verdict = evaluateEligibility(settings.rules, facts);
    return verdict.eligible
      ? answer(`${ELIGIBLE}: ${requester} under the eligibility rule ${verdict.rule}`)
      : reject(verdict.reason);
  } catch (err) {
    if (err instanceof Rejection) return answer(`${REJECTED}: ${err.message}`);
    if (err instanceof Repeat) return answer(`${IGNORED}: ${err.message}`);
    throw err;
  }
}

const NO_CHANGE_REQUEST = "the request runbook was not started by a Change Manager change request";

function readEvent(event: unknown): CheckRequestEvent {
  const record = (typeof event === "object" && event !== null ? event : {}) as Record<string, unknown>;
  const request = {} as CheckRequestEvent;
  for (const field of ACCESS_REQUEST_FIELDS) {
    const value = record[field];
    if (typeof value !== "string") reject(`the request has no ${field}`);
    request[field] = value as string;
  }
  if (!patterns.automationExecutionId.test(request.RequesterExecutionId)) {
    reject(`RequesterExecutionId must be ${patterns.automationExecutionId.rule}`);
  }
  return request;
}

async function requesterAccount(clients: RequestCheckClients, settings: RequestCheckSettings, executionId: string) {
  const { Credentials: c } = await clients.sts.send(
    new AssumeRoleCommand({
      RoleArn: settings.readerRoleArn,
      RoleSessionName: `request-check-${executionId}`.slice(0, 64),
    }),
  );
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error("AssumeRole returned no credentials");
  return clients.requesterSsm({
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
  });
}

async function execution(ssm: Pick<SSMClient, "send">, id: string): Promise<AutomationExecution> {
  try {
    const { AutomationExecution: x } = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }));
    return x ?? reject(`the requester account has no execution ${id}`);
  } catch (err) {
    if ((err as { name?: string }).name === "AutomationExecutionNotFoundException") {
      return reject(`the requester account has no execution ${id}`);
    }
    throw err;
  }
}

/** The form's values as an execution holds them, one value per parameter. */
function single(parameters: Record<string, string[]> | undefined, field: string): string | undefined {
  const values = parameters?.[field];
  return values?.length === 1 ? values[0] : undefined;
}

/** The runbook the event names must be our runbook, still waiting, started with the event's very values. */
function checkRunbook(runbook: AutomationExecution, request: CheckRequestEvent, settings: RequestCheckSettings) {
  if (runbook.DocumentName !== settings.runbookName) {
    reject(`execution ${request.RequesterExecutionId} is not a run of the request runbook ${settings.runbookName}`);
  }
  if (!ACTIVE.has(runbook.AutomationExecutionStatus ?? "")) {
    reject(`the request runbook ${request.RequesterExecutionId} has already ended`);
  }
  if (!BEFORE_GRANT.has(runbook.CurrentStepName ?? "")) {
    throw new Repeat(`the request runbook ${request.RequesterExecutionId} was already told of a grant: sent twice?`);
  }
  for (const field of FORM_FIELDS) {
    if (single(runbook.Parameters, field) !== request[field]) {
      reject(`the request's ${field} differs from the one its change request was raised with`);
    }
  }
}

/** The parent must be a change request from our template, whose runbook was raised with the same values. */
function checkChangeRequest(changeRequest: AutomationExecution, runbook: AutomationExecution, s: RequestCheckSettings) {
  if (changeRequest.AutomationSubtype !== "ChangeRequest") reject(NO_CHANGE_REQUEST);
  if (changeRequest.DocumentName !== s.changeTemplateName) {
    reject(`the change request was raised from ${changeRequest.DocumentName}, not from ${s.changeTemplateName}`);
  }
  const ours = changeRequest.Runbooks?.find((r) => r.DocumentName === s.runbookName);
  const same = ours && FORM_FIELDS.every((f) => single(ours.Parameters, f) === single(runbook.Parameters, f));
  if (!same) reject("the request runbook's values differ from its change request's");
}

/** The Identity Center user behind `arn`, if it is one's session in `account` with one of `sets`. */
function sessionOf(arn: string | undefined, account: string, sets: readonly string[]) {
  const session = identityCenterSession(arn ?? "");
  return session && session.account === account && sets.includes(session.permissionSet) ? session : undefined;
}

/** Who raised the change request, from AWS: it must be the typed user, signed in with a request permission set. */
function requesterOf(changeRequest: AutomationExecution, typedUser: string, s: RequestCheckSettings): string {
  const by = changeRequest.ExecutedBy ?? "an unknown principal";
  const session = sessionOf(by, s.requesterAccountId, s.requestPermissionSets);
  if (!session) {
    reject(
      `the change request was raised by ${by}, which is not an IAM Identity Center user signed in with ${s.requestPermissionSets.join(" or ")}`,
    );
  }
  if (session?.userName.toLowerCase() !== typedUser.toLowerCase()) {
    reject(`the change request was raised by ${session?.userName}, not by ${typedUser}, the user it asks access for`);
  }
  return session?.userName as string;
}

/**
 * The Identity Center users (signed in with the approve permission set) who approved the change request, from its
 * approval steps' `ApproverDecisions` output: user names as spelt, one per person. Any other principal never counts.
 */
function approvalsOf(changeRequest: AutomationExecution, s: RequestCheckSettings): string[] {
  const decisions: unknown[] = [];
  for (const step of changeRequest.StepExecutions ?? []) {
    if (step.Action !== "aws:approve") continue;
    for (const raw of step.Outputs?.ApproverDecisions ?? []) {
      try {
        const parsed = JSON.parse(raw) as unknown;
        decisions.push(...(Array.isArray(parsed) ? parsed : [parsed]));
      } catch {
        reject(`the change request's approvals cannot be read (${step.StepName}: ApproverDecisions is not JSON)`);
      }
    }
  }
  const users = new Map<string, string>();
  for (const d of decisions) {
    if (typeof d !== "object" || d === null) continue;
    const { Approver, Decision } = d as { Approver?: unknown; Decision?: unknown };
    if (String(Decision).toLowerCase() !== "approved") continue;
    const session = sessionOf(String(Approver), s.requesterAccountId, [s.approvePermissionSet]);
    if (session && !users.has(session.userName.toLowerCase()))
      users.set(session.userName.toLowerCase(), session.userName);
  }
  return [...users.values()];
}

async function gatherFacts(
  clients: RequestCheckClients,
  s: RequestCheckSettings,
  request: CheckRequestEvent,
  requester: string,
  approvals: string[],
) {
  const groups = groupsNamed(s.rules);
  const self = (user: string) => user.toLowerCase() === requester.toLowerCase();
  const others = approvals.filter((u) => !self(u));
  const [userGroups, accountParents, approverGroups] = await Promise.all([
    membership(clients, s.identityStoreId, requester, groups),
    parentsOf(clients, request.AccountId),
    // An approver who is no longer in the identity store simply does not count.
    Promise.all(others.map((a) => membership(clients, s.identityStoreId, a, groups).catch(notCounted))),
  ]);
  const approvers = others.flatMap((user, i) => {
    const member = approverGroups[i];
    return member ? [{ user, groups: member }] : [];
  });
  return {
    user: requester,
    userGroups,
    permissionSet: request.PermissionSet,
    account: request.AccountId,
    accountParents,
    minutes: Number(request.Duration) * UNIT_MINUTES[s.durationUnit],
    approvers,
    selfApproved: approvals.some(self),
  };
}

function notCounted(err: unknown): undefined {
  if (err instanceof Rejection) return undefined;
  throw err;
}

/** Which of `groups` the user is a member of (IsMemberInGroups takes at most 100 groups a call). */
async function membership(clients: RequestCheckClients, storeId: string, userName: string, groups: string[]) {
  const member = new Set<string>();
  if (groups.length === 0) return member;
  const UserId = await userId(clients, storeId, userName);
  for (let i = 0; i < groups.length; i += 100) {
    const { Results } = await clients.identityStore.send(
      new IsMemberInGroupsCommand({
        IdentityStoreId: storeId,
        MemberId: { UserId },
        GroupIds: groups.slice(i, i + 100),
      }),
    );
    for (const r of Results ?? []) if (r.MembershipExists && r.GroupId) member.add(r.GroupId);
  }
  return member;
}

async function userId(clients: RequestCheckClients, storeId: string, userName: string): Promise<string> {
  try {
    const { UserId } = await clients.identityStore.send(
      new GetUserIdCommand({
        IdentityStoreId: storeId,
        AlternateIdentifier: { UniqueAttribute: { AttributePath: "userName", AttributeValue: userName } },
      }),
    );
    return UserId ?? reject(`${userName} is not a user of the identity store`);
  } catch (err) {
    if ((err as { name?: string }).name === "ResourceNotFoundException") {
      return reject(`${userName} is not a user of the identity store`);
    }
    throw err;
  }
}

/** The account's organizational units from the nearest up, then the root. */
async function parentsOf(clients: RequestCheckClients, accountId: string): Promise<string[]> {
  const parents: string[] = [];
  let child = accountId;
  // An organization nests organizational units at most five deep under the root.
  for (let depth = 0; depth < 7; depth++) {
    const { Parents } = await clients.organizations.send(new ListParentsCommand({ ChildId: child }));
    const parent = Parents?.[0];
    if (!parent?.Id) break;
    parents.push(parent.Id);
    if (parent.Type === "ROOT") break;
    child = parent.Id;
  }
  return parents;
}
