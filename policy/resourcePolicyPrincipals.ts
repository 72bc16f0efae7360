import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { checkPrincipals } from "./principals";

export const resourcePolicyPrincipals: ResourceValidationPolicy = {
  name: "resource-policy-principals",
  description:
    "A topic policy or an Organizations resource policy (an organization may add them) follows the bus policies' " +
    'principal rule: account roots and roles with concrete account ids; Principal "*" only with an aws:PrincipalArn ' +
    "or aws:PrincipalOrgID condition. A topic policy may also let in an AWS service (CloudWatch publishing the " +
    "delivery alarms), only with an aws:SourceAccount or aws:SourceArn condition naming concrete accounts.",
  enforcementLevel: "advisory",
  validateResource: [
    validateResourceOfType(aws.sns.TopicPolicy, (topic, args, report) =>
      checkPrincipals(topic.policy, args, report, "policy", true),
    ),
    validateResourceOfType(aws.sns.Topic, (topic, args, report) => {
      if (topic.policy !== undefined) checkPrincipals(topic.policy, args, report, "policy", true);
    }),
    validateResourceOfType(aws.organizations.ResourcePolicy, (resource, args, report) =>
      checkPrincipals(resource.content, args, report, "content"),
    ),
  ],
};
