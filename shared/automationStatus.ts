/**
 * Automation execution statuses after which an execution changes no more (the API's AutomationExecutionStatus:
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_AutomationExecution.html). `Cancelling` is not
 * among them: the stop is still under way. A list, not a Set: Pulumi serializes a Set in a function's code as an
 * empty object with the Set's methods (a call then throws).
 */
export const TERMINAL_STATUSES: readonly string[] = [
  "Success",
  "TimedOut",
  "Cancelled",
  "Failed",
  "Rejected",
  "CompletedWithSuccess",
  "CompletedWithFailure",
  "ChangeCalendarOverrideRejected",
  "Exited",
];

export const hasEnded = (status: string | undefined): boolean => TERMINAL_STATUSES.includes(status ?? "");
