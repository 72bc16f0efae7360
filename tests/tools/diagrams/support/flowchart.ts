/** A generated flowchart read back: each node's label lines and each edge with its style, for the diagram tests. */

export interface DrawnEdge {
  from: string[];
  to: string[];
  arrow: string;
  label: string;
}

/** Nodes by id as their label's lines; edges with both ends' label lines. */
export function readFlowchart(diagram: string): { nodes: Map<string, string[]>; edges: DrawnEdge[] } {
  const nodes = new Map<string, string[]>();
  for (const m of diagram.matchAll(/^ +(n\d+)[[({/\\]+"([^"]*)"/gm)) nodes.set(m[1], m[2].split("<br/>"));
  const edges = [...diagram.matchAll(/^ +(n\d+) (-->|-\.->|==>)(?:\|"([^"]*)"\|)? (n\d+)$/gm)].map((m) => ({
    from: nodes.get(m[1]) ?? [],
    to: nodes.get(m[4]) ?? [],
    arrow: m[2],
    label: m[3] ?? "",
  }));
  return { nodes, edges };
}
