/**
 * Many requests in one simulated world, for `npm run bench`: `n` engineers (each in the example rules' engineers
 * group) raise the read-only request the rules grant without approval, evenly within `windowMs` of virtual time, under
 * the account's default Automation quota. Reports how long each waited from its request to usable access, how many
 * grants were active at once, and how many Automation executions were alive while they were.
 */
import { READ_ONLY_REQUEST } from "../sim/scenarios";
import { type SimulatedDeployment, simulate } from "../sim/setup";

export interface LoadResult {
  requests: number;
  granted: number;
  /** Request to usable access, in virtual seconds, sorted. */
  waits: number[];
  /** The most JIT assignments that existed at once. */
  activeAtOnce: number;
  /** Automation executions alive at the moment the most grants were active. */
  executionsAtPeak: number;
  /** Automation executions that never ended (stuck in the quota's queue, or waiting on one that is). */
  unfinished: number;
  /** Real time the run took, in milliseconds. */
  wallMs: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function loadRun(
  deployment: SimulatedDeployment,
  n: number,
  windowMs: number,
  duration = READ_ONLY_REQUEST.duration,
): Promise<LoadResult> {
  const started = Date.now();
  const sim = await simulate(deployment, { seed: `load-${n}` });
  const { world, org, people } = sim;
  const engineers = deployment.management.config.eligibility.find((r) => r.approvals === 0)?.groups[0];
  if (!engineers) throw new Error("the example rules have no rule without approvals to load-test with");
  const users = Array.from({ length: n }, (_, i) => {
    const userName = `engineer-${String(i).padStart(5, "0")}`;
    const userId = world.identityStore.createUser(org.identityStoreId, userName, `Engineer ${i}`);
    world.identityStore.addMember(org.identityStoreId, engineers, userId);
    world.identityStore.addMember(org.identityStoreId, org.requesterGroupId, userId);
    return { userName, displayName: `Engineer ${i}`, userId };
  });
  const t0 = world.clock.now();
  const raisedAt = new Map<string, number>();
  for (const [i, user] of users.entries()) {
    await world.run(t0 + Math.floor((i * windowMs) / n));
    raisedAt.set(user.userId, world.clock.now());
    await people.request(user, { ...READ_ONLY_REQUEST, duration }, { autoApprove: true });
  }
  // Until every grant has ended (the world's own end: the ledger holds none open).
  await world.run();

  const waits: number[] = [];
  let live = 0;
  let activeAtOnce = 0;
  let peakAt = t0;
  for (const h of [...world.ssoAdmin.history].sort((a, b) => a.at - b.at)) {
    live += h.change === "created" ? 1 : -1;
    if (live > activeAtOnce) {
      activeAtOnce = live;
      peakAt = h.at;
    }
    const raised = h.change === "created" ? raisedAt.get(h.principalId) : undefined;
    if (raised !== undefined) waits.push((h.at - raised) / 1000);
  }
  const executionsAtPeak = [...world.engine.executions.values()].filter(
    (x) => x.startTime.getTime() <= peakAt && (x.endTime === undefined || x.endTime.getTime() > peakAt),
  ).length;
  const unfinished = [...world.engine.executions.values()].filter((x) => x.endTime === undefined).length;
  if (process.env.LOAD_DEBUG) {
    const tally = new Map<string, number>();
    for (const x of world.engine.executions.values()) {
      const k = `${x.document.name} ${x.status} ${x.steps.at(-1)?.StepName ?? ""} ${(x.failureMessage ?? "").slice(0, 120)}`;
      tally.set(k, (tally.get(k) ?? 0) + 1);
    }
    console.log(tally, world.backgroundErrors.slice(0, 5), world.events.failedInvocations.slice(0, 3));
  }
  await world.dispose();
  return {
    requests: n,
    granted: waits.length,
    waits: waits.sort((a, b) => a - b),
    activeAtOnce,
    executionsAtPeak,
    unfinished,
    wallMs: Date.now() - started,
  };
}
