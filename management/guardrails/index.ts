import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Names } from "../../shared/naming";
import { guardrailPolicyText, requesterGuardrailPolicy } from "./policy";

export interface RequesterGuardrailsArgs {
  names: Names;
  requesterAccountId: string;
  /** The role CI deploys the requester stack with (`jit:guardrails.requesterDeployRoleArn`). */
  deployRoleArn: string;
  /** The solution's permission sets whose users link their own chat role (`jit:chatbotUserRoles`), if any. */
  chatUserPermissionSets?: string[];
  tags: Record<string, string>;
}

/**
 * `jit:guardrails`: the requester account's service control policy (./policy.ts), attached to that account. The
 * management side deploys it because it runs in the organization's management account, the one that may manage SCPs;
 * an SCP never applies there, so the management side's own trust points are guarded otherwise (README, "Guardrails").
 */
export class RequesterGuardrails extends pulumi.ComponentResource {
  readonly policyId: pulumi.Output<string>;

  constructor(name: string, args: RequesterGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:RequesterGuardrails", name, {}, opts);
    const parent = { parent: this };
    const content = guardrailPolicyText(
      requesterGuardrailPolicy({
        names: args.names,
        requesterAccountId: args.requesterAccountId,
        deployRoleArn: args.deployRoleArn,
        chatUserPermissionSets: args.chatUserPermissionSets,
      }),
    );
    const scp = new aws.organizations.Policy(
      `${name}-scp`,
      {
        name: args.names.management.requesterGuardrailPolicy,
        description: `JIT access (${args.names.base}): only the deploying role writes the solution's resources in the requester account; only Identity Center writes its roles and SAML providers`,
        type: "SERVICE_CONTROL_POLICY",
        content,
        tags: args.tags,
      },
      parent,
    );
    new aws.organizations.PolicyAttachment(
      `${name}-scp-attachment`,
      { policyId: scp.id, targetId: args.requesterAccountId },
      parent,
    );
    this.policyId = scp.id;
    this.registerOutputs({ policyId: this.policyId });
  }
}
