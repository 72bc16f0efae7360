/**
 * What the request check looks up in the management account: a user's id, name and groups (Identity Store), an account's
 * place in the organization (Organizations), and whether the user already holds the permission set on the account
 * directly (Identity Center, with the ARN the grant workflow would assign, from Parameter Store).
 */
import {
  DescribeUserCommand,
  GetUserIdCommand,
  type IdentitystoreClient,
  IsMemberInGroupsCommand,
  ListGroupMembershipsCommand,
} from "@aws-sdk/client-identitystore";
import { ListParentsCommand, type OrganizationsClient } from "@aws-sdk/client-organizations";
import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import {
  DescribePermissionSetCommand,
  paginateListAccountAssignmentsForPrincipal,
  type SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { reject } from "./answers";
import { isAwsError } from "./aws";

export interface DirectoryClients {
  identityStore: Pick<IdentitystoreClient, "send">;
  organizations: Pick<OrganizationsClient, "send">;
  ssoAdmin: SSOAdminClient;
  /** Systems Manager in the management account: the permission set name -> ARN parameters. */
  ssm: Pick<SSMClient, "send">;
}

/** Which of `groups` the user is a member of (IsMemberInGroups takes at most 100 groups a call). */
export async function membership(
  clients: Pick<DirectoryClients, "identityStore">,
  storeId: string,
  UserId: string,
  groups: string[],
) {
  const member = new Set<string>();
  if (groups.length === 0) return member;
  for (let i = 0; i < groups.length; i += 100) {
    const { Results } = await clients.identityStore.send(
      new IsMemberInGroupsCommand({
        IdentityStoreId: storeId,
        MemberId: { UserId },
        GroupIds: groups.slice(i, i + 100),
      }),
    );
    for (const r of Results ?? []) if (r.MembershipExists && r.GroupId) member.add(r.GroupId);
  }
  return member;
}

/** How many pages of a group's members are read (100 a page) before its members are asked about one by one. */
export const MEMBER_PAGES = 3;

/**
 * The user ids of a group's members (ListGroupMemberships, every page), or undefined if it has more than
 * `MEMBER_PAGES` pages of them: a large group is asked about each user instead (IsMemberInGroups), so that listing it
 * does not cost every request a call per hundred members.
 */
export async function groupMembers(
  clients: Pick<DirectoryClients, "identityStore">,
  storeId: string,
  groupId: string,
): Promise<ReadonlySet<string> | undefined> {
  const members = new Set<string>();
  let NextToken: string | undefined;
  for (let pages = 0; pages < MEMBER_PAGES; pages++) {
    const page = await clients.identityStore.send(
      new ListGroupMembershipsCommand({ IdentityStoreId: storeId, GroupId: groupId, MaxResults: 100, NextToken }),
    );
    for (const m of page.GroupMemberships ?? []) if (m.MemberId?.UserId) members.add(m.MemberId.UserId);
    NextToken = page.NextToken || undefined;
    if (NextToken === undefined) return members;
  }
  return undefined;
}

export async function userId(
  clients: Pick<DirectoryClients, "identityStore">,
  storeId: string,
  userName: string,
): Promise<string> {
  try {
    const { UserId } = await clients.identityStore.send(
      new GetUserIdCommand({
        IdentityStoreId: storeId,
        AlternateIdentifier: { UniqueAttribute: { AttributePath: "userName", AttributeValue: userName } },
      }),
    );
    return UserId ?? reject(`${userName} is not a user of the identity store`);
  } catch (err) {
    if (isAwsError(err, "ResourceNotFoundException")) {
      return reject(`${userName} is not a user of the identity store`);
    }
    throw err;
  }
}

/** The user name of the identity store's user `id`, or undefined if the store has no such user. */
export async function userNameOf(
  clients: Pick<DirectoryClients, "identityStore">,
  storeId: string,
  id: string,
): Promise<string | undefined> {
  try {
    const { UserName } = await clients.identityStore.send(
      new DescribeUserCommand({ IdentityStoreId: storeId, UserId: id }),
    );
    return UserName;
  } catch (err) {
    if (isAwsError(err, "ResourceNotFoundException")) return undefined;
    throw err;
  }
}

/** The account's organizational units from the nearest up, then the root. */
export async function parentsOf(
  clients: Pick<DirectoryClients, "organizations">,
  accountId: string,
): Promise<string[]> {
  const parents: string[] = [];
  let child = accountId;
  // An organization nests organizational units at most five deep under the root.
  for (let depth = 0; depth < 7; depth++) {
    const { Parents } = await clients.organizations.send(new ListParentsCommand({ ChildId: child }));
    const parent = Parents?.[0];
    if (!parent?.Id) break;
    parents.push(parent.Id);
    if (parent.Type === "ROOT") break;
    child = parent.Id;
  }
  return parents;
}

/**
 * Whether the user already holds the permission set (its ARN, from `permissionSetArn`) on the account as a direct
 * assignment: a grant still running, or one made outside this solution. Granting it again would change nothing, and
 * revoking at the end would take it away.
 */
export async function holdsDirectly(
  clients: Pick<DirectoryClients, "ssoAdmin">,
  instanceArn: string,
  request: { userId: string; permissionSetArn: string; accountId: string },
): Promise<boolean> {
  const pages = paginateListAccountAssignmentsForPrincipal(
    { client: clients.ssoAdmin },
    {
      InstanceArn: instanceArn,
      PrincipalId: request.userId,
      PrincipalType: "USER",
      Filter: { AccountId: request.accountId },
    },
  );
  for await (const page of pages) {
    const direct = page.AccountAssignments?.filter(
      (a) => a.PrincipalType === "USER" && a.PrincipalId === request.userId,
    );
    if (direct?.some((a) => a.AccountId === request.accountId && a.PermissionSetArn === request.permissionSetArn)) {
      return true;
    }
  }
  return false;
}

/** The permission set's ARN, from its name-to-ARN parameter (`<parameterPath><name>`) the permission set sync keeps. */
export async function permissionSetArn(
  clients: Pick<DirectoryClients, "ssm">,
  parameterPath: string,
  permissionSet: string,
): Promise<string> {
  try {
    const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: `${parameterPath}${permissionSet}` }));
    return Parameter?.Value ?? reject(`${permissionSet} cannot be granted yet: its name-to-ARN parameter is empty`);
  } catch (err) {
    if (isAwsError(err, "ParameterNotFound")) {
      return reject(
        `${permissionSet} cannot be granted yet: the permission set sync has not found it in IAM Identity Center`,
      );
    }
    throw err;
  }
}

/**
 * The permission set's ARN, confirmed by Identity Center to be the set of that name: the name-to-ARN parameter is a
 * mutable point (anyone who may put the parameter could map a read-only name to an administrator set's ARN, and every
 * notification would still say read-only). The set granted is the set checked, or nothing is granted.
 */
export async function checkedPermissionSetArn(
  clients: Pick<DirectoryClients, "ssm" | "ssoAdmin">,
  parameterPath: string,
  instanceArn: string,
  permissionSet: string,
): Promise<string> {
  const arn = await permissionSetArn(clients, parameterPath, permissionSet);
  const { PermissionSet } = await clients.ssoAdmin.send(
    new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }),
  );
  if (PermissionSet?.Name !== permissionSet) {
    reject(
      `${permissionSet}'s name-to-ARN parameter holds the ARN of ${PermissionSet?.Name ?? "no permission set"}: nothing is granted (the parameter was changed outside the permission set sync)`,
    );
  }
  return arn;
}

/** Why a request for access the user holds outside JIT is refused (granting it would change nothing, ending it would take it away). */
export function heldOutsideJit(user: string, permissionSet: string, accountId: string): string {
  return `${user} already holds ${permissionSet} on account ${accountId} outside JIT (no JIT grant of it is open): ask again once it has been removed`;
}
