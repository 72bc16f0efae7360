/**
 * The AWS Chatbot aliases people paste into their channels: one to raise a request with a single message (a change
 * request from the template, or with the Automation form the request runbook itself), and the approver's commands,
 * which signal the request's execution either way. The runbook parameters are built as an object and serialized,
 * never spliced into JSON text.
 */
import type { RequestForm } from "../../shared/config/common";
import { ACCESS_REQUEST_FIELDS, type AccessRequestField } from "../../shared/events";

/** The alias variable each form field is given as (`--accountid 123456789012`). */
const ALIAS_VARIABLES: Record<Exclude<AccessRequestField, "RequesterExecutionId">, string> = {
  AccountId: "accountid",
  PermissionSet: "permissionset",
  Duration: "duration",
  // Typed with the duration (`--durationunit hours`): a chat request names its unit as the form's does.
  DurationUnit: "durationunit",
  RequestingUser: "username",
  Justification: "justification",
};

export interface AliasArgs {
  /** The form the request alias raises requests with (jit:requestForm). */
  requestForm: RequestForm;
  changeTemplateName: string;
  runbookName: string;
  /** The end-access document (requester/endRequest/). */
  endAccessDocumentName: string;
  region: string;
}

export function chatAliases(args: AliasArgs) {
  const parameters = Object.fromEntries(
    ACCESS_REQUEST_FIELDS.filter((f) => f !== "RequesterExecutionId").map((f) => [f, [`$${ALIAS_VARIABLES[f]}`]]),
  );
  const runbooks = [{ DocumentName: args.runbookName, MaxConcurrency: "1", MaxErrors: "1", Parameters: parameters }];
  const signal = (alias: string, type: "Approve" | "Reject", comment: string) =>
    `@aws alias create ${alias} ssm send-automation-signal --signal-type ${type} --payload Comment="${comment}" --automation-execution-id $id --region ${args.region}`;
  const requestAccess =
    args.requestForm === "automation"
      ? [
          "@aws alias create access-request ssm start-automation-execution",
          `--document-name ${args.runbookName}`,
          `--parameters '${JSON.stringify(parameters)}'`,
        ]
      : [
          "@aws alias create access-request ssm start-change-request-execution",
          "--change-request-name $name",
          `--document-name ${args.changeTemplateName}`,
          '--change-details "$justification"',
          `--runbooks '${JSON.stringify(runbooks)}'`,
        ];
  return {
    requestAccess: [...requestAccess, `--region ${args.region}`].join(" "),
    approveAccess: signal("approve-access", "Approve", "Approved in chat"),
    rejectAccess: signal("reject-access", "Reject", "Rejected in chat"),
    // The approver channel's: AWS records the channel's role, not the person, so the management side takes an end
    // asked for in chat as an approver's (the approver channel's role), and refuses one from any other role.
    endAccess: [
      "@aws alias create end-access ssm start-automation-execution",
      `--document-name ${args.endAccessDocumentName}`,
      `--parameters '${JSON.stringify({ RequestId: ["$id"], Reason: ["$reason"] })}'`,
      `--region ${args.region}`,
    ].join(" "),
  };
}
