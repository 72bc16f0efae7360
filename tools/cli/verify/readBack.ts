/**
 * Reading back the records of one access request (a change request, or the Automation form's request runbook
 * execution) across both accounts (its runbook, its grant workflow, the organization trail) and turning them into
 * findings: what `jit verify --records <id>` does, and what the self-test does after its own request.
 */
import type { AutomationExecution } from "@aws-sdk/client-ssm";
import { patterns } from "../../../shared/patterns";
import type { Clients } from "../context";
import { UsageError } from "../errors";
import { execution } from "../executions";
import { CANCELLATION_BUDGET_MS, pace, throttling } from "./measures";
import {
  approverReadings,
  changeRequestRecord,
  consoleRunbookParameters,
  type Finding,
  lambdaStringPayload,
  runbookParentLink,
} from "./readings";
import { changeRequestStart, findExecution, type TrailWindow, throttledCalls } from "./records";

/**
 * The grant workflow's step that invokes the request check, the step that assigns (the same step: the check grants
 * what it lets through, and returns once Identity Center has), and the step only a grant reaches (its notification).
 */
export const GRANT_STEPS = {
  check: "Check_And_Grant",
  assignFrom: "Check_And_Grant",
  assignTo: "Check_And_Grant",
  granted: "Notify_Access_Granted",
} as const;

export interface RequestRecords {
  /** What the request was raised as: the change request, or (Automation form) the request runbook's execution. */
  request: AutomationExecution;
  runbook?: AutomationExecution;
  grant?: AutomationExecution;
}

/** The request `id` (requester account) and what it led to: its runbook, and the grant workflow it started. */
export async function readRequestRecords(
  requester: Clients,
  management: Clients,
  id: string,
  grantDocument: string,
): Promise<RequestRecords> {
  if (!patterns.automationExecutionId.test(id)) {
    throw new UsageError(`--records ${JSON.stringify(id)} is not ${patterns.automationExecutionId.rule}`);
  }
  const request = await execution(requester.ssm, id);
  // A change request names its runbook and the runbook's parameters; the Automation form's request is the runbook.
  const runbookSpec = request.Runbooks?.[0] ?? { DocumentName: request.DocumentName, Parameters: request.Parameters };
  const justification = runbookSpec.Parameters?.Justification?.[0];
  if (!runbookSpec.DocumentName || justification === undefined) {
    throw new UsageError(`${id} is an execution of ${request.DocumentName}, not an access request`);
  }
  const since = request.ExecutionStartTime?.getTime() ?? 0;
  const runbook = isChangeRequest(request)
    ? await findExecution(
        requester.ssm,
        runbookSpec.DocumentName,
        { name: "Justification", value: justification },
        since,
      )
    : request;
  const grant =
    runbook?.AutomationExecutionId &&
    (await findExecution(
      management.ssm,
      grantDocument,
      { name: "RequesterExecutionId", value: runbook.AutomationExecutionId },
      since,
    ));
  return { request, runbook, grant: grant || undefined };
}

export const isChangeRequest = (x: AutomationExecution) => x.AutomationSubtype === "ChangeRequest";

export interface ReadBackOptions {
  /** Who raised the request: the self-test (through the CLI), or someone else (--records, perhaps in the console). */
  raisedBy: "self-test" | "records";
  /** What the request sent to StartChangeRequestExecution, when the self-test raised it. */
  sent?: { autoApprove: boolean; name: boolean };
  /** The trail's log group, read over the request's lifetime. */
  trail: Omit<TrailWindow, "from" | "to">;
  now: number;
  /** When the self-test cancelled the grant, and when the workflow had ended. */
  cancellation?: { stoppedAt: number; endedAt: number };
}

/** The findings the records of one request show. */
export async function findingsOf(records: RequestRecords, options: ReadBackOptions): Promise<Finding[]> {
  const { request, runbook, grant } = records;
  const findings: Finding[] = [...approverReadings(request)];
  if (runbook) {
    findings.push(runbookParentLink(runbook), consoleRunbookParameters(runbook, options.raisedBy === "records"));
  }
  if (grant) {
    findings.push(
      lambdaStringPayload(grant, GRANT_STEPS.check),
      pace({
        grant,
        assignmentSteps: { from: GRANT_STEPS.assignFrom, to: GRANT_STEPS.assignTo },
        cancellation: options.cancellation,
      }),
    );
  }
  const from = request.ExecutionStartTime?.getTime() ?? options.now;
  const window: TrailWindow = { ...options.trail, from, to: options.now };
  const id = request.AutomationExecutionId ?? "";
  let record: Record<string, unknown> | undefined;
  let throttled: string[] | undefined;
  try {
    // The Automation form raises no change request (buildReport says which readings it leaves out).
    record = isChangeRequest(request) ? await changeRequestStart(window, id) : undefined;
    throttled = await throttledCalls(window);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    findings.push({
      dimension: "changeRequestRecord",
      evidence: `the trail's log group ${options.trail.logGroupName} could not be read: ${reason}`,
      needs: "read access to the organization trail's log group in the management account (--trail-log-group)",
    });
    return [...findings, throttling(undefined)];
  }
  findings.push(changeRequestRecord(record, options.sent), throttling(throttled));
  return findings;
}

export { CANCELLATION_BUDGET_MS };
