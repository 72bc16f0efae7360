/**
 * The request notifier: the requester side forwards CloudTrail's records of change requests being raised, approved,
 * rejected and cancelled to the management side's request bus, as AWS wrote them (a source beginning with `aws.` is
 * refused to PutEvents, so nobody can send such a record of their own). For each, this function finds which request
 * event it is, reads the change request's execution in the requester account through the reader role (the record does
 * not say what was asked for, and a signal's record does not even say which document), ends quietly unless the
 * execution is one of the change template's, names the account, and publishes one notification with the event type
 * subscribers filter on.
 *
 * It replaces the requester side's notification document, which took nine Automation steps per event. A reading that
 * fails throws, so Lambda tries again, and after its retries puts the event in the dead-letter queue the reconciler
 * reports; the account's name alone may be missing, and the notification goes out without it.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { IdentitystoreClient } from "@aws-sdk/client-identitystore";
import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import type { SchedulerClient } from "@aws-sdk/client-scheduler";
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import type { STSClient } from "@aws-sdk/client-sts";
import { effectiveWindowLine, LONGEST_SESSION_MINUTES } from "../../shared/accessWindow";
import { hasEnded } from "../../shared/automationStatus";
import { DURATION_UNITS, type DurationUnit, REQUEST_FORMS } from "../../shared/config/common";
import { APPROVAL_MODES } from "../../shared/config/requester";
import { EVENT_TYPE_ATTRIBUTE } from "../../shared/events";
import { patterns } from "../../shared/patterns";
import {
  formValues,
  isRequest,
  type RequestEventType,
  requestDocumentOf,
  requestEventOf,
} from "../../shared/requestEvents";
import { AUTO_APPROVE_PARAMETER } from "../../shared/requestForm";
import { findExecution } from "../requestCheck/aws";
import { type ReaderCredentials, readerCredentials } from "../requestCheck/changeRequest";
import { requestFacts, shown } from "./facts";
import { type MessageNote, type MessageSettings, requestMessage } from "./message";
import { tagRequester } from "./ownership";
import { refusalNote, ruleNote, stoppedByScreen, stopRefused } from "./refusal";
import {
  armFirstReminder,
  disarmReminders,
  isReminderEvent,
  type ReminderSettings,
  reminderSettings,
  remindOrExpire,
} from "./reminders";
import { type ScreenSettings, screenRequest, UNIT_MINUTES } from "./screen";

export { ACCOUNT_NAME_UNAVAILABLE, NOT_RECORDED, shown } from "./facts";

export const REQUEST_NOTIFIER_ENV = "JIT_REQUEST_NOTIFIER";

export interface NotifierSettings extends MessageSettings, ScreenSettings {
  readerRoleArn: string;
  /** The requester-side role that may only stop executions: a request the screen refuses is stopped with it. */
  refuserRoleArn: string;
  changeTemplateName: string;
  runbookName: string;
  topicArn: string;
  /** The pending requests' reminders and expiry (./reminders.ts). */
  reminders: ReminderSettings;
  /** Each requestable set's session duration in minutes, as Identity Center had it when the stack was deployed. */
  sessionMinutes: Record<string, number>;
  /** jit:revokeOpenSessions: sessions open at a grant's end are cut (management/sessionRevoker.ts). */
  revokeOpenSessions?: boolean;
}

export interface NotifierClients {
  sts: Pick<STSClient, "send">;
  organizations: Pick<OrganizationsClient, "send">;
  sns: Pick<SNSClient, "send">;
  identityStore: Pick<IdentitystoreClient, "send">;
  scheduler: Pick<SchedulerClient, "send">;
  /** The screen's look at access held outside JIT: the set's ARN parameter, the instance, the ledger (read only). */
  ssm: Pick<SSMClient, "send">;
  ssoAdmin: SSOAdminClient;
  dynamodb: Pick<DynamoDBClient, "send">;
  /** Systems Manager in the requester account, with the reader role's credentials (or the refuser role's). */
  requesterSsm(credentials: ReaderCredentials): Pick<SSMClient, "send">;
  requesterIam(credentials: ReaderCredentials): Pick<IAMClient, "send">;
}

export type NotifierResult =
  | { notified: string; messageId: string | undefined }
  | { ignored: string; eventType?: string; executionId?: string };

export async function notifyRequestEvent(
  event: unknown,
  clients: NotifierClients,
  settings: NotifierSettings,
): Promise<NotifierResult> {
  if (isReminderEvent(event)) return remindOrExpire(event, clients, settings);
  const record = (typeof event === "object" && event !== null ? event : {}) as Record<string, unknown>;
  // The rule admits only the requester account's records; the function does not rely on it.
  if (record.source !== "aws.ssm" || record.account !== settings.requesterAccountId) {
    return { ignored: "not a Systems Manager record of the requester account" };
  }
  const found = requestEventOf(record.detail, settings);
  if (!found) return { ignored: "not a request event" };
  const { type } = found;
  if (typeof found.executionId !== "string" || !patterns.automationExecutionId.test(found.executionId)) {
    return { ignored: "the record names no Automation execution", eventType: type };
  }
  const executionId = found.executionId;
  // The screen's own stop of a request it refused: the requester was told why, in the refusal.
  if (type === "RequestCancelled" && stoppedByScreen(record.detail, settings)) {
    return { ignored: "stopped by the screen, whose refusal said why", eventType: type, executionId };
  }

  const credentials = await readerCredentials(clients, settings, executionId, "request-notifier");
  const readerSsm = clients.requesterSsm(credentials);
  const execution = await findExecution(readerSsm, executionId);
  // Another document's execution (a signal or a stop records no document name), or one already gone.
  if (!execution || !isRequest(execution, settings)) {
    return { ignored: `not a request raised with ${requestDocumentOf(settings)}`, eventType: type, executionId };
  }
  const runbook = formValues(execution, settings.requestForm);
  // A run that skips approval asks no approver (as a change request raised with AutoApprove is not forwarded).
  if (type === "RequestCreated" && runbook[AUTO_APPROVE_PARAMETER] === "true") {
    return { ignored: "raised to skip approval: no approver is asked", eventType: type, executionId };
  }

  const detail = record.detail as Record<string, unknown>;
  const identity = (detail.userIdentity ?? {}) as Record<string, unknown>;
  // A new request is screened before any approver is asked: one no rule could grant is stopped and refused at once.
  // One that passes is tagged with its requester, so that they and approvers may cancel it (./ownership.ts).
  let published: RequestEventType = type;
  let note: MessageNote = {};
  if (type === "RequestCreated") {
    const screen = await screenRequest(
      execution,
      runbook,
      { ...clients, requesterIam: clients.requesterIam(credentials) },
      settings,
    );
    // Ended already (cancelled, or stopped by an earlier attempt's refusal when the rules have changed since): there
    // is nothing to ask of approvers.
    if (screen.eligible && hasEnded(execution.AutomationExecutionStatus)) {
      return {
        ignored: `ended ${execution.AutomationExecutionStatus}: nothing to approve`,
        eventType: type,
        executionId,
      };
    }
    const refused = screen.eligible
      ? await tagRequester(clients, settings, readerSsm, executionId, identity.principalId)
      : screen.reason;
    if (screen.eligible && refused === undefined) {
      note = ruleNote(screen.rule, shown(runbook.RequestingUser), effectiveWindow(runbook, settings));
    } else {
      await stopRefused(clients, settings, executionId);
      published = "RequestRejected";
      note = refusalNote(shown(refused));
    }
  }

  const facts = await requestFacts(execution, settings.requestForm, clients.organizations, {
    principalId: shown(identity.principalId),
    sourceIpAddress: shown(detail.sourceIPAddress),
    eventTime: shown(detail.eventTime),
    userAgent: shown(detail.userAgent),
  });
  const { subject, message } = requestMessage(published, facts, settings, note);
  // Approvers are reminded while an approvable request waits. Armed before the notification (a schedule's name is
  // the request's and the firing's own, so a retry arms nothing twice): a failure to arm is retried before the
  // approvers are told, never after, which would tell them twice.
  if (published === "RequestCreated") await armFirstReminder(clients, settings, execution);
  const sent = await clients.sns.send(
    new PublishCommand({
      TopicArn: settings.topicArn,
      Subject: subject,
      Message: message,
      MessageAttributes: { [EVENT_TYPE_ATTRIBUTE]: { DataType: "String", StringValue: published } },
    }),
  );
  // A decided or refused request waits for nothing: best effort, after the notification (never sent twice for it);
  // a firing left finds the request settled.
  if (published !== "RequestCreated") {
    await disarmReminders(clients, settings, execution).catch((err) =>
      console.warn(`the reminders of ${executionId} were not deleted (each will find the request settled): ${err}`),
    );
  }
  return { notified: published, messageId: sent.MessageId };
}

/** How long the access a screened request asks for may last, its set's sessions included (the form's checked values). */
function effectiveWindow(runbook: Record<string, string | undefined>, settings: NotifierSettings): string {
  const set = String(runbook.PermissionSet);
  const minutes = Number(runbook.Duration) * UNIT_MINUTES[runbook.DurationUnit as DurationUnit];
  // Every set a rule names was looked up at deployment; were one missing, the longest session is never understated.
  const session = settings.sessionMinutes[set] ?? LONGEST_SESSION_MINUTES;
  return effectiveWindowLine(set, minutes, session, settings.revokeOpenSessions === true);
}

/** The settings the stack gives the function in its environment, checked. */
export function notifierSettings(env: Record<string, string | undefined>): NotifierSettings {
  const raw = env[REQUEST_NOTIFIER_ENV];
  if (raw === undefined) throw new Error(`environment variable ${REQUEST_NOTIFIER_ENV} is required`);
  const s = JSON.parse(raw) as NotifierSettings;
  const rules: [keyof NotifierSettings, (v: unknown) => boolean, string][] = [
    ["requesterAccountId", (v) => typeof v === "string" && patterns.accountId.test(v), patterns.accountId.rule],
    ["region", (v) => typeof v === "string" && patterns.region.test(v), patterns.region.rule],
    ["readerRoleArn", (v) => typeof v === "string", "a role ARN"],
    ["refuserRoleArn", (v) => typeof v === "string", "a role ARN"],
    ["identityStoreId", (v) => typeof v === "string", "an identity store id"],
    ["permissionSetParameterPath", (v) => typeof v === "string", "a Parameter Store path"],
    ["instanceArn", (v) => typeof v === "string", "an IAM Identity Center instance ARN"],
    ["tableName", (v) => typeof v === "string" && patterns.dynamoTableName.test(v), patterns.dynamoTableName.rule],
    ["rules", (v) => Array.isArray(v) && v.length > 0, "the eligibility rules"],
    ["guardedAccounts", (v) => Array.isArray(v), "a list of account ids"],
    ["requestPermissionSets", (v) => Array.isArray(v) && v.length > 0, "a list of permission set names"],
    ["changeTemplateName", (v) => typeof v === "string", "a document name"],
    ["runbookName", (v) => typeof v === "string", "a document name"],
    ["requestForm", (v) => (REQUEST_FORMS as readonly unknown[]).includes(v), REQUEST_FORMS.join(" or ")],
    ["topicArn", (v) => typeof v === "string", "an SNS topic ARN"],
    [
      "sessionMinutes",
      (v) => typeof v === "object" && v !== null && Object.values(v).every((m) => Number.isInteger(m) && m > 0),
      "each requestable set's session duration in minutes",
    ],
    ["revokeOpenSessions", (v) => v === undefined || typeof v === "boolean", "true or false"],
    ["durationUnit", (v) => (DURATION_UNITS as readonly unknown[]).includes(v), DURATION_UNITS.join(" or ")],
    ["approvalMode", (v) => (APPROVAL_MODES as readonly unknown[]).includes(v), APPROVAL_MODES.join(" or ")],
    [
      "approverPortalUrl",
      (v) => v === undefined || (typeof v === "string" && patterns.httpsUrl.test(v)),
      patterns.httpsUrl.rule,
    ],
  ];
  for (const [key, ok, rule] of rules) {
    if (!ok(s[key])) throw new Error(`environment variable ${REQUEST_NOTIFIER_ENV}: ${key} must be ${rule}`);
  }
  reminderSettings(s.reminders, `environment variable ${REQUEST_NOTIFIER_ENV}: reminders`);
  return s;
}
