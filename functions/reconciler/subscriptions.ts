/**
 * The notification topic's subscribers, as configured (`jit:notifications`), checked each run. An email subscription
 * confirmed through the link in its confirmation message can be unsubscribed by anyone who holds one of its
 * notifications (the unsubscribe link in every message needs no AWS credentials); one confirmed with
 * `AuthenticateOnUnsubscribe` can be removed only by the topic's or the subscription's owner (Amazon SNS API
 * Reference, ConfirmSubscription: https://docs.aws.amazon.com/sns/latest/api/API_ConfirmSubscription.html). SNS
 * records which it was in the subscription's `ConfirmationWasAuthenticated` attribute (GetSubscriptionAttributes:
 * https://docs.aws.amazon.com/sns/latest/api/API_GetSubscriptionAttributes.html). A run alerts, once per quiet
 * period each, on a subscriber with no subscription (it hears nothing any more), one not confirmed, one confirmed
 * without authentication, and a subscription nobody configured (it receives every notification).
 */
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  type SNSClient,
  type Subscription,
} from "@aws-sdk/client-sns";
import { EVENT_TYPE_ATTRIBUTE } from "../../shared/events";
import { alertOnce, type Notice } from "./alerts";
import { ALERT_CALLS } from "./budget";
import { isolated, mayStart, type Run } from "./run";
import type { Subscriber } from "./settings";

/** ListSubscriptionsByTopic returns up to 100 subscriptions a page; a run reads at most this many pages. */
export const SUBSCRIPTION_PAGES = 5;
/** How ListSubscriptionsByTopic names a subscription still waiting for its confirmation (API_Subscription). */
const PENDING = "PendingConfirmation";
/** How much of an endpoint nobody configured a notification quotes. */
const QUOTED = 200;
const CONFIRM = "confirm it with authentication: `jit confirm-subscription <the link in the confirmation message>`";

type Problem = "gone" | "pending" | "filtered" | "unauthenticated" | "unknown";

/**
 * The share of a run's budget the check may take beyond its first listing page: the rest is the overdue grants' and
 * the sweep's (with the default budget, some 25 subscribers are checked each run).
 */
const BUDGET_SHARE = 0.15;

export async function checkSubscriptions(run: Run, sns: Pick<SNSClient, "send">): Promise<void> {
  const { topicArn } = run.alerts.notifier;
  const share = run.budget.spent + 1 + Math.floor(run.budget.limit * BUDGET_SHARE);
  const affords = (calls: number) => mayStart(run, calls) && run.budget.spent + calls <= share;
  let subscriptions: Subscription[] | undefined;
  await isolated(run, `listing the subscriptions of ${topicArn}`, async () => {
    subscriptions = await listSubscriptions(run, sns, topicArn, affords);
  });
  if (subscriptions === undefined) return;
  // Each configured subscriber's email subscription (the first, if SNS holds the address twice in different case).
  const expected = run.settings.subscribers;
  const found = new Map<Subscriber, Subscription>();
  for (const s of subscriptions) {
    const owner = expected.find((e) => s.Protocol === "email" && sameAddress(e.email, s.Endpoint) && !found.has(e));
    if (owner) found.set(owner, s);
  }
  // Unexpected ones first: a subscription nobody configured receives everything, whatever the budget leaves.
  const claimed = new Set(found.values());
  for (const s of subscriptions.filter((x) => !claimed.has(x))) {
    await report(run, `${s.Protocol ?? "?"}:${s.Endpoint ?? ""}`.slice(0, QUOTED), "unknown", affords);
  }
  // The configured ones from a different place each run, so a tight budget still reaches every one in turn.
  const first = expected.length === 0 ? 0 : Math.floor(run.now() / 60_000) % expected.length;
  for (const subscriber of [...expected.slice(first), ...expected.slice(0, first)]) {
    const subscription = found.get(subscriber);
    const { email } = subscriber;
    if (subscription === undefined) {
      await report(run, email, "gone", affords);
    } else if (subscription.SubscriptionArn === PENDING) {
      await report(run, email, "pending", affords);
    } else if (affords(1 + ALERT_CALLS)) {
      await isolated(run, `reading the subscription of ${email}`, async () => {
        const { Attributes = {} } = await sns.send(
          new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription.SubscriptionArn }),
        );
        if (!receivesItsEvents(Attributes, subscriber)) await report(run, email, "filtered", affords);
        else if (Attributes.ConfirmationWasAuthenticated !== "true")
          await report(run, email, "unauthenticated", affords);
      });
    }
  }
}

const sameAddress = (a: string, b: string | undefined) => a.toLowerCase() === (b ?? "").toLowerCase();

/** Whether the subscription's filter policy is the one the stack set: exactly the subscriber's event types. */
function receivesItsEvents(attributes: Record<string, string>, subscriber: Subscriber): boolean {
  if ((attributes.FilterPolicyScope ?? "MessageAttributes") !== "MessageAttributes") return false;
  let policy: unknown;
  try {
    policy = JSON.parse(attributes.FilterPolicy ?? "");
  } catch {
    return false;
  }
  if (typeof policy !== "object" || policy === null || Object.keys(policy).length !== 1) return false;
  const types = (policy as Record<string, unknown>)[EVENT_TYPE_ATTRIBUTE];
  if (!Array.isArray(types) || types.length !== subscriber.events.length) return false;
  return subscriber.events.every((t) => types.includes(t));
}

async function listSubscriptions(
  run: Run,
  sns: Pick<SNSClient, "send">,
  topicArn: string,
  affords: (calls: number) => boolean,
): Promise<Subscription[] | undefined> {
  const all: Subscription[] = [];
  let token: string | undefined;
  for (let page = 0; page < SUBSCRIPTION_PAGES; page++) {
    if (!affords(1)) return undefined;
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }));
    all.push(...(listed.Subscriptions ?? []));
    token = listed.NextToken;
    if (!token) return all;
  }
  // More subscriptions than a run reads: a topic this solution subscribes a handful to has been added to.
  await report(run, `more than ${SUBSCRIPTION_PAGES * 100} subscriptions`, "unknown", affords);
  return undefined;
}

async function report(run: Run, who: string, problem: Problem, affords: (calls: number) => boolean): Promise<void> {
  if (!affords(ALERT_CALLS)) return;
  await isolated(run, `alerting on the subscription of ${who}`, async () => {
    if (await alertOnce(run.alerts, `subscription#${problem}#${who}`, notice(who, problem))) run.report.alerts += 1;
  });
}

export function notice(who: string, problem: Problem): Notice {
  const subjects: Record<Problem, string> = {
    gone: `JIT notifications NOT reaching ${who}`,
    pending: `JIT notifications NOT confirmed by ${who}`,
    filtered: `JIT notifications to ${who} filtered otherwise than configured`,
    unauthenticated: `JIT notifications of ${who} can be unsubscribed by anyone`,
    unknown: "JIT notification topic has an unexpected subscriber",
  };
  const messages: Record<Problem, string[]> = {
    gone: [
      `${who} is configured to receive JIT access notifications (jit:notifications) but the topic has no email subscription for it: it was unsubscribed (perhaps through the link in a notification it received) or deleted.`,
      `It hears nothing of requests, grants or alerts until it is subscribed again: run the deployment with --refresh, then ${CONFIRM}.`,
    ],
    pending: [
      `${who} is subscribed to the JIT access notifications but has not confirmed the subscription, so it receives nothing.`,
      `Ask its owner to ${CONFIRM}.`,
    ],
    filtered: [
      `The subscription of ${who} no longer has the filter policy the stack gave it (the event types jit:notifications lists for it): someone changed it, and it may hear nothing.`,
      "Run the deployment with --refresh to set it again, and find who changed it (CloudTrail: SetSubscriptionAttributes).",
    ],
    unauthenticated: [
      `The subscription of ${who} was confirmed through the link in its confirmation message, without AWS authentication: anyone who holds one of its notifications (a forwarded message, every member of a list or chat channel that gets them) can unsubscribe it with the link at the bottom, and it would hear nothing more.`,
      `Unsubscribe it yourself, run the deployment with --refresh to subscribe it again, and ${CONFIRM}: only the topic's owner can then remove it.`,
    ],
    unknown: [
      `The JIT notification topic has a subscription nobody configured: ${who}. It receives the notifications of every request and grant.`,
      "If nobody in your team added it on purpose, remove it and find out who did (CloudTrail: Subscribe on the topic); add wanted subscribers to jit:notifications instead.",
    ],
  };
  return { eventType: "Error", subject: subjects[problem], message: messages[problem].join("\n\n") };
}
