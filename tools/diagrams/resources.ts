/**
 * A Mermaid flowchart of one planned stack: its main resources grouped by the component that declares them, the
 * edges between them (tools/diagrams/resourceGraph.ts), and the resources of the other account it reaches, drawn
 * dashed in a group of their own with thick cross-account edges.
 */
import type { PlannedStack } from "../sim/deployment";
import { componentGroups } from "./components";
import { lines, mermaidText } from "./mermaid";
import { type GraphEdge, type GraphNode, type NodeKind, resourceGraph } from "./resourceGraph";

const SHAPES: Record<NodeKind, [string, string, string]> = {
  bus: ["[[", "]]", "event bus"],
  rule: ["{{", "}}", "rule"],
  runbook: ["[", "]", "runbook"],
  template: ["[", "]", "change template"],
  role: ["([", "])", "IAM role"],
  topic: ["[(", ")]", "SNS topic"],
  subscription: ["(", ")", "subscription"],
  function: ["[/", "/]", "Lambda function"],
  permissionSet: ["[\\", "\\]", "permission set"],
  table: ["[(", ")]", "DynamoDB table"],
};

const ARROWS: Record<GraphEdge["style"], string> = { call: "-->", assumes: "-.->", crossAccount: "==>" };

function nodeLine(node: GraphNode): string {
  const [open, close, word] = SHAPES[node.kind];
  const label = [word, node.name, ...(node.detail ? [node.detail] : [])].map(mermaidText);
  return `${node.id}${open}"${lines(...label)}"${close}`;
}

function edgeLine(edge: GraphEdge): string {
  const label = edge.labels.length > 0 ? `|"${mermaidText(edge.labels.join(", "))}"|` : "";
  return `${edge.from} ${ARROWS[edge.style]}${label} ${edge.to}`;
}

/**
 * The flowchart of `stack`. `accountNames` names accounts for the group of another account's resources (the stack
 * that deploys there, say).
 */
export function resourceDiagram(stack: PlannedStack, accountNames: Readonly<Record<string, string>> = {}): string {
  const graph = resourceGraph(stack);
  const out = ["flowchart LR"];
  const drawn = new Set<string>();
  const block = (id: string, title: string, members: GraphNode[]) => {
    if (members.length === 0) return;
    out.push(`  subgraph ${id}["${mermaidText(title)}"]`);
    for (const node of members) {
      out.push(`    ${nodeLine(node)}`);
      drawn.add(node.id);
    }
    out.push("  end");
  };

  const { groups } = componentGroups(stack.resources);
  groups.forEach((group, i) => {
    block(
      `g${i + 1}`,
      group.type,
      graph.nodes.filter((n) => n.resource && group.resources.includes(n.resource)),
    );
  });
  for (const node of graph.nodes.filter((n) => n.account === undefined && !drawn.has(n.id))) {
    out.push(`  ${nodeLine(node)}`);
    drawn.add(node.id);
  }
  const external = graph.nodes.filter((n) => n.account !== undefined);
  for (const account of [...new Set(external.map((n) => n.account as string))]) {
    const name = accountNames[account];
    block(
      `a${account}`,
      `account ${account}${name ? `: ${name}` : ""}`,
      external.filter((n) => n.account === account),
    );
  }

  for (const edge of graph.edges) out.push(`  ${edgeLine(edge)}`);
  if (external.length > 0) {
    out.push("  classDef external stroke-dasharray: 5 5");
    out.push(`  class ${external.map((n) => n.id).join(",")} external`);
  }
  return `${out.join("\n")}\n`;
}
