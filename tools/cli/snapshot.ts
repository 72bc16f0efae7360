/** An execution's state as `jit status` shows it, read once or followed until the execution ends. */
import { type AutomationExecution, GetAutomationExecutionCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { hasEnded } from "../../shared/automationStatus";
import { CliFailure } from "./errors";
import { type RequestDetails, requestDetails } from "./executions";
import { checkExecutionId } from "./signal";

export interface ExecutionSnapshot {
  id: string;
  document: string;
  status: string;
  /** The step the execution is at, if one is running or waiting. */
  currentStep?: string;
  changeRequestName?: string;
  /** A change request's runbook, which runs once the template's approval steps are done. */
  runbook?: string;
  request: RequestDetails;
  steps: { name: string; status: string; failure?: string }[];
  started?: string;
  ended?: string;
  failure?: string;
}

const STEP_DONE: ReadonlySet<string> = new Set(["Success", "Failed", "TimedOut", "Cancelled"]);

export async function readSnapshot(ssm: SSMClient, id: string): Promise<ExecutionSnapshot> {
  checkExecutionId(id);
  const { AutomationExecution: x } = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }));
  if (!x) throw new CliFailure(`execution ${id} was not found`);
  const steps = (x.StepExecutions ?? []).map((s) => ({
    name: s.StepName ?? "",
    status: s.StepStatus ?? "",
    ...(s.FailureMessage && { failure: s.FailureMessage }),
  }));
  return {
    id,
    document: x.DocumentName ?? "",
    status: x.AutomationExecutionStatus ?? "",
    currentStep: currentStep(x, steps),
    changeRequestName: x.ChangeRequestName,
    runbook: x.Runbooks?.[0]?.DocumentName,
    request: requestDetails(x),
    steps,
    started: x.ExecutionStartTime?.toISOString(),
    ended: x.ExecutionEndTime?.toISOString(),
    failure: x.FailureMessage,
  };
}

/** CurrentStepName, unless the execution has ended or that step has (a change request running its runbook). */
function currentStep(x: AutomationExecution, steps: ExecutionSnapshot["steps"]): string | undefined {
  const name = x.CurrentStepName;
  if (!name || hasEnded(x.AutomationExecutionStatus)) return undefined;
  const latest = steps.filter((s) => s.name === name).at(-1);
  return latest && STEP_DONE.has(latest.status) ? undefined : name;
}

export interface WatchDeps {
  intervalMs: number;
  sleep(ms: number): Promise<void>;
  /** Called with each snapshot that differs from the one before, and the lines that changed. */
  onChange(snapshot: ExecutionSnapshot, changes: string[]): void;
}

/** Polls until the execution ends; returns its last snapshot. */
export async function watchSnapshots(ssm: SSMClient, id: string, deps: WatchDeps): Promise<ExecutionSnapshot> {
  const seen = new Map<string, string>();
  for (;;) {
    const snapshot = await readSnapshot(ssm, id);
    const changes = progressLines(snapshot).filter(([key, line]) => seen.get(key) !== line);
    for (const [key, line] of changes) seen.set(key, line);
    if (changes.length > 0)
      deps.onChange(
        snapshot,
        changes.map(([, line]) => line),
      );
    if (hasEnded(snapshot.status)) return snapshot;
    await deps.sleep(deps.intervalMs);
  }
}

/** One line per step run and one for the execution, keyed so a change of either shows once. */
function progressLines(s: ExecutionSnapshot): [string, string][] {
  const where = s.currentStep
    ? ` at ${s.currentStep}`
    : s.runbook && !hasEnded(s.status)
      ? `: approved, running ${s.runbook}`
      : "";
  return [
    ...s.steps.map((step, i): [string, string] => [
      `step ${i}`,
      `${step.name}: ${step.status}${step.failure ? ` (${step.failure})` : ""}`,
    ]),
    ["execution", `${s.document} ${s.status}${where}`],
  ];
}
