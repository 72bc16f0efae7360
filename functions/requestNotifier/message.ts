/**
 * The words of a request notification: the subject, and the body for email (every detail, the links and the CLI
 * commands) or for chat (what to approve, and the chat command that approves it). Every value here is already made
 * safe to show (./index.ts).
 */
import type { RequestForm } from "../../shared/config/common";
import type { ApprovalMode } from "../../shared/config/requester";
import { automationUrl, changeManagerUrl, changeRequestPath } from "../../shared/naming";
import { REQUEST_EVENTS, type RequestEventType } from "../../shared/requestEvents";

/** What the change request's execution and the CloudTrail record say, each value shown as it is. */
export interface RequestFacts {
  executionId: string;
  /** The change request's OpsItem (the Change Manager form only). */
  opsItemId?: string;
  requestName: string;
  /** The sentence about when access was asked to start. */
  startTime: string;
  accountId: string;
  accountName: string;
  permissionSet: string;
  duration: string;
  /** The unit the request itself names (what the requester chose and approvers approve). */
  durationUnit: string;
  requestingUser: string;
  justification: string;
  /** Who made the call, from where, when and with what (CloudTrail). */
  principalId: string;
  sourceIpAddress: string;
  eventTime: string;
  userAgent: string;
}

/** What a notification says beyond the event's own words: another heading, and what the management side found. */
export interface MessageNote {
  subjectPrefix?: string;
  bodyHeader?: string;
  /** Who the CloudTrail record's principal is, where the record is not the event's own (a refusal at creation). */
  principalWord?: string;
  /** Lines after the heading (the rule the request falls under, why it was refused, when it expires). */
  lines?: readonly string[];
}

/** What the deployment adds to every notification. */
export interface MessageSettings {
  /** The form requests are raised with: where the request's page is. */
  requestForm: RequestForm;
  requesterAccountId: string;
  region: string;
  approvalMode: ApprovalMode;
  /** The approve permission set's link in the access portal, offered as the way in to the requester account. */
  approverPortalUrl?: string;
}

export interface RequestMessage {
  subject: string;
  message: string;
}

const indent = (lines: readonly string[]) => lines.map((line) => (line === "" ? line : `    ${line}`));

export function requestMessage(
  type: RequestEventType,
  facts: RequestFacts,
  settings: MessageSettings,
  note: MessageNote = {},
): RequestMessage {
  // No user or account name here: SNS refuses subjects of 100 characters or more, and these two are unbounded.
  const subject = `${note.subjectPrefix ?? REQUEST_EVENTS[type].subjectPrefix}: ${facts.permissionSet} on ${facts.accountId}`;
  const principal = note.principalWord ?? REQUEST_EVENTS[type].principalWord;
  const [header, ...body] =
    settings.approvalMode === "chatOnly"
      ? chatLines(type, facts, principal)
      : emailLines(type, facts, settings, principal);
  const noted = note.lines?.length ? ["", ...note.lines] : [];
  return { subject, message: [note.bodyHeader ?? header, ...noted, ...body].join("\n") };
}

/** The request's page: the change request in Change Manager, or the runbook's execution in Automation. */
function requestUrl(f: RequestFacts, s: MessageSettings): string {
  return s.requestForm === "automation" || f.opsItemId === undefined
    ? automationUrl(s.region, `/execution/${f.executionId}`)
    : changeManagerUrl(s.region, changeRequestPath(f.opsItemId));
}

function summary(f: RequestFacts): string {
  return `${f.requestingUser} asked for ${f.permissionSet} on ${f.accountName} (AWS account ${f.accountId}) for ${f.duration} ${f.durationUnit}. ${f.startTime}`;
}

function emailLines(type: RequestEventType, f: RequestFacts, s: MessageSettings, principalWord: string): string[] {
  const { bodyHeader } = REQUEST_EVENTS[type];
  return [
    bodyHeader,
    "",
    `Request name: ${f.requestName}`,
    `Summary: ${summary(f)}`,
    "",
    "Details:",
    ...indent([
      `Event time: ${f.eventTime}`,
      `${principalWord} principal ID: ${f.principalId}`,
      `${principalWord} IP address: ${f.sourceIpAddress}`,
      `${principalWord} user agent: ${f.userAgent}`,
      "",
      `Requesting IAM Identity Center user: ${f.requestingUser}`,
      `AWS account ID: ${f.accountId}`,
      `AWS account name: ${f.accountName}`,
      `Permission set: ${f.permissionSet}`,
      `Duration in ${f.durationUnit}: ${f.duration}`,
      `Justification: ${f.justification}`,
      "",
      ...(s.requestForm === "automation"
        ? [`Request execution ID: ${f.executionId}`]
        : [`Change request execution ID: ${f.executionId}`, `OpsItem ID: ${f.opsItemId ?? "(not recorded)"}`]),
    ]),
    "",
    ...wayIn(type, f, s),
    "",
    ...cliReference(type, f, s),
  ];
}

function wayIn(type: RequestEventType, f: RequestFacts, s: MessageSettings): string[] {
  const { textBeforeUrl } = REQUEST_EVENTS[type];
  const url = requestUrl(f, s);
  const what = s.requestForm === "automation" ? "the request's execution" : "the change request";
  if (s.approverPortalUrl === undefined) {
    return [
      `${textBeforeUrl} log into the requester account ${s.requesterAccountId} and open ${what}:`,
      ...indent([url]),
    ];
  }
  return [
    `${textBeforeUrl} sign in to the requester account through the approver portal:`,
    ...indent([s.approverPortalUrl]),
    `then open ${what}:`,
    ...indent([url]),
  ];
}

function cliReference(type: RequestEventType, f: RequestFacts, s: MessageSettings): string[] {
  const region = `--region ${s.region}`;
  const opsItem =
    s.requestForm === "changeManager" && f.opsItemId !== undefined
      ? ["View the change request:", ...indent([`aws ssm get-ops-item --ops-item-id ${f.opsItemId} ${region}`])]
      : [];
  const view = [
    ...opsItem,
    "View the request's runbook parameters:",
    ...indent([`aws ssm get-automation-execution --automation-execution-id ${f.executionId} ${region}`]),
  ];
  const decide = (signal: "Approve" | "Reject") => [
    `${signal} the request:`,
    ...indent([
      `aws ssm send-automation-signal --signal-type ${signal} --automation-execution-id ${f.executionId} --payload Comment="Your comment" ${region}`,
    ]),
  ];
  const decisions = [...decide("Approve"), ...decide("Reject")];
  // A request that needs several approvals is still open after the first approval.
  const open =
    type === "RequestCreated"
      ? decisions
      : type === "RequestApproved"
        ? ["If the request needs further approvals:", ...indent(decisions)]
        : [];
  return [`AWS CLI reference (requester account ${s.requesterAccountId}):`, ...indent([...view, ...open])];
}

/** In chat, requests are approved with a chat command; addresses and user agents mean little there. */
function chatLines(type: RequestEventType, f: RequestFacts, principalWord: string): string[] {
  const { bodyHeader } = REQUEST_EVENTS[type];
  const lines = [
    bodyHeader,
    "",
    `Request name: ${f.requestName}`,
    `Summary: ${summary(f)}`,
    `Justification: ${f.justification}`,
    `${principalWord}: ${f.principalId}`,
  ];
  if (type !== "RequestCreated") return lines;
  return [...lines, "", "To approve this request, type:", `@aws run approve-access ${f.executionId}`];
}
