/**
 * The configuration reference, generated from the config schema itself (shared/config/*.ts): one row per `jit:` key
 * of either side, nested keys of structured values included, with the side(s) that read it, whether it is required,
 * its default and the rule its value must follow. `npm run docs` writes it into README.md.
 */
import type { Check, Fields } from "../../shared/config/checks";
import { SIDES, type SideName } from "../../shared/config/common";
import { managementFields } from "../../shared/config/management";
import { requesterFields } from "../../shared/config/requester";

export interface ConfigKeyRow {
  key: string;
  sides: SideName[];
  required: boolean;
  /** The default as JSON, or undefined when there is none. */
  fallback?: string;
  rule: string;
}

/** The default of an object whose keys' own defaults make it up. */
const EACH_DEFAULT = "each key's default";

const SIDE_FIELDS: Record<SideName, Fields> = { management: managementFields, requester: requesterFields };

/** An object's default, when it is just what its keys' own defaults make up (so the rows below say it). */
function defaultsOf(fields: Fields): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    if (field.required) return undefined;
    out[name] = field.fallback;
  }
  return out;
}

function ruleOf(check: Check<unknown>): string {
  return check.item ? `${check.rule}, each ${check.item.rule}` : check.rule;
}

/** A default as the config file would hold it: strings as they are, anything else as JSON. */
function shown(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function rowsOf(fields: Fields, prefix: string, side: SideName): ConfigKeyRow[] {
  return Object.entries(fields).flatMap(([name, field]) => {
    const key = `${prefix}${name}`;
    const { check } = field;
    const nested = check.fields ?? check.item?.fields;
    let fallback: string | undefined;
    if (!field.required && field.fallback !== undefined) {
      const own = check.fields ? defaultsOf(check.fields) : undefined;
      fallback = own && JSON.stringify(own) === JSON.stringify(field.fallback) ? EACH_DEFAULT : shown(field.fallback);
    }
    const row: ConfigKeyRow = { key, sides: [side], required: field.required, fallback, rule: ruleOf(check) };
    const children = nested ? rowsOf(nested, check.fields ? `${key}.` : `${key}[].`, side) : [];
    return [row, ...children];
  });
}

/** Every key of both sides, the shared ones first, in the order the schema declares them. */
export function configKeyRows(): ConfigKeyRow[] {
  const rows: ConfigKeyRow[] = [];
  for (const side of SIDES) {
    for (const row of rowsOf(SIDE_FIELDS[side], "jit:", side)) {
      const same = rows.find(
        (r) => r.key === row.key && r.required === row.required && r.fallback === row.fallback && r.rule === row.rule,
      );
      if (same) same.sides.push(side);
      else rows.push(row);
    }
  }
  const shared = (r: ConfigKeyRow) => (r.sides.length === SIDES.length ? 0 : 1);
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => shared(a.r) - shared(b.r) || a.i - b.i)
    .map(({ r }) => r);
}

/** Prose for a table cell: Markdown's special characters escaped, `<` and `>` as entities (not HTML). */
const prose = (text: string) =>
  text
    .replace(/[\\`*_[\]|]/g, (c) => `\\${c}`)
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
/** A code span for a table cell: only `|` needs escaping there, as GitHub tables split cells on it. */
const code = (text: string) => `\`${text.replace(/\|/g, "\\|")}\``;

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/** The Markdown that goes between the README's config-reference markers. */
export function configReferenceMarkdown(): string {
  const rows = configKeyRows().map((r) => [
    code(r.key),
    r.sides.length === SIDES.length ? "both" : r.sides.join(", "),
    r.required ? "required" : "optional",
    r.fallback === undefined ? "" : r.fallback === EACH_DEFAULT ? EACH_DEFAULT : code(r.fallback),
    prose(r.rule),
  ]);
  return [
    "<!-- Generated from shared/config/*.ts by `npm run docs`; edit the schema, not this table. -->",
    "",
    "Keys under `a.b` and `a[].b` are inside the value of `a`; required there means required whenever `a` is set.",
    "Rules that involve several keys (such as `jit:approverGroupId` in web and CLI mode) are checked too and reported",
    "with the key they concern. Both sides also need the AWS provider's `aws:region` and `aws:allowedAccountIds`",
    "(exactly the side's own account).",
    "",
    table(["key", "side", "required", "default", "rule"], rows),
  ].join("\n");
}
