import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { type ReadStatement, readStatements } from "./policyDocument";
import { about } from "./violation";
import { mayUseAnyResource } from "./wildcardActions";

const ALLOWLIST = "policy/wildcardActions.ts";

/** Why an Allow statement grants too much on every resource, if it does. */
function statementProblems(s: ReadStatement): string[] {
  if (s.effect !== "Allow") return [];
  if (s.hasNotResource) {
    return [`statement ${s.label} uses NotResource, which allows its actions on every other resource`];
  }
  if (!s.resources.includes("*")) return [];
  if (s.notActions.length > 0) {
    return [`statement ${s.label} allows NotAction on Resource "*", which is every other action on everything`];
  }
  return s.actions
    .filter((action) => !mayUseAnyResource(action))
    .map((action) =>
      /[*?]/.test(action)
        ? `statement ${s.label} allows the action pattern ${action} on Resource "*"; name each action`
        : `statement ${s.label} allows ${action} on Resource "*"; name its resources, or, if it has no ` +
          `resource-level permissions, add it to the allowlist in ${ALLOWLIST}`,
    );
}

export const noWildcardResourcesInPermissionSets: ResourceValidationPolicy = {
  name: "no-wildcard-resources-in-permission-sets",
  description:
    'Permission set inline policies allow Resource "*" only for actions without resource-level permissions ' +
    `(and the Change Manager console's read-only exceptions), as listed in ${ALLOWLIST}.`,
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.ssoadmin.PermissionSetInlinePolicy, (inline, args, reportViolation) => {
    let statements: ReadStatement[];
    try {
      statements = readStatements(inline.inlinePolicy);
    } catch (e) {
      reportViolation(about(args, `inlinePolicy ${(e as Error).message}`));
      return;
    }
    for (const problem of statements.flatMap(statementProblems)) reportViolation(about(args, problem));
  }),
};
