import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allowAccount, type PolicyDocument, policy, principalArnCondition } from "../shared/iam";

export interface OrganizationsAccessArgs {
  requesterAccountRootArn: string;
  /** The requester side's notification role: it names accounts in notifications with DescribeAccount. */
  notificationRoleArn: string;
  /** Create the Organizations resource policy; false when the organization already has one to edit by hand. */
  createPolicy: boolean;
  tags: Record<string, string>;
}

/**
 * Lets the requester account look up account names (organizations:DescribeAccount) through the organization's
 * resource policy. An organization has one such policy, so Pulumi leaves it in place when the stack is destroyed
 * (retainOnDelete, as the sample's Retain) and it can be switched off when the policy exists already; the statement
 * is an output either way, to merge by hand.
 */
export class OrganizationsAccess extends pulumi.ComponentResource {
  readonly policy: PolicyDocument;

  constructor(name: string, args: OrganizationsAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:OrganizationsAccess", name, {}, opts);
    this.policy = policy(
      allowAccount(
        "JitRequesterDescribeAccount",
        args.requesterAccountRootArn,
        ["organizations:DescribeAccount"],
        "*",
        principalArnCondition([args.notificationRoleArn]),
      ),
    );
    if (args.createPolicy) {
      new aws.organizations.ResourcePolicy(
        `${name}-policy`,
        { content: JSON.stringify(this.policy), tags: args.tags },
        { parent: this, retainOnDelete: true },
      );
    }
    this.registerOutputs({ policy: this.policy });
  }
}
