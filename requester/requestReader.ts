import * as pulumi from "@pulumi/pulumi";
import { allow, policy } from "../shared/iam";
import { IDENTITY_CENTER_ROLE_PATH } from "../shared/identityCenter";
import type { Names } from "../shared/naming";
import { namesAnUntaggedRequester } from "../shared/requestOwnership";
import { roleWithPolicy } from "../shared/resources";

export interface RequestReaderArgs {
  account: string;
  /** The management side's request check role, which may assume the reader role (as may the end function's). */
  requestCheckRoleArn: string;
  names: Names;
  tags: Record<string, string>;
}

/**
 * The read-only role the management side's request check reads a request's runbook execution and change request with
 * (who raised it, who approved it, with which values): AWS's record, where the request event is only the
 * requester account's word.
 */
export class RequestReader extends pulumi.ComponentResource {
  readonly role: pulumi.Output<string>;
  readonly refuserRole: pulumi.Output<string>;

  constructor(name: string, args: RequestReaderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:requester:RequestReader", name, {}, opts);
    const { names, account } = args;
    const role = roleWithPolicy(
      `${name}-role`,
      {
        roleName: names.requester.requestReaderRole,
        description: "Lets the IAM Identity Center JIT request check read access request executions",
        trust: policy({
          Effect: "Allow",
          // The request check; the end function, which reads who asked for an early end (functions/endAccess/); the
          // request notifier, which reads what a change request asks for (functions/requestNotifier/).
          Principal: {
            AWS: [args.requestCheckRoleArn, names.crossSide.endFunctionRoleArn, names.crossSide.requestNotifierRoleArn],
          },
          Action: "sts:AssumeRole",
        }),
        policy: policy(
          allow("ReadRequestExecutions", ["ssm:GetAutomationExecution"], names.arn.automationExecutions(account)),
          // The notifier's screen reads whether a request names its requester (functions/requestNotifier/ownership.ts).
          allow("ReadRequestTags", ["ssm:ListTagsForResource"], names.arn.automationExecutions(account)),
          // The request check refuses a run of any version of the request runbook but its default one.
          allow(
            "ReadRequestRunbookVersion",
            ["ssm:DescribeDocument"],
            names.arn.document(account, names.requester.requestRunbook),
          ),
          // The end function finds a change request's runbook (its child execution) with this listing.
          allow("ListRequestExecutions", ["ssm:DescribeAutomationExecutions"], "*"),
          // To confirm a session's role is Identity Center's: only roles under its path can be read.
          allow(
            "ReadIdentityCenterRoles",
            ["iam:GetRole"],
            names.arn.role(account, `${IDENTITY_CENTER_ROLE_PATH.slice(1)}*`),
          ),
        ),
        tags: args.tags,
      },
      { parent: this },
    );
    // The request notifier's screen stops a request no rule could grant (functions/requestNotifier/refusal.ts), and
    // names the requester of one it admits (./ownership.ts): a role of its own, so that the reader stays read-only.
    // Stopping, and adding the requester's tag to an execution without one, is all it may do.
    const refuser = roleWithPolicy(
      `${name}-refuser-role`,
      {
        roleName: names.requester.requestRefuserRole,
        description:
          "Lets the IAM Identity Center JIT request notifier stop a request no eligibility rule could grant, and tag one it admits with its requester",
        trust: policy({
          Effect: "Allow",
          Principal: { AWS: names.crossSide.requestNotifierRoleArn },
          Action: "sts:AssumeRole",
        }),
        policy: policy(
          allow("StopRefusedRequests", ["ssm:StopAutomationExecution"], names.arn.automationExecutions(account)),
          allow(
            "TagRequester",
            ["ssm:AddTagsToResource"],
            names.arn.automationExecutions(account),
            namesAnUntaggedRequester,
          ),
        ),
        tags: args.tags,
      },
      { parent: this },
    );
    this.role = role.arn;
    this.refuserRole = refuser.arn;
    this.registerOutputs({ roleArn: role.arn, refuserRoleArn: refuser.arn });
  }
}
