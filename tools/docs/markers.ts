/**
 * Generated sections of a Markdown file, between `<!-- NAME:start -->` and `<!-- NAME:end -->` lines: read one,
 * replace one, list the diagrams a file embeds (`diagram:<name>` sections).
 */

const start = (name: string) => `<!-- ${name}:start -->`;
const end = (name: string) => `<!-- ${name}:end -->`;

/** Where the section's content lies, or undefined when the file has no start marker for it. */
function bounds(text: string, name: string): { from: number; to: number } | undefined {
  const open = text.indexOf(start(name));
  if (open < 0) return undefined;
  const close = text.indexOf(end(name), open);
  if (close < 0) throw new Error(`${start(name)} has no ${end(name)} after it`);
  if (text.indexOf(start(name), open + 1) >= 0) throw new Error(`${start(name)} appears more than once`);
  return { from: open + start(name).length, to: close };
}

/** The section's content without the newlines around it, or undefined when the file has no such section. */
export function sectionOf(text: string, name: string): string | undefined {
  const b = bounds(text, name);
  return b && text.slice(b.from, b.to).replace(/^\n/, "").replace(/\n$/, "");
}

/** `text` with the section's content replaced by `content`; the markers and everything else stay as they are. */
export function replaceSection(text: string, name: string, content: string): string {
  const b = bounds(text, name);
  if (!b) throw new Error(`no ${start(name)} marker`);
  return `${text.slice(0, b.from)}\n${content}\n${text.slice(b.to)}`;
}

/** The names of the diagrams embedded with `<!-- diagram:<name>:start -->`, in order. */
export function embeddedDiagrams(text: string): string[] {
  return [...text.matchAll(/<!-- diagram:([A-Za-z0-9._-]+):start -->/g)].map((m) => m[1]);
}

/** A diagram as a fenced Mermaid block. */
export function mermaidBlock(diagram: string): string {
  return `\`\`\`mermaid\n${diagram.trimEnd()}\n\`\`\``;
}
