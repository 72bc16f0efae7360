/**
 * One run of the reconciler: what its parts share (counted clients, the ledger, the budget, its time) and what it
 * reports when it stops.
 */
import type { GrantLedger } from "../ledger/types";
import type { AlertScope } from "./alerts";
import type { Budget } from "./budget";
import type { MarkTable } from "./marks";
import type { ReconcilerSettings } from "./settings";

/** One assignment: who holds which permission set on which account. */
export interface Assignment {
  principalType: "USER" | "GROUP";
  principalId: string;
  permissionSetArn: string;
  accountId: string;
}

/** The end function's answers (functions/endAccess/). */
export type EndAnswer = "Ended" | "NotRemoved" | "AlreadyEnded" | "NotYet";

/** How a run ends a grant and removes an assignment: the end function's module, in process (./index.ts). */
export interface Removal {
  /** Ends the grant with cause `reconciler` (functions/endAccess/ endGrant). */
  endGrant(requestId: string, note: string, deadlineMs: number): Promise<EndAnswer>;
  /**
   * Removes a user's assignment and lists the assignments to see: `removed` (confirmed absent), `present` (still
   * there), `pending` (the deletion was still in progress when time ran out: nothing is known yet).
   */
  removeAssignment(a: Assignment, deadlineMs: number): Promise<"removed" | "present" | "pending">;
}

export interface Run {
  settings: ReconcilerSettings;
  ledger: GrantLedger;
  removal: Removal;
  ssoAdmin: import("@aws-sdk/client-sso-admin").SSOAdminClient;
  marks: MarkTable;
  alerts: AlertScope;
  budget: Budget;
  /** This run's id, written on the leases and alert marks it takes. */
  owner: string;
  /** The ledger's clock (epoch ms): grants' ends, leases, alert marks. */
  now: () => number;
  /**
   * When the run stops starting work, on `Date.now()` (the Lambda's own clock, which the removal's polling also reads:
   * functions/identityCenter/assignments.ts): its end, less a margin.
   */
  deadline: number;
  /** The run's leases last until then, on the ledger's clock: when its Lambda has certainly stopped. */
  leaseUntil: number;
  report: RunReport;
}

export interface RunReport {
  /** Request ids of the overdue grants this run ended. */
  ended: string[];
  /** Request ids of the overdue grants whose assignment is still there after this run's removal. */
  notRemoved: string[];
  /** Assignments of closed grants this run removed. */
  removed: number;
  /** Alerts published (after the quiet-period check). */
  alerts: number;
  /** Dead letters reported (and deleted from their queue). */
  deadLetters: number;
  /** Assignments looked at in the sweep. */
  swept: number;
  /** Whether this run finished a sweep over every assignment. */
  sweepComplete: boolean;
  /** What went wrong with one grant or assignment (an AWS error, a refusal): the run went on with the next. */
  errors: string[];
  /** Why the run stopped early, if it did. */
  stoppedBy?: "budget" | "time";
  /** AWS calls made. */
  calls: number;
}

export const newReport = (): RunReport => ({
  ended: [],
  notRemoved: [],
  removed: 0,
  alerts: 0,
  deadLetters: 0,
  swept: 0,
  sweepComplete: false,
  errors: [],
  calls: 0,
});

/**
 * Does one piece of work; an error is logged and recorded and the run goes on with the next (one grant or assignment
 * AWS or the ledger will not settle must not keep the others from being reconciled). The wiring fails the invocation
 * when `errors` is not empty, so the function's error metric shows it.
 */
export async function isolated(run: Run, what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    const text = `${what}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
    console.log(`reconciler: ${text}`);
    run.report.errors.push(text);
  }
}

/** Whether the run may start a piece of work: the budget pays for `calls` and time is left. */
export function mayStart(run: Run, calls: number): boolean {
  if (run.budget.limit - run.budget.spent < calls) {
    run.report.stoppedBy ??= "budget";
    return false;
  }
  if (Date.now() >= run.deadline) {
    run.report.stoppedBy ??= "time";
    return false;
  }
  return true;
}

export const assignmentName = (a: Assignment) =>
  `${a.accountId}#${a.permissionSetArn}#${a.principalType}#${a.principalId}`;
