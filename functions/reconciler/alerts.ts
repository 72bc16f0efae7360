/**
 * What the reconciler tells people, on the notification topic, with the `EventType` message attribute subscribers
 * filter on (shared/events.ts). An alert about the same thing goes out at most once per quiet period: its mark in the
 * ledger table (./marks.ts) is taken first, so two runs at once send it once; if the publish then fails, the mark is
 * given back so the next run tries again.
 */
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { EVENT_TYPE_ATTRIBUTE, type EventType } from "../../shared/events";
import { alertKey, give, type MarkTable, take } from "./marks";

export interface Notice {
  eventType: EventType;
  subject: string;
  message: string;
}

export interface Notifier {
  sns: Pick<SNSClient, "send">;
  topicArn: string;
}

/**
 * A subject SNS accepts: "Subjects must be UTF-8 text with no line breaks or control characters, and less than 100
 * characters long" (Amazon SNS API Reference, Publish, Subject); kept to printable ASCII, as the project's subjects are.
 */
export function subject(text: string): string {
  const printable = text.replace(/[^ -~]/g, "?").trim();
  return printable.length < 100 ? printable : `${printable.slice(0, 96)}...`;
}

export async function publish(n: Notifier, notice: Notice): Promise<void> {
  await n.sns.send(
    new PublishCommand({
      TopicArn: n.topicArn,
      Subject: subject(notice.subject),
      Message: notice.message,
      MessageAttributes: { [EVENT_TYPE_ATTRIBUTE]: { DataType: "String", StringValue: notice.eventType } },
    }),
  );
}

export interface AlertScope {
  notifier: Notifier;
  marks: MarkTable;
  /** Who sends (the run's id), written on the mark. */
  owner: string;
  now: () => number;
  quietMs: number;
}

/** Publishes `notice` unless an alert about `what` went out within the quiet period; true if it was published. */
export async function alertOnce(scope: AlertScope, what: string, notice: Notice): Promise<boolean> {
  const key = alertKey(what);
  const nowMs = scope.now();
  if (!(await take(scope.marks, key, scope.owner, nowMs, nowMs + scope.quietMs))) return false;
  try {
    await publish(scope.notifier, notice);
  } catch (err) {
    await give(scope.marks, key, scope.owner);
    throw err;
  }
  return true;
}
