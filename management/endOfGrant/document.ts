/**
 * The end-of-grant workflow (DESIGN.md §10): started by a grant's end schedule (Cause `schedule`), by `jit revoke`
 * (`operator`), by a grant workflow that failed after its check (`failure`, with its own execution id), or by anyone
 * else who ends a grant early. The end function (functions/endAccess/) does the work; this document reports it:
 * - Ended: the grant's item is read for whose access it was, and AccessRevoked is published. The CloudTrail summary,
 *   when enabled, the end function has scheduled for when the grant's sessions have expired
 *   (functions/summarySchedule/): this workflow never sleeps, so no execution is held open.
 * - AlreadyEnded or NotYet (an extended grant's schedule, moved): nothing to say.
 * - Refused (an early end somebody asked for, Cause `requested`, that the requester account's records do not allow):
 *   an Error names who asked and why; nothing ended.
 * - NotRemoved: the function removed and found the assignment still there: "NOT revoked", and the execution fails.
 * - The function failed: whether the access is gone is not known; an Error says so, and the execution fails. The
 *   grant stays open in the ledger, and the reconciler ends it.
 */
import {
  ALREADY_ENDED,
  END_WORKFLOW_CAUSES,
  ENDED,
  NOT_REMOVED,
  NOT_YET,
  REFUSED,
  REQUESTED,
} from "../../functions/endAccess";
import { publishNotification } from "../../shared/documentSteps";
import type { EventType } from "../../shared/events";
import { grantKey } from "../../shared/grantLedger";
import { Pattern, patterns } from "../../shared/patterns";
import {
  type AutomationDocument,
  builtins,
  defineParameters,
  type Flow,
  type Ref,
  type Step,
} from "../../shared/ssm/model";
import {
  assertAwsResourceProperty,
  branch,
  executeAwsApi,
  invokeLambdaFunction,
  payloadIs,
  payloadStartsWith,
  sleep,
} from "../../shared/ssm/steps";

export interface EndDocumentArgs {
  assumeRoleArn: string;
  topicArn: string;
  /** The end function (functions/endAccess/). */
  endFunctionName: string;
  /** The grant ledger's table, whose grant item says whose access ended. */
  tableName: string;
  /** jit:revokeOpenSessions: the end function has the sessions opened during the grant cut. */
  revokesOpenSessions?: boolean;
}

const OPEN_SESSIONS_LAST = "Sessions opened during the grant last until the permission set's session duration ends.";
const OPEN_SESSIONS_CUT =
  "Sessions opened during the grant are being cut within minutes (jit:revokeOpenSessions); an Error says so if they cannot be.";

type Grant = Step<"UserName" | "PermissionSet" | "AccountId">;

/** An empty value, or the execution id of the grant workflow that hands its grant over. */
const optionalExecutionId = new Pattern(
  "^([a-zA-Z0-9-]{36})?$",
  "empty, or a Systems Manager Automation execution id: 36 letters, digits or hyphens",
);

export function endParameters() {
  return defineParameters({
    RequestId: {
      type: "String",
      description: "The request whose grant ends: the requester runbook's execution id (the grant's ledger key).",
      pattern: patterns.automationExecutionId,
    },
    Cause: {
      type: "String",
      description: "Why the grant ends.",
      allowedValues: END_WORKFLOW_CAUSES,
    },
    GrantExecutionId: {
      type: "String",
      description:
        "Empty, or the grant workflow execution handing its own grant over: then only a grant it recorded is ended.",
      pattern: optionalExecutionId,
      default: "",
    },
    EndRequestExecutionId: {
      type: "String",
      description: `Empty, or (Cause ${REQUESTED}) the requester account's end-access execution that asks for the end.`,
      pattern: optionalExecutionId,
      default: "",
    },
    ChangeRequestId: {
      type: "String",
      description: `Empty, or (Cause ${REQUESTED}) the requester account's change request that ended; RequestId is its id too.`,
      pattern: optionalExecutionId,
      default: "",
    },
  });
}

/** How long the end function may take (its timeout): a deletion and the listing that confirms it. */
export const END_STEP_TIMEOUT_SECONDS = 300;

export function endDocument(args: EndDocumentArgs): AutomationDocument {
  const parameters = endParameters();
  const { RequestId, Cause, GrantExecutionId, EndRequestExecutionId, ChangeRequestId } = parameters.refs;
  const execution = builtins.executionId;
  const whereToLook = `Automation execution ${execution} in account ${builtins.accountId} (${builtins.region}) has the details of every step.`;
  const end = sleep("End", "PT0S", { isEnd: true });
  const finish = { onFailure: end, nextStep: end };
  const bestEffort = { maxAttempts: 3, isCritical: false, onFailure: "Continue" as const };
  const notify = (name: string, eventType: EventType, subject: string, paragraphs: string[], flow: Flow) =>
    publishNotification(
      name,
      { topicArn: args.topicArn, eventType, subject, message: [...paragraphs, whereToLook].join("\n\n") },
      flow,
    );
  const request = `request ${RequestId} (cause: ${Cause})`;
  /** The GetItem of the grant's ledger item, strongly consistent: every step that reads the grant asks this. */
  const grantItem = { TableName: args.tableName, Key: { pk: { S: grantKey(`${RequestId}`) } }, ConsistentRead: true };
  /** Reads the grant's item: whose access, which set, which account. */
  const readGrant = (name: string, flow: Flow) =>
    executeAwsApi(
      name,
      {
        service: "dynamodb",
        api: "GetItem",
        params: grantItem,
        outputs: {
          UserName: ["String", "$.Item.userName.S"],
          PermissionSet: ["String", "$.Item.permissionSet.S"],
          AccountId: ["String", "$.Item.accountId.S"],
        },
      },
      flow,
    );
  /**
   * Fails unless the ledger holds a grant under RequestId: an end asked for by a cancelled change request names the
   * change request, not the grant (the function resolved it), and a read of a missing item would leave its outputs
   * unresolved in the notification. Its onFailure goes to the notification without the grant's details.
   */
  const grantRecorded = (name: string, onFailure: Step) =>
    assertAwsResourceProperty(
      name,
      {
        service: "dynamodb",
        api: "GetItem",
        params: grantItem,
        propertySelector: "$.Item.requestId.S",
        desiredValues: [`${RequestId}`],
      },
      { maxAttempts: 3, isCritical: false, onFailure },
    );
  const accessOf = (read: Grant) => ({
    user: read.outputs.UserName,
    set: read.outputs.PermissionSet,
    account: read.outputs.AccountId,
  });
  const text = (a: { user: Ref; set: Ref; account: Ref }) => `${a.user}'s ${a.set} on account ${a.account}`;

  // Still there, or not known: the execution fails after the alarm, unless the grant has ended meanwhile (the
  // reconciler, another end), which this last step reads from the ledger.
  const confirmEnded = assertAwsResourceProperty(
    "Confirm_Grant_Ended",
    {
      service: "dynamodb",
      api: "GetItem",
      params: grantItem,
      propertySelector: "$.Item.state.S",
      desiredValues: ["ended"],
    },
    { isEnd: true },
  );
  const alarm = (prefix: string, subject: string, paragraphs: (what: string) => string[]): Step[] => {
    const read = readGrant(`Read_${prefix}_Grant`, {
      maxAttempts: 3,
      isCritical: false,
      onFailure: () => plain,
    });
    const detailed = notify(
      `Notify_${prefix}`,
      "Error",
      `${subject}: ${read.outputs.PermissionSet} on ${read.outputs.AccountId}`,
      paragraphs(text(accessOf(read))),
      {
        maxAttempts: 5,
        onFailure: () => plain,
        nextStep: confirmEnded,
      },
    );
    const plain = notify(`Notify_${prefix}_Plain`, "Error", subject, paragraphs(`the access of ${request}`), {
      maxAttempts: 5,
      isCritical: false,
      onFailure: confirmEnded,
      nextStep: confirmEnded,
    });
    return [grantRecorded(`Find_${prefix}_Grant`, plain), read, detailed, plain];
  };
  const notRevoked = alarm("Revoke_Failed", "JIT access NOT revoked", (what) => [
    `Removing ${what} failed: IAM Identity Center still lists the assignment (${request}).`,
    "The reconciler tries again within minutes; to be sure now, remove the account assignment in IAM Identity Center.",
  ]);
  const unknown = alarm("End_Failed", "JIT access end failed", (what) => [
    `The end function could not end ${what} (${request}); the assignment may still be there.`,
    "The grant stays open in the ledger; the reconciler ends it within minutes of its scheduled end (an early end is not retried: ask again, or remove the assignment in IAM Identity Center).",
    ...(args.revokesOpenSessions
      ? [
          "With jit:revokeOpenSessions, the assignment may be gone and only the revocation of its open sessions not scheduled (the end function's log says which): until the end is retried, those sessions last.",
        ]
      : []),
  ]);

  const endAccess = invokeLambdaFunction(
    "End_Access",
    {
      functionName: args.endFunctionName,
      input: { RequestId, Cause, GrantExecutionId, EndRequestExecutionId, ChangeRequestId },
    },
    { maxAttempts: 3, timeoutSeconds: END_STEP_TIMEOUT_SECONDS, onFailure: unknown[0] },
  );

  const plainRevoked = notify(
    "Notify_Access_Revoked_Plain",
    "AccessRevoked",
    "JIT access revoked",
    [`The access of ${request} was removed.`],
    { ...bestEffort, ...finish },
  );
  const findRevoked = grantRecorded("Find_Revoked_Grant", plainRevoked);
  const readRevoked = readGrant("Read_Revoked_Grant", { maxAttempts: 3, isCritical: false, onFailure: plainRevoked });
  const revoked = notify(
    "Notify_Access_Revoked",
    "AccessRevoked",
    `JIT access revoked: ${readRevoked.outputs.PermissionSet} on ${readRevoked.outputs.AccountId}`,
    [
      `${text(accessOf(readRevoked))} was removed (${request}). ${args.revokesOpenSessions ? OPEN_SESSIONS_CUT : OPEN_SESSIONS_LAST}`,
    ],
    { ...bestEffort, ...finish },
  );

  // Somebody asked for the end and the requester account's records do not let them: nothing ended, and who asked and
  // why it was refused (the function's answer) goes to the administrators.
  const refused = notify(
    "Notify_End_Refused",
    "Error",
    "JIT access end refused",
    [
      `A request to end the grant of ${request} was refused; nothing was ended. ${endAccess.outputs.Payload}`,
      `End request execution (requester account): ${EndRequestExecutionId}. Change request: ${ChangeRequestId}.`,
    ],
    // Critical: a refusal nobody hears of fails the execution, which is then its record.
    { maxAttempts: 5, ...finish },
  );

  return {
    kind: "Automation",
    description: "Ends a temporary IAM Identity Center grant: removes its account assignment and reports.",
    assumeRole: args.assumeRoleArn,
    parameters,
    steps: [
      endAccess,
      branch(
        "Is_Access_Ended",
        [
          { when: payloadIs(endAccess, ENDED), next: findRevoked },
          { when: payloadIs(endAccess, ALREADY_ENDED, NOT_YET), next: end },
          { when: payloadIs(endAccess, NOT_REMOVED), next: notRevoked[0] },
          { when: payloadStartsWith(endAccess, REFUSED), next: refused },
        ],
        unknown[0],
        { onFailure: unknown[0] },
      ),
      findRevoked,
      readRevoked,
      revoked,
      plainRevoked,
      ...notRevoked,
      ...unknown,
      refused,
      confirmEnded,
      end,
    ],
  };
}
