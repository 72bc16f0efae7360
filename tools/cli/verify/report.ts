/**
 * The self-test's report: what it did (each check passed or failed), and one finding per AWS behaviour dimension of
 * tools/sim/variants.ts, with the reading AWS showed or what is still needed to confirm it. A failed check, or a
 * reading under which the workflows fail closed, fails the run.
 */
import type { RequestForm } from "../../../shared/config/common";
import type { AwsBehaviour } from "../../sim/variants";
import { type Output, printLine } from "../output";
import { type Dimension, type Finding, failsClosed } from "./readings";

/** Every dimension, in the order the report lists them (a dimension added to the simulator must be added here). */
const DIMENSIONS: Record<Dimension, true> = {
  lambdaStringPayload: true,
  runbookParentLink: true,
  consoleRunbookParameters: true,
  changeRequestRecord: true,
  changeRequestCancel: true,
  changeRequestClose: true,
  deleteMissingAssignment: true,
  approverDecisions: true,
  approverIdentity: true,
  pace: true,
  throttling: true,
  isEndOnFailure: true,
  allowedPattern: true,
  stopComplete: true,
  branchOperandReferences: true,
  listPages: true,
  scheduleDelivery: true,
  unresolvedReferences: true,
  deliveryRetryBackoff: true,
  automationThrottlingRetry: true,
  changeRequestApprovalTimeout: true,
};

/** What the self-test does not provoke, and why the workflows need no answer to work. */
const NOT_PROBED: { [D in Dimension]?: Omit<Finding<D>, "dimension" | "reading"> } = {
  isEndOnFailure: {
    evidence:
      "not provoked: it takes a failing step with isEnd; the deployed documents are built to take the same path under both readings (the simulator's variant is-end-follows-on-failure proves it)",
    needs:
      "nothing for the workflows; to see it anyway, run a throwaway Automation document whose failing isEnd step has onFailure step:<another step>, and see whether that step runs",
  },
  listPages: {
    evidence:
      "not provoked: only a failed removal lists the user's assignments; a page with a NextToken is read as 'still assigned' under either reading (the simulator's variant short-list-pages proves it)",
    needs: "nothing for the workflows",
  },
  branchOperandReferences: {
    evidence:
      "not provoked: only a failed removal reads whether the assignment is still held; under either reading no access is left (the simulator's variant branch-operands-literal proves it), only a 'NOT revoked' alarm may be raised on the safe side",
    needs:
      "nothing for the workflows; to see it anyway, run a throwaway document whose aws:branch compares a step output with {{ another step's output }} and see which choice it takes",
  },
  allowedPattern: {
    evidence:
      "not provoked: it takes a parameter value a pattern should refuse; the deployed patterns are built to accept the same values under Java's find, Java's matches and JavaScript (the simulator's variants pattern-java-matches and pattern-javascript prove it)",
    needs:
      'nothing for the workflows; to see it anyway, start a throwaway document with allowedPattern ^a$ and the value "a\\n" (accepted: Java find), and a for "ba" (refused: Java matches)',
  },
  scheduleDelivery: {
    evidence:
      "not provoked: a one-time schedule's delivery is seen only over a grant's whole duration; the reconciler ends every grant past its end whatever the schedule does (the simulator's variants schedule-never-fires, schedule-fires-twice and schedule-fires-late play each reading)",
    needs: "nothing for the workflows",
  },
  unresolvedReferences: {
    evidence:
      "not provoked: the deployed documents read an output nobody set only where both readings take the same path (the simulator's variant unresolved-reference-fails-step proves it)",
    needs:
      "nothing for the workflows; to see it anyway, open a request notification run of a change request with no scheduled start: Check_Start_Time Success means left-as-text, Failed means fail-step",
  },
  deliveryRetryBackoff: {
    evidence:
      "not provoked: it takes a throttled or failing rule target; a later retry only delays the request or the end (the simulator's variant throttled-slow-delivery-retries proves nothing is lost)",
    needs: "nothing for the workflows",
  },
  automationThrottlingRetry: {
    evidence:
      "not provoked: read it with aws ssm get-service-setting --setting-id /ssm/automation/throttling-retry-time-limit; the steps' own maxAttempts hold under either value (the simulator's variant throttled-automation-retries-an-hour proves it)",
    needs: "nothing for the workflows",
  },
  changeRequestApprovalTimeout: {
    evidence:
      "not provoked: it takes a change request left unapproved for jit:approvalTimeout hours; the notifier tells the requester it expired under either reading (the simulator's variant change-request-timeout-failed proves it)",
    needs:
      "nothing for the workflows; to see it anyway, leave a change request unapproved past its timeout and read its status with aws ssm get-automation-execution",
  },
  changeRequestCancel: {
    evidence:
      "not provoked: the cancel probe's change request had closed before its cancel (its runbook sends and ends within seconds); under either reading a cancelled change request is never granted (the simulator's variant cancel-leaves-runbook proves it)",
    needs: "nothing for the workflows",
  },
  stopComplete: {
    evidence:
      "not provoked: stopping a grant with --type Complete could end it without its cleanup, and the workflows do not rely on it (an administrator's Complete stop is caught by CloudTrail and the access removed)",
    needs:
      "a canary grant stopped with aws ssm stop-automation-execution --type Complete (then remove the canary assignment if it stays, and report what happened)",
  },
};

/** The dimensions only a change request shows: the Automation form raises none (its request is the runbook). */
const CHANGE_MANAGER_ONLY: ReadonlySet<Dimension> = new Set([
  "runbookParentLink",
  "consoleRunbookParameters",
  "changeRequestRecord",
  "changeRequestCancel",
  "changeRequestClose",
  "changeRequestApprovalTimeout",
]);

export interface Check {
  what: string;
  ok: boolean;
  detail: string;
}

export interface VerifyReport {
  mode: "self-test" | "records";
  /** The form the request was raised with. */
  form: RequestForm;
  /** The request: the change request, or (Automation form) the request runbook's execution. */
  requestId?: string;
  runbookExecutionId?: string;
  grantExecutionId?: string;
  checks: Check[];
  findings: Finding[];
  /** Why the run fails: failed checks, and readings under which the workflows fail closed. */
  failures: string[];
}

/** The report for `checks` and `found`: every dimension once, the unprobed ones explained, and the failures. */
export function buildReport(
  base: Omit<VerifyReport, "findings" | "failures">,
  found: readonly Finding[],
): VerifyReport {
  const findings = (Object.keys(DIMENSIONS) as Dimension[]).map((dimension): Finding => {
    if (base.form === "automation" && CHANGE_MANAGER_ONLY.has(dimension)) {
      return { dimension, evidence: "does not apply to the Automation form: it raises no change request" };
    }
    const finding = found.find((f) => f.dimension === dimension);
    if (finding) return finding;
    const unprobed = NOT_PROBED[dimension];
    if (unprobed) return { dimension, ...unprobed } as Finding;
    return {
      dimension,
      evidence: "not read in this mode",
      needs: "a full self-test: run jit verify without --records",
    };
  });
  const failures = [
    ...base.checks.filter((c) => !c.ok).map((c) => `${c.what}: ${c.detail}`),
    ...findings.flatMap((f) => {
      const consequence = failsClosed(f);
      return consequence ? [`${f.dimension} is ${String(f.reading)}: ${consequence}`] : [];
    }),
  ];
  return { ...base, findings, failures };
}

/** The report as text (the checks were printed as they happened): a line per dimension, then the verdict. */
export function printReport(output: Output, report: VerifyReport): void {
  printLine(output);
  printLine(output, "What this AWS does where its documentation is silent (tools/sim/variants.ts):");
  const width = Math.max(...report.findings.map((f) => f.dimension.length));
  for (const f of report.findings) {
    const reading = f.reading === undefined ? "not observed" : String(f.reading);
    const closed = failsClosed(f) ? "  <- FAILS CLOSED" : "";
    printLine(output, `  ${f.dimension.padEnd(width)}  ${reading}${closed}`);
    printLine(output, `  ${" ".repeat(width)}    ${f.evidence}`);
    if (f.needs) printLine(output, `  ${" ".repeat(width)}    needs: ${f.needs}`);
  }
  printLine(output);
  if (report.failures.length === 0) {
    printLine(output, "jit verify passed: the deployment granted and removed the canary, and no reading fails closed.");
  } else {
    printLine(output, "jit verify FAILED:");
    for (const failure of report.failures) printLine(output, `  - ${failure}`);
  }
}

/** The readings of a report, by dimension (for tests and scripts). */
export function readingsOf(report: VerifyReport): Partial<AwsBehaviour> {
  return Object.fromEntries(
    report.findings.filter((f) => f.reading !== undefined).map((f) => [f.dimension, f.reading]),
  );
}
