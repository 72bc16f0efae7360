/**
 * The grant workflow's failure path. Once the request check may have recorded a grant, whatever goes wrong (a step
 * that fails, a cancellation, an answer that is not one of ours) hands the grant over to the end-of-grant workflow
 * (management/endOfGrant/) with Cause `failure` and this execution's id: the end function ends only a grant this
 * execution recorded (a later request's grant of the same access is left alone), removes whatever was assigned, and
 * reports. Then a notification says the request failed.
 */
import { builtins, type Step } from "../../shared/ssm/model";
import { executeAwsApi } from "../../shared/ssm/steps";
import type { Steps } from "./parameters";

export interface HandOver {
  /** The first step: starts the end-of-grant workflow. */
  entry: Step;
  steps: Step[];
}

export function handOverSteps(s: Steps, endDocumentName: string): HandOver {
  const { RequesterExecutionId } = s.parameters.refs;
  const { bestEffort, finish } = s;
  const told = s.notify(
    "Notify_Request_Failed",
    "Error",
    "JIT access request failed",
    [
      `The grant workflow failed or was cancelled. ${s.request}.`,
      "Its grant, if it got that far, was handed to the end-of-grant workflow, which removes any access and reports (AccessRevoked, or an Error saying it is NOT revoked).",
    ],
    { ...bestEffort, ...finish },
  );
  const handOverFailed = s.notify(
    "Notify_Hand_Over_Failed",
    "Error",
    "JIT access request failed, end NOT started",
    [
      `The grant workflow failed or was cancelled, and could not start the end-of-grant workflow. ${s.request}.`,
      `If the access was granted it stays until its scheduled end (the reconciler ends it then at the latest); to end it now: jit revoke ${RequesterExecutionId}`,
    ],
    { ...bestEffort, ...finish },
  );
  const handOver = executeAwsApi(
    "Hand_Over_Grant",
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
