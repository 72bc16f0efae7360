/** IAM policy JSON as a policy check reads it: the statements, with every one-or-many element as a list. */

export interface ReadStatement {
  /** The statement's Sid, or its position when it has none, for messages. */
  label: string;
  effect: string;
  actions: string[];
  notActions: string[];
  resources: string[];
  hasNotResource: boolean;
  /** `"*"`, or the principal element's entries by kind (`AWS`, `Service`, ...), each as a list. */
  principal: "*" | Record<string, string[]> | undefined;
  hasNotPrincipal: boolean;
  condition: Record<string, Record<string, string[]>>;
}

export const asList = (value: unknown): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => String(v));

function readPrincipal(value: unknown): ReadStatement["principal"] {
  if (value === undefined) return undefined;
  if (value === "*") return "*";
  if (typeof value !== "object" || value === null) return { AWS: [String(value)] };
  return Object.fromEntries(Object.entries(value).map(([kind, v]) => [kind, asList(v)]));
}

function readCondition(value: unknown): ReadStatement["condition"] {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([operator, keys]) => [
      operator,
      typeof keys === "object" && keys !== null
        ? Object.fromEntries(Object.entries(keys).map(([key, v]) => [key, asList(v)]))
        : {},
    ]),
  );
}

/** The statements of a policy given as JSON text (or as an object); throws when it is not a policy document. */
export function readStatements(policy: unknown): ReadStatement[] {
  let doc: unknown = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch (e) {
      throw new Error(`is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (typeof doc !== "object" || doc === null || !("Statement" in doc)) {
    throw new Error("is not an IAM policy document (no Statement)");
  }
  const raw = (doc as { Statement: unknown }).Statement;
  const statements = (Array.isArray(raw) ? raw : [raw]) as Record<string, unknown>[];
  return statements.map((s, i) => ({
    label: typeof s.Sid === "string" && s.Sid !== "" ? `"${s.Sid}"` : `#${i + 1}`,
    effect: String(s.Effect),
    actions: asList(s.Action),
    notActions: asList(s.NotAction),
    resources: asList(s.Resource),
    hasNotResource: s.NotResource !== undefined,
    principal: readPrincipal(s.Principal),
    hasNotPrincipal: s.NotPrincipal !== undefined,
    condition: readCondition(s.Condition),
  }));
}
