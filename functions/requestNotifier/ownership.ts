/**
 * The screen names an admitted request's requester on it, so that they (and approvers) may cancel it
 * (shared/requestOwnership.ts): a request raised in the console carries no `JitRequestedBy` tag unless its requester
 * typed one. The value is the principal CloudTrail recorded for the call that raised the request, the record this
 * invocation was given: for an assumed-role session (an Identity Center user's) `userIdentity.principalId` is
 * "<role id>:<session name>" (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html),
 * which is the session's aws:userid (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable).
 * The tag is read with the reader role (ListTagsForResource; GetAutomationExecution does not return tags) and added
 * with the refuser role, which may add this key only, and only to an execution that has none.
 */
import { AddTagsToResourceCommand, ListTagsForResourceCommand, type SSMClient, type Tag } from "@aws-sdk/client-ssm";
import { REQUESTED_BY_TAG, TAG_VALUE } from "../../shared/requestOwnership";
import { readerCredentials } from "../requestCheck/changeRequest";
import type { RefusalClients } from "./refusal";

/** The role session name prefix of the screen's tagging (CloudTrail shows it as the caller). */
const OWNER_SESSION = "request-owner";
/** The most tags an Automation execution may hold (API_AddTagsToResource, TooManyTagsError: "up to 5"). */
export const MAX_EXECUTION_TAGS = 5;
const FULL = `the request carries ${MAX_EXECUTION_TAGS} tags already, the most an execution may hold, so it cannot be tagged with its requester and nobody could cancel it: raise it again with fewer tags`;

/**
 * Tags the request `executionId` with `principalId`, its raiser as CloudTrail recorded them, unless it carries the tag
 * already. Answers why the request must be refused instead, if it must: its tag names someone else (only a principal
 * outside the solution's permission sets, which let a user tag with their own aws:userid only, could have set it), or
 * no tag can hold the recorded principal.
 */
export async function tagRequester(
  clients: RefusalClients,
  settings: { refuserRoleArn: string },
  readerSsm: Pick<SSMClient, "send">,
  executionId: string,
  principalId: unknown,
): Promise<string | undefined> {
  if (typeof principalId !== "string" || !TAG_VALUE.test(principalId)) {
    return `the requester's id as CloudTrail recorded it cannot be held in the ${REQUESTED_BY_TAG} tag, so nobody could cancel the request`;
  }
  const listed = await readerSsm.send(
    new ListTagsForResourceCommand({ ResourceType: "Automation", ResourceId: executionId }),
  );
  // A key differing only in case is refused: whether IAM's aws:ResourceTag/JitRequestedBy would match it (for the
  // cancel, or for the refuser role's condition that the request has no such tag) is not relied on.
  const named = (listed?.TagList ?? []).filter((t: Tag) => t.Key?.toLowerCase() === REQUESTED_BY_TAG.toLowerCase());
  for (const { Key, Value } of named) {
    if (Key !== REQUESTED_BY_TAG) {
      return `the request is tagged ${Key}, which differs from ${REQUESTED_BY_TAG} in case only: raise it again without that tag`;
    }
    if (Value !== principalId) return `the request is tagged ${Key}=${Value}, but ${principalId} raised it`;
  }
  if (named.length > 0) return undefined;
  if ((listed?.TagList ?? []).length >= MAX_EXECUTION_TAGS) return FULL;
  const credentials = await readerCredentials(
    clients,
    { readerRoleArn: settings.refuserRoleArn },
    executionId,
    OWNER_SESSION,
  );
  try {
    await clients.requesterSsm(credentials).send(
      new AddTagsToResourceCommand({
        ResourceType: "Automation",
        ResourceId: executionId,
        Tags: [{ Key: REQUESTED_BY_TAG, Value: principalId }],
      }),
    );
  } catch (err) {
    // Tagged meanwhile (a tag added between the listing and now): refused rather than retried for ever.
    if (err instanceof Error && err.name === "TooManyTagsError") return FULL;
    throw err;
  }
  return undefined;
}
