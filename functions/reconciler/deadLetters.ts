/**
 * Dead letters: what EventBridge could not deliver to the grant workflow after its retries (an approved request that
 * then reached no workflow: nothing was granted, and without this nobody would know, since the requester's change
 * request ended once it had sent it) and what Scheduler could not deliver to the end-of-grant workflow (an end; the
 * reconciler ends the grant anyway once it is overdue) or to the session revoker (functions/sessionRevoker/: open sessions
 * not cut), and what the other rules could not deliver (an early end, the
 * end of a cancelled request, an invalid-request alert, a permission set sync run). Each run reads a few batches from each queue, publishes one
 * Error per message and deletes the message once published: a message whose publish fails comes back after its
 * visibility timeout and is reported by a later run. Two runs at once read different messages (a received message is
 * hidden from other readers for its visibility timeout), so each is reported once, or, if a run dies between the
 * publish and the delete, twice.
 */
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { accessEndRequestEvent, REMINDER_KIND } from "../../shared/events";
import { Pattern, patterns } from "../../shared/patterns";
import { alertOnce } from "./alerts";
import { ALERT_CALLS } from "./budget";
import { isolated, mayStart, type Run } from "./run";

export const DEAD_LETTER_KINDS = ["request", "end", "notification", "event"] as const;
export type DeadLetterKind = (typeof DEAD_LETTER_KINDS)[number];

export interface DeadLetterQueue {
  kind: DeadLetterKind;
  url: string;
}

/** Batches read from each queue per run (ten messages each, SQS's most). */
export const DEAD_LETTER_BATCHES = 3;
/** How long a received message stays hidden from other readers: longer than publishing and deleting it takes. */
const VISIBILITY_SECONDS = 120;
/** A batch's receive, and each message's alert (its mark and publish) and delete. */
const RECEIVE_CALLS = 1;
const MESSAGE_CALLS = ALERT_CALLS + 1;
/** The share of a run's budget dead letters may take: the rest is the overdue grants' and the sweep's. */
const BUDGET_SHARE = 0.25;
/** How much of an untrusted value a notification quotes. */
const QUOTED = 200;

export async function reportDeadLetters(run: Run, sqs: Pick<SQSClient, "send">): Promise<void> {
  // Each queue's first receive is always paid for (a run must see a lost request); beyond that, a share of the budget.
  const share = run.budget.spent + Math.max(2 * RECEIVE_CALLS, Math.floor(run.budget.limit * BUDGET_SHARE));
  const affords = (calls: number, first: boolean) =>
    mayStart(run, calls) && (first || run.budget.spent + calls <= share);
  for (const queue of run.settings.deadLetterQueues) {
    for (let batch = 0; batch < DEAD_LETTER_BATCHES; batch++) {
      if (!affords(RECEIVE_CALLS, batch === 0)) return;
      let messages: Message[] = [];
      await isolated(run, `reading the dead letters in ${queue.url}`, async () => {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queue.url,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: VISIBILITY_SECONDS,
            MessageAttributeNames: ["All"],
          }),
        );
        messages = received.Messages ?? [];
      });
      for (const message of messages) {
        if (!affords(MESSAGE_CALLS, false)) return;
        await isolated(run, `reporting dead letter ${message.MessageId}`, async () => {
          // Once per message, even if its delete is lost and it is received again.
          await alertOnce(run.alerts, `dead-letter#${message.MessageId}`, notice(queue.kind, message));
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle }));
          run.report.deadLetters += 1;
        });
      }
      if (messages.length < 10) break;
    }
  }
}

/** The Error notification for one dead letter: what was lost, what EventBridge or Scheduler said, what to do. */
export function notice(kind: DeadLetterKind, message: Message) {
  const given = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  const attribute = (name: string) => quoted(given(name) ?? "not given");
  // EventBridge's and Scheduler's dead letters carry ERROR_CODE, ERROR_MESSAGE and RETRY_ATTEMPTS; Lambda's (a function
  // that failed an event on every attempt) ErrorCode, ErrorMessage and RequestID.
  const why =
    given("ERROR_CODE") === undefined && given("ErrorMessage") !== undefined
      ? `the function failed on every attempt: ${attribute("ErrorMessage")} (Lambda request ${attribute("RequestID")})`
      : `${attribute("ERROR_CODE")}: ${attribute("ERROR_MESSAGE")} (${attribute("RETRY_ATTEMPTS")} retries)`;
  if (kind === "request") {
    const fields = known(fieldsOf(message.Body, "detail", REQUEST_FIELD_PATTERNS));
    const what = `${fields.PermissionSet} on ${fields.AccountId}`;
    return {
      eventType: "Error" as const,
      subject: `JIT access request NOT delivered: ${what}`,
      message: [
        "An approved request reached no grant workflow: EventBridge could not start it, and gave up. Nothing was granted, and the requester's change request shows only that the request was sent.",
        `${fields.RequestingUser} asked for ${what} for ${fields.Duration} (request ${fields.RequesterExecutionId}).`,
        `EventBridge said: ${why}.`,
        "Fix the cause (the grant workflow's document, the rule's role, the Automation quota), then ask the requester to raise the request again: the management side refuses a request sent over an hour earlier.",
      ].join("\n\n"),
    };
  }
  if (kind === "event") return eventNotice(message, why);
  if (kind === "notification" && fieldsOf(message.Body).kind === REMINDER_KIND) {
    const id = fieldsOf(message.Body).executionId;
    const execution = id !== undefined && patterns.automationExecutionId.test(id) ? id : UNKNOWN;
    return {
      eventType: "Error" as const,
      subject: "JIT request reminder NOT sent",
      message: [
        `A firing for the pending request ${execution} was not handled: its approvers were not reminded, or its requester was not told it expired, and no further reminder follows.`,
        `${why}.`,
        "Look at the request in the requester account. The request itself is not affected.",
      ].join("\n\n"),
    };
  }
  if (kind === "notification") {
    const record = known(fieldsOf(message.Body, "detail", NOTIFICATION_FIELD_PATTERNS));
    const ids = {
      ...fieldsOf(message.Body, "detail.requestParameters"),
      ...fieldsOf(message.Body, "detail.responseElements"),
    };
    const id = ids.automationExecutionId;
    const execution = id !== undefined && patterns.automationExecutionId.test(id) ? id : UNKNOWN;
    return {
      eventType: "Error" as const,
      subject: "JIT request notification NOT sent",
      message: [
        `A change request event in the requester account (${record.eventName} of execution ${execution}, at ${record.eventTime}) was not notified: the request notifier could not be reached or failed on every attempt.`,
        `${why}.`,
        `${NOTIFICATION_ADVICE[record.eventName] ?? "Look at the change request in the requester account."} The request itself is not affected.`,
      ].join("\n\n"),
    };
  }
  // The schedules' dead letters: an end (StartAutomationExecution's input) or a CloudTrail summary (the function's).
  const end = known(fieldsOf(message.Body, "Parameters"));
  if (end.RequestId !== UNKNOWN) {
    return {
      eventType: "Error" as const,
      subject: `JIT access end NOT delivered: request ${end.RequestId}`,
      message: [
        `A grant's end schedule could not start the end-of-grant workflow (cause ${end.Cause}), and Scheduler gave up.`,
        `Request ${end.RequestId}: the reconciler ends the grant once it is overdue, within one of its intervals; a "NOT revoked" alert follows only if that fails too.`,
        `Scheduler said: ${why}.`,
      ].join("\n\n"),
    };
  }
  const revocation = fieldsOf(message.Body, undefined, REVOCATION_FIELD_PATTERNS);
  if (revocation.permissionSetArn !== undefined) {
    const r = known(revocation);
    return {
      eventType: "Error" as const,
      subject: `JIT open sessions NOT cut: request ${r.requestId}`,
      message: [
        `The sessions user ${r.userId} opened with ${r.permissionSetArn} on ${r.accountId} during the grant of request ${r.requestId} were not cut (jit:revokeOpenSessions): they last until their session duration runs out.`,
        `${why}.`,
        "The assignment itself is removed. Fix the cause (the session revoker's log says it: a lock held, a provisioning FAILED, an inline policy too large or not JSON), then reprovision the set to that account or end the user's sessions from the IAM Identity Center console.",
      ].join("\n\n"),
    };
  }
  const summary = known(fieldsOf(message.Body));
  return {
    eventType: "Error" as const,
    subject: `JIT CloudTrail summary NOT delivered: request ${summary.executionId}`,
    message: [
      `The CloudTrail summary of ${summary.userName}'s grant of ${summary.permissionSet} on ${summary.accountId} (request ${summary.executionId}) could not be sent: Scheduler could not invoke the summary function, and gave up.`,
      `Scheduler said: ${why}.`,
      "The access itself ended as reported; read the user's activity in CloudTrail directly.",
    ].join("\n\n"),
  };
}

/**
 * The other rules' dead letters: the event as EventBridge had it, with the rule that gave up (RULE_ARN). What was
 * lost depends on the event: an end request, a request's CloudTrail record (a stop or a rejection, or a refusal for
 * invalid parameters), or the sync's schedule.
 */
function eventNotice(message: Message, why: string) {
  const ruleArn = message.MessageAttributes?.RULE_ARN?.StringValue ?? "";
  const rule = patterns.eventRuleArn.test(ruleArn) ? (ruleArn.split("/").pop() as string) : UNKNOWN;
  const event = fieldsOf(message.Body);
  const detail = known(fieldsOf(message.Body, "detail", NOTIFICATION_FIELD_PATTERNS));
  const request = fieldsOf(message.Body, "detail", { RequestId: patterns.automationExecutionId }).RequestId ?? UNKNOWN;
  const id = fieldsOf(message.Body, "detail.requestParameters").automationExecutionId;
  const execution = id !== undefined && patterns.automationExecutionId.test(id) ? id : UNKNOWN;
  const lost =
    event["detail-type"] === accessEndRequestEvent.detailType
      ? `An early end asked for request ${request} did not start the end-of-grant workflow: the grant lasts until its scheduled end. End it now (jit revoke) if it should not.`
      : event["detail-type"] === "Scheduled Event"
        ? "A run of the permission set sync did not start; the next run catches up, unless the cause remains."
        : `A ${detail.eventName} record of the requester account (execution ${execution}, at ${detail.eventTime}) was not acted on: if it is a cancelled or rejected change request, its grant was not ended (end it with jit revoke); if a request refused for invalid parameters, it was not alerted on.`;
  return {
    eventType: "Error" as const,
    subject: `JIT event NOT delivered: rule ${rule}`,
    message: [lost, `EventBridge said: ${why}.`].join("\n\n"),
  };
}

const UNKNOWN = "(unknown)";
const INVALID = "(invalid)";
/**
 * The request's fields a notice names, each shown only if it keeps its rule (the event came from the requester account
 * and was never checked: a forged one must not put its own words in a subject or a link).
 */
const REQUEST_FIELD_PATTERNS: Record<string, Pattern> = {
  AccountId: patterns.accountId,
  PermissionSet: patterns.requestablePermissionSetName,
  RequestingUser: patterns.userName,
  RequesterExecutionId: patterns.automationExecutionId,
  Duration: new Pattern("^[1-9][0-9]{0,3}$", "a whole number of 1 to 4 digits"),
};

/** A session revocation's fields (functions/sessionRevoker/event.ts), shown only if they keep their rule. */
const REVOCATION_FIELD_PATTERNS: Record<string, Pattern> = {
  requestId: patterns.automationExecutionId,
  userId: patterns.identityCenterUserId,
  accountId: patterns.accountId,
  permissionSetArn: patterns.permissionSetArn,
};

/** The forwarded CloudTrail record's fields a notification dead letter names. */
const NOTIFICATION_FIELD_PATTERNS: Record<string, Pattern> = {
  eventName: new Pattern("^[A-Za-z]{1,64}$", "a CloudTrail event name"),
  eventTime: new Pattern("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$", "an ISO 8601 UTC time"),
};

/** What to look at, by the call whose record was not notified. */
const NOTIFICATION_ADVICE: Record<string, string> = {
  StartChangeRequestExecution:
    "The request was neither screened nor announced: approvers may not know it waits for them, and if no rule could grant it, its requester was not told. Look at the pending change requests.",
  StartAutomationExecution:
    "The request was neither screened nor announced: approvers may not know it waits for them, and if no rule could grant it, its requester was not told. Look at the request runbook's waiting executions.",
  SendAutomationSignal: "An approval or a rejection was not announced: look at the change request.",
  StopAutomationExecution: "A cancellation was not announced: look at the change request.",
};

/** Every field the notice names, with `(unknown)` for those the body lacks. */
function known(fields: Record<string, string | undefined>) {
  const names = [
    "AccountId",
    "PermissionSet",
    "Duration",
    "RequestingUser",
    "RequesterExecutionId",
    "RequestId",
    "Cause",
    "accountId",
    "permissionSet",
    "userName",
    "executionId",
    "eventName",
    "eventTime",
    "requestId",
    "userId",
    "permissionSetArn",
  ] as const;
  return Object.fromEntries(names.map((n) => [n, fields[n] ?? UNKNOWN])) as Record<(typeof names)[number], string>;
}

/**
 * The string fields of the message's JSON body (or of the object at the dotted path `at`), each cut short and printable: the body is an
 * event from the requester account, or a schedule's input, and is quoted, never trusted.
 */
function fieldsOf(
  body: string | undefined,
  at?: string,
  rules: Record<string, Pattern> = {},
): Record<string, string | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? "");
  } catch {
    parsed = undefined;
  }
  let from: unknown = parsed;
  for (const key of at ? at.split(".") : []) from = isObject(from) ? from[key] : undefined;
  const fields: Record<string, string> = {};
  if (isObject(from)) {
    for (const [key, value] of Object.entries(from)) {
      const text = Array.isArray(value) && value.length === 1 ? value[0] : value;
      if (typeof text !== "string") continue;
      const rule = rules[key];
      fields[key] = rule && !rule.test(text) ? INVALID : quoted(text);
    }
  }
  return fields;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function quoted(text: string): string {
  const printable = text.replace(/[^ -~]/g, "?");
  return printable.length <= QUOTED ? printable : `${printable.slice(0, QUOTED - 3)}...`;
}
