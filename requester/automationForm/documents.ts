/**
 * The Automation form: the request runbook is itself the form (the Automation console's "Execute automation" page, or
 * `jit request`), for organizations without Change Manager. It waits for its approvals (aws:approve), then sends the
 * request to the management side's bus and ends. Who started it and who approved it are read by the management side
 * from this execution's own record (functions/requestCheck/changeRequest.ts).
 */
import type { RequestBounds } from "../../shared/accessRequest";
import { AUTO_APPROVE_PARAMETER, approvalStepName } from "../../shared/requestForm";
import { type AutomationDocument, defineParameters, type Ref, type Step } from "../../shared/ssm/model";
import { approve, branch } from "../../shared/ssm/steps";
import { formRefs, runbookParameters, sendRequestStep } from "../changeManager/documents";

export interface ApprovedRunbookArgs extends RequestBounds {
  assumeRoleArn: string;
  requestBusArn: string;
  /**
   * Who may approve: the ARNs of the approve permission set's Identity Center role in the requester account (with and
   * without its path: AWS does not document which form aws:approve matches a session against, and a role name is
   * unique in an account, so both name the one role), or the chat approver role's.
   */
  approvers: readonly string[];
  /** How many approvals each requestable permission set needs at most under the rules (at least one is asked). */
  approvalsBySet: Readonly<Record<string, number>>;
  /** Whether a holder of the no-approval permission set may skip approval (the management side checks who did). */
  autoApprovable: boolean;
  /** Hours each approval step waits before the request expires. */
  approvalTimeoutHours: number;
}

/**
 * aws:approve's MinRequiredApprovals "can't exceed the number of approvers defined by the Approvers parameter"
 * (automation-action-approve), and the approvers are one role: each approval a rule needs is one step of one
 * approval. The management side counts each person once, however many steps they approved.
 */
export function approvedRequestRunbook(args: ApprovedRunbookArgs): AutomationDocument {
  const autoApprove = {
    type: "String",
    description:
      "true to skip approval: only for holders of the no-approval permission set, and only where the eligibility rules need no approval (others are refused).",
    allowedValues: ["false", "true"],
    default: "false",
  } as const;
  const parameters = args.autoApprovable
    ? defineParameters({ ...runbookParameters(args).specs, [AUTO_APPROVE_PARAMETER]: autoApprove })
    : runbookParameters(args);
  const send = sendRequestStep(formRefs(parameters.refs), args.requestBusArn);
  const approvals = approvalSteps(args, parameters.refs.PermissionSet, send);
  const steps: Step[] = [];
  if (args.autoApprovable) {
    const asked = (parameters.refs as Record<string, Ref>)[AUTO_APPROVE_PARAMETER];
    steps.push(
      branch(
        "Skip_Approval_If_Asked",
        [{ when: { variable: asked, operator: "StringEquals", value: "true" }, next: send }],
        approvals[0],
      ),
    );
  }
  return {
    kind: "Automation",
    description:
      "Asks for temporary access to an AWS account through IAM Identity Center: waits for approval, then sends the request to the management account, which grants it or says why not.",
    assumeRole: args.assumeRoleArn,
    parameters,
    steps: [...steps, ...approvals, send],
  };
}

/**
 * One approval step per approval the permission set's rules may need (at least one): approval n (after the first) is
 * reached only for the sets whose rules need n or more, the others go on to send the request.
 */
function approvalSteps(args: ApprovedRunbookArgs, permissionSet: Ref, send: Step): Step[] {
  const most = Math.max(1, ...Object.values(args.approvalsBySet));
  const steps: Step[] = [];
  let next = send;
  for (let n = most; n >= 1; n--) {
    const approval = approve(
      approvalStepName(n),
      {
        message:
          n === 1
            ? "Approve or reject this request for temporary AWS account access."
            : `Approval ${n} of this request for temporary AWS account access: its rules need approvals by ${n} different people.`,
        approvers: args.approvers,
        minRequiredApprovals: 1,
      },
      { timeoutSeconds: args.approvalTimeoutHours * 3600, nextStep: next },
    );
    steps.unshift(approval);
    next = approval;
    if (n === 1) break;
    const needing = Object.entries(args.approvalsBySet)
      .filter(([, count]) => count >= n)
      .map(([set]) => ({ variable: permissionSet, operator: "StringEquals" as const, value: set }));
    const gate = branch(
      `Needs_Approval_${n}`,
      [{ when: needing.length === 1 ? needing[0] : { or: needing }, next: approval }],
      send,
    );
    steps.unshift(gate);
    next = gate;
  }
  return steps;
}
