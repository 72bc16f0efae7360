/**
 * Automation execution statuses after which an execution changes no more (the API's AutomationExecutionStatus:
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_AutomationExecution.html). `Cancelling` is not
 * among them: the stop is still under way.
 */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set([
  "Success",
  "TimedOut",
  "Cancelled",
  "Failed",
  "Rejected",
  "CompletedWithSuccess",
  "CompletedWithFailure",
  "ChangeCalendarOverrideRejected",
  "Exited",
]);

export const hasEnded = (status: string | undefined): boolean => TERMINAL_STATUSES.has(status ?? "");
