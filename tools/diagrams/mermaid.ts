/**
 * Text that is safe inside Mermaid: message, note, alias and label text with the characters that end a statement or
 * start a comment written as Mermaid's entity codes. Mermaid's sequence grammar ends a message at `;` or `#` (so `;`
 * must be `#59;` and `#` `#35;`, per "Entity codes to escape characters" in the sequence diagram syntax page), `%%`
 * starts a comment, and `<`, `>` and `"` would be read as HTML or as the end of a quoted label.
 */
const ENTITIES: Record<string, string> = {
  "#": "#35;",
  ";": "#59;",
  "%": "#37;",
  "<": "#lt;",
  ">": "#gt;",
  '"': "#quot;",
};

export function mermaidText(text: string): string {
  return text.replace(/[#;%<>"]/g, (c) => ENTITIES[c]);
}

/** Lines of already-escaped text, one under the other. */
export function lines(...parts: string[]): string {
  return parts.join("<br/>");
}

/** `aws:cloudwatch/eventRule:EventRule` → `EventRule`; `jit:management:GrantWorkflow` → `GrantWorkflow`. */
export function shortType(type: string): string {
  return type.slice(type.lastIndexOf(":") + 1);
}

/** `GrantWorkflow` → `Grant workflow`. */
export function humanize(typeName: string): string {
  const words = typeName.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(" ");
  return words.map((w, i) => (i === 0 || /^[A-Z]{2,}$/.test(w) ? w : w.toLowerCase())).join(" ");
}

/** Virtual time as the simulator prints it, relative to the start: `+01:05:22`. */
export function relativeTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `+${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** A duration in words, rounded: `1 h`, `1.5 h`, `15 min`, `40 s`. */
export function duration(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round(ms / 360_000) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}
