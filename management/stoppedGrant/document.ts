/**
 * The safety net behind the grant workflow, for a grant workflow that ended without removing the access itself:
 * - stopped with StopAutomationExecution Type Complete: AWS does not document what that does to a running execution
 *   (tools/sim/variants.ts, `stopComplete`); if it ends the execution without its onCancel steps, the workflow cannot
 *   remove the access. A rule on CloudTrail's record of the stop starts the first document here;
 * - ended Failed, TimedOut or Cancelled (every removal it tried failed, or its two cancellation minutes ran out): a
 *   rule on Automation's status-change event starts the same document.
 * It reads the execution, and if it is a grant workflow that got as far as the grant, starts the second with the
 * workflow's own parameters (checked again by their patterns), which waits for the execution to end and, if the user
 * still holds the access, removes it, alarms and tells the requester; if not, it ends quietly.
 */
import type { RequestBounds } from "../../shared/accessRequest";
import { publishNotification, sendFeedback } from "../../shared/documentSteps";
import { ACCESS_REQUEST_FIELDS } from "../../shared/events";
import { patterns } from "../../shared/patterns";
import { type AutomationDocument, defineParameters, type Step } from "../../shared/ssm/model";
import {
  assertAwsResourceProperty,
  branch,
  executeAwsApi,
  sleep,
  waitForAwsResourceProperty,
} from "../../shared/ssm/steps";
import { assignmentCheck } from "../grantWorkflow/assignmentCheck";
import { grantParameters } from "../grantWorkflow/document";

/** The grant workflow's step that assigns: a stopped execution that never ran it granted nothing. */
export const GRANT_STEP = "Create_Account_Assignment";
/** Every status an Automation execution ends in (API_AutomationExecution, AutomationExecutionStatus). */
const ENDED = ["Success", "Failed", "Cancelled", "TimedOut", "CompletedWithSuccess", "CompletedWithFailure", "Exited"];
/** How long to wait for Identity Center's deletion, and for the stopped execution's own cancellation steps. */
const WAIT_SECONDS = 600;

/** The CloudTrail field the Complete-stop rule passes: the stopped execution's id. */
export const STOP_FIELDS = { StoppedExecutionId: "$.detail.requestParameters.automationExecutionId" } as const;
/** The status-change event's field the ended-workflow rule passes: the execution's id. */
export const ENDED_FIELDS = { StoppedExecutionId: "$.detail.ExecutionId" } as const;
/** The statuses of a grant workflow that may have ended with the access still in place. */
export const UNFINISHED = ["Failed", "TimedOut", "Cancelled"] as const;

function stoppedParameters() {
  return defineParameters({
    StoppedExecutionId: {
      type: "String",
      description: "The grant workflow execution that was stopped with Type Complete, or ended unfinished.",
      pattern: patterns.automationExecutionId,
    },
  });
}

export interface StoppedGrantArgs {
  assumeRoleArn: string;
  grantDocumentName: string;
  revokeDocumentName: string;
}

/** Reads the stopped execution; for a grant workflow past its grant step, starts the revoke with its parameters. */
export function stoppedGrantDocument(args: StoppedGrantArgs): AutomationDocument {
  const parameters = stoppedParameters();
  const { StoppedExecutionId } = parameters.refs;
  const read = executeAwsApi(
    "Read_Stopped_Execution",
    {
      service: "ssm",
      api: "GetAutomationExecution",
      params: { AutomationExecutionId: StoppedExecutionId },
      outputs: {
        DocumentName: ["String", "$.AutomationExecution.DocumentName"],
        ...(Object.fromEntries(
          ACCESS_REQUEST_FIELDS.map((f) => [f, ["String", `$.AutomationExecution.Parameters.${f}[0]`]]),
        ) as Record<(typeof ACCESS_REQUEST_FIELDS)[number], ["String", string]>),
      },
    },
    { maxAttempts: 3 },
  );
  const grantStep = executeAwsApi(
    "Read_Grant_Step",
    {
      service: "ssm",
      api: "DescribeAutomationStepExecutions",
      params: {
        AutomationExecutionId: StoppedExecutionId,
        Filters: [{ Key: "StepName", Values: [GRANT_STEP] }],
      },
      outputs: { StepName: ["String", "$.StepExecutions[0].StepName"] },
    },
    { maxAttempts: 3 },
  );
  const nothingToDo = sleep("Not_A_Grant", "PT0S", { isEnd: true });
  const start = executeAwsApi(
    "Start_Revoke",
    {
      service: "ssm",
      api: "StartAutomationExecution",
      params: {
        DocumentName: args.revokeDocumentName,
        Parameters: {
          StoppedExecutionId: [StoppedExecutionId],
          ...Object.fromEntries(ACCESS_REQUEST_FIELDS.map((f) => [f, [read.outputs[f]]])),
        },
      },
    },
    { maxAttempts: 3, isEnd: true },
  );
  return {
    kind: "Automation",
    description:
      "Answers a grant workflow stopped with Type Complete: starts the removal of its access, with its parameters.",
    assumeRole: args.assumeRoleArn,
    parameters,
    steps: [
      read,
      branch(
        "Is_Grant_Workflow",
        [
          {
            when: { variable: read.outputs.DocumentName, operator: "StringEquals", value: args.grantDocumentName },
            next: grantStep,
          },
        ],
        nothingToDo,
      ),
      grantStep,
      branch(
        "Reached_Grant",
        [{ when: { variable: grantStep.outputs.StepName, operator: "StringEquals", value: GRANT_STEP }, next: start }],
        nothingToDo,
      ),
      start,
      nothingToDo,
    ],
  };
}

export interface RevokeStoppedArgs extends RequestBounds {
  assumeRoleArn: string;
  topicArn: string;
  feedbackBusArn: string;
  instanceArn: string;
  permissionSetParameterPath: string;
  /** Parameter Store path of the grants' claims (functions/requestCheck/claim.ts): who holds the access now. */
  grantClaimPath: string;
}

/** Removes the access of a grant workflow stopped with Type Complete, once the stopped execution has ended. */
export function revokeStoppedGrantDocument(args: RevokeStoppedArgs): AutomationDocument {
  const grant = grantParameters(args);
  const own = stoppedParameters();
  const parameters = { specs: { ...own.specs, ...grant.specs }, refs: { ...own.refs, ...grant.refs } };
  const { StoppedExecutionId, AccountId, PermissionSet, RequestingUser, RequesterExecutionId } = parameters.refs;
  const { instanceArn, topicArn } = args;
  const retry = { maxAttempts: 3 };
  const what = `${RequestingUser}'s ${PermissionSet} on account ${AccountId}`;
  const stopped = `Grant workflow ${StoppedExecutionId} ended with the access still in place: it failed, ran out of time to clean up, or was stopped with Type Complete.`;
  const notify = (name: string, headline: string, text: string, flow: Parameters<typeof publishNotification>[2]) =>
    publishNotification(
      name,
      {
        topicArn,
        eventType: "Error",
        subject: `${headline}: ${PermissionSet} on ${AccountId}`,
        message: [stopped, text].join("\n\n"),
      },
      flow,
    );

  // Told how it ended, on two steps of their own: the comment must not say "removed" where the removal failed. Both
  // end at End whether they succeed or not (no isEnd on them: AWS leaves its reading with an onFailure open).
  const end = sleep("End", "PT0S", { isEnd: true });
  const tellNotRemoved = sendFeedback(
    "Send_Stopped_Not_Removed_Feedback",
    {
      busArn: args.feedbackBusArn,
      executionId: RequesterExecutionId,
      signal: "Reject",
      comment: "Access could not be removed after the grant workflow ended; the administrators have been alerted",
    },
    { maxAttempts: 3, isCritical: false, onFailure: end, nextStep: end },
  );
  const tell = sendFeedback(
    "Send_Stopped_Feedback",
    {
      busArn: args.feedbackBusArn,
      executionId: RequesterExecutionId,
      signal: "Reject",
      comment: "Access removed: the grant workflow ended without removing it",
    },
    { maxAttempts: 3, isCritical: false, onFailure: "Continue" },
  );
  const notRemoved = notify(
    "Notify_Stopped_Not_Revoked",
    "JIT access NOT revoked after its workflow",
    `Removing ${what} failed. The user may still have this access: remove the account assignment in IAM Identity Center now.`,
    { maxAttempts: 5, onFailure: tellNotRemoved, nextStep: tellNotRemoved },
  );
  const removed = notify(
    "Notify_Stopped_Revoked",
    "JIT access revoked after its workflow",
    `${what} has been removed.`,
    {
      maxAttempts: 5,
      onFailure: tell,
      nextStep: tell,
    },
  );
  // The workflow removed the access itself (and reported it): nothing to do, nobody to tell.
  const alreadyRemoved = sleep("Already_Removed", "PT0S", { isEnd: true });

  const describeInstance = executeAwsApi(
    "Describe_Identity_Center_Instance",
    {
      service: "sso-admin",
      api: "DescribeInstance",
      params: { InstanceArn: instanceArn },
      outputs: { IdentityStoreId: ["String", "$.IdentityStoreId"] },
    },
    { ...retry, onFailure: notRemoved },
  );
  const resolveUser = executeAwsApi(
    "Resolve_User",
    {
      service: "identitystore",
      api: "GetUserId",
      params: {
        IdentityStoreId: describeInstance.outputs.IdentityStoreId,
        AlternateIdentifier: { UniqueAttribute: { AttributePath: "userName", AttributeValue: RequestingUser } },
      },
      outputs: { UserId: ["String", "$.UserId"] },
    },
    { ...retry, onFailure: notRemoved },
  );
  const resolveSet = executeAwsApi(
    "Resolve_Permission_Set",
    {
      service: "ssm",
      api: "GetParameter",
      params: { Name: `${args.permissionSetParameterPath}${PermissionSet}` },
      outputs: { PermissionSetArn: ["String", "$.Parameter.Value"] },
    },
    { ...retry, onFailure: notRemoved },
  );
  const target = {
    InstanceArn: instanceArn,
    TargetType: "AWS_ACCOUNT",
    TargetId: AccountId,
    PrincipalType: "USER",
    PermissionSetArn: resolveSet.outputs.PermissionSetArn,
    PrincipalId: resolveUser.outputs.UserId,
  };
  const key = {
    instanceArn,
    accountId: AccountId,
    permissionSetArn: resolveSet.outputs.PermissionSetArn,
    userId: resolveUser.outputs.UserId,
  };
  const revoke = executeAwsApi(
    "Revoke_Account_Assignment",
    {
      service: "sso-admin",
      api: "DeleteAccountAssignment",
      params: target,
      outputs: { RequestId: ["String", "$.AccountAssignmentDeletionStatus.RequestId"] },
    },
    { ...retry, onFailure: () => afterRevoke[0], onCancel: notRemoved },
  );
  const status = {
    service: "sso-admin",
    api: "DescribeAccountAssignmentDeletionStatus",
    params: { InstanceArn: instanceArn, AccountAssignmentDeletionRequestId: revoke.outputs.RequestId },
    propertySelector: "$.AccountAssignmentDeletionStatus.Status",
  };
  // A deletion that did not succeed may have found nothing to delete: read again before alarming.
  const afterRevoke = assignmentCheck(
    { read: "Read_Assignment_After_Revoke", decide: "Is_Assigned_After_Revoke" },
    key,
    { stillAssigned: notRemoved, removed, onCancel: notRemoved },
  );
  const before = assignmentCheck({ read: "Read_Assignment", decide: "Is_Assigned" }, key, {
    stillAssigned: revoke,
    removed: alreadyRemoved,
    onCancel: "Abort",
  });

  // A later request for the same access may have taken over the claim (the stopped workflow's had ended) and granted:
  // that assignment is the later grant's, not this one's. Remove only while the claim still names the stopped
  // workflow, or when it cannot be read, or when Automation compares a choice's value as written (then the check
  // cannot tell, and removing is the safe side for access).
  const readClaim = executeAwsApi(
    "Read_Grant_Claim",
    {
      service: "ssm",
      api: "GetParameter",
      params: { Name: `${args.grantClaimPath}${AccountId}/${PermissionSet}/${resolveUser.outputs.UserId}` },
      outputs: { Holder: ["String", "$.Parameter.Value"] },
    },
    { ...retry, onFailure: () => before[0] },
  );
  const laterGrant = sleep("Held_By_A_Later_Grant", "PT0S", { isEnd: true });
  const claimCheck = branch(
    "Is_Claim_Of_Stopped_Grant",
    [
      {
        when: {
          or: [
            { variable: readClaim.outputs.Holder, operator: "StringEquals", value: `${StoppedExecutionId}` },
            { not: { variable: StoppedExecutionId, operator: "StringEquals", value: `${StoppedExecutionId}` } },
          ],
        },
        next: () => before[0],
      },
    ],
    laterGrant,
    { onFailure: () => before[0] },
  );

  const steps: Step[] = [
    // Its own cancellation steps (if Complete ran them) remove the access first: let them finish.
    waitForAwsResourceProperty(
      "Wait_For_Stopped_Execution",
      {
        service: "ssm",
        api: "GetAutomationExecution",
        params: { AutomationExecutionId: StoppedExecutionId },
        propertySelector: "$.AutomationExecution.AutomationExecutionStatus",
        desiredValues: ENDED,
      },
      { timeoutSeconds: WAIT_SECONDS, ...retry, onFailure: "Continue" },
    ),
    describeInstance,
    resolveUser,
    resolveSet,
    readClaim,
    claimCheck,
    laterGrant,
    ...before,
    revoke,
    waitForAwsResourceProperty(
      "Wait_For_Revocation",
      { ...status, desiredValues: ["SUCCEEDED", "FAILED"] },
      { timeoutSeconds: WAIT_SECONDS, ...retry, onFailure: () => afterRevoke[0], onCancel: notRemoved },
    ),
    assertAwsResourceProperty(
      "Verify_Revocation",
      { ...status, desiredValues: ["SUCCEEDED"] },
      { ...retry, onFailure: () => afterRevoke[0], onCancel: notRemoved, nextStep: removed },
    ),
    ...afterRevoke,
    removed,
    alreadyRemoved,
    notRemoved,
    tellNotRemoved,
    tell,
    end,
  ];
  return {
    kind: "Automation",
    description: "Removes the access of an IAM Identity Center JIT grant workflow that was stopped with Type Complete.",
    assumeRole: args.assumeRoleArn,
    parameters: defineParameters(parameters.specs),
    steps,
  };
}
