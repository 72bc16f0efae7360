/**
 * The Identity Store API (`identitystore`) that resolves Identity Center users and groups. Only read APIs are
 * simulated; the Identity Store API reference notes member accounts may call them too, so callers are not checked.
 */
import { type ApiInput, AwsError, errors, requireString, type ServiceFake, unsupported } from "../aws";
import type { Ids } from "../ids";
import { type PagingRules, page } from "./pagination";
import type { PrincipalDirectory, PrincipalType } from "./ssoAdmin";

// Patterns from the Identity Store API reference (API_GetUserId, API_DescribeUser, API_IsMemberInGroups).
const IDENTITY_STORE_ID = /^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const RESOURCE_ID = /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
// MaxResults and NextToken from API_ListGroupMembershipsForMember and API_ListGroupMemberships (1 to 100).
const PAGING: PagingRules = {
  maxResults: 100,
  tokenPattern: /^[-a-zA-Z0-9+=/:_]*$/,
  invalidToken: () => new AwsError("ValidationException", "NextToken: the pagination token is invalid"),
};

interface User {
  userId: string;
  userName: string;
  displayName: string;
}

interface Group {
  groupId: string;
  displayName: string;
  members: Map<string, string>;
}

interface Store {
  users: Map<string, User>;
  groups: Map<string, Group>;
}

export class IdentityStoreFake implements ServiceFake, PrincipalDirectory {
  readonly service = "identitystore";
  private readonly stores = new Map<string, Store>();

  constructor(private readonly ids: Ids) {}

  /** Adds a user; returns its UserId (UUID-shaped, as Identity Store issues them). */
  createUser(identityStoreId: string, userName: string, displayName = userName): string {
    const store = this.store(identityStoreId);
    if ([...store.users.values()].some((u) => u.userName === userName)) throw new Error(`user ${userName} exists`);
    const userId = this.ids.uuid();
    store.users.set(userId, { userId, userName, displayName });
    return userId;
  }

  /** Removes a user, as when someone leaves the directory. */
  deleteUser(identityStoreId: string, userId: string): void {
    const store = this.store(identityStoreId);
    if (!store.users.delete(userId)) throw new Error(`no user ${userId}`);
    for (const group of store.groups.values()) group.members.delete(userId);
  }

  /** Adds a group; `groupId` gives it a known id (a configured approver group), otherwise one is generated. */
  createGroup(identityStoreId: string, displayName: string, groupId = this.ids.uuid()): string {
    const store = this.store(identityStoreId);
    if (!RESOURCE_ID.test(groupId)) throw new Error(`not a group id: ${groupId}`);
    if (store.groups.has(groupId) || [...store.groups.values()].some((g) => g.displayName === displayName)) {
      throw new Error(`group ${displayName} (${groupId}) exists`);
    }
    store.groups.set(groupId, { groupId, displayName, members: new Map() });
    return groupId;
  }

  /** Makes the user a member of the group; returns the MembershipId. */
  addMember(identityStoreId: string, groupId: string, userId: string): string {
    const store = this.store(identityStoreId);
    const group = store.groups.get(groupId);
    if (!group || !store.users.has(userId)) throw new Error(`no group ${groupId} or user ${userId}`);
    const membershipId = group.members.get(userId) ?? this.ids.uuid();
    group.members.set(userId, membershipId);
    return membershipId;
  }

  /** Whether a user of that name belongs to the group, in whichever identity store holds the group. */
  isUserInGroup(userName: string, groupId: string): boolean {
    for (const store of this.stores.values()) {
      const group = store.groups.get(groupId);
      const user = [...store.users.values()].find((u) => u.userName === userName);
      if (group && user) return group.members.has(user.userId);
    }
    return false;
  }

  /** The id of the user of that name, in whichever identity store holds them. */
  userIdOf(userName: string): string | undefined {
    for (const store of this.stores.values()) {
      const user = [...store.users.values()].find((u) => u.userName === userName);
      if (user) return user.userId;
    }
    return undefined;
  }

  principalExists(identityStoreId: string, principalType: PrincipalType, principalId: string): boolean {
    const store = this.stores.get(identityStoreId);
    return Boolean(principalType === "USER" ? store?.users.has(principalId) : store?.groups.has(principalId));
  }

  async call(api: string, input: ApiInput): Promise<unknown> {
    switch (api) {
      case "GetUserId":
        return this.getUserId(input);
      case "DescribeUser":
        return this.describeUser(input);
      case "GetGroupId":
        return this.getGroupId(input);
      case "ListGroupMembershipsForMember":
        return this.listGroupMembershipsForMember(input);
      case "ListGroupMemberships":
        return this.listGroupMemberships(input);
      case "IsMemberInGroups":
        return this.isMemberInGroups(input);
      default:
        return unsupported(this.service, api);
    }
  }

  private getUserId(input: ApiInput) {
    const { id, store } = this.requestedStore(input);
    const userName = uniqueAttribute(input, "userName", "emails.value");
    const user = [...store.users.values()].find((u) => u.userName === userName);
    if (!user) throw notFound("USER", userName);
    return { IdentityStoreId: id, UserId: user.userId };
  }

  private describeUser(input: ApiInput) {
    const { id, store } = this.requestedStore(input);
    const userId = requireString(input, "UserId", RESOURCE_ID);
    const user = store.users.get(userId);
    if (!user) throw notFound("USER", userId);
    return { IdentityStoreId: id, UserId: user.userId, UserName: user.userName, DisplayName: user.displayName };
  }

  private getGroupId(input: ApiInput) {
    const { id, store } = this.requestedStore(input);
    const displayName = uniqueAttribute(input, "displayName");
    const group = [...store.groups.values()].find((g) => g.displayName === displayName);
    if (!group) throw notFound("GROUP", displayName);
    return { IdentityStoreId: id, GroupId: group.groupId };
  }

  private listGroupMembershipsForMember(input: ApiInput) {
    const { id, store } = this.requestedStore(input);
    const userId = memberUserId(input);
    if (!store.users.has(userId)) throw notFound("USER", userId);
    const memberships = [...store.groups.values()].flatMap((g) => {
      const membershipId = g.members.get(userId);
      return membershipId === undefined
        ? []
        : [{ IdentityStoreId: id, MembershipId: membershipId, GroupId: g.groupId, MemberId: { UserId: userId } }];
    });
    const { items, next } = page(memberships, input, PAGING);
    return { GroupMemberships: items, ...(next && { NextToken: next }) };
  }

  /** API_ListGroupMemberships: the group's memberships, a page at a time; an unknown group is ResourceNotFound. */
  private listGroupMemberships(input: ApiInput) {
    const { id, store } = this.requestedStore(input);
    const groupId = requireString(input, "GroupId", RESOURCE_ID);
    const group = store.groups.get(groupId);
    if (!group) throw notFound("GROUP", groupId);
    const memberships = [...group.members].map(([userId, membershipId]) => ({
      IdentityStoreId: id,
      MembershipId: membershipId,
      GroupId: groupId,
      MemberId: { UserId: userId },
    }));
    const { items, next } = page(memberships, input, PAGING);
    return { GroupMemberships: items, ...(next && { NextToken: next }) };
  }

  private isMemberInGroups(input: ApiInput) {
    const { store } = this.requestedStore(input);
    const userId = memberUserId(input);
    const groupIds = input.GroupIds;
    if (!Array.isArray(groupIds) || groupIds.length < 1 || groupIds.length > 100) {
      throw errors.validation("GroupIds", "must list 1 to 100 group ids");
    }
    return {
      Results: groupIds.map((groupId) => {
        if (typeof groupId !== "string" || !RESOURCE_ID.test(groupId)) {
          throw errors.validation("GroupIds", `must match ${RESOURCE_ID.source}`);
        }
        const group = store.groups.get(groupId);
        if (!group) throw notFound("GROUP", groupId);
        return { GroupId: groupId, MemberId: { UserId: userId }, MembershipExists: group.members.has(userId) };
      }),
    };
  }

  private store(identityStoreId: string): Store {
    if (!IDENTITY_STORE_ID.test(identityStoreId)) throw new Error(`not an identity store id: ${identityStoreId}`);
    let store = this.stores.get(identityStoreId);
    if (!store) {
      store = { users: new Map(), groups: new Map() };
      this.stores.set(identityStoreId, store);
    }
    return store;
  }

  private requestedStore(input: ApiInput): { id: string; store: Store } {
    const id = requireString(input, "IdentityStoreId", IDENTITY_STORE_ID);
    const store = this.stores.get(id);
    if (!store) throw notFound("IDENTITY_STORE", id);
    return { id, store };
  }
}

function notFound(resourceType: string, id: string): AwsError {
  return errors.notFound("ResourceNotFoundException", `${resourceType} ${id} not found`);
}

/**
 * The AttributeValue of `AlternateIdentifier.UniqueAttribute`. The API reference allows only `userName` and
 * `emails.value` for users (API_GetUserId) and `displayName` for groups (API_GetGroupId); the fake keeps no emails.
 */
function uniqueAttribute(input: ApiInput, ...validPaths: string[]): string {
  const identifier = input.AlternateIdentifier as { UniqueAttribute?: unknown; ExternalId?: unknown } | undefined;
  if (identifier?.ExternalId !== undefined) throw new Error("the simulator's identitystore fake has no ExternalIds");
  const attribute = identifier?.UniqueAttribute as { AttributePath?: unknown; AttributeValue?: unknown } | undefined;
  if (!attribute || typeof attribute.AttributePath !== "string" || !validPaths.includes(attribute.AttributePath)) {
    throw errors.validation("AlternateIdentifier.UniqueAttribute.AttributePath", `must be ${validPaths.join(" or ")}`);
  }
  if (attribute.AttributePath === "emails.value") throw new Error("the simulator's identitystore fake has no emails");
  if (typeof attribute.AttributeValue !== "string" || attribute.AttributeValue === "") {
    throw errors.validation("AlternateIdentifier.UniqueAttribute.AttributeValue", "must be a non-empty string");
  }
  return attribute.AttributeValue;
}

function memberUserId(input: ApiInput): string {
  const member = input.MemberId as ApiInput | undefined;
  if (!member || typeof member !== "object") throw errors.validation("MemberId", "is required");
  return requireString(member, "UserId", RESOURCE_ID);
}
