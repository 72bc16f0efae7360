/**
 * The words of a request notification: the subject, and the body for email (every detail, the links and the CLI
 * commands) or for chat (what to approve, and the chat command that approves it). Every value here is already made
 * safe to show (./index.ts).
 */
import type { DurationUnit } from "../../shared/config/common";
import type { ApprovalMode } from "../../shared/config/requester";
import { changeManagerUrl, changeRequestPath } from "../../shared/naming";
import { REQUEST_EVENTS, type RequestEventType } from "../../shared/requestEvents";

/** What the change request's execution and the CloudTrail record say, each value shown as it is. */
export interface RequestFacts {
  executionId: string;
  opsItemId: string;
  requestName: string;
  /** The sentence about when access was asked to start. */
  startTime: string;
  accountId: string;
  accountName: string;
  permissionSet: string;
  duration: string;
  requestingUser: string;
  justification: string;
  /** Who made the call, from where, when and with what (CloudTrail). */
  principalId: string;
  sourceIpAddress: string;
  eventTime: string;
  userAgent: string;
}

/** What the deployment adds to every notification. */
export interface MessageSettings {
  requesterAccountId: string;
  region: string;
  durationUnit: DurationUnit;
  approvalMode: ApprovalMode;
  /** The approve permission set's link in the access portal, offered as the way in to the requester account. */
  approverPortalUrl?: string;
}

export interface RequestMessage {
  subject: string;
  message: string;
}

const indent = (lines: readonly string[]) => lines.map((line) => (line === "" ? line : `    ${line}`));

export function requestMessage(type: RequestEventType, facts: RequestFacts, settings: MessageSettings): RequestMessage {
  // No user or account name here: SNS refuses subjects of 100 characters or more, and these two are unbounded.
  const subject = `${REQUEST_EVENTS[type].subjectPrefix}: ${facts.permissionSet} on ${facts.accountId}`;
  const lines =
    settings.approvalMode === "chatOnly" ? chatLines(type, facts, settings) : emailLines(type, facts, settings);
  return { subject, message: lines.join("\n") };
}

function summary(f: RequestFacts, unit: DurationUnit): string {
  return `${f.requestingUser} asked for ${f.permissionSet} on ${f.accountName} (AWS account ${f.accountId}) for ${f.duration} ${unit}. ${f.startTime}`;
}

function emailLines(type: RequestEventType, f: RequestFacts, s: MessageSettings): string[] {
  const { bodyHeader, principalWord } = REQUEST_EVENTS[type];
  return [
    bodyHeader,
    "",
    `Request name: ${f.requestName}`,
    `Summary: ${summary(f, s.durationUnit)}`,
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
      `Duration in ${s.durationUnit}: ${f.duration}`,
      `Justification: ${f.justification}`,
      "",
      `Change request execution ID: ${f.executionId}`,
      `OpsItem ID: ${f.opsItemId}`,
    ]),
    "",
    ...wayIn(type, f, s),
    "",
    ...cliReference(type, f, s),
  ];
}

function wayIn(type: RequestEventType, f: RequestFacts, s: MessageSettings): string[] {
  const { textBeforeUrl } = REQUEST_EVENTS[type];
  const changeRequestUrl = changeManagerUrl(s.region, changeRequestPath(f.opsItemId));
  if (s.approverPortalUrl === undefined) {
    return [
      `${textBeforeUrl} log into the requester account ${s.requesterAccountId} and open the change request:`,
      ...indent([changeRequestUrl]),
    ];
  }
  return [
    `${textBeforeUrl} sign in to the requester account through the approver portal:`,
    ...indent([s.approverPortalUrl]),
    "then open the change request:",
    ...indent([changeRequestUrl]),
  ];
}

function cliReference(type: RequestEventType, f: RequestFacts, s: MessageSettings): string[] {
  const region = `--region ${s.region}`;
  const view = [
    "View the change request:",
    ...indent([`aws ssm get-ops-item --ops-item-id ${f.opsItemId} ${region}`]),
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
function chatLines(type: RequestEventType, f: RequestFacts, s: MessageSettings): string[] {
  const { bodyHeader, principalWord } = REQUEST_EVENTS[type];
  const lines = [
    bodyHeader,
    "",
    `Request name: ${f.requestName}`,
    `Summary: ${summary(f, s.durationUnit)}`,
    `Justification: ${f.justification}`,
    `${principalWord}: ${f.principalId}`,
  ];
  if (type !== "RequestCreated") return lines;
  return [...lines, "", "To approve this request, type:", `@aws run approve-access ${f.executionId}`];
}
