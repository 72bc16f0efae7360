/**
 * What a reminder or an expiry notice shows of a request: the same facts as the approval-required notification, read
 * from the request's execution, with the checks ./index.ts applies. There is no CloudTrail record behind a firing:
 * the principal is the execution's starter (or nobody, for an expiry), the time the firing's (or the expiry's).
 */
import type { AutomationExecution } from "@aws-sdk/client-ssm";
import { patterns } from "../../shared/patterns";
import { formValues } from "../../shared/requestEvents";
import type { ApprovalState } from "./approvalState";
import {
  accountName,
  checked,
  durationPattern,
  NOT_RECORDED,
  type NotifierClients,
  type NotifierSettings,
  opsItemId,
  shown,
  startTime,
} from "./index";
import type { RequestFacts } from "./message";

export async function reminderFacts(
  execution: AutomationExecution,
  clients: Pick<NotifierClients, "organizations">,
  settings: NotifierSettings,
  state: Exclude<ApprovalState, { kind: "ended" }>,
  now: number,
): Promise<RequestFacts> {
  const runbook = formValues(execution, settings.requestForm);
  const accountId = checked(runbook.AccountId, patterns.accountId);
  return {
    executionId: execution.AutomationExecutionId ?? NOT_RECORDED,
    ...(settings.requestForm === "changeManager" && { opsItemId: checked(execution.OpsItemId, opsItemId) }),
    requestName: shown(execution.ChangeRequestName, "(none given)"),
    startTime: startTime(execution.ScheduledTime),
    accountId,
    accountName: await accountName(clients.organizations, accountId),
    permissionSet: checked(runbook.PermissionSet, patterns.permissionSetName),
    duration: checked(runbook.Duration, durationPattern),
    requestingUser: checked(runbook.RequestingUser, patterns.userName),
    justification: checked(runbook.Justification, patterns.justification),
    principalId: state.kind === "waiting" ? shown(execution.ExecutedBy) : "(nobody: the request expired)",
    sourceIpAddress: NOT_RECORDED,
    eventTime: new Date(state.kind === "waiting" ? now : state.endedAt).toISOString(),
    userAgent: NOT_RECORDED,
  };
}
