/** The pack's policies, apart from index.ts because constructing a PolicyPack starts its gRPC server. */
import type { Policies } from "@pulumi/policy";
import { busPolicyPrincipals } from "./busPolicyPrincipals";
import { grantStateProtected } from "./grantState";
import { noWildcardResourcesInPermissionSets } from "./inlinePolicyResources";
import { requiredTags } from "./requiredTags";
import { resourcePolicyPrincipals } from "./resourcePolicyPrincipals";
import { boundedSessionDurations } from "./sessionDurations";

export const policies: Policies = [
  boundedSessionDurations,
  noWildcardResourcesInPermissionSets,
  requiredTags,
  busPolicyPrincipals,
  resourcePolicyPrincipals,
  grantStateProtected,
];
