/**
 * The AWS Chatbot aliases people paste into their channels: one to raise a request with a single message, and the
 * approver's commands. The runbook parameters are built as an object and serialized, never spliced into JSON text.
 */
import { ACCESS_REQUEST_FIELDS, type AccessRequestField } from "../../shared/events";

/** The alias variable each form field is given as (`--accountid 123456789012`). */
const ALIAS_VARIABLES: Record<Exclude<AccessRequestField, "RequesterExecutionId">, string> = {
  AccountId: "accountid",
  PermissionSet: "permissionset",
  Duration: "duration",
  RequestingUser: "username",
  Justification: "justification",
};

export interface AliasArgs {
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
  return {
    requestAccess: [
      "@aws alias create access-request ssm start-change-request-execution",
      "--change-request-name $name",
      `--document-name ${args.changeTemplateName}`,
      '--change-details "$justification"',
      `--runbooks '${JSON.stringify(runbooks)}'`,
      `--region ${args.region}`,
    ].join(" "),
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
