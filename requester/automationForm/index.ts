import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RequestBounds } from "../../shared/accessRequest";
import {
  IDENTITY_CENTER_ROLE_PATH,
  identityCenterRoleNameRegex,
  roleArnWithoutPath,
} from "../../shared/identityCenter";
import type { Names } from "../../shared/naming";
import { toYaml } from "../../shared/ssm/serialize";
import { requestFormComponentTag } from "../../shared/tags";
import { requestRole } from "../changeManager";
import { approvedRequestRunbook } from "./documents";

export interface AutomationFormArgs {
  account: string;
  bounds: pulumi.Input<RequestBounds>;
  requestBusArn: pulumi.Input<string>;
  /** Who approves: the approve permission set's name (its Identity Center role is looked up), or the chat role's ARN. */
  approver: { permissionSet: string } | { roleArn: pulumi.Input<string> };
  approvalsBySet: Record<string, number>;
  autoApprovable: boolean;
  approvalTimeoutHours: number;
  names: Names;
  tags: Record<string, string>;
}

/**
 * The Automation form: the request runbook people start themselves (no Change Manager), which asks for its approvals
 * and then sends the request, with the role it sends it as.
 */
export class AutomationForm extends pulumi.ComponentResource {
  readonly runbook: aws.ssm.Document;
  readonly requestRole: aws.iam.Role;
  /** The principals the runbook's approval steps admit. */
  readonly approvers: pulumi.Output<string[]>;

  constructor(name: string, args: AutomationFormArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:requester:AutomationForm", name, {}, opts);
    const parent = { parent: this };
    const { names, account, tags } = args;
    this.requestRole = requestRole(
      `${name}-request-role`,
      { account, requestBusArn: args.requestBusArn, names, tags },
      parent,
    );
    this.approvers =
      "permissionSet" in args.approver
        ? approveSetRole(args.approver.permissionSet, account, this)
        : pulumi.output(args.approver.roleArn).apply((arn) => [arn]);

    this.runbook = new aws.ssm.Document(
      `${name}-runbook`,
      {
        name: names.requester.requestRunbook,
        documentType: "Automation",
        documentFormat: "YAML",
        content: pulumi
          .all([this.requestRole.arn, args.requestBusArn, args.bounds, this.approvers])
          .apply(([assumeRoleArn, requestBusArn, bounds, approvers]) =>
            toYaml(
              approvedRequestRunbook({
                ...bounds,
                assumeRoleArn,
                requestBusArn,
                approvers,
                approvalsBySet: args.approvalsBySet,
                autoApprovable: args.autoApprovable,
                approvalTimeoutHours: args.approvalTimeoutHours,
              }),
            ),
          ),
        tags: { ...tags, [requestFormComponentTag.key]: requestFormComponentTag.value },
      },
      parent,
    );
    this.registerOutputs({ runbookName: this.runbook.name, approvers: this.approvers });
  }
}

/**
 * The approve permission set's role in the requester account, which IAM Identity Center made when the set was
 * assigned there: its ARN as IAM gives it, and without its path.
 */
function approveSetRole(permissionSet: string, account: string, parent: pulumi.Resource): pulumi.Output<string[]> {
  return aws.iam
    .getRolesOutput(
      { pathPrefix: IDENTITY_CENTER_ROLE_PATH, nameRegex: identityCenterRoleNameRegex(permissionSet) },
      { parent },
    )
    .apply(({ arns }) => {
      if (arns.length !== 1) {
        throw new Error(
          `the approve permission set ${permissionSet} has ${arns.length === 0 ? "no" : arns.length} IAM Identity Center role(s) in account ${account}: assign it there (to the approvers' group) before deploying the Automation form, which names the role as its approver`,
        );
      }
      return [arns[0], roleArnWithoutPath(arns[0])];
    });
}
