/**
 * AWS Organizations (`organizations`) for one organization: its root, OUs and accounts, read by the management
 * account and, through the resource-based delegation policy, by member accounts.
 */
import { type ApiInput, AwsError, type Caller, type ServiceFake, unsupported } from "../aws";
import { START_TIME, type VirtualClock } from "../clock";
import type { Ids } from "../ids";
import { type PagingRules, page } from "./pagination";
import { type CompiledPolicy, compileResourcePolicy, evaluate } from "./resourcePolicy";

// Patterns from the AWS Organizations API reference (API_DescribeAccount, API_ListParents,
// API_DescribeOrganizationalUnit, API_ListAccountsForParent).
const ACCOUNT_ID = /^\d{12}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
const CHILD_ID = /^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
// MaxResults 1 to 20 (API_ListAccountsForParent); a bad token is InvalidInputException's INVALID_PAGINATION_TOKEN.
const PAGING: PagingRules = {
  maxResults: 20,
  invalidInput,
  invalidToken: () =>
    new AwsError("InvalidInputException", "INVALID_PAGINATION_TOKEN: get NextToken from a previous response"),
};

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
  private delegation?: CompiledPolicy;

  /** Without a clock, accounts joined when the simulation starts. */
  constructor(
    private readonly ids: Ids,
    private readonly clock?: VirtualClock,
  ) {}

  /** Creates the organization and returns its root id; add the management account with createAccount. */
  createOrganization(managementAccount: string, rootId = `r-${this.ids.hex(4)}`): string {
    if (this.org) throw new Error("the organization exists");
    if (!ACCOUNT_ID.test(managementAccount)) throw new Error(`not an account id: ${managementAccount}`);
    if (!/^r-[0-9a-z]{4,32}$/.test(rootId)) throw new Error(`not a root id: ${rootId}`);
    this.org = { id: `o-${this.ids.hex(10)}`, managementAccount, rootId };
    return this.org.rootId;
  }

  /** The organization's id, management account and root id. */
  organization(): Organization {
    return { ...this.setupOrg() };
  }

  createOrganizationalUnit(parentId: string, name: string, id?: string): string {
    const org = this.setupOrg();
    if (!this.isParent(parentId)) throw new Error(`no parent ${parentId}`);
    id ??= `ou-${org.rootId.slice(2)}-${this.ids.hex(8)}`;
    if (!/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/.test(id) || this.ous.has(id)) throw new Error(`not a new OU id: ${id}`);
    this.ous.set(id, { id, name, parentId });
    return id;
  }

  /** Whether the account belongs to the organization. */
  hasAccount(id: string): boolean {
    return this.accounts.has(id);
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
    const policy = compileResourcePolicy(policyJson, this.service, { conditionKeys: ["aws:PrincipalOrgID"] });
    if (policy.version !== "2012-10-17") throw new Error("the delegation policy needs Version 2012-10-17");
    this.delegation = policy;
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
    return { Parents: page([{ Id: parentId, Type: type }], input, PAGING).items };
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
    const { items, next } = page(children, input, PAGING);
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
    const keys = { "aws:PrincipalOrgID": org.id };
    const request = { principal: caller, action: `organizations:${action}`, resource, keys };
    if (evaluate(this.delegation, request) !== "Allow") {
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
function invalidInput(field: string, rule: string): AwsError {
  return new AwsError("InvalidInputException", `${field} ${rule}`);
}

function field(input: ApiInput, name: string, pattern: RegExp): string {
  const value = input[name];
  if (typeof value !== "string" || !pattern.test(value)) throw invalidInput(name, `must match ${pattern.source}`);
  return value;
}
