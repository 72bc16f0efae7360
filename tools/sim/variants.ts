/**
 * The AWS behaviours the simulator could not confirm from AWS's documentation, each a dimension of the simulated
 * world with every reading we consider possible. The baseline is the reading we think likeliest; a variant changes
 * one dimension (or several that interact). Scenarios and the fault sweep run under every variant, and the workflows
 * must keep their invariants under each, or fail closed with an Error notification naming the cause.
 *
 * What AWS does document is not here: each fake cites it where it encodes it.
 */

/** One dimension per behaviour AWS leaves undocumented, with the readings the simulator can play. */
export interface AwsBehaviour {
  /** aws:invokeLambdaFunction's `Payload` output when the function returns a string: its JSON text, or the bare string. */
  lambdaStringPayload: "json-text" | "bare-string";
  /** A failed step with `isEnd: true`: follows its `onFailure`, or ends the execution (as the action reference reads). */
  isEndOnFailure: "ends-execution" | "follows-on-failure";
  /** How `allowedPattern` is applied: Java's `Matcher.find`, Java's `Matcher.matches`, or JavaScript's `RegExp.test`. */
  allowedPattern: "java-find" | "java-matches" | "javascript-search";
  /** aws:approve's `ApproverDecisions`: one JSON string, or a list of maps with AWS's API field names. */
  approverDecisions: "json-string" | "list-of-maps";
  /** Who a decision names: the approver's role session ARN, the role's ARN alone, or the Identity Store user id. */
  approverIdentity: "session-arn" | "role-arn" | "user-id";
  /** Whether a Change Manager runbook's execution names its change request (`ParentAutomationExecutionId`). */
  runbookParentLink: "recorded" | "absent";
  /** The runbook's parameters when the console raises a change request: the form's, or with `AutomationAssumeRole`. */
  consoleRunbookParameters: "form-only" | "adds-assume-role";
  /** CloudTrail's StartChangeRequestExecution record: every field, or without those the caller did not send. */
  changeRequestRecord: "all-fields" | "omits-auto-approve" | "omits-name";
  /** Cancelling a change request: also stops its running runbook, or leaves it running. */
  changeRequestCancel: "stops-runbook" | "leaves-runbook";
  /**
   * A change request's own status once its runbook has succeeded: Success with it, or still in progress (and so
   * cancellable) for five more minutes. Change Manager does not say how soon a change request closes.
   */
  changeRequestClose: "with-runbook" | "minutes-later";
  /** DeleteAccountAssignment of an assignment that does not exist: ends FAILED, refused at once, or succeeds. */
  deleteMissingAssignment: "ends-failed" | "not-found" | "succeeds";
  /** StopAutomationExecution with Type Complete on a running execution: refused, runs its onCancel, or ends it bare. */
  stopComplete: "refused" | "runs-on-cancel" | "skips-cleanup";
  /** Time: Automation's step scheduling and Identity Center's operations, quick or as slow as seen in the field. */
  pace: "quick" | "slow";
  /** A list API's pages: as full as MaxResults allows, or shorter with a NextToken (its reference allows both). */
  listPages: "full" | "one-per-page";
  /** aws:branch: whether a `{{ }}` reference in a choice's operand (not its Variable) is resolved, or compared as written. */
  branchOperandReferences: "resolved" | "literal";
  /** Throttling: none, or every first call of a kind throttled and retried by the caller's SDK or the step. */
  throttling: "none" | "first-call-throttled";
  /**
   * A one-time EventBridge Scheduler schedule: fires once at its time, never, twice, or ten minutes late. AWS promises
   * "at-least-once event delivery to targets" (What is Amazon EventBridge Scheduler?) and 60-second precision
   * (Schedule types in EventBridge Scheduler), and documents neither how late nor how often one may really fire.
   */
  scheduleDelivery: "once" | "never" | "twice" | "late";
  /**
   * A step input that refers to a value nobody set (an output of a step that did not run or found nothing): kept as
   * written, `{{ Step.Output }}` in the text, or the step fails before its action. The Automation docs say neither.
   */
  unresolvedReferences: "left-as-text" | "fail-step";
  /**
   * The back-off between EventBridge's (and Scheduler's) retries of a failed target: AWS documents "exponential back
   * off and randomized delay", 185 retries within 24 hours, and no base. Doubling from a second, or from a minute;
   * either way at most 8 minutes apart (185 retries in 24 hours average under 8).
   */
  deliveryRetryBackoff: "from-a-second" | "from-a-minute";
  /**
   * The account setting /ssm/automation/throttling-retry-time-limit (0 to 3,600 s, "Configuring automatic retry for
   * throttled operations"), whose default AWS does not state: no throttling retry, or an hour of it.
   */
  automationThrottlingRetry: "off" | "an-hour";
  /**
   * A change request whose template's approval timed out: TimedOut, as any Automation execution whose step timed out
   * ("Handling timeouts in runbooks"), or Failed, its approval step Failed too. Change Manager does not say which.
   */
  changeRequestApprovalTimeout: "timed-out" | "failed";
}

export const BASELINE: AwsBehaviour = {
  lambdaStringPayload: "json-text",
  isEndOnFailure: "ends-execution",
  allowedPattern: "java-find",
  approverDecisions: "json-string",
  approverIdentity: "session-arn",
  runbookParentLink: "recorded",
  consoleRunbookParameters: "form-only",
  changeRequestRecord: "all-fields",
  changeRequestCancel: "stops-runbook",
  changeRequestClose: "with-runbook",
  deleteMissingAssignment: "ends-failed",
  stopComplete: "runs-on-cancel",
  pace: "quick",
  branchOperandReferences: "resolved",
  listPages: "full",
  throttling: "none",
  scheduleDelivery: "once",
  unresolvedReferences: "left-as-text",
  deliveryRetryBackoff: "from-a-second",
  automationThrottlingRetry: "off",
  changeRequestApprovalTimeout: "timed-out",
};

export interface Variant {
  /** A short name, used on the command line and in scenario names. */
  name: string;
  /** What the variant changes from the baseline. */
  behaviour: Partial<AwsBehaviour>;
  /** What the workflows must do under it (also the README's and the note's table). */
  expect: string;
}

export const BASELINE_VARIANT: Variant = {
  name: "baseline",
  behaviour: {},
  expect: "every scenario as specified",
};

/** Every reading of every dimension other than the baseline's, alone, then the pairs that interact. */
export const VARIANTS: readonly Variant[] = [
  BASELINE_VARIANT,
  {
    name: "payload-bare-string",
    behaviour: { lambdaStringPayload: "bare-string" },
    expect: "the branch after the request check matches either form; nothing pastes the answer into JSON",
  },
  {
    name: "is-end-follows-on-failure",
    behaviour: { isEndOnFailure: "follows-on-failure" },
    expect: "no step with isEnd has an onFailure other than Abort, so both readings take the same path",
  },
  {
    name: "pattern-java-matches",
    behaviour: { allowedPattern: "java-matches" },
    expect: "every pattern accepts and refuses the same values as under Matcher.find",
  },
  {
    name: "pattern-javascript",
    behaviour: { allowedPattern: "javascript-search" },
    expect: "every pattern accepts and refuses the same values as under Java",
  },
  {
    name: "decisions-list-of-maps",
    behaviour: { approverDecisions: "list-of-maps" },
    expect: "approvals are counted from either shape and either spelling of the decision",
  },
  {
    name: "approver-role-arn",
    behaviour: { approverIdentity: "role-arn" },
    expect:
      "approvals cannot be told apart by person: a request that needs approvals fails closed, naming the cause; auto-approved requests still work",
  },
  {
    name: "approver-user-id",
    behaviour: { approverIdentity: "user-id" },
    expect:
      "each approver's user name is read from the identity store by id; approvals count as under the baseline, except that the approve permission set cannot be required (the decision names no role): a member of the approver group who may signal through another role in the requester account counts too",
  },
  {
    name: "no-parent-link",
    behaviour: { runbookParentLink: "absent" },
    expect: "the check cannot find the change request: it fails closed, naming the cause",
  },
  {
    name: "console-adds-assume-role",
    behaviour: { consoleRunbookParameters: "adds-assume-role" },
    expect: "the runbook declares AutomationAssumeRole and the check ignores it",
  },
  {
    name: "record-omits-auto-approve",
    behaviour: { changeRequestRecord: "omits-auto-approve" },
    expect: "a request sent without autoApprove still notifies approvers",
  },
  {
    name: "record-omits-name",
    behaviour: { changeRequestRecord: "omits-name" },
    expect: "a request with no name still notifies",
  },
  {
    name: "cancel-leaves-runbook",
    behaviour: { changeRequestCancel: "leaves-runbook" },
    expect: "the check reads the change request's own status: a cancelled request is never granted",
  },
  {
    name: "change-request-closes-late",
    behaviour: { changeRequestClose: "minutes-later" },
    expect:
      "a change request cancelled after its runbook sent the request, while it is still open, is refused by the check or, once granted, ends the grant",
  },
  {
    name: "delete-missing-not-found",
    behaviour: { deleteMissingAssignment: "not-found" },
    expect: "a second removal that finds nothing counts as removed",
  },
  {
    name: "delete-missing-succeeds",
    behaviour: { deleteMissingAssignment: "succeeds" },
    expect: "a second removal that finds nothing counts as removed",
  },
  {
    name: "stop-complete-refused",
    behaviour: { stopComplete: "refused" },
    expect: "an administrator's Complete stop changes nothing; the grant ends on time",
  },
  {
    name: "stop-complete-skips-cleanup",
    behaviour: { stopComplete: "skips-cleanup" },
    expect: "the stop is seen in CloudTrail and the access removed by the solution, not the stopped execution",
  },
  {
    name: "slow-aws",
    behaviour: { pace: "slow" },
    expect: "a cancellation removes the access first, within its two minutes, and reports after",
  },
  {
    name: "branch-operands-literal",
    behaviour: { branchOperandReferences: "literal" },
    expect:
      "the check that an assignment is still held cannot match: it errs on the safe side (a 'NOT revoked' alarm after a failed removal), never leaves access",
  },
  {
    name: "short-list-pages",
    behaviour: { listPages: "one-per-page" },
    expect:
      "a listing with a NextToken is never read as 'removed': the assignment check says 'still assigned' (the safe side)",
  },
  {
    name: "throttled-aws",
    behaviour: { throttling: "first-call-throttled" },
    expect: "every call retried; nothing lost or granted twice",
  },
  {
    name: "schedule-never-fires",
    behaviour: { scheduleDelivery: "never" },
    expect: "a grant whose end schedule never fires is ended by the reconciler, and the lapse reported",
  },
  {
    name: "schedule-fires-twice",
    behaviour: { scheduleDelivery: "twice" },
    expect: "the second end-of-grant run finds the grant closed and ends quietly: one removal, one notification",
  },
  {
    name: "schedule-fires-late",
    behaviour: { scheduleDelivery: "late" },
    expect:
      "a grant whose end schedule fires ten minutes late is ended by the reconciler or the late schedule, never left",
  },
  {
    name: "unresolved-reference-fails-step",
    behaviour: { unresolvedReferences: "fail-step" },
    expect:
      "a step that would read a value nobody set fails instead of reading its `{{ }}` as text; every grant still ends and every failure is reported",
  },
  {
    name: "throttled-slow-delivery-retries",
    behaviour: { throttling: "first-call-throttled", deliveryRetryBackoff: "from-a-minute" },
    expect:
      "a throttled start of a workflow by a rule or a schedule is retried a minute later, not a second: the request is granted or ended a minute later, and nothing is lost (only the first retry is played: every caller is throttled once per API)",
  },
  {
    name: "throttled-automation-retries-an-hour",
    behaviour: { throttling: "first-call-throttled", automationThrottlingRetry: "an-hour" },
    expect:
      "a throttled step is retried by Automation a second later, before its own maxAttempts count: nothing is granted twice (the limit itself is never reached: every caller is throttled once per API)",
  },
  {
    name: "change-request-timeout-failed",
    behaviour: { changeRequestApprovalTimeout: "failed" },
    expect:
      "a change request whose approval timed out shows Failed, nothing TimedOut: the notifier still tells the requester it expired (it ended unapproved at its deadline)",
  },
  {
    name: "slow-bare-payload-list-decisions",
    behaviour: { pace: "slow", lambdaStringPayload: "bare-string", approverDecisions: "list-of-maps" },
    expect: "the readings that touch the grant path together",
  },
  {
    name: "slow-throttled-delete-not-found",
    behaviour: { pace: "slow", throttling: "first-call-throttled", deleteMissingAssignment: "not-found" },
    expect: "the readings that touch the revoke path together",
  },
];

export function variantNamed(name: string): Variant {
  const variant = VARIANTS.find((v) => v.name === name);
  if (!variant)
    throw new Error(`no AWS behaviour variant named ${name}: one of ${VARIANTS.map((v) => v.name).join(", ")}`);
  return variant;
}

export function behaviourOf(variant: Variant = BASELINE_VARIANT): AwsBehaviour {
  return { ...BASELINE, ...variant.behaviour };
}
