/**
 * The alert for a request the requester account's Systems Manager refused because a parameter broke its rules. The
 * requester side forwards CloudTrail's record of the refusal to the request bus; this document publishes it with
 * the Error event type, which an EventBridge-to-SNS target cannot set (subscribers filter on it).
 */
import { publishNotification } from "../../shared/documentSteps";
import { Pattern } from "../../shared/patterns";
import { type AutomationDocument, defineParameters } from "../../shared/ssm/model";

/** The CloudTrail fields the alert carries: when, and who. */
export const ALERT_FIELDS = { EventTime: "$.detail.eventTime", Principal: "$.detail.userIdentity.arn" } as const;

export function invalidRequestAlertParameters() {
  return defineParameters({
    EventTime: {
      type: "String",
      description: "When Systems Manager refused the request (CloudTrail eventTime).",
      pattern: new Pattern("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$", "an ISO 8601 UTC time"),
    },
    Principal: {
      type: "String",
      description: "Who raised the refused request (CloudTrail userIdentity.arn).",
      pattern: new Pattern("^arn:aws[a-z-]{0,12}:(iam|sts)::\\d{12}:[a-zA-Z0-9+=,.@_/-]{1,512}$", "an IAM or STS ARN"),
    },
  });
}

export function invalidRequestAlertDocument(args: { assumeRoleArn: string; topicArn: string }): AutomationDocument {
  const parameters = invalidRequestAlertParameters();
  const { EventTime, Principal } = parameters.refs;
  return {
    kind: "Automation",
    description: "Alerts that an IAM Identity Center JIT access request was refused for invalid parameters.",
    assumeRole: args.assumeRoleArn,
    parameters,
    steps: [
      publishNotification(
        "Notify_Invalid_Request",
        {
          topicArn: args.topicArn,
          eventType: "Error",
          subject: "JIT access request refused: invalid parameters",
          message: [
            "Systems Manager refused an access request because one of its parameters broke the rules of the request form (for example a permission set that is not offered, or a duration out of range). Nothing was granted.",
            `Time: ${EventTime}`,
            `Raised by: ${Principal}`,
            "The requester account's CloudTrail has the CreateAssociation event with error code InvalidParameters.",
          ].join("\n\n"),
        },
        { maxAttempts: 3, isEnd: true },
      ),
    ],
  };
}
