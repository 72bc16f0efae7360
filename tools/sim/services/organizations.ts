/**
 * AWS Organizations (`organizations`) for one organization: its root, OUs and accounts, read by the management
 * account and, through the resource-based delegation policy, by member accounts.
 */
import { type ApiInput, AwsError, type Caller, type ServiceFake, sessionArn, unsupported } from "../aws";
import { START_TIME, type VirtualClock } from "../clock";
import type { Ids } from "../ids";

// Patterns from the AWS Organizations API reference (API_DescribeAccount, API_ListParents,
// API_DescribeOrganizationalUnit, API_ListAccountsForParent).
const ACCOUNT_ID = /^\d{12}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
const CHILD_ID = /^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const MAX_RESULTS = 20;

export interface Organization {
  id: string;
  managementAccount: string;
  rootId: string;
}

interface Account {
  id: string;
  name: string;
  email: string;
  parentId: string;
  joined: number;
}

interface OrganizationalUnit {
  id: string;
  name: string;
  parentId: string;
}

export class OrganizationsFake implements ServiceFake {
  readonly service = "organizations";
  private org?: Organization;
  private readonly accounts = new Map<string, Account>();
  private readonly ous = new Map<string, OrganizationalUnit>();
  private delegation: Statement[] = [];

  /** Without a clock, accounts joined when the simulation starts. */
  constructor(
    private readonly ids: Ids,
    private readonly clock?: VirtualClock,
  ) {}

  /** Creates the organization and returns its root id; add the management account with createAccount. */
  createOrganization(managementAccount: string): string {
    if (this.org) throw new Error("the organization exists");
    if (!ACCOUNT_ID.test(managementAccount)) throw new Error(`not an account id: ${managementAccount}`);
    this.org = { id: `o-${this.ids.hex(10)}`, managementAccount, rootId: `r-${this.ids.hex(4)}` };
    return this.org.rootId;
  }

  /** The organization's id, management account and root id. */
  organization(): Organization {
    return { ...this.setupOrg() };
  }

  createOrganizationalUnit(parentId: string, name: string): string {
    const org = this.setupOrg();
    if (!this.isParent(parentId)) throw new Error(`no parent ${parentId}`);
    const id = `ou-${org.rootId.slice(2)}-${this.ids.hex(8)}`;
    this.ous.set(id, { id, name, parentId });
    return id;
  }

  createAccount(id: string, name: string, parentId: string, email = `aws+${id}@example.com`): void {
    this.setupOrg();
    if (!ACCOUNT_ID.test(id)) throw new Error(`not an account id: ${id}`);
    if (this.accounts.has(id)) throw new Error(`account ${id} exists`);
    if (!this.isParent(parentId)) throw new Error(`no parent ${parentId}`);
    this.accounts.set(id, { id, name, email, parentId, joined: this.clock?.now() ?? START_TIME });
  }

  /** The resource-based delegation policy (PutResourcePolicy's Content), as JSON text. */
  putResourcePolicy(policyJson: string): void {
    this.setupOrg();
    this.delegation = parsePolicy(policyJson);
  }

  /** The parents of an account from its direct parent up to the root. */
  ancestorsOf(accountId: string): string[] {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`no account ${accountId}`);
    const chain: string[] = [];
    for (let id: string | undefined = account.parentId; id !== undefined; id = this.ous.get(id)?.parentId) {
      chain.push(id);
    }
    return chain;
  }

  async call(api: string, input: ApiInput, caller: Caller): Promise<unknown> {
    switch (api) {
      case "DescribeAccount":
        return this.describeAccount(input, caller);
      case "ListParents":
        return this.listParents(input, caller);
      case "DescribeOrganizationalUnit":
        return this.describeOrganizationalUnit(input, caller);
      case "ListAccountsForParent":
        return this.listAccountsForParent(input, caller);
      default:
        return unsupported(this.service, api);
    }
  }

  private describeAccount(input: ApiInput, caller: Caller) {
    const accountId = field(input, "AccountId", ACCOUNT_ID);
    this.authorize(caller, "DescribeAccount", this.arnOf(accountId));
    const account = this.accounts.get(accountId);
    if (!account) throw new AwsError("AccountNotFoundException", `We can't find an account with the id ${accountId}`);
    return { Account: this.describe(account) };
  }

  private listParents(input: ApiInput, caller: Caller) {
    const childId = field(input, "ChildId", CHILD_ID);
    this.authorize(caller, "ListParents", this.arnOf(childId));
    const parentId = this.accounts.get(childId)?.parentId ?? this.ous.get(childId)?.parentId;
    if (parentId === undefined) throw new AwsError("ChildNotFoundException", `We can't find a child ${childId}`);
    const type = ROOT_ID.test(parentId) ? "ROOT" : "ORGANIZATIONAL_UNIT";
    return { Parents: page([{ Id: parentId, Type: type }], input).items };
  }

  private describeOrganizationalUnit(input: ApiInput, caller: Caller) {
    const ouId = field(input, "OrganizationalUnitId", OU_ID);
    this.authorize(caller, "DescribeOrganizationalUnit", this.arnOf(ouId));
    const ou = this.ous.get(ouId);
    if (!ou) throw new AwsError("OrganizationalUnitNotFoundException", `We can't find an OU ${ouId}`);
    return { OrganizationalUnit: { Id: ou.id, Arn: this.arnOf(ou.id), Name: ou.name } };
  }

  private listAccountsForParent(input: ApiInput, caller: Caller) {
    const parentId = field(input, "ParentId", PARENT_ID);
    this.authorize(caller, "ListAccountsForParent", this.arnOf(parentId));
    if (!this.isParent(parentId)) throw new AwsError("ParentNotFoundException", `We can't find a parent ${parentId}`);
    const children = [...this.accounts.values()].filter((a) => a.parentId === parentId);
    const { items, next } = page(children, input);
    return { Accounts: items.map((a) => this.describe(a)), ...(next && { NextToken: next }) };
  }

  /**
   * The management account may call every read API; a member account only what the delegation policy allows it
   * (AWS Organizations User Guide, "Delegated administrator for AWS Organizations"). IAM identity policies are the
   * caller's account's business and are not checked here.
   */
  private authorize(caller: Caller, action: string, resource: string): void {
    const org = this.org;
    if (!org || !this.accounts.has(caller.account)) {
      throw new AwsError("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.");
    }
    if (caller.account === org.managementAccount) return;
    const context = {
      "aws:PrincipalArn": caller.roleArn,
      "aws:PrincipalAccount": caller.account,
      "aws:PrincipalOrgID": org.id,
    };
    if (decide(this.delegation, { caller, action: `organizations:${action}`, resource, context }) !== "Allow") {
      throw new AwsError("AccessDeniedException", "You don't have permissions to access this resource.");
    }
  }

  private describe(a: Account) {
    return {
      Id: a.id,
      Arn: this.arnOf(a.id),
      Email: a.email,
      Name: a.name,
      Status: "ACTIVE",
      State: "ACTIVE",
      JoinedMethod: "CREATED",
      JoinedTimestamp: new Date(a.joined),
    };
  }

  /** ARNs as in the Service Authorization Reference for AWS Organizations (account, ou, root resource types). */
  private arnOf(id: string): string {
    const org = this.setupOrg();
    const base = `arn:aws:organizations::${org.managementAccount}`;
    if (ACCOUNT_ID.test(id)) return `${base}:account/${org.id}/${id}`;
    if (ROOT_ID.test(id)) return `${base}:root/${org.id}/${id}`;
    return `${base}:ou/${org.id}/${id}`;
  }

  private isParent(id: string): boolean {
    return id === this.org?.rootId || this.ous.has(id);
  }

  private setupOrg(): Organization {
    if (!this.org) throw new Error("create the organization first");
    return this.org;
  }
}

/** Organizations reports bad parameters as InvalidInputException, not ValidationException. */
function field(input: ApiInput, name: string, pattern: RegExp): string {
  const value = input[name];
  if (typeof value !== "string" || !pattern.test(value)) {
    throw new AwsError("InvalidInputException", `${name} must match ${pattern.source}`);
  }
  return value;
}

function page<T>(items: T[], input: ApiInput): { items: T[]; next?: string } {
  const max = input.MaxResults ?? MAX_RESULTS;
  if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > MAX_RESULTS) {
    throw new AwsError("InvalidInputException", `MaxResults must be a whole number from 1 to ${MAX_RESULTS}`);
  }
  let offset = 0;
  if (input.NextToken !== undefined) {
    offset = typeof input.NextToken === "string" ? Number(Buffer.from(input.NextToken, "base64").toString()) : NaN;
    if (!Number.isInteger(offset) || offset <= 0 || offset > items.length) {
      throw new AwsError("InvalidInputException", "INVALID_PAGINATION_TOKEN: get NextToken from a previous response");
    }
  }
  const end = offset + max;
  return {
    items: items.slice(offset, end),
    next: end < items.length ? Buffer.from(String(end)).toString("base64") : undefined,
  };
}

// --- The delegation policy: the subset of the IAM policy language a resource policy for Organizations needs. ---

type Values = string | string[];

interface Statement {
  Effect: "Allow" | "Deny";
  Principal: "*" | { AWS?: Values; Service?: Values };
  Action: Values;
  Resource: Values;
  Condition?: Record<string, Record<string, Values>>;
}

interface PolicyRequest {
  caller: Caller;
  action: string;
  resource: string;
  context: Record<string, string>;
}

function parsePolicy(json: string): Statement[] {
  const doc = JSON.parse(json) as { Version?: unknown; Statement?: unknown };
  if (doc.Version !== "2012-10-17") throw new Error("the delegation policy needs Version 2012-10-17");
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return statements.map((s: Record<string, unknown>) => {
    for (const key of ["NotPrincipal", "NotAction", "NotResource"]) {
      if (key in s) throw new Error(`the simulator's organizations fake does not evaluate ${key}`);
    }
    if ((s.Effect !== "Allow" && s.Effect !== "Deny") || !s.Principal || !s.Action || !s.Resource) {
      throw new Error(
        `a delegation policy statement needs Effect, Principal, Action and Resource: ${JSON.stringify(s)}`,
      );
    }
    return s as unknown as Statement;
  });
}

/** An explicit Deny wins over any Allow; without an Allow the request is implicitly denied. */
function decide(statements: Statement[], request: PolicyRequest): "Allow" | "Deny" | "ImplicitDeny" {
  let allowed = false;
  for (const s of statements) {
    const applies =
      principalMatches(s.Principal, request.caller) &&
      list(s.Action).some((pattern) => glob(pattern, "i").test(request.action)) &&
      list(s.Resource).some((pattern) => glob(pattern).test(request.resource)) &&
      conditionsHold(s.Condition ?? {}, request.context);
    if (applies && s.Effect === "Deny") return "Deny";
    if (applies) allowed = true;
  }
  return allowed ? "Allow" : "ImplicitDeny";
}

/** An account id or `arn:…:iam::<account>:root` names every principal of that account (IAM User Guide, Principal). */
function principalMatches(principal: Statement["Principal"], caller: Caller): boolean {
  if (principal === "*") return true;
  return list(principal.AWS ?? []).some(
    (p) =>
      p === "*" ||
      p === caller.account ||
      p === `arn:aws:iam::${caller.account}:root` ||
      p === caller.roleArn ||
      p === sessionArn(caller),
  );
}

const OPERATORS: Record<string, (actual: string, expected: string) => boolean> = {
  StringEquals: (actual, expected) => actual === expected,
  StringLike: (actual, expected) => glob(expected).test(actual),
  ArnEquals: arnLike,
  ArnLike: arnLike,
};
const NEGATIONS: Record<string, string> = {
  StringNotEquals: "StringEquals",
  StringNotLike: "StringLike",
  ArnNotEquals: "ArnEquals",
  ArnNotLike: "ArnLike",
};

/** Every operator and key must hold; within one key any listed value may match (IAM User Guide, Condition). */
function conditionsHold(condition: Record<string, Record<string, Values>>, context: Record<string, string>): boolean {
  return Object.entries(condition).every(([operator, keys]) => {
    const positive = NEGATIONS[operator] ?? operator;
    const test = OPERATORS[positive];
    if (!test)
      throw new Error(`the simulator's organizations fake does not evaluate the condition operator ${operator}`);
    return Object.entries(keys).every(([key, expected]) => {
      const actual = context[key];
      if (actual === undefined) throw new Error(`the simulator's organizations fake does not know the key ${key}`);
      const matches = list(expected).some((value) => test(actual, String(value)));
      return positive === operator ? matches : !matches;
    });
  });
}

/** ArnEquals and ArnLike compare each of the six colon-separated parts, each may hold wildcards (IAM User Guide). */
function arnLike(actual: string, expected: string): boolean {
  const a = arnParts(actual);
  const e = arnParts(expected);
  return a.length === 6 && e.length === 6 && e.every((part, i) => glob(part).test(a[i]));
}

function arnParts(arn: string): string[] {
  const parts = arn.split(":");
  return parts.length < 6 ? parts : [...parts.slice(0, 5), parts.slice(5).join(":")];
}

function glob(pattern: string, flags = ""): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, flags);
}

function list(values: Values): string[] {
  return Array.isArray(values) ? values : [values];
}
