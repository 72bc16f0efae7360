/**
 * Virtual time for the simulator. Code under simulation is ordinary async code that awaits `clock.sleep(ms)`;
 * `run` advances time from one timer to the next, letting all promise chains settle in between, so a 12-hour grant
 * runs in milliseconds and every run is deterministic. Work that waits on real I/O (the DynamoDB route's calls to a
 * server in this process, ./services/dynamodb.ts) is declared with `external`: while any is in flight the clock does
 * not advance and the world is not idle, so real I/O takes no virtual time.
 */

export const START_TIME = Date.parse("2026-11-25T09:00:00Z");

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
  cancelled?: boolean;
  /** A timer that does not keep the world busy (a recurring schedule's next run): `run()` ends with only these left. */
  background?: boolean;
}

const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** A binary min-heap of timers by time, then by the order they were set; cancelled timers are skipped lazily. */
class TimerHeap {
  private readonly items: Timer[] = [];
  live = 0;
  /** Live background timers (counted in `live` too). */
  background = 0;

  push(timer: Timer): void {
    const items = this.items;
    items.push(timer);
    this.live++;
    if (timer.background) this.background++;
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  cancel(timer: Timer): void {
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.live--;
    if (timer.background) this.background--;
  }

  /** The earliest live timer, without removing it. */
  peek(): Timer | undefined {
    while (this.items.length > 0 && this.items[0].cancelled) this.removeTop();
    return this.items[0];
  }

  /** Removes and returns the earliest live timer. */
  pop(): Timer | undefined {
    const top = this.peek();
    if (top) {
      this.removeTop();
      this.live--;
      if (top.background) this.background--;
      // A timer that fired can no longer be cancelled: cancelling it must not count it out of `live` again.
      top.cancelled = true;
    }
    return top;
  }

  private removeTop(): void {
    const items = this.items;
    const last = items.pop()!;
    if (items.length === 0) return;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && before(items[left], items[smallest])) smallest = left;
      if (right < items.length && before(items[right], items[smallest])) smallest = right;
      if (smallest === i) return;
      [items[i], items[smallest]] = [items[smallest], items[i]];
      i = smallest;
    }
  }
}

/** Rejects a pending `sleep` when the work waiting on it is cancelled. */
export class Interrupted extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export class VirtualClock {
  private current: number;
  private readonly timers = new TimerHeap();
  private seq = 0;
  /**
   * Asked when only background timers are left and `run()` was given no end: true keeps time going from background
   * timer to background timer (a ledger still holding open grants, which a recurring reconciler is to end), false lets
   * the world end. Asked again each time the clock would stop, never on an ordinary tick.
   */
  keepAlive?: () => Promise<boolean>;
  /** Real I/O under way (each settles, never rejects): time stands still until all have settled. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(start = START_TIME) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  iso(at = this.current): string {
    return new Date(at).toISOString();
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

  /**
   * Runs `fn` at virtual time `at` (not before now). A `background` timer fires like any other when time reaches it,
   * but does not keep `run()` going: a recurring schedule would otherwise never let the world end.
   */
  at(at: number, fn: () => void, background = false): Timer {
    const timer = { at: Math.max(at, this.current), seq: this.seq++, fire: fn, background };
    this.timers.push(timer);
    return timer;
  }

  /** Runs `fn` after `ms` of virtual time, detached from the caller. Returns a function that cancels it. */
  later(ms: number, fn: () => void | Promise<void>, onError: (err: unknown) => void, background = false): () => void {
    const timer = this.at(
      this.current + ms,
      () => {
        Promise.resolve().then(fn).catch(onError);
      },
      background,
    );
    return () => this.cancel(timer);
  }

  private cancel(timer: Timer): void {
    this.timers.cancel(timer);
  }

  /**
   * Declares `work` as real I/O the simulated world waits on: until it settles, `settle` waits for it and `pending`
   * counts it, so virtual time does not move past a call that is still being answered. Returns `work` itself.
   */
  external<T>(work: Promise<T>): Promise<T> {
    const done = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
    return work;
  }

  /** Lets every promise chain that does not wait on a timer settle, real I/O declared with `external` included. */
  async settle(): Promise<void> {
    for (;;) {
      for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.inFlight.size === 0) return;
      await Promise.all([...this.inFlight]);
    }
  }

  /**
   * Fires timers in time order until none is left or the next is after `until`, settling promises between them.
   * Returns the number of timers fired; throws if more than `maxTimers` fire (a livelock in simulated code).
   */
  async run(until = Number.POSITIVE_INFINITY, maxTimers = 100_000): Promise<number> {
    let fired = 0;
    await this.settle();
    for (;;) {
      const next = this.timers.peek();
      if (!next || next.at > until) break;
      // Only background timers left and no end given: the world is done, unless it owes work they will do.
      if (until === Number.POSITIVE_INFINITY && this.timers.live === this.timers.background) {
        if (!this.keepAlive || !(await this.keepAlive())) break;
        // The answer may have taken real I/O: timers set meanwhile go first.
        if (this.timers.peek() !== next) continue;
      }
      this.timers.pop();
      this.current = next.at;
      next.fire();
      fired++;
      if (fired > maxTimers) throw new Error(`more than ${maxTimers} timers fired: simulated code does not settle`);
      await this.settle();
    }
    if (until !== Number.POSITIVE_INFINITY && until > this.current) this.current = until;
    return fired;
  }

  /** Timers yet to fire (background ones aside) and real I/O still in flight: 0 when the world has nothing to do. */
  pending(): number {
    return this.timers.live - this.timers.background + this.inFlight.size;
  }
}
