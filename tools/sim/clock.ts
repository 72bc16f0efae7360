/**
 * Virtual time for the simulator. Code under simulation is ordinary async code that awaits `clock.sleep(ms)`;
 * `run` advances time from one timer to the next, letting all promise chains settle in between, so a 12-hour grant
 * runs in milliseconds and every run is deterministic.
 */

export const START_TIME = Date.parse("2026-11-25T09:00:00Z");

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/** Rejects a pending `sleep` when the work waiting on it is cancelled. */
export class Interrupted extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export class VirtualClock {
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;

  constructor(start = START_TIME) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  iso(at = this.current): string {
    return new Date(at).toISOString();
  }

  /** Seconds since the simulation started, for timelines. */
  elapsed(start = START_TIME): number {
    return (this.current - start) / 1000;
  }

  /** Resolves after `ms` of virtual time; rejects with Interrupted if `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new Interrupted(String(signal.reason)));
      const timer = this.at(this.current + Math.max(0, ms), () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
      const onAbort = () => {
        this.cancel(timer);
        reject(new Interrupted(String(signal?.reason)));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Runs `fn` at virtual time `at` (not before now). */
  at(at: number, fn: () => void): Timer {
    const timer = { at: Math.max(at, this.current), seq: this.seq++, fire: fn };
    this.timers.push(timer);
    return timer;
  }

  /** Runs `fn` after `ms` of virtual time, detached from the caller. Returns a function that cancels it. */
  later(ms: number, fn: () => void | Promise<void>, onError: (err: unknown) => void): () => void {
    const timer = this.at(this.current + ms, () => {
      Promise.resolve().then(fn).catch(onError);
    });
    return () => this.cancel(timer);
  }

  private cancel(timer: Timer): void {
    this.timers = this.timers.filter((t) => t !== timer);
  }

  /** Lets every promise chain that does not wait on a timer settle. */
  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /**
   * Fires timers in time order until none is left or the next is after `until`, settling promises between them.
   * Returns the number of timers fired; throws if more than `maxTimers` fire (a livelock in simulated code).
   */
  async run(until = Number.POSITIVE_INFINITY, maxTimers = 100_000): Promise<number> {
    let fired = 0;
    await this.settle();
    for (;;) {
      const next = this.earliest();
      if (!next || next.at > until) break;
      this.cancel(next);
      this.current = next.at;
      next.fire();
      fired++;
      if (fired > maxTimers) throw new Error(`more than ${maxTimers} timers fired: simulated code does not settle`);
      await this.settle();
    }
    if (until !== Number.POSITIVE_INFINITY && until > this.current) this.current = until;
    return fired;
  }

  private earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }

  pending(): number {
    return this.timers.length;
  }
}
