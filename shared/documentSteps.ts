/** Steps both sides' documents use: publishing a notification and sending an event to the other side's bus. */
import { EVENT_TYPE_ATTRIBUTE, type EventType } from "./events";
import { type Flow, JsonValueRef, type Ref } from "./ssm/model";
import { assertAwsResourceProperty, executeAwsApi } from "./ssm/steps";

export interface Notification {
  topicArn: string;
  eventType: EventType | Ref;
  /** SNS subjects must stay under 100 printable ASCII characters; keep interpolations bounded. */
  subject: string;
  message: string;
}

/** Publishes to the notification topic with the event type as the attribute subscriptions filter on. */
export function publishNotification(name: string, n: Notification, flow?: Flow) {
  return executeAwsApi(
    name,
    {
      service: "sns",
      api: "Publish",
      params: {
        TopicArn: n.topicArn,
        Subject: n.subject,
        Message: n.message,
        MessageAttributes: { [EVENT_TYPE_ATTRIBUTE]: { DataType: "String", StringValue: n.eventType } },
      },
      outputs: { MessageId: ["String", "$.MessageId"] },
    },
    flow,
  );
}

export interface BusEvent {
  busArn: string;
  source: string;
  detailType: string;
  /**
   * The event's detail. Automation can only build it by interpolation, so every Ref inside must be a value whose
   * pattern admits no `"`, `\` or control character (DESIGN.md §9; tests/shared/jsonSafety.test.ts proves it), or
   * JSON text of its own, inserted as a whole value.
   */
  detail: Record<string, string | Ref | JsonValueRef>;
}

/** The detail as JSON text: Refs inside strings, JSON values in place of their (quoted) stand-ins. */
function detailJson(detail: BusEvent["detail"]): string {
  const values: Ref[] = [];
  const text = JSON.stringify(detail, (_, v) => (v instanceof JsonValueRef ? `\u0000${values.push(v.ref) - 1}` : v));
  return text.replace(/"\\u0000(\d+)"/g, (_, i: string) => values[Number(i)].toString());
}

/**
 * Sends one event, and fails the step unless EventBridge took it. PutEvents reports a refused or throttled entry in
 * its answer (`FailedEntryCount`), not as an error, so aws:executeAwsApi would succeed with the event lost; an
 * aws:assertAwsResourceProperty step makes the same call and checks the count, so `maxAttempts` retries a throttled
 * entry and `onFailure` sees one that stays refused.
 */
export function putEvent(name: string, e: BusEvent, flow?: Flow) {
  return assertAwsResourceProperty(
    name,
    {
      service: "events",
      api: "PutEvents",
      params: {
        Entries: [{ EventBusName: e.busArn, Source: e.source, DetailType: e.detailType, Detail: detailJson(e.detail) }],
      },
      propertySelector: "$.FailedEntryCount",
      desiredValues: ["0"],
    },
    flow,
  );
}
