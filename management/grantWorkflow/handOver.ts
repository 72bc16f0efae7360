/**
 * The grant workflow's failure path. Once the request check may have recorded a grant, whatever goes wrong (a step
 * that fails, a cancellation, an answer that is not one of ours) hands the grant over to the end-of-grant workflow
 * (management/endOfGrant/) with Cause `failure` and this execution's id: the end function ends only a grant this
 * execution recorded (a later request's grant of the same access is left alone), removes whatever was assigned, and
 * reports. Then a notification says the request failed.
 *
 * The check may also answer that the grant is being ended and its removal is not confirmed (`MayBeGranted`): the
 * same hand-over, so the end-of-grant workflow's verified removal confirms it (delete, follow the deletion, confirm the
 * assignment absent), and a notification that says the access may have been granted until that end reports.
 */
import { builtins, type Step } from "../../shared/ssm/model";
import { executeAwsApi } from "../../shared/ssm/steps";
import type { Steps } from "./parameters";

export interface HandOver {
  /** The first step: starts the end-of-grant workflow. */
  entry: Step;
  steps: Step[];
}

const ENDS_AND_REPORTS =
  "the end-of-grant workflow, which removes any access and reports (AccessRevoked once its removal is confirmed, or an Error saying it is NOT revoked)";

/** The hand-over of a workflow that failed or was cancelled. */
export function handOverSteps(s: Steps, endDocumentName: string): HandOver {
  const told = s.notify(
    "Notify_Request_Failed",
    "Error",
    "JIT access request failed",
    [
      `The grant workflow failed or was cancelled. ${s.request}.`,
      `Its grant, if it got that far, was handed to ${ENDS_AND_REPORTS}.`,
    ],
    { ...s.bestEffort, ...s.finish },
  );
  return handOver(s, endDocumentName, "", "The grant workflow failed or was cancelled", told);
}

/** The hand-over of a grant being ended whose removal is not confirmed: the access may have been granted. */
export function unconfirmedRemovalSteps(s: Steps, endDocumentName: string): HandOver {
  const told = s.notify(
    "Notify_Access_May_Be_Granted",
    "Error",
    "JIT access may have been granted",
    [
      `The grant was ended while its access was being assigned, and the removal of the access is not confirmed: it may have been granted, and may still be held. ${s.request}.`,
      `It was handed to ${ENDS_AND_REPORTS}.`,
    ],
    { ...s.bestEffort, ...s.finish },
  );
  return handOver(s, endDocumentName, "_Unconfirmed", "The grant workflow found its grant's removal unconfirmed", told);
}

/** Starts the end-of-grant workflow for this execution's grant, then `told`; a start that fails says so instead. */
function handOver(s: Steps, endDocumentName: string, suffix: string, what: string, told: Step): HandOver {
  const { RequesterExecutionId } = s.parameters.refs;
  const { bestEffort, finish } = s;
  const handOverFailed = s.notify(
    `Notify_Hand_Over${suffix}_Failed`,
    "Error",
    "JIT access request failed, end NOT started",
    [
      `${what}, and could not start the end-of-grant workflow. ${s.request}.`,
      `If the access was granted it stays until its scheduled end (the reconciler ends it then at the latest); to end it now: jit revoke ${RequesterExecutionId}`,
    ],
    { ...bestEffort, ...finish },
  );
  const handOver = executeAwsApi(
    `Hand_Over${suffix}_Grant`,
    {
      service: "ssm",
      api: "StartAutomationExecution",
      params: {
        DocumentName: endDocumentName,
        Parameters: {
          RequestId: [RequesterExecutionId],
          Cause: ["failure"],
          GrantExecutionId: [builtins.executionId],
        },
      },
      outputs: { EndExecutionId: ["String", "$.AutomationExecutionId"] },
    },
    { maxAttempts: 3, isCritical: false, onFailure: handOverFailed, onCancel: handOverFailed, nextStep: told },
  );
  return { entry: handOver, steps: [handOver, handOverFailed, told] };
}
