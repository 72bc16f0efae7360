/** What happened during a simulated run, in virtual-time order, for printing and for `out/sim/<scenario>.json`. */

export type TimelineKind = "action" | "step" | "call" | "notification" | "fault";

export interface TimelineEntry {
  /** Virtual time, epoch milliseconds. */
  at: number;
  kind: TimelineKind;
  /** Who: a user, a role session, an execution (`grant-access/1a2b3c4d`), or a service. */
  actor: string;
  what: string;
}

export class Timeline {
  readonly entries: TimelineEntry[] = [];

  add(entry: TimelineEntry): void {
    this.entries.push(entry);
  }

  /** One line per entry: `+01:23:45  actor  what`, times relative to `start`. */
  lines(start: number, kinds?: ReadonlySet<TimelineKind>): string[] {
    const shown = kinds ? this.entries.filter((e) => kinds.has(e.kind)) : this.entries;
    const width = Math.max(0, ...shown.map((e) => e.actor.length));
    return shown.map((e) => `${relative(e.at - start)}  ${e.kind.padEnd(12)} ${e.actor.padEnd(width)}  ${e.what}`);
  }
}

function relative(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `+${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}
