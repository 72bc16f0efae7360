import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RequestBounds } from "../../shared/accessRequest";
import { allow, policy, serviceTrust } from "../../shared/iam";
import type { Names } from "../../shared/naming";
import { roleWithPolicy } from "../../shared/resources";
import type { ChangeTemplateApprover } from "../../shared/ssm/model";
import { toYaml } from "../../shared/ssm/serialize";
import { changeTemplateComponentTag } from "../../shared/tags";
import { changeTemplate, requestRunbook } from "./documents";

export interface ChangeManagerFormArgs {
  account: string;
  bounds: pulumi.Input<RequestBounds>;
  requestBusArn: pulumi.Input<string>;
  approver: pulumi.Input<ChangeTemplateApprover>;
  autoApprovable: boolean;
  /** Hours a pending request waits for its approvals before it expires. */
  approvalTimeoutHours: number;
  names: Names;
  tags: Record<string, string>;
}

/**
 * The role a request runbook runs as: it may only send the request to the management account's bus, and only
 * Automation in the requester account may assume it.
 */
export function requestRole(
  name: string,
  args: { account: string; requestBusArn: pulumi.Input<string>; names: Names; tags: Record<string, string> },
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  const { names, account } = args;
  return roleWithPolicy(
    name,
    {
      roleName: names.requester.requestRole,
      description: "Sends approved IAM Identity Center JIT access requests to the management account",
      trust: serviceTrust("ssm.amazonaws.com", { account, sourceArn: names.arn.automationExecutions(account) }),
      policy: policy(allow("SendRequest", ["events:PutEvents"], args.requestBusArn)),
      tags: args.tags,
    },
    opts,
  );
}

/**
 * The form people raise requests with: the Change Manager template (approval) and the runbook it runs, with the role
 * the runbook uses to send the request to the management account.
 */
export class ChangeManagerForm extends pulumi.ComponentResource {
  readonly template: aws.ssm.Document;
  readonly runbook: aws.ssm.Document;
  readonly requestRole: aws.iam.Role;

  constructor(name: string, args: ChangeManagerFormArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:requester:ChangeManagerForm", name, {}, opts);
    const parent = { parent: this };
    const { names, account, tags } = args;
    const { requester } = names;

    this.requestRole = requestRole(
      `${name}-request-role`,
      { account, requestBusArn: args.requestBusArn, names, tags },
      parent,
    );

    this.runbook = new aws.ssm.Document(
      `${name}-runbook`,
      {
        name: requester.requestRunbook,
        documentType: "Automation",
        documentFormat: "YAML",
        content: pulumi
          .all([this.requestRole.arn, args.requestBusArn, args.bounds])
          .apply(([assumeRoleArn, requestBusArn, bounds]) =>
            toYaml(requestRunbook({ ...bounds, assumeRoleArn, requestBusArn })),
          ),
        tags,
      },
      parent,
    );

    this.template = new aws.ssm.Document(
      `${name}-template`,
      {
        name: requester.changeTemplate,
        documentType: "Automation.ChangeTemplate",
        documentFormat: "YAML",
        content: pulumi.all([this.runbook.name, args.approver]).apply(([runbookName, approver]) =>
          toYaml(
            changeTemplate({
              runbookName,
              approver,
              autoApprovable: args.autoApprovable,
              approvalTimeoutHours: args.approvalTimeoutHours,
            }),
          ),
        ),
        tags: { ...tags, [changeTemplateComponentTag.key]: changeTemplateComponentTag.value },
      },
      parent,
    );

    this.registerOutputs({ templateName: this.template.name, runbookName: this.runbook.name });
  }
}
