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

/** A step that lists a principal's account assignments (the read before a "NOT revoked" alarm). */
export function readsAssignments(step: StepView): boolean {
  return (
    step.action === "aws:executeAwsApi" &&
    step.inputs.Service === "sso-admin" &&
    step.inputs.Api === "ListAccountAssignmentsForPrincipal"
  );
}

/** The `Variable` of every condition in a branch choice, nested ones included. */
function choiceVariables(choice: unknown): unknown[] {
  if (!isRecord(choice)) return [undefined];
  for (const key of ["And", "Or"]) {
    if (Array.isArray(choice[key])) return (choice[key] as unknown[]).flatMap(choiceVariables);
  }
  if (choice.Not !== undefined) return choiceVariables(choice.Not);
  // A value compared with itself reads nothing: it tells whether Automation resolves references in a choice's value.
  if (choice.StringEquals !== undefined && choice.StringEquals === choice.Variable) return [];
  return [choice.Variable];
}

/**
 * An aws:branch whose every choice reads the outputs of one step that lists account assignments: its choices are
 * "still assigned", its Default "removed", the access verified gone (management/grantWorkflow/assignmentCheck.ts).
 */
export function confirmsAbsence(step: StepView, byName: ReadonlyMap<string, StepView>): boolean {
  if (step.action !== "aws:branch" || !Array.isArray(step.inputs.Choices) || step.inputs.Choices.length === 0) {
    return false;
  }
  const readers = new Set(
    step.inputs.Choices.flatMap(choiceVariables).map((v) =>
      typeof v === "string" ? /^\{\{\s*(\w+)\.\w+\s*\}\}$/.exec(v)?.[1] : undefined,
    ),
  );
  const [reader] = readers;
  const read = reader === undefined ? undefined : byName.get(reader);
  return readers.size === 1 && read !== undefined && readsAssignments(read);
}
