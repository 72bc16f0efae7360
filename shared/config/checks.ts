import type { Pattern } from "../patterns";

/** One thing wrong with the configuration: the key (with a path into structured values) and the rule it breaks. */
export interface ConfigIssue {
  key: string;
  rule: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`invalid stack configuration:\n${issues.map((i) => `  - ${i.key}: ${i.rule}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * A check reads one value, reports what is wrong with it into `issues`, and returns the typed value (undefined when
 * it is invalid). `kind` tells how the engine stores the value: plain strings as they are, everything else as JSON.
 */
export interface Check<T> {
  readonly kind: "string" | "json";
  /** What a valid value is, in words, for the generated config reference (tools/docs/configReference.ts). */
  readonly rule: string;
  /** An object's own fields, or a list's item check, so the reference can describe the keys nested in a value. */
  readonly fields?: Fields;
  readonly item?: Check<unknown>;
  read(value: unknown, key: string, issues: ConfigIssue[]): T | undefined;
}

export type Checked<C> = C extends Check<infer T> ? T : never;

export function text(pattern: Pattern): Check<string> {
  return {
    kind: "string",
    rule: pattern.rule,
    read(value, key, issues) {
      if (typeof value !== "string") {
        issues.push({ key, rule: `must be a string: ${pattern.rule}` });
        return undefined;
      }
      if (!pattern.test(value)) {
        issues.push({ key, rule: `must be ${pattern.rule} (got ${JSON.stringify(value)})` });
        return undefined;
      }
      return value;
    },
  };
}

export function oneOf<const T extends string>(values: readonly T[]): Check<T> {
  return {
    kind: "string",
    rule: `one of ${values.join(", ")}`,
    read(value, key, issues) {
      if (typeof value === "string" && (values as readonly string[]).includes(value)) return value as T;
      issues.push({ key, rule: `must be one of ${values.join(", ")} (got ${JSON.stringify(value)})` });
      return undefined;
    },
  };
}

export function integer(min: number, max: number): Check<number> {
  return {
    kind: "json",
    rule: `a whole number from ${min} to ${max}`,
    read(value, key, issues) {
      if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return value;
      issues.push({ key, rule: `must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})` });
      return undefined;
    },
  };
}

export const boolean: Check<boolean> = {
  kind: "json",
  rule: "true or false",
  read(value, key, issues) {
    if (typeof value === "boolean") return value;
    issues.push({ key, rule: `must be true or false (got ${JSON.stringify(value)})` });
    return undefined;
  },
};

export function list<T>(item: Check<T>, bounds: { min: number; max?: number; unique?: boolean }): Check<T[]> {
  const size =
    bounds.max === undefined ? (bounds.min > 0 ? `at least ${bounds.min} ` : "") : `${bounds.min} to ${bounds.max} `;
  return {
    kind: "json",
    rule: `a list of ${size}${bounds.unique ? "unique " : ""}items`,
    item,
    read(value, key, issues) {
      if (!Array.isArray(value)) {
        issues.push({ key, rule: "must be a list" });
        return undefined;
      }
      const { min, max = Number.MAX_SAFE_INTEGER } = bounds;
      if (value.length < min || value.length > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `${min} to ${max}`;
        issues.push({ key, rule: `must have ${range} items (got ${value.length})` });
      }
      const before = issues.length;
      const items = value.map((v, i) => item.read(v, `${key}[${i}]`, issues));
      if (bounds.unique) {
        const seen = new Set<string>();
        value.forEach((v, i) => {
          const id = JSON.stringify(v);
          if (seen.has(id)) issues.push({ key: `${key}[${i}]`, rule: `repeats ${id}; items must be unique` });
          seen.add(id);
        });
      }
      return issues.length === before ? (items as T[]) : undefined;
    },
  };
}

export type Fields = Record<string, Field<unknown>>;
type Field<T> = { check: Check<T>; required: true } | { check: Check<T>; required: false; fallback: T };
export type FieldValues<F extends Fields> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never };

export function required<T>(check: Check<T>): Field<T> {
  return { check, required: true };
}

export function optional<T>(check: Check<T>, fallback: T): Field<T> {
  return { check, required: false, fallback };
}

/** Reads each field of `fields` from `get`, which returns the value stored under a field name (or undefined). */
export function readFields<F extends Fields>(
  fields: F,
  get: (name: string) => unknown,
  keyOf: (name: string) => string,
  issues: ConfigIssue[],
): FieldValues<F> | undefined {
  const before = issues.length;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const value = get(name);
    if (value === undefined || value === null) {
      if (field.required) issues.push({ key: keyOf(name), rule: "is required" });
      else out[name] = field.fallback;
      continue;
    }
    out[name] = field.check.read(value, keyOf(name), issues);
  }
  return issues.length === before ? (out as FieldValues<F>) : undefined;
}

export function object<F extends Fields>(fields: F): Check<FieldValues<F>> {
  return {
    kind: "json",
    rule: `an object with ${Object.keys(fields).join(", ")}`,
    fields,
    read(value, key, issues) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        issues.push({ key, rule: "must be an object" });
        return undefined;
      }
      const record = value as Record<string, unknown>;
      for (const extra of Object.keys(record).filter((k) => !(k in fields))) {
        issues.push({
          key: `${key}.${extra}`,
          rule: `is not a known setting (known: ${Object.keys(fields).join(", ")})`,
        });
      }
      return readFields(
        fields,
        (name) => record[name],
        (name) => `${key}.${name}`,
        issues,
      );
    },
  };
}

export function numberIn(values: readonly number[]): Check<number> {
  return {
    kind: "json",
    rule: `one of ${values.join(", ")}`,
    read(value, key, issues) {
      if (typeof value === "number" && values.includes(value)) return value;
      issues.push({ key, rule: `must be one of ${values.join(", ")} (got ${JSON.stringify(value)})` });
      return undefined;
    },
  };
}

/**
 * Reads a whole config namespace as the Pulumi engine stores it (`stored` maps each key of the namespace, without the
 * namespace, to its stored string; non-strings are JSON-encoded). Unknown keys are issues too, so a misspelt key is
 * not silently ignored. Returns the typed values, or the issues found (so callers can add their own cross-field rules
 * before throwing one ConfigError that lists everything). A key an earlier version had (`retired`) gets its own rule,
 * which says what to do instead.
 */
export function readNamespace<F extends Fields>(
  namespace: string,
  fields: F,
  stored: Readonly<Record<string, string>>,
  issues: ConfigIssue[],
  retired: Readonly<Record<string, string>> = {},
): FieldValues<F> | undefined {
  const keyOf = (name: string) => `${namespace}:${name}`;
  for (const name of Object.keys(stored).filter((k) => !(k in fields))) {
    issues.push({ key: keyOf(name), rule: retired[name] ?? "is not a setting of this side of the stack" });
  }
  return readFields(
    fields,
    (name) => {
      const value = stored[name];
      if (value === undefined || fields[name].check.kind === "string") return value;
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    },
    keyOf,
    issues,
  );
}

/** The entries of one namespace (`jit`, `aws`) out of the engine's flat `namespace:key` config map. */
export function namespaceEntries(all: Readonly<Record<string, string>>, namespace: string): Record<string, string> {
  const prefix = `${namespace}:`;
  return Object.fromEntries(
    Object.entries(all)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
}
