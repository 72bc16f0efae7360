import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { checkPrincipals } from "./principals";

export const busPolicyPrincipals: ResourceValidationPolicy = {
  name: "bus-policy-principals",
  description:
    'Event bus policies let in only account roots and roles with concrete account ids; Principal "*" only with an ' +
    "aws:PrincipalArn or aws:PrincipalOrgID condition.",
  enforcementLevel: "mandatory",
  validateResource: [
    validateResourceOfType(aws.cloudwatch.EventBusPolicy, (bus, args, report) =>
      checkPrincipals(bus.policy, args, report),
    ),
    // The older one-statement form of a bus policy: an account id (or "*") and an optional organization condition.
    validateResourceOfType(aws.cloudwatch.EventPermission, (permission, args, report) => {
      const condition = permission.condition && {
        [permission.condition.type]: { [permission.condition.key]: permission.condition.value },
      };
      const statement = {
        Sid: permission.statementId,
        Effect: "Allow",
        Principal: { AWS: permission.principal },
        Action: permission.action ?? "events:PutEvents",
        ...(condition && { Condition: condition }),
      };
      checkPrincipals({ Statement: [statement] }, args, report);
    }),
  ],
};
