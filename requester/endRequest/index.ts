import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allow, policy, serviceTrust } from "../../shared/iam";
import type { Names } from "../../shared/naming";
import { roleWithPolicy } from "../../shared/resources";
import { toYaml } from "../../shared/ssm/serialize";
import { endAccessDocument } from "./document";

export interface EndRequestArgs {
  account: string;
  /** The management side's request bus. */
  requestBusArn: pulumi.Input<string>;
  names: Names;
  tags: Record<string, string>;
}

/**
 * The end-access document (./document.ts) and the role it sends the end request with. The request and approve
 * permission sets may start it (management/permissionSets.ts); the management side decides whether it ends anything.
 */
export class EndRequest extends pulumi.ComponentResource {
  readonly document: aws.ssm.Document;
  readonly role: aws.iam.Role;

  constructor(name: string, args: EndRequestArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:requester:EndRequest", name, {}, opts);
    const parent = { parent: this };
    const { names, account, tags } = args;
    const { requester, arn } = names;

    this.role = roleWithPolicy(
      `${name}-role`,
      {
        roleName: requester.endAccessRole,
        description: "Sends requests to end IAM Identity Center JIT grants early to the management account",
        trust: serviceTrust("ssm.amazonaws.com", { account, sourceArn: arn.automationExecutions(account) }),
        policy: policy(allow("SendEndRequest", ["events:PutEvents"], args.requestBusArn)),
        tags,
      },
      parent,
    );

    this.document = new aws.ssm.Document(
      `${name}-document`,
      {
        name: requester.endAccessDocument,
        documentType: "Automation",
        documentFormat: "YAML",
        content: pulumi
          .all([this.role.arn, args.requestBusArn])
          .apply(([assumeRoleArn, requestBusArn]) => toYaml(endAccessDocument({ assumeRoleArn, requestBusArn }))),
        tags,
      },
      parent,
    );

    this.registerOutputs({ documentName: this.document.name, roleArn: this.role.arn });
  }
}
