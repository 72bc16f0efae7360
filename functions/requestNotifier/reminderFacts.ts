/**
 * What a reminder or an expiry notice shows of a request: the same facts as the approval-required notification, read
 * from the request's execution (./facts.ts). There is no CloudTrail record behind a firing: the principal is the
 * execution's starter (or nobody, for an expiry), the time the firing's (or the expiry's).
 */
import type { AutomationExecution } from "@aws-sdk/client-ssm";
import type { ApprovalState } from "./approvalState";
import { NOT_RECORDED, requestFacts, shown } from "./facts";
import type { NotifierClients, NotifierSettings } from "./index";
import type { RequestFacts } from "./message";

export function reminderFacts(
  execution: AutomationExecution,
  clients: Pick<NotifierClients, "organizations">,
  settings: Pick<NotifierSettings, "requestForm">,
  state: Exclude<ApprovalState, { kind: "ended" }>,
  now: number,
): Promise<RequestFacts> {
  return requestFacts(execution, settings.requestForm, clients.organizations, {
    principalId: state.kind === "waiting" ? shown(execution.ExecutedBy) : "(nobody: the request expired)",
    sourceIpAddress: NOT_RECORDED,
    eventTime: new Date(state.kind === "waiting" ? now : state.endedAt).toISOString(),
    userAgent: NOT_RECORDED,
  });
}
