/**
 * An early end somebody asked for (the end-of-grant workflow's Cause `requested`): who asked is read from the
 * requester account's own records through the reader role the request check uses (functions/requestCheck/
 * changeRequest.ts), never taken from the event, and turned into the cause the grant ends with:
 * - an end-access execution (EndRequestExecutionId) started by the grant's own user, signed in with a request or the
 *   approve permission set: `requester`;
 * - one started by someone else signed in with the approve permission set: `approver`;
 * - a change request (ChangeRequestId) of the change template that ended Cancelled, Rejected, Failed or TimedOut, or is
 *   Cancelling, whose runbook execution is the grant's request: `changeRequest`.
 * Anything else is refused, with who asked and why. A change request that has no runbook or no grant has nothing to
 * end (a request rejected before approval, another document's execution stopped): that is no refusal.
 */
import { GetUserIdCommand, IsMemberInGroupsCommand } from "@aws-sdk/client-identitystore";
import { type AutomationExecution, DescribeAutomationExecutionsCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { REQUEST_FORMS } from "../../shared/config/common";
import type { GrantRecord } from "../../shared/grantLedger";
import { identityCenterSession } from "../../shared/identityCenter";
import { patterns } from "../../shared/patterns";
import { isRequest, requestDocumentOf } from "../../shared/requestEvents";
import { findExecution } from "../requestCheck/aws";
import {
  isIdentityCenterRole,
  type RequesterAccountClients,
  type RequesterAccountSettings,
  readerCredentials,
} from "../requestCheck/changeRequest";

/** What the end function needs to read an end request in the requester account (part of its settings). */
export type EndRequestSettings = Pick<
  RequesterAccountSettings,
  | "requesterAccountId"
  | "readerRoleArn"
  | "changeTemplateName"
  | "runbookName"
  | "requestPermissionSets"
  | "requestForm"
> & {
  approvePermissionSet: string;
  /** The requester side's end-access document (requester/endRequest/). */
  endAccessDocumentName: string;
  /**
   * The approver chat channel's role (requester/chat/): AWS records its session, not the person, when the end-access
   * alias is used in chat; an end it asks for is an approver's.
   */
  chatApproverRoleName?: string;
  /**
   * The approver groups the eligibility rules name, if any: then an approver's end counts only from a member of one
   * (looked up in `identityStoreId`).
   */
  approverGroups?: string[];
  identityStoreId?: string;
};

export type EndRequestClients = Pick<
  RequesterAccountClients,
  "sts" | "requesterSsm" | "requesterIam" | "identityStore"
>;

/** Who asked, as the end request names it: an end-access execution, or a change request that ended. */
export type EndRequest = { endExecutionId: string } | { changeRequestId: string };

/** What the request resolves to: end the grant of `requestId` with `cause`, refuse, or nothing to end. */
export type Resolution =
  | { kind: "end"; requestId: string; cause: "requester" | "approver" | "changeRequest"; note: string }
  | { kind: "refused"; reason: string }
  | { kind: "nothing"; reason: string };

/**
 * A change request's statuses once it ended without success, or is being stopped (Cancelling: someone asked for the
 * stop, which only ends in Cancelled): its grant, if any, ends.
 */
const ENDED_CHANGE_REQUEST: readonly string[] = ["Cancelled", "Cancelling", "Rejected", "Failed", "TimedOut"];

const ENABLED: readonly string[] = ["requesterAccountId", "readerRoleArn", "changeTemplateName", "runbookName"];

/** The `endRequests` part of the end function's settings; an error names the field and its rule. */
export function readEndRequestSettings(raw: unknown, field: string): EndRequestSettings {
  const s = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  for (const key of [...ENABLED, "approvePermissionSet", "endAccessDocumentName"]) {
    if (typeof s[key] !== "string" || s[key] === "") throw new Error(`${field}.${key} must be a non-empty string`);
  }
  if (!(REQUEST_FORMS as readonly unknown[]).includes(s.requestForm)) {
    throw new Error(`${field}.requestForm must be ${REQUEST_FORMS.join(" or ")}`);
  }
  if (!patterns.accountId.test(s.requesterAccountId as string)) {
    throw new Error(`${field}.requesterAccountId must be ${patterns.accountId.rule}`);
  }
  const sets = s.requestPermissionSets;
  if (!Array.isArray(sets) || sets.length === 0 || sets.some((x) => typeof x !== "string")) {
    throw new Error(`${field}.requestPermissionSets must be a non-empty list of permission set names`);
  }
  const groups = s.approverGroups;
  if (groups !== undefined && (!Array.isArray(groups) || groups.some((g) => typeof g !== "string"))) {
    throw new Error(`${field}.approverGroups must be a list of Identity Center group ids`);
  }
  if (Array.isArray(groups) && groups.length > 0 && typeof s.identityStoreId !== "string") {
    throw new Error(`${field}.identityStoreId is required when approverGroups are named`);
  }
  return s as unknown as EndRequestSettings;
}

/**
 * Resolves an end request for the grant of `requestId` (for a change request, the change request's id: its runbook is
 * found here). `grantOf` reads the grant from the ledger.
 */
export async function resolveEndRequest(
  requestId: string,
  request: EndRequest,
  clients: EndRequestClients,
  settings: EndRequestSettings,
  grantOf: (requestId: string) => Promise<GrantRecord | undefined>,
): Promise<Resolution> {
  const asked = "endExecutionId" in request ? request.endExecutionId : request.changeRequestId;
  const credentials = await readerCredentials(clients, settings, asked, "end-request");
  const ssm = clients.requesterSsm(credentials);
  if ("changeRequestId" in request) return changeRequestEnd(ssm, request.changeRequestId, settings, grantOf);

  const execution = await findExecution(ssm, request.endExecutionId);
  const what = `end request ${request.endExecutionId}`;
  if (!execution) return refused(`${what}: the requester account has no such execution`);
  if (execution.DocumentName !== settings.endAccessDocumentName) {
    return refused(`${what} is a run of ${execution.DocumentName}, not of ${settings.endAccessDocumentName}`);
  }
  if (single(execution, "RequestId") !== requestId) {
    return refused(`${what} was started for request ${single(execution, "RequestId")}, not for ${requestId}`);
  }
  const by = execution.ExecutedBy ?? "an unknown principal";
  const reason = single(execution, "Reason") ?? "(no reason)";
  const chatRole = settings.chatApproverRoleName;
  const chatSession = chatRole ? chatSessionOf(by, settings.requesterAccountId, chatRole) : undefined;
  if (chatSession !== undefined) {
    if (!(await grantOf(requestId))) return refused(`${what} from chat: request ${requestId} has no grant`);
    const note = `asked in chat with ${chatRole} (session ${chatSession}) in ${request.endExecutionId}: ${reason}`;
    return { kind: "end", requestId, cause: "approver", note };
  }
  const session = identityCenterSession(by);
  const sets = [...settings.requestPermissionSets, settings.approvePermissionSet];
  if (!session || session.account !== settings.requesterAccountId || !sets.includes(session.permissionSet)) {
    return refused(`${what} was started by ${by}, not an IAM Identity Center user signed in with ${sets.join(", ")}`);
  }
  const iam = clients.requesterIam(credentials);
  if (!(await isIdentityCenterRole(iam, session.roleName))) {
    return refused(`${what} was started with the role ${session.roleName}, which IAM Identity Center did not create`);
  }
  const grant = await grantOf(requestId);
  if (!grant) return refused(`${what} by ${session.userName}: request ${requestId} has no grant`);
  const note = `asked by ${session.userName} (${session.permissionSet}) in ${request.endExecutionId}: ${reason}`;
  if (session.userName === grant.userName) {
    return { kind: "end", requestId, cause: "requester", note };
  }
  if (session.permissionSet === settings.approvePermissionSet) {
    const groups = settings.approverGroups ?? [];
    if (groups.length === 0 || (await inApproverGroup(clients, settings, session.userName, groups))) {
      return { kind: "end", requestId, cause: "approver", note };
    }
    return refused(
      `${what} by ${session.userName} (${session.permissionSet}): not a member of the approver groups the eligibility rules name (${groups.join(", ")})`,
    );
  }
  return refused(
    `${what} by ${session.userName} (${session.permissionSet}): only ${grant.userName}, whose grant it is, or an approver (${settings.approvePermissionSet}) may end it`,
  );
}

/** The session name of `arn` if it is a session of the role `roleName` in `account` (an assumed-role ARN). */
function chatSessionOf(arn: string, account: string, roleName: string): string | undefined {
  const parts = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\/([^/]+)$/.exec(arn);
  return parts && parts[1] === account && parts[2] === roleName ? parts[3] : undefined;
}

/** Whether `userName` is a member of one of `groups` in the identity store (an unknown user is not). */
async function inApproverGroup(
  clients: EndRequestClients,
  settings: EndRequestSettings,
  userName: string,
  groups: string[],
): Promise<boolean> {
  const IdentityStoreId = settings.identityStoreId;
  if (!IdentityStoreId) throw new Error("endRequests.identityStoreId is required when approverGroups are named");
  let UserId: string | undefined;
  try {
    ({ UserId } = await clients.identityStore.send(
      new GetUserIdCommand({
        IdentityStoreId,
        AlternateIdentifier: { UniqueAttribute: { AttributePath: "userName", AttributeValue: userName } },
      }),
    ));
  } catch (err) {
    if ((err as Error).name === "ResourceNotFoundException") return false;
    throw err;
  }
  if (!UserId) return false;
  for (let i = 0; i < groups.length; i += 100) {
    const { Results = [] } = await clients.identityStore.send(
      new IsMemberInGroupsCommand({ IdentityStoreId, MemberId: { UserId }, GroupIds: groups.slice(i, i + 100) }),
    );
    if (Results.some((r) => r.MembershipExists)) return true;
  }
  return false;
}

const refused = (reason: string): Resolution => ({ kind: "refused", reason });

function single(execution: AutomationExecution, name: string): string | undefined {
  const values = execution.Parameters?.[name];
  return values?.length === 1 ? values[0] : undefined;
}

async function changeRequestEnd(
  ssm: Pick<SSMClient, "send">,
  changeRequestId: string,
  settings: EndRequestSettings,
  grantOf: (requestId: string) => Promise<GrantRecord | undefined>,
): Promise<Resolution> {
  const what = `change request ${changeRequestId}`;
  const changeRequest = await findExecution(ssm, changeRequestId);
  if (!changeRequest || !isRequest(changeRequest, settings)) {
    return {
      kind: "nothing",
      reason: `${changeRequestId} is not a request raised with ${requestDocumentOf(settings)}`,
    };
  }
  // The Automation form's request is the runbook's run itself; a change request's is the runbook it started.
  const runbookId =
    settings.requestForm === "automation"
      ? changeRequestId
      : await runbookOf(ssm, changeRequestId, settings.runbookName);
  if (!runbookId) return { kind: "nothing", reason: `${what} ran no request runbook` };
  const grant = await grantOf(runbookId);
  if (!grant) return { kind: "nothing", reason: `${what}'s request ${runbookId} has no grant` };
  const status = changeRequest.AutomationExecutionStatus ?? "unknown";
  if (!ENDED_CHANGE_REQUEST.includes(status)) {
    return refused(
      `${what} is ${status}: only a change request that ended ${ENDED_CHANGE_REQUEST.join(", ")} ends its grant`,
    );
  }
  return {
    kind: "end",
    requestId: runbookId,
    cause: "changeRequest",
    note: `${what}, raised by ${changeRequest.ExecutedBy ?? "an unknown principal"}, ended ${status}`,
  };
}

/** The request runbook execution the change request started (its child), if any. */
async function runbookOf(
  ssm: Pick<SSMClient, "send">,
  changeRequestId: string,
  runbookName: string,
): Promise<string | undefined> {
  const { AutomationExecutionMetadataList: found = [] } = await ssm.send(
    new DescribeAutomationExecutionsCommand({
      Filters: [
        { Key: "ParentExecutionId", Values: [changeRequestId] },
        { Key: "DocumentNamePrefix", Values: [runbookName] },
      ],
    }),
  );
  return found.find((x) => x.DocumentName === runbookName)?.AutomationExecutionId;
}
