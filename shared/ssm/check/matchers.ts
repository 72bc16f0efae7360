/** Which steps are grants, revokes, deletion-status checks and Error notifications. */
import { EVENT_TYPE_ATTRIBUTE } from "../../events";
import { isRecord, type StepView } from "./content";
import type { ApiMatcher } from "./types";

export function callsApi(step: StepView, matcher: ApiMatcher): boolean {
  return (
    step.action === "aws:executeAwsApi" && step.inputs.Service === matcher.service && step.inputs.Api === matcher.api
  );
}

export function checksDeletionStatus(step: StepView): boolean {
  return (
    (step.action === "aws:waitForAwsResourceProperty" || step.action === "aws:assertAwsResourceProperty") &&
    step.inputs.Api === "DescribeAccountAssignmentDeletionStatus"
  );
}

/** A step that goes on only if a deletion SUCCEEDED: once past it, the access is verified gone. */
export function confirmsDeletion(step: StepView): boolean {
  const desired = step.inputs.DesiredValues;
  return (
    step.action === "aws:assertAwsResourceProperty" &&
    step.inputs.Api === "DescribeAccountAssignmentDeletionStatus" &&
    Array.isArray(desired) &&
    desired.length === 1 &&
    desired[0] === "SUCCEEDED"
  );
}

export function publishesError(step: StepView): boolean {
  if (!callsApi(step, { service: "sns", api: "Publish" })) return false;
  const attributes = step.inputs.MessageAttributes;
  const eventType = isRecord(attributes) ? attributes[EVENT_TYPE_ATTRIBUTE] : undefined;
  return isRecord(eventType) && eventType.StringValue === "Error";
}

export function describeMatcher(m: ApiMatcher): string {
  return `${m.service} ${m.api}`;
}
