/**
 * Who may cancel a request (ssm:StopAutomationExecution). The API names only an execution id, and IAM offers
 * nothing on it but the execution's tags: "aws:ResourceTag/${TagKey}" is StopAutomationExecution's one condition key,
 * and StartAutomationExecution and StartChangeRequestExecution take "aws:RequestTag/${TagKey}"
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html). So a request
 * carries its requester's aws:userid in a tag (the CLI sets it; the notifier's screen adds it to a request raised in
 * the console, functions/requestNotifier/ownership.ts), a user may set that tag on a request to their own aws:userid
 * only (and no tag on an end-access run), and the solution's roles stop only executions that carry it: a requester
 * only their own, an approver any request, nobody an execution without it (an EventBridge target's, the end-access
 * document's, the organization's own automations). Tagging at start with a condition on aws:RequestTag is AWS's own
 * example (Example 4, https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-identity-based-policies.html).
 * For an Identity Center session aws:userid is "<role id>:<session name>", the session name being the user name
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable).
 */
import type { Condition } from "./iam";

/** The tag key; its value is the requester's aws:userid. */
export const REQUESTED_BY_TAG = "JitRequestedBy";

/** The policy variable IAM replaces with the caller's aws:userid. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a JavaScript template.
const CALLER_USER_ID = "${aws:userid}";

/**
 * Raising a request: the tag, when sent, names the caller, and no other tag is sent (an execution holds at most five:
 * a request raised with five others could not be tagged by the screen, so nobody could cancel it); a request without
 * any tag stays possible (the console's).
 */
export const tagNamesCaller: Condition = {
  StringEqualsIfExists: { [`aws:RequestTag/${REQUESTED_BY_TAG}`]: CALLER_USER_ID },
  "ForAllValues:StringEquals": { "aws:TagKeys": [REQUESTED_BY_TAG] },
};

/** Ending a grant early: the end-access run carries no tag, so that no approver may stop it as if it were a request. */
export const carriesNoTags: Condition = { Null: { "aws:TagKeys": "true" } };

/** Cancelling as a requester: only an execution whose tag names the caller. */
export const raisedByCaller: Condition = { StringEquals: { [`aws:ResourceTag/${REQUESTED_BY_TAG}`]: CALLER_USER_ID } };

/** Cancelling as an approver: any execution that carries the tag, so a request, and nothing else. */
export const isRequest: Condition = { Null: { [`aws:ResourceTag/${REQUESTED_BY_TAG}`]: "false" } };

/**
 * Tagging a request for its requester (the notifier's screen, for requests raised in the console): the tag's key and
 * no other (aws:TagKeys, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-tagkeys),
 * on an execution that has no such tag yet, so that a requester can be named but never renamed.
 */
export const namesAnUntaggedRequester: Condition = {
  "ForAllValues:StringEquals": { "aws:TagKeys": [REQUESTED_BY_TAG] },
  Null: { [`aws:ResourceTag/${REQUESTED_BY_TAG}`]: "true" },
};

/**
 * What an SSM tag value may hold (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Tag.html): an
 * aws:userid outside it (an Identity Center user name with a "~") cannot be put in the tag.
 */
export const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;
