/**
 * The alert for a change to one of the solution's resources in the management account by someone other than the
 * deploying role (./pattern.ts). EventBridge starts it with the CloudTrail record's fields; it publishes them as an
 * Error, the event type an EventBridge-to-SNS target cannot set (subscribers filter on it). It names the event, not
 * the resource: the event ID leads to the whole record in CloudTrail's event history.
 */
import { publishNotification } from "../../shared/documentSteps";
import { Pattern } from "../../shared/patterns";
import { type AutomationDocument, defineParameters } from "../../shared/ssm/model";
import { ALERT_FIELDS, invalidRequestAlertParameters } from "../invalidRequestAlert/document";

/** The CloudTrail fields the alert carries: when, who, what, and the record's ID. */
export const CHANGE_FIELDS = {
  ...ALERT_FIELDS,
  EventSource: "$.detail.eventSource",
  EventName: "$.detail.eventName",
  EventId: "$.detail.eventID",
} as const;

export function changeAlertParameters() {
  const { EventTime, Principal } = invalidRequestAlertParameters().specs;
  return defineParameters({
    EventTime: { ...EventTime, description: "When the change was made (CloudTrail eventTime)." },
    Principal: { ...Principal, description: "Who made it (CloudTrail userIdentity.arn)." },
    EventSource: {
      type: "String",
      description: "The service changed (CloudTrail eventSource).",
      pattern: new Pattern("^[a-z0-9-]{1,64}\\.amazonaws\\.com$", "a service's CloudTrail event source"),
    },
    EventName: {
      type: "String",
      description: "The API called (CloudTrail eventName).",
      pattern: new Pattern("^[A-Za-z0-9]{1,128}$", "an API's name"),
    },
    EventId: {
      type: "String",
      description: "The CloudTrail record's ID.",
      pattern: new Pattern("^[A-Za-z0-9-]{1,128}$", "a CloudTrail event ID"),
    },
  });
}

export function changeAlertDocument(args: { assumeRoleArn: string; topicArn: string }): AutomationDocument {
  const parameters = changeAlertParameters();
  const { EventTime, Principal, EventSource, EventName, EventId } = parameters.refs;
  return {
    kind: "Automation",
    description:
      "Alerts that someone other than the deploying role changed a resource of IAM Identity Center JIT access.",
    assumeRole: args.assumeRoleArn,
    parameters,
    steps: [
      publishNotification(
        "Notify_Change",
        {
          topicArn: args.topicArn,
          eventType: "Error",
          subject: "JIT access: a resource of the solution was changed outside its deployment",
          message: [
            `${Principal} called ${EventName} on ${EventSource} at ${EventTime}, on a resource of IAM Identity Center JIT access (a document, parameter, function, rule, schedule, table, queue or role the stack deploys). Only the deploying role should change them: a changed resource may grant or hide access the rules do not allow.`,
            `Look up CloudTrail event ${EventId} (event history, or the organization trail) for what was changed; if nobody meant it, run the deployment again to put the resource back, and find out how that principal could.`,
          ].join("\n\n"),
        },
        { maxAttempts: 3, isEnd: true },
      ),
    ],
  };
}
