/**
 * A small syntax check for the Mermaid the diagram generators write, after Mermaid's own grammars
 * (sequenceDiagram.jison and flow.jison): only the statements the generators use are accepted, and every line is
 * checked for what breaks them. Returns one problem per bad line, with its line number; none means valid.
 *
 * What the grammars do that this checks for: a message or note text ends at `;` or `#` (entity codes such as `#59;`
 * are decoded first, so they are fine), `%%` starts a comment, a name stops at `-`, `>`, `:`, `,` or `;`, and a
 * name that is a keyword (`end`, `box`, `note`, …, in any case) is read as the keyword.
 */

import { SEQUENCE_KEYWORDS } from "../../../../tools/diagrams/cast";

const KEYWORDS = SEQUENCE_KEYWORDS;

const ID = "[A-Za-z][A-Za-z0-9_]*";

function idProblem(id: string): string | undefined {
  if (!new RegExp(`^${ID}$`).test(id)) return `${id} is not a plain name`;
  return KEYWORDS.includes(id.toLowerCase()) ? `${id} is a keyword` : undefined;
}

/** Why `text` would not survive as message, note, alias or label text, if it would not. */
export function textProblem(text: string): string | undefined {
  if (text.trim() === "") return "empty text";
  const bare = text.replace(/#\w+;/g, "").replace(/<br\/>/g, "");
  const bad = /[#;<>"]/.exec(bare);
  if (bad) return `unescaped ${bad[0]} in ${JSON.stringify(text)}`;
  if (text.includes("%%")) return `%% (a comment) in ${JSON.stringify(text)}`;
  return undefined;
}

export function sequenceProblems(diagram: string): string[] {
  const lines = diagram.split("\n");
  const problems: string[] = [];
  const declared = new Set<string>();
  let inBox = false;
  let messages = 0;
  const problem = (n: number, what: string) => problems.push(`line ${n + 1}: ${what}`);
  const use = (n: number, id: string) => {
    if (!declared.has(id)) problem(n, `${id} is used before it is declared`);
  };
  if (lines[0] !== "sequenceDiagram") problem(0, "does not start with sequenceDiagram");
  lines.slice(1).forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (line === "" || line === "autonumber" || line.startsWith("%%")) return;
    const box = /^box (.+)$/.exec(line);
    if (box) {
      if (inBox) problem(n, "a box inside a box");
      inBox = true;
      const why = textProblem(box[1]);
      if (why) problem(n, why);
      return;
    }
    if (line === "end") {
      if (!inBox) problem(n, "end without a box");
      inBox = false;
      return;
    }
    const declaration = /^(participant|actor) (\S+)(?: as (.+))?$/.exec(line);
    if (declaration) {
      const [, , id, alias] = declaration;
      const why = idProblem(id) ?? (alias === undefined ? undefined : textProblem(alias));
      if (why) problem(n, why);
      if (declared.has(id)) problem(n, `${id} is declared twice`);
      if (messages > 0) problem(n, `${id} is declared after the first message`);
      declared.add(id);
      return;
    }
    if (inBox) {
      problem(n, "only participants belong in a box");
      return;
    }
    const message = /^(\S+?)(-->>|->>)(\S+?): (.*)$/.exec(line);
    if (message) {
      messages++;
      for (const id of [message[1], message[3]]) {
        const why = idProblem(id);
        if (why) problem(n, why);
        else use(n, id);
      }
      const why = textProblem(message[4]);
      if (why) problem(n, why);
      return;
    }
    const note = /^Note (over|left of|right of) ([^:]+): (.*)$/.exec(line);
    if (note) {
      const ids = note[2].split(",");
      if (ids.length > (note[1] === "over" ? 2 : 1)) problem(n, "a note spans at most two participants");
      for (const id of ids) {
        const why = idProblem(id);
        if (why) problem(n, why);
        else use(n, id);
      }
      const why = textProblem(note[3]);
      if (why) problem(n, why);
      return;
    }
    problem(n, `not a statement the generator writes: ${JSON.stringify(line)}`);
  });
  if (inBox) problems.push("a box is not closed");
  return problems;
}

/** The node shapes the resource diagram draws, as Mermaid writes them, around a quoted label. */
const SHAPES = [
  ["[[", "]]"],
  ["{{", "}}"],
  ["([", "])"],
  ["[(", ")]"],
  ["[/", "/]"],
  ["[\\", "\\]"],
  ["[", "]"],
  ["(", ")"],
] as const;

export function flowchartProblems(diagram: string): string[] {
  const lines = diagram.split("\n");
  const problems: string[] = [];
  const nodes = new Set<string>();
  const groups = new Set<string>();
  let depth = 0;
  const problem = (n: number, what: string) => problems.push(`line ${n + 1}: ${what}`);
  const known = (n: number, id: string) => {
    if (!nodes.has(id)) problem(n, `${id} is not a declared node`);
  };
  if (!/^flowchart (LR|RL|TB|TD|BT)$/.test(lines[0])) problem(0, "does not start with flowchart and a direction");
  lines.slice(1).forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (line === "" || line.startsWith("%%")) return;
    const subgraph = new RegExp(`^subgraph (${ID})\\["(.*)"\\]$`).exec(line);
    if (subgraph) {
      const [, id, title] = subgraph;
      if (id.toLowerCase() === "end" || groups.has(id) || nodes.has(id)) problem(n, `${id} cannot name a group`);
      groups.add(id);
      const why = textProblem(title);
      if (why) problem(n, why);
      depth++;
      return;
    }
    if (line === "end") {
      if (depth === 0) problem(n, "end without a subgraph");
      depth = Math.max(0, depth - 1);
      return;
    }
    const edge = new RegExp(`^(${ID}) (-->|-\\.->|==>)(?:\\|"(.*)"\\|)? (${ID})$`).exec(line);
    if (edge) {
      const [, from, , label, to] = edge;
      known(n, from);
      known(n, to);
      const why = label === undefined ? undefined : textProblem(label);
      if (why) problem(n, why);
      return;
    }
    if (new RegExp(`^classDef ${ID} [a-z-]+: [0-9 ]+$`).test(line)) return;
    const classes = new RegExp(`^class (${ID}(?:,${ID})*) ${ID}$`).exec(line);
    if (classes) {
      for (const id of classes[1].split(",")) known(n, id);
      return;
    }
    const node = new RegExp(`^(${ID})(.*)$`).exec(line);
    if (node) {
      const [, id, rest] = node;
      const shape = SHAPES.find(([open, close]) => rest.startsWith(`${open}"`) && rest.endsWith(`"${close}`));
      if (!shape) {
        problem(n, `not a statement the generator writes: ${JSON.stringify(line)}`);
        return;
      }
      if (id.toLowerCase() === "end" || /^[ox]/.test(id)) problem(n, `${id} cannot name a node`);
      if (nodes.has(id)) problem(n, `${id} is declared twice`);
      nodes.add(id);
      const why = textProblem(rest.slice(shape[0].length + 1, rest.length - shape[1].length - 1));
      if (why) problem(n, why);
      return;
    }
    problem(n, `not a statement the generator writes: ${JSON.stringify(line)}`);
  });
  if (depth !== 0) problems.push("a subgraph is not closed");
  return problems;
}
