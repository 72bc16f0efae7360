/**
 * The example organization the simulation runs in, built from the two stacks' config: the accounts, the Identity
 * Center instance with the permission sets people can request, the people (a requester, two approvers in the
 * approver group, and someone outside it) and the organization trail's log group.
 */
import type { ManagementConfig } from "../../shared/config/management";
import type { RequesterConfig } from "../../shared/config/requester";
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
}

export const WORKLOAD_ACCOUNT = { id: "777788889999", name: "workloads-prod" };

export function populateOrganization(
  world: World,
  management: ManagementConfig,
  requester: RequesterConfig,
): Organization {
  const region = management.region;
  const orgs = world.organizations;
  const root = orgs.createOrganization(management.managementAccountId);
  orgs.createAccount(management.managementAccountId, "management", root);
  const infrastructure = orgs.createOrganizationalUnit(root, "Infrastructure");
  orgs.createAccount(management.requesterAccountId, "shared-services", infrastructure);
  const workloads = orgs.createOrganizationalUnit(root, "Workloads");
  const production = orgs.createOrganizationalUnit(workloads, "Production");
  orgs.createAccount(WORKLOAD_ACCOUNT.id, WORKLOAD_ACCOUNT.name, production);

  const { identityCenterInstanceArn: instanceArn, identityStoreId } = management;
  world.ssoAdmin.createInstance({ account: management.managementAccountId, instanceArn, identityStoreId, region });
  for (const name of management.requestablePermissionSets) world.ssoAdmin.createPermissionSet(instanceArn, name);

  const person = (userName: string, displayName: string): Person => ({
    userName,
    displayName,
    userId: world.identityStore.createUser(identityStoreId, userName, displayName),
  });
  const alice = person("alice", "Alice Requester");
  const approvers = [person("bob", "Bob Approver"), person("carol", "Carol Approver")];
  const mallory = person("mallory", "Mallory Outsider");
  if (!requester.approverGroupId) throw new Error("the simulation needs jit:approverGroupId on the requester side");
  const group = world.identityStore.createGroup(identityStoreId, "JIT approvers", requester.approverGroupId);
  for (const approver of approvers) world.identityStore.addMember(identityStoreId, group, approver.userId);

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
  };
}
