/**
 * The grant workflow: the Automation document the request bus starts for each approved request. It resolves the
 * request, notifies before granting (and refuses to grant if it cannot), assigns the permission set with
 * CreateAccountAssignment and waits for Identity Center to report SUCCEEDED, sleeps for the approved duration, then
 * revokes and waits for the deletion to succeed (DESIGN.md §4). Every failure or cancellation after the grant was
 * attempted leads to a revoke; a revoke that fails raises an Error notification and leaves the execution Failed.
 */
import { accessRequestParameterSpecs, type RequestBounds } from "../../shared/accessRequest";
import type { DurationUnit } from "../../shared/config/common";
import { publishNotification, sendFeedback } from "../../shared/documentSteps";
import { ACCESS_REQUEST_FIELDS } from "../../shared/events";
import { type AutomationDocument, builtins, defineParameters } from "../../shared/ssm/model";
import {
  assertAwsResourceProperty,
  executeAwsApi,
  invokeLambdaFunction,
  sleep,
  waitForAwsResourceProperty,
} from "../../shared/ssm/steps";

export interface GrantDocumentArgs extends RequestBounds {
  assumeRoleArn: string;
  topicArn: string;
  /** The requester side's feedback bus, where progress is reported to the waiting request runbook. */
  feedbackBusArn: string;
  instanceArn: string;
  /** Parameter Store path of the permission set name -> ARN parameters (ends with a slash). */
  permissionSetParameterPath: string;
  /** The CloudTrail summary function, and how long after the revocation to wait before invoking it. */
  cloudTrailSummary?: { functionName: string; waitSeconds: number };
}

/** How long to wait for Identity Center to finish an assignment or its deletion. */
const ASSIGNMENT_TIMEOUT_SECONDS = 600;

const ISO_UNIT: Record<DurationUnit, string> = { hours: "H", minutes: "M" };

export function grantParameters(bounds: RequestBounds) {
  const specs = accessRequestParameterSpecs(bounds);
  // The event's field list drives the parameters: a field the event carries cannot lack its parameter.
  return defineParameters(Object.fromEntries(ACCESS_REQUEST_FIELDS.map((f) => [f, specs[f]])) as typeof specs);
}

export function grantDocument(args: GrantDocumentArgs): AutomationDocument {
  const parameters = grantParameters(args);
  const { AccountId, PermissionSet, Duration, RequestingUser, Justification, RequesterExecutionId } = parameters.refs;
  const { topicArn, instanceArn } = args;
  const execution = builtins.executionId;
  const request = `${RequestingUser} asked for ${PermissionSet} on account ${AccountId} for ${Duration} ${args.durationUnit}, because: ${Justification}`;
  const whereToLook = `Automation execution ${execution} in account ${builtins.accountId} (${builtins.region}) has the details of every step.`;

  // Revoke failed: the user may keep access. Alert and leave the execution Failed, the record a reconciler acts on.
  const notifyRevokeFailed = publishNotification(
    "Notify_Revoke_Failed",
    {
      topicArn,
      eventType: "Error",
      subject: `JIT access NOT revoked: ${PermissionSet} on ${AccountId}`,
      message: [
        `Revoking temporary access failed. ${request}.`,
        "The user may still have this access: remove the account assignment in IAM Identity Center now.",
        whereToLook,
      ].join("\n\n"),
    },
    { maxAttempts: 5, isEnd: true },
  );

  const assignment = {
    InstanceArn: instanceArn,
    TargetType: "AWS_ACCOUNT",
    TargetId: AccountId,
    PrincipalType: "USER",
  };

  // Failed before anything was granted: report and tell the requester.
  const failedSteps = [
    publishNotification(
      "Notify_Request_Failed",
      {
        topicArn,
        eventType: "Error",
        subject: `JIT access request failed: ${PermissionSet} on ${AccountId}`,
        message: [`The access request failed before anything was granted. ${request}.`, whereToLook].join("\n\n"),
      },
      { maxAttempts: 3, isCritical: false, onFailure: "Continue" },
    ),
    sendFeedback(
      "Send_Failed_Feedback",
      {
        busArn: args.feedbackBusArn,
        executionId: RequesterExecutionId,
        signal: "Reject",
        comment: "Access was not granted: the grant workflow failed",
      },
      { maxAttempts: 3, isCritical: false, onFailure: "Continue", isEnd: true },
    ),
  ];
  const failed = failedSteps[0];
  const resolution = { maxAttempts: 3, onFailure: failed };

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

  // Cleanup: the grant may have happened and the workflow cannot go on. Revoke first, because a cancellation
  // leaves Automation only two minutes to run its cancellation steps; report afterwards.
  const cleanupRevoke = executeAwsApi(
    "Cleanup_Revoke",
    {
      service: "sso-admin",
      api: "DeleteAccountAssignment",
      params: target,
      outputs: { RequestId: ["String", "$.AccountAssignmentDeletionStatus.RequestId"] },
    },
    { maxAttempts: 3, onFailure: notifyRevokeFailed, onCancel: notifyRevokeFailed },
  );
  const cleanupDeletionStatus = {
    service: "sso-admin",
    api: "DescribeAccountAssignmentDeletionStatus",
    params: { InstanceArn: instanceArn, AccountAssignmentDeletionRequestId: cleanupRevoke.outputs.RequestId },
    propertySelector: "$.AccountAssignmentDeletionStatus.Status",
  };
  const cleanupSteps = [
    cleanupRevoke,
    waitForAwsResourceProperty(
      "Cleanup_Wait_For_Revocation",
      { ...cleanupDeletionStatus, desiredValues: ["SUCCEEDED", "FAILED"] },
      { timeoutSeconds: ASSIGNMENT_TIMEOUT_SECONDS, onFailure: notifyRevokeFailed, onCancel: notifyRevokeFailed },
    ),
    assertAwsResourceProperty(
      "Cleanup_Verify_Revocation",
      { ...cleanupDeletionStatus, desiredValues: ["SUCCEEDED"] },
      { onFailure: notifyRevokeFailed, onCancel: notifyRevokeFailed },
    ),
    publishNotification(
      "Notify_Grant_Interrupted",
      {
        topicArn,
        eventType: "Error",
        subject: `JIT access interrupted and revoked: ${PermissionSet} on ${AccountId}`,
        message: [
          `The access workflow failed or was cancelled after access may have been granted. ${request}.`,
          "The assignment has been removed.",
          whereToLook,
        ].join("\n\n"),
      },
      { maxAttempts: 2, isCritical: false, onFailure: "Continue" },
    ),
    publishNotification(
      "Notify_Cleanup_Revoked",
      {
        topicArn,
        eventType: "AccessRevoked",
        subject: `JIT access revoked early: ${PermissionSet} on ${AccountId}`,
        message: [`Access was removed after the workflow failed or was cancelled. ${request}.`, whereToLook].join(
          "\n\n",
        ),
      },
      { maxAttempts: 2, isCritical: false, onFailure: "Continue" },
    ),
    sendFeedback(
      "Send_Interrupted_Feedback",
      {
        busArn: args.feedbackBusArn,
        executionId: RequesterExecutionId,
        signal: "Reject",
        comment: "Access ended early: the grant workflow failed or was cancelled",
      },
      { maxAttempts: 2, isCritical: false, onFailure: "Continue", isEnd: true },
    ),
  ];
  const cleanup = cleanupRevoke;

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
    // A refused call granted nothing; a cancellation may have come after Identity Center took the request.
    { onFailure: failed, onCancel: cleanup },
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

  const revoke = executeAwsApi(
    "Revoke_Account_Assignment",
    {
      service: "sso-admin",
      api: "DeleteAccountAssignment",
      params: target,
      outputs: {
        RequestId: ["String", "$.AccountAssignmentDeletionStatus.RequestId"],
      },
    },
    { maxAttempts: 3, onFailure: notifyRevokeFailed, onCancel: cleanupRevoke },
  );
  const deletionStatus = {
    service: "sso-admin",
    api: "DescribeAccountAssignmentDeletionStatus",
    params: {
      InstanceArn: instanceArn,
      AccountAssignmentDeletionRequestId: revoke.outputs.RequestId,
    },
    propertySelector: "$.AccountAssignmentDeletionStatus.Status",
  };
  const afterGrant = { onFailure: cleanup, onCancel: cleanup };
  const bestEffort = {
    maxAttempts: 3,
    isCritical: false,
    onFailure: "Continue" as const,
  };

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
            timeoutSeconds: 900,
            isCritical: false,
            onFailure: "Continue",
            isEnd: true,
          },
        ),
      ]
    : [];

  const mainSteps = [
    describeInstance,
    resolveUser,
    resolvePermissionSet,
    describeAccount,
    // Fail closed: nobody is granted access without the notification going out first.
    publishNotification(
      "Notify_Access_Being_Assigned",
      {
        topicArn,
        eventType: "AccessBeingAssigned",
        subject: `JIT access being assigned: ${PermissionSet} on ${AccountId}`,
        message: [
          `${RequestingUser} is being granted ${PermissionSet} on ${accountName} (${AccountId}) for ${Duration} ${args.durationUnit}, plus up to the permission set's session duration for sessions already open.`,
          `Reason given: ${Justification}`,
          whereToLook,
        ].join("\n\n"),
      },
      { maxAttempts: 3, onFailure: failed },
    ),
    grant,
    waitForAwsResourceProperty(
      "Wait_For_Assignment",
      { ...creationStatus, desiredValues: ["SUCCEEDED", "FAILED"] },
      { timeoutSeconds: ASSIGNMENT_TIMEOUT_SECONDS, ...afterGrant },
    ),
    // FAILED can leave a half-provisioned role in the target account, so it is cleaned up like any interruption.
    assertAwsResourceProperty("Verify_Assignment", { ...creationStatus, desiredValues: ["SUCCEEDED"] }, afterGrant),
    sendFeedback(
      "Send_Granted_Feedback",
      {
        busArn: args.feedbackBusArn,
        executionId: RequesterExecutionId,
        signal: "Approve",
        comment: "Access granted",
      },
      { ...bestEffort, onCancel: cleanup },
    ),
    publishNotification(
      "Notify_Access_Granted",
      {
        topicArn,
        eventType: "AccessGranted",
        subject: `JIT access granted: ${PermissionSet} on ${AccountId}`,
        message: [
          `${RequestingUser} now has ${PermissionSet} on ${accountName} (${AccountId}) for ${Duration} ${args.durationUnit}. It appears in their AWS access portal.`,
          whereToLook,
        ].join("\n\n"),
      },
      { ...bestEffort, onCancel: cleanup },
    ),
    sleep("Wait_For_Duration", `PT${Duration}${ISO_UNIT[args.durationUnit]}`, afterGrant),
    revoke,
    waitForAwsResourceProperty(
      "Wait_For_Revocation",
      { ...deletionStatus, desiredValues: ["SUCCEEDED", "FAILED"] },
      {
        timeoutSeconds: ASSIGNMENT_TIMEOUT_SECONDS,
        onFailure: notifyRevokeFailed,
        onCancel: notifyRevokeFailed,
      },
    ),
    assertAwsResourceProperty(
      "Verify_Revocation",
      { ...deletionStatus, desiredValues: ["SUCCEEDED"] },
      { onFailure: notifyRevokeFailed, onCancel: notifyRevokeFailed },
    ),
    sendFeedback(
      "Send_Revoked_Feedback",
      {
        busArn: args.feedbackBusArn,
        executionId: RequesterExecutionId,
        signal: "Approve",
        comment: "Access revoked",
      },
      bestEffort,
    ),
    publishNotification(
      "Notify_Access_Revoked",
      {
        topicArn,
        eventType: "AccessRevoked",
        subject: `JIT access revoked: ${PermissionSet} on ${AccountId}`,
        message: [
          `${RequestingUser} no longer has ${PermissionSet} on ${accountName} (${AccountId}). Sessions opened during the grant last until the permission set's session duration ends.`,
          whereToLook,
        ].join("\n\n"),
      },
      { ...bestEffort, isEnd: summarySteps.length === 0 },
    ),
    ...summarySteps,
  ];

  return {
    kind: "Automation",
    description: `Grants temporary IAM Identity Center access for an approved request and revokes it after the approved duration (${args.durationUnit}).`,
    assumeRole: args.assumeRoleArn,
    parameters,
    steps: [...mainSteps, ...failedSteps, ...cleanupSteps, notifyRevokeFailed],
  };
}
