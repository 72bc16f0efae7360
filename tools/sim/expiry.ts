/**
 * What the scenario "expired-with-reminders" must come to (./scenarios.ts): a request nobody approves. While it waits,
 * the approvers are reminded every jit:approvalReminder hours (functions/requestNotifier/reminders.ts: on a grid from
 * the approval's start, before its deadline); once its jit:approvalTimeout is up it expires, the requesters are told,
 * and nothing is granted. Under the world's scheduleDelivery readings (./variants.ts): a schedule that never fires
 * reminds nobody and tells nobody (the request still expires ungranted); one that fires twice still reminds once per
 * firing (the next firing's schedule is made once) and may tell the expiry twice; one that fires late is that late.
 */
import { names } from "../../shared/naming";
import { LATE_DELIVERY_MS } from "./services/scheduler";
import type { Publication } from "./services/sns";
import type { Simulation } from "./setup";

export const REMINDER_SUBJECT = /^Reminder: approval required - JIT access request: /;
export const EXPIRY_SUBJECT = /^Expired - JIT access request: /;
const HOUR_MS = 3_600_000;
/** How long after its grid time a firing's notification may come: the firing's lead, the reading and publishing. */
const SLACK_MS = 2 * 60_000;

/** Reminders before one approval expires: one every `reminder` hours strictly before the `timeout`. */
export function expectedReminders(config: { approvalTimeout: number; approvalReminder: number }): number {
  return Math.ceil(config.approvalTimeout / config.approvalReminder) - 1;
}

const eventType = (p: Publication) => p.attributes.EventType?.StringValue;
export const remindersOf = (sim: Simulation) =>
  sim.world.sns.published.filter((p) => REMINDER_SUBJECT.test(p.subject ?? "") && eventType(p) === "RequestCreated");
export const expiriesOf = (sim: Simulation) =>
  sim.world.sns.published.filter((p) => EXPIRY_SUBJECT.test(p.subject ?? "") && eventType(p) === "RequestRejected");

export function expiredWithReminders(sim: Simulation): string[] {
  const { world, deployment } = sim;
  const config = deployment.management.config;
  const { changeTemplate, requestRunbook } = names(deployment.requester.config).requester;
  const [request] = world.executionsOf(
    deployment.requester.config.requestForm === "automation" ? requestRunbook : changeTemplate,
  );
  if (!request) return ["no request was raised"];
  const found: string[] = [];
  if (world.ssoAdmin.history.some((h) => h.change === "created")) found.push("access was granted");
  if (world.executionsOf(names(config).management.grantDocument).length > 0) found.push("a grant workflow ran");
  if (!["TimedOut", "Failed"].includes(request.status)) found.push(`the request ended ${request.status}`);
  const reading = world.behaviour.scheduleDelivery;
  const reminders = remindersOf(sim);
  const expiries = expiriesOf(sim);
  if (reading === "never") {
    if (reminders.length + expiries.length > 0) found.push("a schedule that never fires still reminded or told");
    return found;
  }
  const raisedAt = request.startTime.getTime();
  const late = reading === "late" ? LATE_DELIVERY_MS : 0;
  const expected = expectedReminders(config);
  if (reminders.length !== expected) found.push(`${reminders.length} reminders, not ${expected}`);
  reminders.forEach((p, i) => {
    const due = raisedAt + (i + 1) * config.approvalReminder * HOUR_MS + late;
    const at = Date.parse(p.time);
    if (at < due || at > due + SLACK_MS)
      found.push(`reminder ${i + 1} came at ${p.time}, not at ${world.clock.iso(due)}`);
  });
  if (expiries.length < 1 || expiries.length > (reading === "twice" ? 2 : 1)) {
    found.push(`the expiry was told ${expiries.length} times`);
  }
  const deadline = raisedAt + config.approvalTimeout * HOUR_MS;
  const toldAt = expiries[0] && Date.parse(expiries[0].time);
  if (toldAt !== undefined && (toldAt < deadline || toldAt > deadline + late + SLACK_MS)) {
    found.push(`the expiry was told at ${expiries[0].time}, not within ${SLACK_MS / 60_000} minutes of its deadline`);
  }
  return found;
}
