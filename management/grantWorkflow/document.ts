/**
 * The grant workflow: the Automation document the request bus starts for each approved request (DESIGN.md §4, §10).
 * Its first step invokes the request check (functions/requestCheck/grant.ts), which reads who really raised and
 * approved the request, decides whether the rules allow it, records the grant in the ledger, announces it (and grants
 * nothing if it cannot), assigns the access and schedules its end, in one invocation. It ends once the grant is
 * reported: the end comes from the grant's schedule, which starts the end-of-grant workflow (management/endOfGrant/),
 * and the reconciler is the backstop. No step sleeps.
 *
 * A refusal is reported with the check's reason (./refusal.ts); an extension of an access the requester already holds
 * is reported as such; a failure of the step hands the grant over to the end-of-grant workflow (./handOver.ts), and so
 * does a grant ended while it was being assigned whose removal the check could not confirm: until that end reports, the
 * notification says the access may have been granted, never that nothing was. Every
 * path ends with a notification saying how the request ended: the requester's runbook ended once it sent the request,
 * so the notification is how the requester hears. tools/sim/faultSweep.ts proves it under faults.
 */

import { GRANTED, MAY_BE_GRANTED, NOT_GRANTED, REMOVED } from "../../functions/grantAccess";
import { EXTENDED, IGNORED, REJECTED } from "../../functions/requestCheck";
import type { RequestBounds } from "../../shared/accessRequest";
import { type AutomationDocument, builtins, type Step } from "../../shared/ssm/model";
import { branch, invokeLambdaFunction, payloadIs } from "../../shared/ssm/steps";
import { handOverSteps, unconfirmedRemovalSteps } from "./handOver";
import { grantSteps } from "./parameters";
import { refusalSteps, refusalVariables } from "./refusal";

export { grantParameters } from "./parameters";
export { JSON_UNSAFE, UNREAD_REASON } from "./refusal";

export interface GrantDocumentArgs extends RequestBounds {
  assumeRoleArn: string;
  topicArn: string;
  /** The request check, which grants what it lets through (functions/requestCheck/grant.ts). */
  requestCheckFunctionName: string;
  /** The end-of-grant workflow's document, which a failure hands the grant over to. */
  endDocumentName: string;
  /** Parameter Store path where the request check leaves the reason for a refusal, by grant execution id. */
  checkReasonPath: string;
}

/**
 * How long the check and grant may take: Identity Center usually assigns within a minute (a minute more than the
 * function's own timeout, management/requestCheck.ts).
 */
export const GRANT_STEP_TIMEOUT_SECONDS = 300;

export function grantDocument(args: GrantDocumentArgs): AutomationDocument {
  const s = grantSteps(args);
  const variables = refusalVariables();
  const { AccountId, PermissionSet, Duration, DurationUnit, RequestingUser, Justification, RequesterExecutionId } =
    s.parameters.refs;
  const execution = builtins.executionId;
  const { bestEffort, finish } = s;
  const handOver = handOverSteps(s, args.endDocumentName);
  const unconfirmed = unconfirmedRemovalSteps(s, args.endDocumentName);
  const failed = { maxAttempts: 3, onFailure: handOver.entry, onCancel: handOver.entry };

  // Who really raised and approved the request, whether the rules allow it, its grant recorded in the ledger,
  // announced (fail closed: nobody is granted access without the notification going out first) and assigned.
  const check = invokeLambdaFunction(
    "Check_And_Grant",
    {
      functionName: args.requestCheckFunctionName,
      input: {
        AccountId,
        PermissionSet,
        Duration,
        DurationUnit,
        RequestingUser,
        Justification,
        RequesterExecutionId,
        GrantExecutionId: execution,
      },
    },
    { ...failed, timeoutSeconds: GRANT_STEP_TIMEOUT_SECONDS },
  );
  const refusal = refusalSteps(s, check, variables, args.checkReasonPath);

  // The access was already held by an open grant of the same user: the check moved its end, and nothing is assigned.
  const extended = s.notify(
    "Notify_Access_Extended",
    "AccessGranted",
    "JIT access extended",
    [
      `${RequestingUser} already held ${PermissionSet} on ${AccountId}: it now lasts ${Duration} ${DurationUnit} longer. ${s.request}.`,
    ],
    { ...bestEffort, ...finish },
  );

  const notifyGranted = s.notify(
    "Notify_Access_Granted",
    "AccessGranted",
    "JIT access granted",
    [
      `${RequestingUser} now has ${PermissionSet} on ${AccountId} for ${Duration} ${DurationUnit}. It appears in their AWS access portal.`,
      `To end it early: jit revoke ${RequesterExecutionId}`,
    ],
    { ...bestEffort, ...finish },
  );
  // Only when nothing was assigned: nothing asked, or the creation FAILED and the assignment is confirmed absent.
  const notGranted = s.notify(
    "Notify_Access_Not_Granted",
    "Error",
    "JIT access not granted",
    [`Identity Center did not assign the access; nothing was granted. ${s.request}.`],
    { ...bestEffort, ...finish },
  );
  // Assigned (or being assigned) when the grant was ended: the check removed it and confirmed it absent.
  const removed = s.notify(
    "Notify_Access_Removed",
    "AccessRevoked",
    "JIT access removed as it was granted",
    [
      `The grant was ended while its access was being assigned: the access was removed, and its removal is confirmed. ${s.request}.`,
    ],
    { ...bestEffort, ...finish },
  );

  const mainSteps: Step[] = [
    check,
    branch(
      "Is_Access_Granted",
      [
        { when: payloadIs(check, GRANTED), next: notifyGranted },
        { when: payloadIs(check, NOT_GRANTED), next: notGranted },
        { when: payloadIs(check, REMOVED), next: removed },
        { when: payloadIs(check, MAY_BE_GRANTED), next: unconfirmed.entry },
        { when: payloadIs(check, EXTENDED), next: extended },
        { when: payloadIs(check, REJECTED, IGNORED), next: refusal.entry },
      ],
      // Any other answer is not the check's: hand over whatever it may have recorded.
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
    steps: [
      ...mainSteps,
      extended,
      notGranted,
      removed,
      ...refusal.steps,
      ...handOver.steps,
      ...unconfirmed.steps,
      s.end,
    ],
  };
}
