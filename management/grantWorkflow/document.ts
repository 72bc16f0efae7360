/**
 * The grant workflow: the Automation document the request bus starts for each approved request (DESIGN.md §4, §10).
 * It asks the request check (functions/requestCheck/) who really raised and approved the request, whether the rules
 * allow it, and to record the grant in the ledger; notifies before granting (and grants nothing if it cannot); then
 * the grant function (functions/grantAccess/) assigns the access and schedules its end. It ends once the grant is
 * reported: the end comes from the grant's schedule, which starts the end-of-grant workflow (management/endOfGrant/),
 * and the reconciler is the backstop. No step sleeps.
 *
 * A refusal is reported with the check's reason (./refusal.ts); an extension of an access the requester already holds
 * is reported as such; every failure after the check hands the grant over to the end-of-grant workflow
 * (./handOver.ts). Every path ends with a notification saying how the request ended: the requester's runbook ended
 * once it sent the request, so the notification is how the requester hears. tools/sim/faultSweep.ts proves it under
 * faults.
 */

import { GRANTED, NOT_GRANTED } from "../../functions/grantAccess";
import { ELIGIBLE, EXTENDED, IGNORED, REJECTED } from "../../functions/requestCheck";
import type { RequestBounds } from "../../shared/accessRequest";
import { type AutomationDocument, builtins, type Step } from "../../shared/ssm/model";
import { branch, invokeLambdaFunction, payloadIs } from "../../shared/ssm/steps";
import { handOverSteps } from "./handOver";
import { grantSteps } from "./parameters";
import { refusalSteps, refusalVariables } from "./refusal";

export { grantParameters } from "./parameters";
export { JSON_UNSAFE, UNREAD_REASON } from "./refusal";

export interface GrantDocumentArgs extends RequestBounds {
  assumeRoleArn: string;
  topicArn: string;
  /** The request check (functions/requestCheck/), invoked before anything else. */
  requestCheckFunctionName: string;
  /** The grant function (functions/grantAccess/). */
  grantFunctionName: string;
  /** The end-of-grant workflow's document, which a failure hands the grant over to. */
  endDocumentName: string;
  /** Parameter Store path where the request check leaves the reason for a refusal, by grant execution id. */
  checkReasonPath: string;
}

/** How long the grant function may take: Identity Center usually assigns within a minute (the function's timeout). */
export const GRANT_STEP_TIMEOUT_SECONDS = 300;

export function grantDocument(args: GrantDocumentArgs): AutomationDocument {
  const s = grantSteps(args);
  const variables = refusalVariables();
  const { AccountId, PermissionSet, Duration, RequestingUser, Justification, RequesterExecutionId } = s.parameters.refs;
  const execution = builtins.executionId;
  const { bestEffort, finish } = s;
  const handOver = handOverSteps(s, args.endDocumentName);
  const failed = { maxAttempts: 3, onFailure: handOver.entry, onCancel: handOver.entry };

  // Who really raised and approved the request, whether the rules allow it, and its grant recorded in the ledger.
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
    failed,
  );
  const refusal = refusalSteps(s, check, variables, args.checkReasonPath);

  // The access was already held by an open grant of the same user: the check moved its end, and nothing is assigned.
  const extended = s.notify(
    "Notify_Access_Extended",
    "AccessGranted",
    "JIT access extended",
    [
      `${RequestingUser} already held ${PermissionSet} on ${AccountId}: it now lasts ${Duration} ${args.durationUnit} longer. ${s.request}.`,
    ],
    { ...bestEffort, ...finish },
  );

  const grant = invokeLambdaFunction(
    "Grant_Access",
    { functionName: args.grantFunctionName, input: { RequestId: RequesterExecutionId, GrantExecutionId: execution } },
    { ...failed, timeoutSeconds: GRANT_STEP_TIMEOUT_SECONDS },
  );
  const notifyGranted = s.notify(
    "Notify_Access_Granted",
    "AccessGranted",
    "JIT access granted",
    [
      `${RequestingUser} now has ${PermissionSet} on ${AccountId} for ${Duration} ${args.durationUnit}. It appears in their AWS access portal.`,
      `To end it early: jit revoke ${RequesterExecutionId}`,
    ],
    { ...bestEffort, ...finish },
  );
  const notGranted = s.notify(
    "Notify_Access_Not_Granted",
    "Error",
    "JIT access not granted",
    [`Identity Center did not assign the access; nothing was granted. ${s.request}.`],
    { ...bestEffort, ...finish },
  );

  const mainSteps: Step[] = [
    check,
    branch(
      "Is_Request_Eligible",
      [
        { when: payloadIs(check, ELIGIBLE), next: () => mainSteps[2] },
        { when: payloadIs(check, EXTENDED), next: extended },
        { when: payloadIs(check, REJECTED, IGNORED), next: refusal.entry },
      ],
      // Any other answer is not the check's: hand over whatever it may have recorded.
      handOver.entry,
      failed,
    ),
    // Fail closed: nobody is granted access without the notification going out first.
    s.notify(
      "Notify_Access_Being_Assigned",
      "AccessBeingAssigned",
      "JIT access being assigned",
      [
        `${RequestingUser} is being granted ${PermissionSet} on ${AccountId} for ${Duration} ${args.durationUnit}, plus up to the permission set's session duration for sessions already open.`,
        `Reason given: ${Justification}`,
      ],
      failed,
    ),
    grant,
    branch(
      "Is_Access_Granted",
      [
        { when: payloadIs(grant, GRANTED), next: notifyGranted },
        { when: payloadIs(grant, NOT_GRANTED), next: notGranted },
      ],
      handOver.entry,
      failed,
    ),
    // Granted, with its end scheduled: a cancellation from here on leaves the grant to its schedule.
    notifyGranted,
  ];

  return {
    kind: "Automation",
    description: `Checks and grants temporary IAM Identity Center access for an approved request (its end is scheduled; durations in ${args.durationUnit}).`,
    assumeRole: args.assumeRoleArn,
    parameters: s.parameters,
    variables,
    steps: [...mainSteps, extended, notGranted, ...refusal.steps, ...handOver.steps, s.end],
  };
}
