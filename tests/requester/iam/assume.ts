/** Trust-policy checks the requester roles share: may a service assume the role, for this source? */
import type { PolicyDocument } from "../../../shared/iam";
import { type Decision, decide } from "../../support/iam";
import { automationExecutionArn, OTHER_ACCOUNT, OTHER_REGION, REQUESTER } from "../fixtures";

/** `service` assumes the role `role` (its trust policy `trust`), on behalf of `sourceArn` in `sourceAccount`. */
export function assume(
  trust: PolicyDocument,
  role: string,
  service: string,
  source?: { arn: string; account: string },
): Promise<Decision> {
  return decide({
    principal: service,
    action: "sts:AssumeRole",
    resource: role,
    resourceAccount: REQUESTER,
    resourcePolicy: trust,
    context: source && { "aws:SourceAccount": source.account, "aws:SourceArn": source.arn },
  });
}

/** The cases of a role only Systems Manager Automation of the requester account may assume. */
export function automationTrustCases(): [string, string, { arn: string; account: string } | undefined, boolean][] {
  const execution = automationExecutionArn();
  return [
    [
      "Systems Manager, for an automation execution of this account",
      "ssm.amazonaws.com",
      { arn: execution, account: REQUESTER },
      true,
    ],
    [
      "Systems Manager, for an automation execution of another account",
      "ssm.amazonaws.com",
      { arn: automationExecutionArn(OTHER_ACCOUNT), account: OTHER_ACCOUNT },
      false,
    ],
    [
      "Systems Manager, claiming this account for another account's execution",
      "ssm.amazonaws.com",
      { arn: automationExecutionArn(OTHER_ACCOUNT), account: REQUESTER },
      false,
    ],
    [
      "Systems Manager, for an automation execution of this account in another region",
      "ssm.amazonaws.com",
      { arn: automationExecutionArn(REQUESTER, undefined, OTHER_REGION), account: REQUESTER },
      false,
    ],
    [
      "Systems Manager, for a command rather than an automation execution",
      "ssm.amazonaws.com",
      { arn: `arn:aws:ssm:eu-west-1:${REQUESTER}:command/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`, account: REQUESTER },
      false,
    ],
    ["Systems Manager, without a source", "ssm.amazonaws.com", undefined, false],
    ["another service (EventBridge)", "events.amazonaws.com", { arn: execution, account: REQUESTER }, false],
  ];
}
