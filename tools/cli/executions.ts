/** Reading Automation executions (access requests and grant workflows) the way the commands show them. */
import {
  type AutomationExecution,
  type AutomationExecutionMetadata,
  GetAutomationExecutionCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { CliFailure } from "./errors";

export async function execution(ssm: SSMClient, id: string): Promise<AutomationExecution> {
  const { AutomationExecution: x } = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }));
  if (!x) throw new CliFailure(`execution ${id} was not found`);
  return x;
}

/** What an access request asked for, from a change request's runbook or a grant workflow's own parameters. */
export interface RequestDetails {
  account?: string;
  permissionSet?: string;
  duration?: string;
  requestingUser?: string;
  justification?: string;
}

export function requestDetails(x: AutomationExecution | AutomationExecutionMetadata): RequestDetails {
  const parameters = x.Runbooks?.[0]?.Parameters ?? ("Parameters" in x ? x.Parameters : undefined) ?? {};
  const first = (name: string) => parameters[name]?.[0];
  return {
    account: first("AccountId"),
    permissionSet: first("PermissionSet"),
    duration: first("Duration"),
    requestingUser: first("RequestingUser"),
    justification: first("Justification"),
  };
}

/** The session name in `ExecutedBy` (an assumed-role ARN): an Identity Center user's user name. */
export function sessionName(executedBy: string | undefined): string | undefined {
  const match = /:assumed-role\/[^/]+\/(.+)$/.exec(executedBy ?? "");
  return match ? match[1] : executedBy;
}

/** Whether a request waits for its approvers (an aws:approve step: the template's, or the request runbook's). */
export function waitsForApproval(x: AutomationExecutionMetadata): boolean {
  if (x.AutomationExecutionStatus === "PendingApproval") return true;
  return x.AutomationExecutionStatus === "Waiting" && (x.CurrentAction ?? "aws:approve") === "aws:approve";
}
