/** The grant workflow's parameters (one per field of the access request event) and what its steps share. */
import { accessRequestParameterSpecs, type RequestBounds, requestedDurationUnit } from "../../shared/accessRequest";
import { publishNotification } from "../../shared/documentSteps";
import { ACCESS_REQUEST_FIELDS, type EventType } from "../../shared/events";
import { builtins, defineParameters, type Flow, type Step } from "../../shared/ssm/model";
import { sleep } from "../../shared/ssm/steps";

export function grantParameters(bounds: RequestBounds) {
  const specs = accessRequestParameterSpecs(bounds);
  // Any known unit, or none (an older request runbook's), starts the workflow, so that the check refuses one that is
  // not this deployment's with a reason the requester is told: a start refused for it would only reach the
  // dead-letter queue. Whether Automation takes an empty value for a parameter without a default AWS does not say:
  // with an empty default it is taken either way.
  const { allowedValues: _offered, ...rest } = specs.DurationUnit;
  const unit = { ...rest, pattern: requestedDurationUnit, default: "" };
  // The event's field list drives the parameters: a field the event carries cannot lack its parameter.
  return defineParameters(
    Object.fromEntries(ACCESS_REQUEST_FIELDS.map((f) => [f, f === "DurationUnit" ? unit : specs[f]])) as typeof specs,
  );
}

export type GrantParameters = ReturnType<typeof grantParameters>;

export interface Steps {
  parameters: GrantParameters;
  /** `<user> asked for <set> on account <account> for <duration> <the request's unit>, because: <justification>` */
  request: string;
  /** A notification about this request: `<headline>: <permission set> on <account>`, its paragraphs, where to look. */
  notify(name: string, eventType: EventType, headline: string, paragraphs: string[], flow: Flow): Step;
  /** The last step of the document, with isEnd of its own. */
  end: Step;
  /** Goes to the end whether the step succeeds or fails. */
  finish: { onFailure: Step; nextStep: Step };
  /** A step whose failure does not stop the workflow, tried three times. */
  bestEffort: { maxAttempts: number; isCritical: false; onFailure: "Continue" };
}

export interface StepsArgs extends RequestBounds {
  topicArn: string;
}

export function grantSteps(args: StepsArgs): Steps {
  const parameters = grantParameters(args);
  const { AccountId, PermissionSet, Duration, DurationUnit, RequestingUser, Justification } = parameters.refs;
  const execution = builtins.executionId;
  const whereToLook = `Automation execution ${execution} in account ${builtins.accountId} (${builtins.region}) has the details of every step.`;
  // Every path whose last step may fail ends here, not with isEnd on that step: AWS does not say whether a failed
  // step with isEnd follows its onFailure, so such a step takes the same path under both readings
  // (shared/ssm/check/limits.ts, ends-ambiguously).
  const end = sleep("End", "PT0S", { isEnd: true });
  return {
    parameters,
    request: `${RequestingUser} asked for ${PermissionSet} on account ${AccountId} for ${Duration} ${DurationUnit}, because: ${Justification}`,
    notify: (name, eventType, headline, paragraphs, flow) =>
      publishNotification(
        name,
        {
          topicArn: args.topicArn,
          eventType,
          subject: `${headline}: ${PermissionSet} on ${AccountId}`,
          message: [...paragraphs, whereToLook].join("\n\n"),
        },
        flow,
      ),
    end,
    finish: { onFailure: end, nextStep: end },
    bestEffort: { maxAttempts: 3, isCritical: false, onFailure: "Continue" },
  };
}
