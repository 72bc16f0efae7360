/**
 * The example organization the simulation runs in, built from the two stacks' config: the accounts, the Identity
 * Center instance with the permission sets people can request, the people (a requester, two approvers in the
 * approver group, and someone outside it) and the organization trail's log group.
 */
import type { ManagementConfig } from "../../shared/config/management";
import type { RequesterConfig } from "../../shared/config/requester";
import { EXISTING_SET_SESSION_DURATION, permissionSetArn } from "../mocks";
import type { World } from "./world";

export interface Person {
  userName: string;
  displayName: string;
  userId: string;
}

export interface Organization {
  managementAccount: string;
  requesterAccount: string;
  /** The account people ask for access to. */
  workloadAccount: { id: string; name: string };
  region: string;
  instanceArn: string;
  identityStoreId: string;
  requester: Person;
  approvers: Person[];
  outsider: Person;
  requestablePermissionSets: readonly string[];
  solutionPermissionSets: { request: string; requestNoApproval: string; approve: string };
  /** The group everyone who may raise a request is in (Mallory too: she may ask, the rules turn her away). */
  requesterGroupId: string;
  /** The group of the approvers (the requester stack's jit:approverGroupId). */
  approverGroupId: string;
}

export const WORKLOAD_ACCOUNT = { id: "777788889999", name: "workloads-prod" };

/** The organization's root and units, with the ids the example config's eligibility rules name. */
export const EXAMPLE_ORGANIZATION = {
  root: "r-ab12",
  infrastructure: "ou-ab12-infr0001",
  workloads: "ou-ab12-wkld0001",
  production: "ou-ab12-prod0001",
} as const;

/** The approvers' group when neither the requester side nor the rules name one. */
const APPROVERS_GROUP_ID = "9067a1b2c3-0000abcd-12ab-34cd-56ef-1234567890ab";

export function populateOrganization(
  world: World,
  management: ManagementConfig,
  requester: RequesterConfig,
): Organization {
  const region = management.region;
  const orgs = world.organizations;
  const ids = EXAMPLE_ORGANIZATION;
  const root = orgs.createOrganization(management.managementAccountId, ids.root);
  orgs.createAccount(management.managementAccountId, "management", root);
  const infrastructure = orgs.createOrganizationalUnit(root, "Infrastructure", ids.infrastructure);
  orgs.createAccount(management.requesterAccountId, "shared-services", infrastructure);
  const workloads = orgs.createOrganizationalUnit(root, "Workloads", ids.workloads);
  const production = orgs.createOrganizationalUnit(workloads, "Production", ids.production);
  orgs.createAccount(WORKLOAD_ACCOUNT.id, WORKLOAD_ACCOUNT.name, production);

  const { identityCenterInstanceArn: instanceArn, identityStoreId } = management;
  world.ssoAdmin.createInstance({ account: management.managementAccountId, instanceArn, identityStoreId, region });
  // With the ARNs the plan looked up (tools/mocks.ts answers as the provider would), which the policies name. The
  // `jit verify` canary is not there before: the management stack creates it.
  for (const name of management.requestablePermissionSets.filter((n) => n !== management.verify?.permissionSet)) {
    world.ssoAdmin.createPermissionSet(instanceArn, name, {
      arn: permissionSetArn(instanceArn, name),
      sessionDuration: EXISTING_SET_SESSION_DURATION,
    });
  }

  const person = (userName: string, displayName: string): Person => ({
    userName,
    displayName,
    userId: world.identityStore.createUser(identityStoreId, userName, displayName),
  });
  const alice = person("alice", "Alice Requester");
  const approvers = [person("bob", "Bob Approver"), person("carol", "Carol Approver")];
  const mallory = person("mallory", "Mallory Outsider");
  // The Automation form names no approver group: the approvers are the first approver group the rules name.
  const approverGroupId =
    requester.approverGroupId ?? management.eligibility.flatMap((r) => r.approverGroups)[0] ?? APPROVERS_GROUP_ID;
  // Every group the eligibility rules admit requesters from has the requester and the approvers in it (approvers are
  // engineers too, so one can try to approve their own request); approver groups have the approvers. Mallory is in
  // none of them.
  const members = new Map<string, Set<Person>>();
  const join = (groupId: string, people: Person[]) =>
    members.set(groupId, new Set([...(members.get(groupId) ?? []), ...people]));
  join(approverGroupId, approvers);
  for (const rule of management.eligibility) {
    for (const g of rule.groups) join(g, [alice, ...approvers]);
    for (const g of rule.approverGroups) join(g, approvers);
  }
  [...members].forEach(([groupId, people], i) => {
    const name = groupId === approverGroupId ? "JIT approvers" : `Group ${i}`;
    const group = world.identityStore.createGroup(identityStoreId, name, groupId);
    for (const person of people) world.identityStore.addMember(identityStoreId, group, person.userId);
  });
  const requesterGroupId = world.identityStore.createGroup(identityStoreId, "JIT requesters");
  for (const person of [alice, ...approvers, mallory]) {
    world.identityStore.addMember(identityStoreId, requesterGroupId, person.userId);
  }

  if (management.cloudTrailSummary.enabled) {
    const trail = { account: management.managementAccountId, region, name: management.cloudTrailSummary.logGroupName };
    world.logs.createLogGroup(trail.account, trail.region, trail.name);
    world.trail = trail;
  }
  return {
    managementAccount: management.managementAccountId,
    requesterAccount: management.requesterAccountId,
    workloadAccount: WORKLOAD_ACCOUNT,
    region,
    instanceArn,
    identityStoreId,
    requester: alice,
    approvers,
    outsider: mallory,
    requestablePermissionSets: management.requestablePermissionSets,
    solutionPermissionSets: management.solutionPermissionSets,
    requesterGroupId,
    approverGroupId,
  };
}

/**
 * What the administrator does once the management stack has made the solution's permission sets (README, "The
 * management side"): assigns the requester account to the requesters' group with the request sets and to the
 * approvers' group with the approve set. Identity Center provisions each set to the account as it is assigned
 * (API_CreateAccountAssignment), which creates the roles people sign in with there.
 */
export function assignSolutionPermissionSets(world: World, org: Organization): void {
  const sets = org.solutionPermissionSets;
  const assign = (permissionSet: string, groupId: string) =>
    world.ssoAdmin.createStandingAssignment(org.instanceArn, {
      accountId: org.requesterAccount,
      permissionSetArn: world.ssoAdmin.permissionSetArn(org.instanceArn, permissionSet),
      principalType: "GROUP",
      principalId: groupId,
    });
  assign(sets.request, org.requesterGroupId);
  assign(sets.requestNoApproval, org.requesterGroupId);
  assign(sets.approve, org.approverGroupId);
}
