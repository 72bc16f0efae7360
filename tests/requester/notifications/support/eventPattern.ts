/**
 * Just enough of EventBridge's pattern matching for our rules: every field a pattern names must match one of its
 * list's entries: a literal (equal), `{ "anything-but": [...] }` (present and none of them) or
 * `{ "exists": false }` (absent); nested objects match nested fields.
 */
export function matches(pattern: unknown, event: unknown): boolean {
  if (typeof pattern !== "object" || pattern === null || Array.isArray(pattern)) {
    throw new Error(`a pattern is an object of fields, not ${JSON.stringify(pattern)}`);
  }
  const fields = (event ?? {}) as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) => {
    const value = typeof event === "object" && event !== null ? fields[key] : undefined;
    if (!Array.isArray(expected)) return value !== undefined && matches(expected, value);
    return expected.some((entry) => matchesEntry(entry, value));
  });
}

function matchesEntry(entry: unknown, value: unknown): boolean {
  if (typeof entry === "object" && entry !== null) {
    if ("exists" in entry) return (entry as { exists: boolean }).exists === (value !== undefined);
    if ("anything-but" in entry) {
      const excluded = (entry as { "anything-but": unknown[] })["anything-but"];
      return value !== undefined && !excluded.includes(value);
    }
    throw new Error(`unsupported matcher ${JSON.stringify(entry)}`);
  }
  return value === entry;
}
