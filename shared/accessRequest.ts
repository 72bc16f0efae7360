/**
 * The parameters of an access request, as the requester's form asks for them and as the management workflow checks
 * them again on arrival (DESIGN.md §9): one definition, so both sides apply the same patterns and allowed values.
 */
import { DURATION_UNITS, type DurationUnit } from "./config/common";
import type { AccessRequestField } from "./events";
import { Pattern, patterns, wholeNumberUpTo } from "./patterns";
import type { ParameterSpec } from "./ssm/model";

/** What bounds a request: the deployment's requestable permission sets and longest duration. */
export interface RequestBounds {
  requestablePermissionSets: readonly string[];
  maxDuration: number;
  durationUnit: DurationUnit;
}

type StringParameter = Extract<ParameterSpec, { type: "String" }>;

/**
 * The units the grant workflow admits in a request: any unit the solution knows, or none. A request runbook of a
 * version from before requests named their unit sends none, and the rule's input transformer makes it empty. Either
 * way the request reaches the check, which refuses any but the deployed unit with its reason for the requester.
 */
export const requestedDurationUnit = new Pattern(
  `^(${DURATION_UNITS.join("|")})?$`,
  `empty, or one of ${DURATION_UNITS.join(", ")}`,
);

export function accessRequestParameterSpecs(bounds: RequestBounds): Record<AccessRequestField, StringParameter> {
  const { durationUnit: unit, maxDuration: max } = bounds;
  return {
    AccountId: {
      type: "String",
      description: "The 12-digit id of the AWS account you need access to (shown in the AWS access portal).",
      pattern: patterns.accountId,
    },
    PermissionSet: {
      type: "String",
      description: `The permission set you need: one of ${bounds.requestablePermissionSets.join(", ")}.`,
      allowedValues: bounds.requestablePermissionSets,
    },
    Duration: {
      type: "String",
      description: `How long you need the access, in ${unit}: a whole number from 1 to ${max} (your eligibility rule may allow less).`,
      pattern: wholeNumberUpTo(max, `a whole number of ${unit} from 1 to ${max}`),
    },
    // Chosen, not defaulted: an execution records the parameters supplied when it was started (API_AutomationExecution
    // Parameters), and the check confirms the request against that record. One allowed value: the unit of Duration.
    DurationUnit: {
      type: "String",
      description: `The unit of Duration: ${unit}.`,
      allowedValues: [unit],
    },
    RequestingUser: {
      type: "String",
      description: "Your IAM Identity Center user name, as you sign in to the AWS access portal.",
      pattern: patterns.userName,
    },
    Justification: {
      type: "String",
      description: "Why you need the access: the ticket or incident and what you will do (10 to 500 characters).",
      pattern: patterns.justification,
      displayType: "textarea",
    },
    RequesterExecutionId: {
      type: "String",
      description: "The requester account's runbook execution that sent the request: the request's id.",
      pattern: patterns.automationExecutionId,
    },
  };
}
