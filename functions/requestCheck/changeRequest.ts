/**
 * The request as AWS recorded it in the requester account: the runbook execution the event names, its parent change
 * request, who raised it (`ExecutedBy`) and who approved it (the approval step's `ApproverDecisions`). The event is
 * only the requester account's word; these are checked against it. Where AWS does not document the record's form
 * (tools/sim/variants.ts), every form it may take is read, and a record that cannot establish who acted is refused.
 */
import { GetRoleCommand, type IAMClient } from "@aws-sdk/client-iam";
import { type AutomationExecution, DescribeDocumentCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, type STSClient } from "@aws-sdk/client-sts";
import type { RequestForm } from "../../shared/config/common";
import { ACCESS_REQUEST_FIELDS, type AccessRequestField, FORM_FIELDS } from "../../shared/events";
import {
  IDENTITY_CENTER_ROLE_PATH,
  type IdentityCenterSession,
  identityCenterRole,
  identityCenterSession,
} from "../../shared/identityCenter";
import { patterns } from "../../shared/patterns";
import { AUTO_APPROVE_PARAMETER, approvalStepName } from "../../shared/requestForm";
import { reject, settled } from "./answers";
import { findExecution, isAwsError } from "./aws";
import { type DirectoryClients, userNameOf } from "./directory";

/** The request's fields, and the grant workflow execution that asks (it holds the grant's claim if one is made). */
export type CheckRequestEvent = Record<AccessRequestField | "GrantExecutionId", string>;

/** What the requester account's records are checked against. */
export interface RequesterAccountSettings {
  requesterAccountId: string;
  /** The form requests are raised with: a change request runs the runbook, or the runbook is the form itself. */
  requestForm: RequestForm;
  /** The read-only role in the requester account the check reads executions with. */
  readerRoleArn: string;
  changeTemplateName: string;
  runbookName: string;
  /** The permission sets a request may be raised with (with and without approval). */
  requestPermissionSets: string[];
  /** The one of them that may auto-approve a change request (Change Manager then records no approval). */
  autoApprovePermissionSet: string;
  /** The permission set approvals count from. */
  approvePermissionSet: string;
  /** The identity store approvers are looked up in, where a decision names a user id. */
  identityStoreId: string;
  /**
   * How many approvals each requestable permission set needs at most under the rules (as the requester stack's
   * runbook was built with): the Automation form's runbook has one approval step per approval, all of which must pass.
   */
  approvalsBySet: Record<string, number>;
}

/** The reader role's temporary credentials. */
export interface ReaderCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface RequesterAccountClients extends Pick<DirectoryClients, "identityStore"> {
  sts: Pick<STSClient, "send">;
  /** Clients for the requester account, acting with the reader role's temporary credentials. */
  requesterSsm(credentials: ReaderCredentials): Pick<SSMClient, "send">;
  requesterIam(credentials: ReaderCredentials): Pick<IAMClient, "send">;
}

/** Who raised the request and who (else, or not) approved it, as the requester account's records show. */
export interface RecordedRequest {
  requester: string;
  /** Identity Center users who approved, as spelt, one per person (the requester among them, if they approved). */
  approvers: string[];
  /** The identity store ids of approvers a decision named by id, by user name as stored. */
  approverIds: ReadonlyMap<string, string>;
  /** Roles of the approve set that approvals name without a person (AWS recorded the role, not its session). */
  unidentifiedApprovers: string[];
}

/** A runbook still sending: its one step may not be marked done yet when the request arrives. */
const SENDING: readonly string[] = ["InProgress", "Waiting"];
/**
 * How long after its runbook ended a request is still granted. The runbook ends once it has sent the request, so the
 * request normally arrives within seconds; the hour covers EventBridge's retries and the management account's
 * Automation queue on a busy day (the runbook used to wait for the grant for as long). A request delivered later, or
 * sent again later, was approved for then, not for now: it is refused, and the requester asks again. A request is
 * granted at most once whenever it arrives: the ledger refuses a request id it holds.
 */
export const REQUEST_FRESHNESS_MINUTES = 60;
const NO_CHANGE_REQUEST = "the request runbook was not started by a Change Manager change request";
/** A runbook with no parent: AWS did not record its change request, or none started it. Either way, nobody is known. */
const NO_PARENT =
  "AWS recorded no change request for the request runbook (no ParentAutomationExecutionId): who raised and approved it cannot be confirmed";
/**
 * A change request whose runbook is running (`RunbookInProgress` as the API names it, or InProgress), approved, or
 * ended with its runbook's success (the runbook ends once it has sent the request). Cancelled, rejected, failed or
 * timed-out change requests are never granted, even if their runbook was left running.
 */
const GRANTABLE_CHANGE_REQUEST: readonly string[] = [
  "InProgress",
  "RunbookInProgress",
  "Approved",
  "Success",
  "CompletedWithSuccess",
];

export interface RecordedRequestHooks {
  /** Called once the runbook is confirmed to carry the event's values. */
  runbookConfirmed?: () => void;
  /**
   * Called with the user names of the sessions that approved, before their roles are confirmed: lookups on them may
   * start beside the confirmation (a name whose role is not Identity Center's is then not counted, whatever was found).
   */
  approversNamed?: (userNames: string[]) => void;
}

/** Reads the request from the requester account and checks it against the event; rejects what does not match. */
export async function recordedRequest(
  request: CheckRequestEvent,
  clients: RequesterAccountClients,
  settings: RequesterAccountSettings,
  hooks: RecordedRequestHooks = {},
): Promise<RecordedRequest> {
  const { runbookConfirmed = () => {}, approversNamed = () => {} } = hooks;
  const credentials = await readerCredentials(clients, settings, request.RequesterExecutionId);
  const ssm = clients.requesterSsm(credentials);
  const current = defaultVersion(ssm, settings.runbookName);
  current.catch(() => {}); // awaited once the runbook is confirmed, unless the request is turned away first
  const runbook = await execution(ssm, request.RequesterExecutionId);
  checkRunbook(runbook, request, settings, Date.now());
  runbookConfirmed();
  checkVersion(runbook, await current, settings.runbookName);
  // Where AWS recorded who raised the request and who approved it: the change request, or the runbook itself.
  const raised =
    settings.requestForm === "automation"
      ? standaloneRunbook(runbook)
      : await execution(ssm, runbook.ParentAutomationExecutionId ?? reject(NO_PARENT));
  if (settings.requestForm === "changeManager") checkChangeRequest(raised, runbook, settings);
  const requester = requesterOf(raised, request.RequestingUser, settings);
  const decisions = approvalsOf(raised, requester, settings);
  approversNamed(decisions.sessions.map((a) => a.userName));
  const iam = clients.requesterIam(credentials);
  const approverIds = new Map<string, string>();
  const confirmed = new Map<string, Promise<boolean>>();
  const confirm = (roleName: string) => {
    if (!confirmed.has(roleName)) confirmed.set(roleName, isIdentityCenterRole(iam, roleName));
    return confirmed.get(roleName) as Promise<boolean>;
  };
  // Every role and every approver is looked up at once; what went wrong is still reported in the order it is checked.
  const [requesterRole, sessionApprovers, idApprovers] = await Promise.allSettled([
    confirm(requester.roleName),
    Promise.all(decisions.sessions.map(async (a) => ((await confirm(a.roleName)) ? a.userName : undefined))),
    Promise.all(
      decisions.userIds.map(async (id) => {
        const userName = await userNameOf(clients, settings.identityStoreId, id);
        if (userName !== undefined) approverIds.set(userName, id);
        return userName;
      }),
    ),
  ]);
  if (!settled(requesterRole)) {
    reject(
      `${requestNoun(settings)} was raised with the role ${requester.roleName}, which IAM Identity Center did not create`,
    );
  }
  const approvers = new Map<string, string>();
  for (const userName of [...settled(sessionApprovers), ...settled(idApprovers)]) {
    if (userName && !approvers.has(userName)) approvers.set(userName, userName);
  }
  return {
    requester: requester.userName,
    approvers: [...approvers.values()],
    approverIds,
    unidentifiedApprovers: decisions.roles,
  };
}

/**
 * The event's fields, each a string. DurationUnit may be missing, read as empty: a grant workflow started by the
 * document version from before requests named their unit sends none, and its retried step must still find the grant
 * it recorded in the ledger. A request that needs its unit (anything the ledger does not hold already) is refused
 * without one (./index.ts requestMinutes).
 */
export function readEvent(event: unknown): CheckRequestEvent {
  const record = (typeof event === "object" && event !== null ? event : {}) as Record<string, unknown>;
  const request = {} as CheckRequestEvent;
  for (const field of [...ACCESS_REQUEST_FIELDS, "GrantExecutionId"] as const) {
    const value = field === "DurationUnit" ? (record[field] ?? "") : record[field];
    if (typeof value !== "string") reject(`the request has no ${field}`);
    request[field] = value as string;
  }
  for (const field of ["RequesterExecutionId", "GrantExecutionId"] as const) {
    if (!patterns.automationExecutionId.test(request[field])) {
      reject(`${field} must be ${patterns.automationExecutionId.rule}`);
    }
  }
  return request;
}

/** The reader role's credentials; the session is named `<reader>-<executionId>` (CloudTrail shows who read). */
export async function readerCredentials(
  clients: Pick<RequesterAccountClients, "sts">,
  settings: Pick<RequesterAccountSettings, "readerRoleArn">,
  executionId: string,
  reader = "request-check",
): Promise<ReaderCredentials> {
  const { Credentials: c } = await clients.sts.send(
    new AssumeRoleCommand({
      RoleArn: settings.readerRoleArn,
      RoleSessionName: `${reader}-${executionId}`.slice(0, 64),
    }),
  );
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error("AssumeRole returned no credentials");
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

async function execution(ssm: Pick<SSMClient, "send">, id: string): Promise<AutomationExecution> {
  return (await findExecution(ssm, id)) ?? reject(`the requester account has no execution ${id}`);
}

/** The form's values as an execution holds them, one value per parameter. */
function single(parameters: Record<string, string[]> | undefined, field: string): string | undefined {
  const values = parameters?.[field];
  return values?.length === 1 ? values[0] : undefined;
}

/**
 * The runbook the event names must be our runbook, still sending or ended with success within the freshness window,
 * started with the event's very values.
 */
function checkRunbook(
  runbook: AutomationExecution,
  request: CheckRequestEvent,
  settings: RequesterAccountSettings,
  now: number,
) {
  const id = request.RequesterExecutionId;
  if (runbook.DocumentName !== settings.runbookName) {
    reject(`execution ${id} is not a run of the request runbook ${settings.runbookName}`);
  }
  const status = runbook.AutomationExecutionStatus ?? "unknown";
  const sending = SENDING.includes(status);
  if (!sending && status !== "Success")
    reject(`the request runbook ${id} ended ${status}: it did not send this request`);
  // A runbook still sending is as old as its start; one that ended, as its end.
  const since = (sending ? runbook.ExecutionStartTime : runbook.ExecutionEndTime)?.getTime();
  if (since === undefined)
    reject(`the request runbook ${id} is ${status} with no start or end time: its age is unknown`);
  const minutes = Math.floor((now - (since as number)) / 60_000);
  if (minutes >= REQUEST_FRESHNESS_MINUTES) {
    reject(
      `the request was sent ${minutes} minutes ago; a request is granted only within ${REQUEST_FRESHNESS_MINUTES} minutes of being sent: ask again`,
    );
  }
  const source =
    settings.requestForm === "automation"
      ? "its request runbook was started with"
      : "its change request was raised with";
  for (const field of FORM_FIELDS) {
    // A runbook of a version that asked for no unit sent none: the request's is empty then, and refused for it.
    const started = single(runbook.Parameters, field) ?? (field === "DurationUnit" ? "" : undefined);
    if (started !== request[field]) {
      reject(`the request's ${field} differs from the one ${source}`);
    }
  }
}

/** The request as the form names it: the Automation form has no change request, only the request runbook's run. */
function requestNoun(s: Pick<RequesterAccountSettings, "requestForm">): string {
  return s.requestForm === "automation" ? "the request" : "the change request";
}

/**
 * The runbook's default version, which a request must have run: an older version (from before a deployment changed
 * its approvals or bounds) stays startable by naming its version, so its runs are refused.
 */
async function defaultVersion(ssm: Pick<SSMClient, "send">, runbookName: string): Promise<string> {
  const { Document } = await ssm.send(new DescribeDocumentCommand({ Name: runbookName }));
  if (!Document?.DefaultVersion) throw new Error(`DescribeDocument gave no DefaultVersion for ${runbookName}`);
  return Document.DefaultVersion;
}

function checkVersion(runbook: AutomationExecution, current: string, runbookName: string) {
  const ran = runbook.DocumentVersion;
  // A change template names its runbook's version as $DEFAULT: whether the run records that or the number it resolved
  // to, AWS does not document; either is the default version the run started with.
  if (ran !== current && ran !== "$DEFAULT") {
    reject(
      `the request runbook ${runbook.AutomationExecutionId} ran ${ran === undefined ? "an unrecorded version" : `version ${ran}`} of ${runbookName}, not its default version ${current}: raise the request again`,
    );
  }
}

/**
 * The Automation form's runbook is the request: started by a person (no other execution, no change request), and past
 * its approval unless it was raised to skip it.
 */
function standaloneRunbook(runbook: AutomationExecution): AutomationExecution {
  // Interactive mode lets anyone who may signal it move a run past a rejected or failed approval step (StartStep).
  if (runbook.Mode !== undefined && runbook.Mode !== "Auto") {
    reject(`the request runbook ran in ${runbook.Mode} mode: only a run in Auto mode passed its approvals in order`);
  }
  if (runbook.ParentAutomationExecutionId !== undefined || runbook.AutomationSubtype !== undefined) {
    reject(
      `the request runbook was started by ${runbook.ParentAutomationExecutionId ?? "a change request"}, not by a person: the Automation form is started by the requester`,
    );
  }
  return runbook;
}

/** The parent must be a live change request from our template, whose runbook was raised with the same values. */
function checkChangeRequest(
  changeRequest: AutomationExecution,
  runbook: AutomationExecution,
  s: RequesterAccountSettings,
) {
  if (changeRequest.AutomationSubtype !== "ChangeRequest") reject(NO_CHANGE_REQUEST);
  if (changeRequest.DocumentName !== s.changeTemplateName) {
    reject(`the change request was raised from ${changeRequest.DocumentName}, not from ${s.changeTemplateName}`);
  }
  // Cancelling a change request may leave its runbook running: its own status decides.
  const status = changeRequest.AutomationExecutionStatus ?? "unknown";
  if (!GRANTABLE_CHANGE_REQUEST.includes(status)) {
    reject(`the change request is ${status}: only an approved change request whose runbook ran is granted`);
  }
  // Exactly our runbook, once: what was approved is what runs. Only the form's fields are compared: the console may
  // add AutomationAssumeRole, which the runbook declares and does not use.
  const runbooks = changeRequest.Runbooks ?? [];
  const ours = runbooks.length === 1 && runbooks[0].DocumentName === s.runbookName ? runbooks[0] : undefined;
  if (!ours) reject(`the change request must run the request runbook ${s.runbookName} and nothing else`);
  const same = ours && FORM_FIELDS.every((f) => single(ours.Parameters, f) === single(runbook.Parameters, f));
  if (!same) reject("the request runbook's values differ from its change request's");
}

/** The Identity Center user behind `arn`, if it is one's session in `account` with one of `sets`. */
function sessionOf(arn: string | undefined, account: string, sets: readonly string[]) {
  const session = identityCenterSession(arn ?? "");
  return session && session.account === account && sets.includes(session.permissionSet) ? session : undefined;
}

/** Who raised the change request, from AWS: it must be the typed user, signed in with a request permission set. */
export function requesterOf(
  changeRequest: AutomationExecution,
  typedUser: string,
  s: Pick<RequesterAccountSettings, "requesterAccountId" | "requestPermissionSets" | "requestForm">,
): IdentityCenterSession {
  const by = changeRequest.ExecutedBy ?? "an unknown principal";
  const session = sessionOf(by, s.requesterAccountId, s.requestPermissionSets);
  if (!session) {
    return reject(
      `${requestNoun(s)} was raised by ${by}, which is not an IAM Identity Center user signed in with ${s.requestPermissionSets.join(" or ")}`,
    );
  }
  // Exactly as typed: the grant, the ledger and the CloudTrail summary all go by the session's name.
  if (session.userName !== typedUser) {
    reject(`${requestNoun(s)} was raised by ${session.userName}, not by ${typedUser}, the user it asks access for`);
  }
  return session;
}

/** Approval decisions as Change Manager records them; both spellings of an approval are read as one. */
const APPROVED: readonly string[] = ["approved", "approve"];

/** Who approved, in each form a decision may name them (tools/sim/variants.ts approverIdentity). */
interface Decisions {
  /** Sessions of the approve set in the requester account: the person is known once the role is confirmed. */
  sessions: IdentityCenterSession[];
  /** Identity Store user ids: Change Manager admitted them as the template's approvers. */
  userIds: string[];
  /** Roles of the approve set, named without a session: someone approved, but AWS does not say who. */
  roles: string[];
}

/**
 * The change request's approval decisions, from its approval steps' `ApproverDecisions` output: AWS documents it as a
 * MapList, and GetAutomationExecution lists strings, so it may be one JSON text holding every decision or one per
 * decision; each is read. Only approvals count, and only from the approve set in the requester account, or by a user
 * id. An approval step that succeeded without a decision this can read is refused rather than counted as none, unless
 * the requester could auto-approve (then Change Manager skipped it).
 */
function approvalsOf(
  changeRequest: AutomationExecution,
  requester: IdentityCenterSession,
  s: RequesterAccountSettings,
): Decisions {
  const autoApproved = requester.permissionSet === s.autoApprovePermissionSet;
  if (s.requestForm === "automation") checkApprovalRan(changeRequest, requester, s);
  const found: Decisions = { sessions: [], userIds: [], roles: [] };
  const sessions = new Map<string, IdentityCenterSession>();
  for (const step of changeRequest.StepExecutions ?? []) {
    if (step.Action !== "aws:approve") continue;
    const decisions = readDecisions(requestNoun(s), step.StepName, step.Outputs?.ApproverDecisions ?? []);
    if (step.StepStatus === "Success" && decisions.length === 0 && !autoApproved) {
      reject(`${requestNoun(s)}'s approvals cannot be read (${step.StepName} succeeded with no ApproverDecisions)`);
    }
    for (const d of decisions) {
      if (!APPROVED.includes(String(d.Decision).toLowerCase())) continue;
      const approver = String(d.Approver);
      const session = sessionOf(approver, s.requesterAccountId, [s.approvePermissionSet]);
      const role = identityCenterRole(approver);
      if (session) sessions.set(session.userName, sessions.get(session.userName) ?? session);
      else if (patterns.identityCenterUserId.test(approver)) found.userIds.push(approver);
      else if (role?.account === s.requesterAccountId && role.permissionSet === s.approvePermissionSet) {
        if (!found.roles.includes(role.roleName)) found.roles.push(role.roleName);
      }
    }
  }
  found.sessions = [...sessions.values()];
  found.userIds = [...new Set(found.userIds)];
  return found;
}

/**
 * The Automation form's approval: skipped (AutoApprove) only by a holder of the no-approval permission set, and
 * otherwise every approval step the requested set needs succeeded (approvals by different people are counted later,
 * from their decisions).
 */
function checkApprovalRan(runbook: AutomationExecution, requester: IdentityCenterSession, s: RequesterAccountSettings) {
  const values = runbook.Parameters?.[AUTO_APPROVE_PARAMETER];
  if (values !== undefined && (values.length !== 1 || !["true", "false"].includes(values[0]))) {
    reject(`the request runbook's ${AUTO_APPROVE_PARAMETER} is ${JSON.stringify(values)}, not true or false`);
  }
  if (values?.[0] === "true") {
    if (requester.permissionSet !== s.autoApprovePermissionSet) {
      reject(
        `the request was raised to skip approval by ${requester.userName} signed in with ${requester.permissionSet}: only ${s.autoApprovePermissionSet} may skip approval`,
      );
    }
    return;
  }
  const set = single(runbook.Parameters, "PermissionSet") ?? "";
  const needed = Math.max(1, s.approvalsBySet[set] ?? 1);
  for (let n = 1; n <= needed; n++) {
    const step = runbook.StepExecutions?.find((st) => st.StepName === approvalStepName(n));
    if (step?.StepStatus !== "Success") {
      reject(
        `the request runbook's approval (${approvalStepName(n)}) is ${step?.StepStatus ?? "not recorded"}, not Success: ${set} needs ${needed} approval step(s)`,
      );
    }
  }
}

/** One step's decisions, whichever way the output holds them: JSON text of a list, or of one decision per item. */
function readDecisions(
  request: string,
  stepName: string | undefined,
  raw: string[],
): { Approver?: unknown; Decision?: unknown }[] {
  const decisions: unknown[] = [];
  for (const item of raw) {
    try {
      const parsed = JSON.parse(item) as unknown;
      decisions.push(...(Array.isArray(parsed) ? parsed : [parsed]));
    } catch {
      reject(`${request}'s approvals cannot be read (${stepName}: ApproverDecisions is not JSON)`);
    }
  }
  return decisions.filter((d): d is { Approver?: unknown; Decision?: unknown } => typeof d === "object" && d !== null);
}

/**
 * Whether the role behind a session is one IAM Identity Center created: a session ARN names the role but not its
 * path, and a role of the same name elsewhere (`/AWSReservedSSO_…`) would pass for it. The reader role may read
 * only roles under Identity Center's path, so another role is refused (AccessDenied) or not found.
 */
export async function isIdentityCenterRole(iam: Pick<IAMClient, "send">, roleName: string): Promise<boolean> {
  try {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    return Role?.Path?.startsWith(IDENTITY_CENTER_ROLE_PATH) === true;
  } catch (err) {
    if (isAwsError(err, "AccessDenied", "AccessDeniedException", "NoSuchEntity")) return false;
    throw err;
  }
}
