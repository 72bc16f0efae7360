/** Path queries over the control-flow graph. */
import { type Edge, END, type Graph } from "./graph";

export interface EdgeFrom {
  from: number;
  edge: Edge;
}

/** The steps reachable from `start` (included), not following edges `skip` rejects. */
export function reachable(graph: Graph, start: number, skip: (e: EdgeFrom) => boolean = () => false): Set<number> {
  const seen = new Set<number>([start]);
  const queue = [start];
  for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
    for (const edge of graph.edges[i]) {
      if (edge.to === END || seen.has(edge.to) || skip({ from: i, edge })) continue;
      seen.add(edge.to);
      queue.push(edge.to);
    }
  }
  return seen;
}

/**
 * The edges that end the execution on some path that begins with one of `first` and never enters a step `stop`
 * accepts: each is a way to end without passing through such a step.
 */
export function endingsAvoiding(
  graph: Graph,
  first: readonly EdgeFrom[],
  stop: (step: number) => boolean,
  /** Edges past which a path is safe, as `stop` steps are. */
  safe: (e: EdgeFrom) => boolean = () => false,
): EdgeFrom[] {
  const endings: EdgeFrom[] = [];
  const seen = new Set<number>();
  const queue = [...first];
  for (let e = queue.shift(); e !== undefined; e = queue.shift()) {
    const { to } = e.edge;
    if (to === END) endings.push(e);
    else if (!stop(to) && !seen.has(to)) {
      seen.add(to);
      queue.push(...graph.edges[to].map((edge) => ({ from: to, edge })).filter((next) => !safe(next)));
    }
  }
  return endings;
}
