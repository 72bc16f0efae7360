/**
 * The grant workflow: the Automation document the request bus starts for each approved request. It first asks the
 * request check (functions/requestCheck/) who really raised and approved the request and whether the eligibility
 * rules allow it, and on a refusal reports and tells the requester why, granting nothing. Then it resolves the
 * request, notifies before granting (and refuses to grant if it cannot), assigns the permission set with
 * CreateAccountAssignment and waits for Identity Center to report SUCCEEDED, sleeps for the approved duration, then
 * revokes and waits for the deletion to succeed (DESIGN.md §4). Every failure or cancellation after the grant was
 * attempted leads to a revoke; a revoke that fails is tried once more, then raises an Error notification, tells the
 * requester and leaves the execution Failed. Every path ends with the requester's runbook told how the request ended
 * (or, if that cannot be sent, an Error notification saying so). tools/sim/faultSweep.ts proves it under faults.
 */
import { ELIGIBLE, IGNORED, REJECTED } from "../../functions/requestCheck";
import { accessRequestParameterSpecs, type RequestBounds } from "../../shared/accessRequest";
import type { DurationUnit } from "../../shared/config/common";
import { publishNotification, sendFeedback } from "../../shared/documentSteps";
import { ACCESS_REQUEST_FIELDS, type EventType, type FeedbackSignal } from "../../shared/events";
import {
  type AutomationDocument,
  builtins,
  defineParameters,
  defineVariables,
  type Flow,
  type Step,
  type StepRef,
} from "../../shared/ssm/model";
import {
  assertAwsResourceProperty,
  branch,
  type Condition,
  executeAwsApi,
  invokeLambdaFunction,
  sleep,
  updateVariable,
  waitForAwsResourceProperty,
} from "../../shared/ssm/steps";
import { assignmentCheck } from "./assignmentCheck";

export interface GrantDocumentArgs extends RequestBounds {
  assumeRoleArn: string;
  topicArn: string;
  /** The requester side's feedback bus, where progress is reported to the waiting request runbook. */
  feedbackBusArn: string;
  instanceArn: string;
  /** The request check (functions/requestCheck/), invoked before anything else. */
  requestCheckFunctionName: string;
  /** Parameter Store path of the permission set name -> ARN parameters (ends with a slash). */
  permissionSetParameterPath: string;
  /** Parameter Store path where the request check leaves the reason for a refusal, by grant execution id. */
  checkReasonPath: string;
  /** The CloudTrail summary function, and how long after the revocation to wait before invoking it. */
  cloudTrailSummary?: { functionName: string; waitSeconds: number };
}

/** How long to wait for Identity Center to finish an assignment or its deletion. */
const ASSIGNMENT_TIMEOUT_SECONDS = 600;
/** How long to wait before the last attempt to revoke, after two failed ones. */
const LAST_ATTEMPT_PAUSE_MINUTES = 15;

const ISO_UNIT: Record<DurationUnit, string> = { hours: "H", minutes: "M" };

/** What the requester and the administrators are told when the check's reason cannot be read (or is not plain text). */
export const UNREAD_REASON = "The request check refused the request; its reason could not be read";
/** Characters that would break out of a JSON string the reason is interpolated into: `"`, `\` and U+0000 to U+001F. */
export const JSON_UNSAFE = ['"', "\\", ...Array.from({ length: 0x20 }, (_, c) => String.fromCharCode(c))];

export function grantParameters(bounds: RequestBounds) {
  const specs = accessRequestParameterSpecs(bounds);
  // The event's field list drives the parameters: a field the event carries cannot lack its parameter.
  return defineParameters(Object.fromEntries(ACCESS_REQUEST_FIELDS.map((f) => [f, specs[f]])) as typeof specs);
}

export function grantDocument(args: GrantDocumentArgs): AutomationDocument {
  const parameters = grantParameters(args);
  const variables = defineVariables({
    CheckReason: {
      type: "String",
      default: UNREAD_REASON,
      description: "Why the request check refused the request, as it wrote it to Parameter Store",
    },
  });
  const reason = variables.refs.CheckReason;
  const { AccountId, PermissionSet, Duration, RequestingUser, Justification, RequesterExecutionId } = parameters.refs;
  const { topicArn, instanceArn } = args;
  const execution = builtins.executionId;
  const request = `${RequestingUser} asked for ${PermissionSet} on account ${AccountId} for ${Duration} ${args.durationUnit}, because: ${Justification}`;
  const whereToLook = `Automation execution ${execution} in account ${builtins.accountId} (${builtins.region}) has the details of every step.`;

  const assignment = {
    InstanceArn: instanceArn,
    TargetType: "AWS_ACCOUNT",
    TargetId: AccountId,
    PrincipalType: "USER",
  };
  const feedback = (name: string, signal: FeedbackSignal, comment: string, flow: Flow) =>
    sendFeedback(name, { busArn: args.feedbackBusArn, executionId: RequesterExecutionId, signal, comment }, flow);
  const bestEffort = { maxAttempts: 3, isCritical: false, onFailure: "Continue" as const };
  // Every path whose last step may fail ends here, not with isEnd on that step: AWS does not say whether a failed
  // step with isEnd follows its onFailure, so such a step takes the same path under both readings
  // (shared/ssm/check/limits.ts, ends-ambiguously). The last step of the document, and with isEnd of its own.
  const end = sleep("End", "PT0S", { isEnd: true });
  const finish = { onFailure: end, nextStep: end };
  /** A notification about this request: `<headline>: <permission set> on <account>`, its paragraphs, where to look. */
  const notify = (name: string, eventType: EventType, headline: string, paragraphs: string[], flow: Flow) =>
    publishNotification(
      name,
      {
        topicArn,
        eventType,
        subject: `${headline}: ${PermissionSet} on ${AccountId}`,
        message: [...paragraphs, whereToLook].join("\n\n"),
      },
      flow,
    );

  // Failed or cancelled before anything was granted: report and tell the requester.
  const failedSteps: Step[] = [
    notify(
      "Notify_Request_Failed",
      "Error",
      `JIT access request failed`,
      [`The access request failed or was cancelled before anything was granted. ${request}.`],
      { ...bestEffort, onCancel: () => failedSteps[1] },
    ),
    feedback("Send_Failed_Feedback", "Reject", "Access was not granted: the grant workflow failed", {
      ...bestEffort,
      ...finish,
    }),
  ];
  const failed = failedSteps[0];
  const resolution = { maxAttempts: 3, onFailure: failed, onCancel: failed };

  // Who really raised and approved the request, and whether the eligibility rules allow it, before anything else.
  const check = invokeLambdaFunction(
    "Check_Request",
    {
      functionName: args.requestCheckFunctionName,
      input: {
        AccountId,
        PermissionSet,
        Duration,
        RequestingUser,
        Justification,
        RequesterExecutionId,
        GrantExecutionId: execution,
      },
    },
    resolution,
  );
  // The check answers Eligible, Rejected or Ignored, as JSON text ("Eligible") or bare (Eligible): AWS does not
  // document which (tools/sim/variants.ts, lambdaStringPayload). The answer is compared, never interpolated.
  const verdict = check.outputs.Payload;
  const answered = (...tokens: string[]): Condition => ({
    or: tokens.flatMap((token) => [
      { variable: verdict, operator: "StringEquals" as const, value: token },
      { variable: verdict, operator: "StringEquals" as const, value: JSON.stringify(token) },
    ]),
  });

  // A refusal: the check left its reason in Parameter Store. Read it, keep it only if it is safe inside the feedback
  // event's JSON text, and delete it; whatever fails here, the request is still reported with a fixed reason.
  const readReason = executeAwsApi(
    "Read_Check_Reason",
    {
      service: "ssm",
      api: "GetParameter",
      params: { Name: `${args.checkReasonPath}${execution}` },
      outputs: { Reason: ["String", "$.Parameter.Value"] },
    },
    { maxAttempts: 3, isCritical: false, onFailure: () => forgetReason, onCancel: () => routeRefusal },
  );
  const useReason = updateVariable("Use_Check_Reason", reason, readReason.outputs.Reason.toString(), {
    isCritical: false,
    onFailure: () => forgetReason,
    onCancel: () => routeRefusal,
  });
  const checkReason = branch(
    "Check_Reason_Is_Plain",
    [
      {
        when: {
          and: JSON_UNSAFE.map((c) => ({
            not: { variable: readReason.outputs.Reason, operator: "Contains" as const, value: c },
          })),
        },
        next: useReason,
      },
    ],
    () => forgetReason,
    { isCritical: false, onFailure: () => forgetReason, onCancel: () => routeRefusal },
  );
  const forgetReason = executeAwsApi(
    "Delete_Check_Reason",
    { service: "ssm", api: "DeleteParameter", params: { Name: `${args.checkReasonPath}${execution}` } },
    { ...bestEffort, onCancel: () => routeRefusal },
  );
  const rejectedSteps: Step[] = [
    notify(
      "Notify_Request_Rejected",
      "Error",
      `JIT access request rejected`,
      [`The request check rejected this request; nothing was granted. ${request}.`, `The check said: ${reason}`],
      { ...bestEffort, onCancel: () => rejectedSteps[1] },
    ),
    // The reason is the comment: plain text (checked above) no longer than the feedback form takes.
    feedback("Send_Rejected_Feedback", "Reject", reason.toString(), {
      ...bestEffort,
      onFailure: () => rejectedSteps[2],
      nextStep: end,
    }),
    notify(
      "Notify_Rejection_Feedback_Failed",
      "Error",
      `JIT access: requester not told of a rejection`,
      [
        `The requester account could not be told why the request was rejected; its change request will time out. ${request}.`,
      ],
      { ...bestEffort, ...finish },
    ),
  ];
  // A repeat of a request already granted: say so, and leave the requester's runbook to the first workflow.
  const ignored = notify(
    "Notify_Request_Ignored",
    "Error",
    `JIT access request ignored`,
    [
      `A request whose runbook was already told of a grant arrived again; nothing was granted. ${request}.`,
      `The check said: ${reason}`,
    ],
    { ...bestEffort, ...finish },
  );
  const routeRefusal = branch("Route_Refusal", [{ when: answered(IGNORED), next: ignored }], rejectedSteps[0], {
    isCritical: false,
    onFailure: rejectedSteps[0],
    onCancel: rejectedSteps[0],
  });
  const refusalSteps: Step[] = [readReason, checkReason, useReason, forgetReason, routeRefusal];

  // Resolution steps first; their outputs are referenced by the grant and revoke steps below.
  const describeInstance = executeAwsApi(
    "Describe_Identity_Center_Instance",
    {
      service: "sso-admin",
      api: "DescribeInstance",
      params: { InstanceArn: instanceArn },
      outputs: { IdentityStoreId: ["String", "$.IdentityStoreId"] },
    },
    resolution,
  );
  const resolveUser = executeAwsApi(
    "Resolve_User",
    {
      service: "identitystore",
      api: "GetUserId",
      params: {
        IdentityStoreId: describeInstance.outputs.IdentityStoreId,
        AlternateIdentifier: {
          UniqueAttribute: {
            AttributePath: "userName",
            AttributeValue: RequestingUser,
          },
        },
      },
      outputs: { UserId: ["String", "$.UserId"] },
    },
    resolution,
  );
  const resolvePermissionSet = executeAwsApi(
    "Resolve_Permission_Set",
    {
      service: "ssm",
      api: "GetParameter",
      params: { Name: `${args.permissionSetParameterPath}${PermissionSet}` },
      outputs: { PermissionSetArn: ["String", "$.Parameter.Value"] },
    },
    resolution,
  );
  const describeAccount = executeAwsApi(
    "Describe_Account",
    {
      service: "organizations",
      api: "DescribeAccount",
      params: { AccountId },
      outputs: { AccountName: ["String", "$.Account.Name"] },
    },
    resolution,
  );
  const target = {
    ...assignment,
    PermissionSetArn: resolvePermissionSet.outputs.PermissionSetArn,
    PrincipalId: resolveUser.outputs.UserId,
  };

  /** DeleteAccountAssignment, then wait for the deletion and check it SUCCEEDED. */
  const revocation = (
    names: [string, string, string],
    flow: {
      onFailure: StepRef;
      onCancel: StepRef;
      critical: boolean;
      next?: StepRef;
      /** Where a failed or cancelled DeleteAccountAssignment call goes, when that differs from the wait and the check. */
      deleteCall?: { onFailure: StepRef; onCancel: StepRef };
    },
  ) => {
    const onError = {
      maxAttempts: 3,
      onFailure: flow.onFailure,
      onCancel: flow.onCancel,
      ...(flow.critical ? {} : { isCritical: false }),
    };
    const onDeleteError = flow.deleteCall ? { ...onError, ...flow.deleteCall } : onError;
    const revoke = executeAwsApi(
      names[0],
      {
        service: "sso-admin",
        api: "DeleteAccountAssignment",
        params: target,
        outputs: { RequestId: ["String", "$.AccountAssignmentDeletionStatus.RequestId"] },
      },
      onDeleteError,
    );
    const status = {
      service: "sso-admin",
      api: "DescribeAccountAssignmentDeletionStatus",
      params: { InstanceArn: instanceArn, AccountAssignmentDeletionRequestId: revoke.outputs.RequestId },
      propertySelector: "$.AccountAssignmentDeletionStatus.Status",
    };
    return [
      revoke,
      waitForAwsResourceProperty(
        names[1],
        { ...status, desiredValues: ["SUCCEEDED", "FAILED"] },
        { timeoutSeconds: ASSIGNMENT_TIMEOUT_SECONDS, ...onError },
      ),
      assertAwsResourceProperty(
        names[2],
        { ...status, desiredValues: ["SUCCEEDED"] },
        { ...onError, nextStep: flow.next },
      ),
    ] as const;
  };

  // Revoking failed twice: the user may keep access. Alert and tell the requester at once, then try a last time
  // after a pause (Identity Center's own failures are often transient); if that fails too, alert again and leave the
  // execution Failed: the record a reconciler acts on.
  const stillNotRevoked = notify(
    "Notify_Still_Not_Revoked",
    "Error",
    `JIT access STILL NOT revoked`,
    [
      `The last attempt to revoke temporary access failed too. ${request}.`,
      "The user may still have this access: remove the account assignment in IAM Identity Center now.",
    ],
    { maxAttempts: 5, isEnd: true },
  );
  // Whether the user still holds the access, read before any "NOT revoked" alarm (./assignmentCheck.ts).
  const stillAssigned = (names: { read: string; decide: string }, flow: Parameters<typeof assignmentCheck>[2]) =>
    assignmentCheck(
      names,
      {
        instanceArn,
        accountId: AccountId,
        permissionSetArn: resolvePermissionSet.outputs.PermissionSetArn,
        userId: resolveUser.outputs.UserId,
      },
      flow,
    );
  const lastCheck = stillAssigned(
    { read: "Read_Assignment_After_Last_Revoke", decide: "Is_Assigned_After_Last_Revoke" },
    { stillAssigned: stillNotRevoked, removed: () => revokedLateSteps[0], onCancel: stillNotRevoked },
  );
  const lastAttempt = revocation(["Last_Revoke", "Last_Wait_For_Revocation", "Last_Verify_Revocation"], {
    onFailure: lastCheck[0],
    onCancel: lastCheck[0],
    critical: true,
    next: () => revokedLateSteps[0],
  });
  const revokedLateSteps: Step[] = [
    notify(
      "Notify_Revoked_On_Last_Attempt",
      "AccessRevoked",
      `JIT access revoked (late)`,
      [`The last attempt to revoke temporary access succeeded: the assignment is gone. ${request}.`],
      { ...bestEffort, ...finish },
    ),
  ];
  const revokeFailedSteps: Step[] = [
    notify(
      "Notify_Revoke_Failed",
      "Error",
      `JIT access NOT revoked`,
      [
        `Revoking temporary access failed, twice. ${request}.`,
        `The user may still have this access: remove the account assignment in IAM Identity Center now. Unless the workflow was cancelled, it tries once more in ${LAST_ATTEMPT_PAUSE_MINUTES} minutes and reports the result.`,
      ],
      // Cancelled before the alarm went out: the cleanup removes first and alarms itself.
      { maxAttempts: 5, onFailure: "Continue", onCancel: () => cleanup },
    ),
    // Told before the pause: a cancellation leaves too little time to reach a later step.
    feedback(
      "Send_Revoke_Failed_Feedback",
      "Reject",
      "Access could not be removed automatically; the administrators have been alerted",
      { ...bestEffort, onCancel: () => cleanup },
    ),
    sleep("Wait_Before_Last_Revoke", `PT${LAST_ATTEMPT_PAUSE_MINUTES}M`, {
      onFailure: lastAttempt[0],
      onCancel: lastAttempt[0],
    }),
    ...lastAttempt,
    ...lastCheck,
    ...revokedLateSteps,
    stillNotRevoked,
  ];
  const notifyRevokeFailed = revokeFailedSteps[0];

  // Cleanup: the grant may have happened and the workflow cannot go on. Ask for the removal first, then report and
  // tell the requester, then wait for the deletion: a cancellation leaves Automation only two minutes to run its
  // cancellation steps, and each step can take tens of seconds to be scheduled (tools/sim/pace.ts), so the removal
  // must be under way before anything else. A second, separate attempt follows a failed one, and a "NOT revoked"
  // alarm only an assignment that is still there.
  const cleanupCheck = stillAssigned(
    { read: "Read_Assignment_After_Cleanup", decide: "Is_Assigned_After_Cleanup" },
    { stillAssigned: notifyRevokeFailed, removed: () => notifyCleanupRevoked, onCancel: notifyRevokeFailed },
  );
  const cleanupRetrySteps = revocation(
    ["Cleanup_Retry_Revoke", "Cleanup_Retry_Wait_For_Revocation", "Cleanup_Retry_Verify_Revocation"],
    {
      onFailure: cleanupCheck[0],
      onCancel: cleanupCheck[0],
      critical: true,
      next: () => notifyCleanupRevoked,
    },
  );
  const cleanupRetry = cleanupRetrySteps[0];
  const sendInterrupted = feedback(
    "Send_Interrupted_Feedback",
    "Reject",
    "Access ended early: the grant workflow failed or was cancelled",
    { maxAttempts: 2, isCritical: false, onFailure: "Continue", onCancel: () => cleanupWait },
  );
  const notifyInterrupted = notify(
    "Notify_Grant_Interrupted",
    "Error",
    `JIT access interrupted`,
    [
      `The access workflow failed or was cancelled after access may have been granted. ${request}.`,
      "Its removal has been requested: an AccessRevoked notification confirms it, or a NOT revoked alarm follows.",
    ],
    { maxAttempts: 2, isCritical: false, onFailure: "Continue", onCancel: () => sendInterrupted },
  );
  const notifyCleanupRevoked = notify(
    "Notify_Cleanup_Revoked",
    "AccessRevoked",
    `JIT access revoked early`,
    [`Access was removed after the workflow failed or was cancelled. ${request}.`],
    { maxAttempts: 2, isCritical: false, ...finish },
  );
  const [cleanupRevoke, cleanupWait, cleanupVerify] = revocation(
    ["Cleanup_Revoke", "Cleanup_Wait_For_Revocation", "Cleanup_Verify_Revocation"],
    {
      onFailure: cleanupRetry,
      onCancel: cleanupRetry,
      critical: true,
      next: () => notifyCleanupRevoked,
      // Reported either way: a deletion that was not asked for fails the wait below, which leads to the retry.
      deleteCall: { onFailure: notifyInterrupted, onCancel: notifyInterrupted },
    },
  );
  const cleanupSteps: Step[] = [
    cleanupRevoke,
    notifyInterrupted,
    sendInterrupted,
    cleanupWait,
    cleanupVerify,
    notifyCleanupRevoked,
  ];
  const cleanup = cleanupSteps[0];
  const afterGrant = { onFailure: cleanup, onCancel: cleanup };

  const accountName = describeAccount.outputs.AccountName;
  const grant = executeAwsApi(
    "Create_Account_Assignment",
    {
      service: "sso-admin",
      api: "CreateAccountAssignment",
      params: target,
      outputs: {
        RequestId: ["String", "$.AccountAssignmentCreationStatus.RequestId"],
      },
    },
    // A throttled call is tried again. A failed call may still have been taken (an error after Identity Center
    // accepted it): discard whatever it created, without alarming, then report. A cancellation may have come after
    // the request was taken: clean up.
    { maxAttempts: 3, onFailure: () => discardFailed, onCancel: cleanup },
  );
  const creationStatus = {
    service: "sso-admin",
    api: "DescribeAccountAssignmentCreationStatus",
    params: {
      InstanceArn: instanceArn,
      AccountAssignmentCreationRequestId: grant.outputs.RequestId,
    },
    propertySelector: "$.AccountAssignmentCreationStatus.Status",
  };

  // Verify_Assignment failed: Identity Center either reported FAILED (nothing was assigned, so nothing to revoke: a
  // revoke would itself fail and raise a false alarm) or could not be asked (the grant may stand: revoke it).
  const readCreation = executeAwsApi(
    "Read_Assignment_Status",
    { ...creationStatus, outputs: { Status: ["String", "$.AccountAssignmentCreationStatus.Status"] } },
    { maxAttempts: 3, ...afterGrant },
  );
  // FAILED can still leave a half-provisioned role behind: delete it, without alarming if there is nothing to delete.
  const discardFailed = executeAwsApi(
    "Discard_Failed_Assignment",
    { service: "sso-admin", api: "DeleteAccountAssignment", params: target },
    { maxAttempts: 3, isCritical: false, onFailure: failed, onCancel: failed, nextStep: failed },
  );
  const creationFailedSteps = [
    readCreation,
    branch(
      "Check_Assignment_Failed",
      [
        {
          when: { variable: readCreation.outputs.Status, operator: "StringEquals", value: "FAILED" },
          next: discardFailed,
        },
      ],
      cleanup,
      afterGrant,
    ),
    discardFailed,
  ];

  // A feedback event that could not be sent leaves the requester's runbook waiting: say so, then carry on.
  const feedbackFailed = (name: string, what: string, next: StepRef) =>
    notify(
      name,
      "Error",
      `JIT access: requester not told of ${what}`,
      [
        `The requester account could not be told that access was ${what}; its change request will time out. ${request}.`,
      ],
      { ...bestEffort, onFailure: next, nextStep: next, ...(what === "granted" ? { onCancel: cleanup } : {}) },
    );

  const summary = args.cloudTrailSummary;
  const summarySteps = summary
    ? [
        ...(summary.waitSeconds > 0 ? [sleep("Wait_For_Session_Expiry", `PT${summary.waitSeconds}S`)] : []),
        invokeLambdaFunction(
          "Send_CloudTrail_Summary",
          {
            functionName: summary.functionName,
            // Asynchronous: the query can outlast the 300 seconds Automation waits for a synchronous invocation.
            invocationType: "Event",
            input: {
              accountId: AccountId,
              permissionSet: PermissionSet,
              userName: RequestingUser,
              duration: Duration,
              executionId: execution,
            },
          },
          {
            maxAttempts: 2,
            // An Event invocation returns at once; the step could not run longer than 300 s anyway.
            timeoutSeconds: 300,
            isCritical: false,
            ...finish,
          },
        ),
      ]
    : [];

  const notifyGranted = notify(
    "Notify_Access_Granted",
    "AccessGranted",
    `JIT access granted`,
    [
      `${RequestingUser} now has ${PermissionSet} on ${accountName} (${AccountId}) for ${Duration} ${args.durationUnit}. It appears in their AWS access portal.`,
    ],
    { ...bestEffort, onCancel: cleanup },
  );
  const sendRevoked = feedback("Send_Revoked_Feedback", "Approve", "Access revoked", {
    ...bestEffort,
    onFailure: () => feedbackSteps[1],
    onCancel: () => feedbackSteps[1],
  });
  const notifyRevoked = notify(
    "Notify_Access_Revoked",
    "AccessRevoked",
    `JIT access revoked`,
    [
      `${RequestingUser} no longer has ${PermissionSet} on ${accountName} (${AccountId}). Sessions opened during the grant last until the permission set's session duration ends.`,
    ],
    { ...bestEffort, ...(summarySteps.length === 0 ? finish : {}) },
  );
  const feedbackSteps = [
    feedbackFailed("Notify_Granted_Feedback_Failed", "granted", notifyGranted),
    feedbackFailed("Notify_Revoked_Feedback_Failed", "revoked", notifyRevoked),
  ];

  // A revoke that fails is tried once more, as separate steps; if that fails too, the assignment is read, and only
  // one still there raises the alarm. A cancellation at any point goes to the cleanup, which removes first.
  const revokeCheck = stillAssigned(
    { read: "Read_Assignment_After_Revoke", decide: "Is_Assigned_After_Revoke" },
    { stillAssigned: notifyRevokeFailed, removed: sendRevoked, onCancel: cleanup },
  );
  const retrySteps = revocation(["Retry_Revoke", "Retry_Wait_For_Revocation", "Retry_Verify_Revocation"], {
    onFailure: revokeCheck[0],
    onCancel: cleanup,
    critical: false,
    next: sendRevoked,
  });
  const revokeSteps = revocation(["Revoke_Account_Assignment", "Wait_For_Revocation", "Verify_Revocation"], {
    onFailure: () => settleSteps[0],
    onCancel: cleanup,
    critical: false,
    // The call itself failed: there is no deletion to wait for.
    deleteCall: { onFailure: () => retrySteps[0], onCancel: cleanup },
  });
  // A revoke step that failed or was cancelled may still have removed the access. Let the first deletion finish and
  // read how it ended before deleting again: deleting an assignment that is gone fails, and would raise a false alarm.
  const firstDeletion = {
    service: "sso-admin",
    api: "DescribeAccountAssignmentDeletionStatus",
    params: { InstanceArn: instanceArn, AccountAssignmentDeletionRequestId: revokeSteps[0].outputs.RequestId },
  };
  const toRetry = { isCritical: false, onFailure: retrySteps[0], onCancel: cleanup };
  const settleSteps: Step[] = [
    waitForAwsResourceProperty(
      "Settle_First_Revocation",
      {
        ...firstDeletion,
        propertySelector: "$.AccountAssignmentDeletionStatus.Status",
        desiredValues: ["SUCCEEDED", "FAILED"],
      },
      { timeoutSeconds: ASSIGNMENT_TIMEOUT_SECONDS, maxAttempts: 3, ...toRetry },
    ),
    assertAwsResourceProperty(
      "Confirm_First_Revocation",
      { ...firstDeletion, propertySelector: "$.AccountAssignmentDeletionStatus.Status", desiredValues: ["SUCCEEDED"] },
      { maxAttempts: 3, ...toRetry, nextStep: sendRevoked },
    ),
  ];

  const mainSteps = [
    check,
    branch(
      "Is_Request_Eligible",
      [
        { when: answered(ELIGIBLE), next: describeInstance },
        { when: answered(REJECTED, IGNORED), next: readReason },
      ],
      // Any other answer is not the check's: report the request as failed, with a comment of our own.
      failed,
      resolution,
    ),
    describeInstance,
    resolveUser,
    resolvePermissionSet,
    describeAccount,
    // Fail closed: nobody is granted access without the notification going out first.
    notify(
      "Notify_Access_Being_Assigned",
      "AccessBeingAssigned",
      `JIT access being assigned`,
      [
        `${RequestingUser} is being granted ${PermissionSet} on ${accountName} (${AccountId}) for ${Duration} ${args.durationUnit}, plus up to the permission set's session duration for sessions already open.`,
        `Reason given: ${Justification}`,
      ],
      resolution,
    ),
    grant,
    waitForAwsResourceProperty(
      "Wait_For_Assignment",
      { ...creationStatus, desiredValues: ["SUCCEEDED", "FAILED"] },
      { timeoutSeconds: ASSIGNMENT_TIMEOUT_SECONDS, maxAttempts: 3, ...afterGrant },
    ),
    assertAwsResourceProperty(
      "Verify_Assignment",
      { ...creationStatus, desiredValues: ["SUCCEEDED"] },
      { maxAttempts: 3, onFailure: readCreation, onCancel: cleanup },
    ),
    feedback("Send_Granted_Feedback", "Approve", "Access granted", {
      ...bestEffort,
      onFailure: () => feedbackSteps[0],
      onCancel: cleanup,
    }),
    notifyGranted,
    sleep("Wait_For_Duration", `PT${Duration}${ISO_UNIT[args.durationUnit]}`, afterGrant),
    ...revokeSteps,
    sendRevoked,
    notifyRevoked,
    ...summarySteps,
  ];

  return {
    kind: "Automation",
    description: `Grants temporary IAM Identity Center access for an approved request and revokes it after the approved duration (${args.durationUnit}).`,
    assumeRole: args.assumeRoleArn,
    parameters,
    variables,
    steps: [
      ...mainSteps,
      ...creationFailedSteps,
      ...feedbackSteps,
      ...settleSteps,
      ...retrySteps,
      ...revokeCheck,
      ...failedSteps,
      ...refusalSteps,
      ...rejectedSteps,
      ignored,
      ...cleanupSteps,
      ...cleanupRetrySteps,
      ...cleanupCheck,
      ...revokeFailedSteps,
      end,
    ],
  };
}
