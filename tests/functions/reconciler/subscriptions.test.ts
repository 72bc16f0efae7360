import * as assert from "node:assert/strict";
import { FILTER_POLICY, minutes, SUBSCRIBER, SUBSCRIBER_EVENTS, useWorld } from "./world";

const OPS = { email: "ops@example.com", events: SUBSCRIBER_EVENTS };

describe("the reconciler's check of the notification topic's subscribers", () => {
  const w = useWorld();

  it("says nothing of a configured subscriber confirmed with authentication", async () => {
    const report = await w.run();
    assert.deepEqual(w.published, []);
    assert.deepEqual(report.errors, []);
  });

  it("alerts when a configured subscriber's subscription is gone (unsubscribed through a notification's link)", async () => {
    w.subscriptions.splice(0, 1, {
      protocol: "email",
      endpoint: "ops@example.com",
      confirmed: true,
      authenticated: true,
      filterPolicy: FILTER_POLICY,
    });
    await w.run({ subscribers: [{ email: SUBSCRIBER, events: SUBSCRIBER_EVENTS }, OPS] });
    const [alert] = w.published;
    assert.equal(alert.eventType, "Error");
    assert.equal(alert.subject, `JIT notifications NOT reaching ${SUBSCRIBER}`);
    assert.match(alert.message, /no email subscription for it: it was unsubscribed/);
    assert.match(alert.message, /jit confirm-subscription/);
    assert.equal(w.published.length, 1);
  });

  it("alerts on a subscription confirmed through the link, which anyone holding a notification can unsubscribe", async () => {
    w.subscriptions[0].authenticated = false;
    await w.run();
    assert.equal(w.published[0].subject, `JIT notifications of ${SUBSCRIBER} can be unsubscribed by anyone`);
    assert.match(w.published[0].message, /Unsubscribe it yourself, run the deployment with --refresh/);
  });

  it("alerts on a subscription still waiting for its confirmation", async () => {
    w.subscriptions[0].confirmed = false;
    await w.run();
    assert.equal(w.published[0].subject, `JIT notifications NOT confirmed by ${SUBSCRIBER}`);
  });

  it("alerts on a subscription nobody configured, which receives every notification", async () => {
    w.subscriptions.push({
      protocol: "https",
      endpoint: "https://collector.example/hook",
      confirmed: true,
      authenticated: false,
    });
    await w.run();
    assert.equal(w.published[0].subject, "JIT notification topic has an unexpected subscriber");
    assert.match(w.published[0].message, /https:https:\/\/collector\.example\/hook/);
  });

  it("alerts on a subscription whose filter policy was changed, which may then hear nothing", async () => {
    w.subscriptions[0].filterPolicy = JSON.stringify({ EventType: ["NoSuchEvent"] });
    await w.run();
    assert.equal(w.published[0].subject, `JIT notifications to ${SUBSCRIBER} filtered otherwise than configured`);
    assert.match(w.published[0].message, /SetSubscriptionAttributes/);
  });

  it("takes a configured address's email-json subscription for an unexpected one, not for the subscriber's", async () => {
    w.subscriptions.unshift({ protocol: "email-json", endpoint: SUBSCRIBER, confirmed: true, authenticated: true });
    await w.run();
    assert.deepEqual(
      w.published.map((p) => p.subject),
      ["JIT notification topic has an unexpected subscriber"],
    );
    assert.match(w.published[0].message, /email-json:security@example\.com/);
  });

  it("reports an unexpected subscription first, and reaches every subscriber in turn when the budget is tight", async () => {
    const many = ["a", "b", "c", "d", "e", "f"].map((n) => ({ email: `${n}@example.com`, events: SUBSCRIBER_EVENTS }));
    w.subscriptions.push({
      protocol: "https",
      endpoint: "https://collector.example/hook",
      confirmed: true,
      authenticated: false,
    });
    const told = new Set<string>();
    for (let run = 0; run < 2 * many.length; run++) {
      w.clock.now += minutes(1);
      await w.run({ subscribers: many, callBudget: 38 });
      for (const p of w.published) told.add(p.subject);
    }
    assert.ok(told.has("JIT notification topic has an unexpected subscriber"));
    for (const s of many) assert.ok(told.has(`JIT notifications NOT reaching ${s.email}`), `${s.email} never checked`);
  });

  it("alerts once per quiet period, and again after it", async () => {
    w.subscriptions[0].authenticated = false;
    await w.run();
    w.clock.now += minutes(60);
    await w.run();
    assert.equal(w.published.length, 1);
    w.clock.now += minutes(24 * 60);
    await w.run();
    assert.equal(w.published.length, 2);
  });
});
