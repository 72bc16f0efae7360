/**
 * The part of IAM policy evaluation the fakes' resource-based policies need (event bus policies, topic policies, the
 * Organizations delegation policy), after "Policy evaluation logic" and the "IAM JSON policy elements" pages of the
 * IAM User Guide: Allow and Deny statements, AWS principals, Action and Resource with wildcards, and String and Arn
 * condition operators with their negations. Whatever else a policy holds is refused when it is compiled, so that a
 * policy the simulator does not understand never silently allows. What a decision means (a same-account default,
 * the error code) stays with each fake.
 */
import { type Caller, sessionArn } from "../aws";

/** Who asks: a role session, or (for EventBridge forwarding an event) a role or an account without a session. */
export type RequestPrincipal = Caller | { account: string; roleArn?: string };

export interface PolicyRequest {
  principal: RequestPrincipal;
  /** `service:Action`, e.g. `events:PutEvents`. */
  action: string;
  resource: string;
  /** The service-specific context keys the request carries; a key declared at compile time but left out is absent. */
  keys?: Record<string, string | undefined>;
}

export interface PolicyOptions {
  /** Condition keys the fake passes in `keys`, beyond aws:PrincipalArn and aws:PrincipalAccount. */
  conditionKeys?: readonly string[];
  /** The error for a policy that is not a policy at all (not JSON, no Statement, no Effect ...). */
  malformed?: (reason: string) => Error;
}

export interface CompiledPolicy {
  readonly version?: string;
  readonly statements: readonly Statement[];
}

export type Decision = "Allow" | "Deny" | undefined;

interface Statement {
  effect: "Allow" | "Deny";
  principals: string[];
  actions: string[];
  resources: string[];
  conditions: Condition[];
}

interface Condition {
  operator: string;
  /** Lower case: condition key names are not case-sensitive ("IAM JSON policy elements: Condition"). */
  key: string;
  values: string[];
}

const PRINCIPAL_KEYS = ["aws:PrincipalArn", "aws:PrincipalAccount"];
const STATEMENT_FIELDS = ["Sid", "Effect", "Principal", "Action", "Resource", "Condition"];
// Service, federated and canonical-user principals never name an IAM role session, so they never match here.
const PRINCIPAL_KINDS = ["AWS", "Service", "Federated", "CanonicalUser"];

type Match = (pattern: string, value: string) => boolean;
// reference_policies_elements_condition_operators.html: a negated operator holds when none of its values matches.
const OPERATORS: Record<string, { match: Match; negated: boolean }> = {
  StringEquals: { match: (pattern, value) => pattern === value, negated: false },
  StringNotEquals: { match: (pattern, value) => pattern === value, negated: true },
  StringLike: { match: (pattern, value) => wildcard(pattern).test(value), negated: false },
  StringNotLike: { match: (pattern, value) => wildcard(pattern).test(value), negated: true },
  ArnEquals: { match: arnMatches, negated: false },
  ArnLike: { match: arnMatches, negated: false },
  ArnNotEquals: { match: arnMatches, negated: true },
  ArnNotLike: { match: arnMatches, negated: true },
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Parses and checks a policy; throws on anything it could not evaluate faithfully, naming the service's fake. */
export function compileResourcePolicy(json: string, service: string, options: PolicyOptions = {}): CompiledPolicy {
  const malformed = options.malformed ?? ((reason: string) => new Error(`the ${service} resource policy ${reason}`));
  const unsupported = (what: string) => new Error(`the simulator's ${service} fake does not evaluate ${what}`);
  const knownKeys = new Set([...PRINCIPAL_KEYS, ...(options.conditionKeys ?? [])].map((k) => k.toLowerCase()));

  const strings = (value: unknown, what: string): string[] => {
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || list.some((v) => typeof v !== "string")) {
      throw malformed(`needs ${what} as a string or a non-empty list of strings`);
    }
    return list as string[];
  };

  const principals = (principal: unknown): string[] => {
    if (principal === "*") return ["*"];
    if (!isObject(principal)) throw malformed('needs a Principal of "*" or an object');
    for (const kind of Object.keys(principal)) {
      if (!PRINCIPAL_KINDS.includes(kind)) throw unsupported(`Principal ${kind}`);
    }
    if (principal.AWS === undefined) return [];
    const names = strings(principal.AWS, "Principal AWS");
    for (const name of names) if (!awsPrincipalPattern(name)) throw unsupported(`the principal ${name}`);
    return names;
  };

  const conditions = (condition: unknown): Condition[] => {
    if (condition === undefined) return [];
    if (!isObject(condition)) throw malformed("needs Condition to be an object");
    return Object.entries(condition).flatMap(([operator, block]) => {
      if (!(operator in OPERATORS)) throw unsupported(`the condition operator ${operator}`);
      if (!isObject(block)) throw malformed(`needs Condition ${operator} to be an object`);
      return Object.entries(block).map(([key, values]) => {
        if (!knownKeys.has(key.toLowerCase())) throw unsupported(`the condition key ${key}`);
        return { operator, key: key.toLowerCase(), values: strings(values, `Condition ${operator} ${key}`) };
      });
    });
  };

  const statement = (raw: unknown): Statement => {
    if (!isObject(raw)) throw malformed("has a statement that is not an object");
    for (const field of Object.keys(raw)) if (!STATEMENT_FIELDS.includes(field)) throw unsupported(field);
    if (raw.Effect !== "Allow" && raw.Effect !== "Deny") throw malformed("needs Effect Allow or Deny");
    return {
      effect: raw.Effect,
      principals: principals(raw.Principal),
      actions: strings(raw.Action, "Action"),
      resources: strings(raw.Resource, "Resource"),
      conditions: conditions(raw.Condition),
    };
  };

  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch {
    throw malformed("is not JSON");
  }
  if (!isObject(document) || document.Statement === undefined) throw malformed("has no Statement");
  const version = typeof document.Version === "string" ? document.Version : undefined;
  return { version, statements: [document.Statement].flat().map(statement) };
}

/** "Deny" if a Deny statement applies, else "Allow" if an Allow statement does, else undefined (none applies). */
export function evaluate(policy: CompiledPolicy | undefined, request: PolicyRequest): Decision {
  const applicable = (policy?.statements ?? []).filter((s) => applies(s, request));
  if (applicable.some((s) => s.effect === "Deny")) return "Deny";
  return applicable.length > 0 ? "Allow" : undefined;
}

function applies(statement: Statement, request: PolicyRequest): boolean {
  const action = request.action.toLowerCase();
  return (
    statement.principals.some((p) => principalMatches(p, request.principal)) &&
    statement.actions.some((a) => wildcard(a.toLowerCase()).test(action)) &&
    statement.resources.some((r) => wildcard(r, true).test(request.resource)) &&
    statement.conditions.every((c) => conditionHolds(c, request))
  );
}

/** The form of an AWS principal the evaluator knows (reference_policies_elements_principal.html), if any. */
function awsPrincipalPattern(name: string): "any" | "account" | "role" | "session" | "user" | undefined {
  if (name === "*") return "any";
  if (/^\d{12}$/.test(name) || /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(name)) return "account";
  if (/^arn:aws[a-z-]*:iam::\d{12}:role\/./.test(name)) return "role";
  if (/^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/./.test(name)) return "session";
  if (/^arn:aws[a-z-]*:iam::\d{12}:user\/./.test(name)) return "user";
  return undefined;
}

// An account ID or its root ARN stands for every principal of that account; a role or session ARN for itself only.
function principalMatches(name: string, principal: RequestPrincipal): boolean {
  switch (awsPrincipalPattern(name)) {
    case "any":
      return true;
    case "account":
      return name.replace(/^arn:[^:]*:iam::(\d{12}):root$/, "$1") === principal.account;
    case "role":
      return name === principal.roleArn;
    case "session":
      return "sessionName" in principal && name === sessionArn(principal);
    default:
      return false;
  }
}

/** A key absent from the request matches no value, so a negated operator holds (condition operators page). */
function conditionHolds(condition: Condition, request: PolicyRequest): boolean {
  const { principal, keys = {} } = request;
  const context: Record<string, string | undefined> = {
    "aws:principalarn": principal.roleArn,
    "aws:principalaccount": principal.account,
  };
  for (const [key, value] of Object.entries(keys)) context[key.toLowerCase()] = value;
  const actual = context[condition.key];
  const { match, negated } = OPERATORS[condition.operator];
  const matches = actual !== undefined && condition.values.some((expected) => match(expected, actual));
  return negated ? !matches : matches;
}

/** ArnEquals and ArnLike compare the six colon-separated parts one by one, each with wildcards; `*` matches all. */
function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const expected = arnParts(pattern);
  const actual = arnParts(arn);
  return !!expected && !!actual && expected.every((part, i) => wildcard(part).test(actual[i]));
}

function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(":");
  return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(":")];
}

/**
 * `*` any run of characters, `?` any one character. In a Resource ARN (`segmented`) both stay within their
 * colon-separated segment, except a `*` that ends a segment, which may run past colons
 * (reference_policies_elements_resource.html, "Using wildcards in resource ARNs").
 */
function wildcard(pattern: string, segmented = false): RegExp {
  const source = pattern.replace(/[*?.+^${}()|[\]\\]/g, (c: string, at: number) => {
    if (c === "?") return segmented ? "[^:]" : ".";
    if (c !== "*") return `\\${c}`;
    const endsSegment = at + 1 === pattern.length || pattern[at + 1] === ":";
    return segmented && !endsSegment ? "[^:]*" : ".*";
  });
  return new RegExp(`^${source}$`, "s");
}
