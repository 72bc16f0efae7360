import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allow, policy, serviceTrust } from "../shared/iam";
import type { Names } from "../shared/naming";
import { roleWithPolicy, ruleRole } from "../shared/resources";
import type { AutomationDocument } from "../shared/ssm/model";
import { toYaml } from "../shared/ssm/serialize";

export interface AlertRunbookArgs {
  account: string;
  names: Names;
  topicArn: pulumi.Input<string>;
  documentName: string;
  /** The role the document runs as, which may only publish to the topic, and its description. */
  roleName: string;
  roleDescription: string;
  /** The role the rules that start the document assume, its description, and those rules' ARNs. */
  ruleRoleName: string;
  ruleRoleDescription: string;
  ruleArns: string[];
  content: (args: { assumeRoleArn: string; topicArn: string }) => AutomationDocument;
  tags: Record<string, string>;
}

/**
 * What every alert shares: a document that publishes one Error notification (an EventBridge-to-SNS target cannot set
 * the event type subscribers filter on), the role it runs as, and the role its rule starts it with.
 */
export function alertRunbook(name: string, args: AlertRunbookArgs, opts: pulumi.CustomResourceOptions) {
  const { account, names, tags } = args;
  const { arn } = names;
  const runAs = roleWithPolicy(
    `${name}-role`,
    {
      roleName: args.roleName,
      description: args.roleDescription,
      trust: serviceTrust("ssm.amazonaws.com", { account, sourceArn: arn.automationExecutions(account) }),
      policy: policy(allow("Notify", ["sns:Publish"], args.topicArn)),
      tags,
    },
    opts,
  );
  const document = new aws.ssm.Document(
    `${name}-document`,
    {
      name: args.documentName,
      documentType: "Automation",
      documentFormat: "YAML",
      content: pulumi
        .all([runAs.arn, args.topicArn])
        .apply(([assumeRoleArn, topicArn]) => toYaml(args.content({ assumeRoleArn, topicArn }))),
      tags,
    },
    opts,
  );
  const startRole = ruleRole(
    `${name}-rule-role`,
    {
      roleName: args.ruleRoleName,
      description: args.ruleRoleDescription,
      account,
      ruleArns: args.ruleArns,
      startAutomation: arn.startAutomation(account, args.documentName),
      passRoleArns: [runAs.arn],
      tags,
    },
    opts,
  );
  return { document, startRole };
}
