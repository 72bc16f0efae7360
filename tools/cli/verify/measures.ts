/**
 * What the self-test measures and provokes, as findings: the pace of Automation and Identity Center, throttling seen
 * in the steps' attempts, what deleting a missing assignment does, and what cancelling a change request does to its
 * runbook.
 */
import type { AutomationExecution, StepExecution } from "@aws-sdk/client-ssm";
import type { AwsBehaviour } from "../../sim/variants";
import type { Finding } from "./readings";

/** A median gap between one step's end and the next one's start at or above this counts as slow scheduling. */
export const SLOW_STEP_GAP_MS = 5_000;
/** An assignment taking at least this long from its request to Identity Center's SUCCEEDED counts as slow. */
export const SLOW_ASSIGNMENT_MS = 15_000;
/** What Automation gives the steps an onCancel leads to (Automation's StopAutomationExecution). */
export const CANCELLATION_BUDGET_MS = 120_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const started = (s: StepExecution) => s.ExecutionStartTime?.getTime();
const ended = (s: StepExecution) => s.ExecutionEndTime?.getTime();

/** The grant workflow's steps, in the order they ran, with their times. */
function timedSteps(grant: AutomationExecution): StepExecution[] {
  return (grant.StepExecutions ?? []).filter((s) => started(s) !== undefined);
}

export interface PaceInputs {
  grant: AutomationExecution;
  /** The steps from the assignment request to Identity Center's answer. */
  assignmentSteps: { from: string; to: string };
  /** When the self-test asked for the cancellation, and when the workflow had ended. */
  cancellation?: { stoppedAt: number; endedAt: number };
}

/** Step scheduling and Identity Center's operations, as long as AWS took in this run. */
export function pace({ grant, assignmentSteps, cancellation }: PaceInputs): Finding<"pace"> {
  const steps = timedSteps(grant);
  const gaps: number[] = [];
  for (let i = 1; i < steps.length; i++) {
    const before = ended(steps[i - 1]);
    const after = started(steps[i]);
    if (before !== undefined && after !== undefined) gaps.push(Math.max(0, after - before));
  }
  const from = steps.find((s) => s.StepName === assignmentSteps.from);
  const to = steps.findLast((s) => s.StepName === assignmentSteps.to);
  const assignment =
    from && to && started(from) !== undefined && ended(to) !== undefined ? ended(to)! - started(from)! : undefined;
  if (gaps.length === 0 && assignment === undefined) {
    return {
      dimension: "pace",
      evidence: "the grant workflow ran no timed steps",
      needs: "a grant: run jit verify again",
    };
  }
  const gap = gaps.length > 0 ? median(gaps) : 0;
  const slow = gap >= SLOW_STEP_GAP_MS || (assignment ?? 0) >= SLOW_ASSIGNMENT_MS;
  const parts = [
    `median ${seconds(gap)} between steps (${gaps.length} gaps)`,
    assignment === undefined
      ? "no assignment timed"
      : `${seconds(assignment)} from ${assignmentSteps.from} to ${assignmentSteps.to}`,
  ];
  if (cancellation) {
    const took = cancellation.endedAt - cancellation.stoppedAt;
    parts.push(
      `the cancellation took ${seconds(took)} of the ${seconds(CANCELLATION_BUDGET_MS)} Automation gives it${took > CANCELLATION_BUDGET_MS ? " (OVER)" : ""}`,
    );
  }
  return {
    dimension: "pace",
    reading: slow ? "slow" : "quick",
    evidence: `${parts.join("; ")} (slow: a median gap of ${seconds(SLOW_STEP_GAP_MS)} or an assignment of ${seconds(SLOW_ASSIGNMENT_MS)} or more)`,
  };
}

/**
 * Throttling, as CloudTrail records it: a throttled call is logged with its error code (ThrottlingException, "Rate
 * exceeded"). AWS's execution records do not show a step's retries, so the trail is where it shows.
 */
export function throttling(throttled: readonly string[] | undefined): Finding<"throttling"> {
  if (throttled === undefined) {
    return {
      dimension: "throttling",
      evidence: "the trail's log group could not be read",
      needs: "the organization trail's log group: pass --trail-log-group, then run jit verify again",
    };
  }
  if (throttled.length > 0) {
    return {
      dimension: "throttling",
      reading: "first-call-throttled",
      evidence: `CloudTrail recorded ${throttled.length} throttled call(s) during the run: ${throttled.slice(0, 5).join(", ")}`,
    };
  }
  return {
    dimension: "throttling",
    reading: "none",
    evidence:
      "CloudTrail recorded no throttled call during the run (throttling depends on load; another run may differ)",
  };
}

/** What DeleteAccountAssignment of the canary assignment, once it was gone, did. */
export type MissingDeletion = { refused: string } | { status: string; reason?: string };

export function deleteMissingAssignment(outcome: MissingDeletion | undefined): Finding<"deleteMissingAssignment"> {
  if (!outcome) {
    return {
      dimension: "deleteMissingAssignment",
      evidence: "the canary assignment was not confirmed gone, so deleting it again would prove nothing",
      needs: "a run in which the canary's removal is confirmed",
    };
  }
  if ("refused" in outcome) {
    const notFound = /NotFound/i.test(outcome.refused);
    return {
      dimension: "deleteMissingAssignment",
      ...(notFound && { reading: "not-found" as const }),
      evidence: `DeleteAccountAssignment of the missing assignment was refused at once: ${outcome.refused}`,
      ...(!notFound && { needs: "a refusal the workflows know: tell the maintainers this error" }),
    };
  }
  const readings: Record<string, AwsBehaviour["deleteMissingAssignment"]> = {
    FAILED: "ends-failed",
    SUCCEEDED: "succeeds",
  };
  const reading = readings[outcome.status];
  return {
    dimension: "deleteMissingAssignment",
    ...(reading ? { reading } : {}),
    evidence: `DeleteAccountAssignment of the missing assignment was accepted and ended ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ""}`,
    ...(reading ? {} : { needs: "an operation that ends: run jit verify again" }),
  };
}

/** What cancelling the second canary change request did to its running runbook. */
export function changeRequestCancel(
  outcome: { runbookStatus: string; waitedMs: number } | { skipped: string },
): Finding<"changeRequestCancel"> {
  if ("skipped" in outcome) {
    return {
      dimension: "changeRequestCancel",
      evidence: outcome.skipped,
      needs: "a second canary request cancelled while its runbook runs: run jit verify without --no-cancel-probe",
    };
  }
  const stopped = ["Cancelled", "Cancelling"].includes(outcome.runbookStatus);
  const evidence = `${seconds(outcome.waitedMs)} after the change request was cancelled, its runbook was ${outcome.runbookStatus}`;
  // A runbook that ended Success may have been left running, or have finished before the cancel took: no reading.
  if (outcome.runbookStatus === "Success") {
    return {
      dimension: "changeRequestCancel",
      evidence: `${evidence}: it may have finished before the cancel took`,
      needs: "a cancel that lands while the runbook still runs: run jit verify again",
    };
  }
  return { dimension: "changeRequestCancel", reading: stopped ? "stops-runbook" : "leaves-runbook", evidence };
}

/**
 * What cancelling the second canary change request showed once its runbook had ended: a change request that refuses
 * the cancel closed with its runbook; one that accepts it was still open.
 */
export function changeRequestClose(outcome: {
  cancelAccepted: boolean;
  runbookStatus: string;
}): Finding<"changeRequestClose"> {
  return {
    dimension: "changeRequestClose",
    reading: outcome.cancelAccepted ? "minutes-later" : "with-runbook",
    evidence: outcome.cancelAccepted
      ? `the change request accepted a cancel after its runbook had ended ${outcome.runbookStatus}: it was still open`
      : `the change request refused a cancel once its runbook had ended ${outcome.runbookStatus}: it had closed with it`,
  };
}
