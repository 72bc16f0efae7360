/**
 * Check and grant in one invocation (the grant workflow's `Check_And_Grant` step): the request check
 * (./index.ts) and, for an eligible request it recorded, the grant (functions/grantAccess/). One invocation, because
 * every step and every invocation between the approval and the assignment is time the requester waits: the access is
 * usable one call after the ledger write.
 *
 * Fail closed: nobody is granted access without the "JIT access being assigned" notification going out first. It is
 * published beside the ledger write when the ledger showed the request new and its access free, otherwise after it;
 * an eligible request whose notification fails is thrown (the step is retried, then the grant is handed over to the
 * end-of-grant workflow, which finds nothing assigned). A request the ledger then refuses (a race with another request
 * for the same access) is followed by its refusal's notification. Beside the notification the grant workflow's own
 * status is read: one stopped meanwhile has handed the request over, perhaps before anything was recorded for its
 * end to find, so its grant is closed and nothing is assigned.
 *
 * A retried step whose grant this workflow recorded and acted on resumes it (./index.ts RESUMED): the check is not made
 * again once access may be assigned.
 *
 * The answer is one bare token: `Granted`, `NotGranted`, `Removed` or `MayBeGranted` (../grantAccess), `Extended`,
 * `Rejected` or `Ignored` (./answers.ts).
 */
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { GetAutomationExecutionCommand } from "@aws-sdk/client-ssm";
import { EVENT_TYPE_ATTRIBUTE } from "../../shared/events";
import { patterns } from "../../shared/patterns";
import type { JustRecorded } from "../grantAccess";
import { type GrantAnswer, grantAccess, MAY_BE_GRANTED, NOT_GRANTED } from "../grantAccess";
import { ledgerOf } from "../grantAccess/settings";
import type { InvocationTime } from "../identityCenter/assignments";
import { isLedgerConflict } from "../ledger/types";
import { ELIGIBLE, type EXTENDED, type IGNORED, isWithdrawn, type REJECTED, settled, withdrawn } from "./answers";
import { isAwsError } from "./aws";
import type { CheckRequestEvent } from "./changeRequest";
import {
  checkRequest,
  RESUMED,
  type RequestCheckClients,
  type RequestCheckSettings,
  requestCheckSettings,
  WITHDRAWN,
} from "./index";

export type CheckAndGrantAnswer = GrantAnswer | typeof EXTENDED | typeof REJECTED | typeof IGNORED;

/** Where the notification that access is being assigned goes, and where it says the details are. */
export interface AnnouncementSettings {
  topicArn: string;
  /** The management account and Region the grant workflow runs in. */
  accountId: string;
  region: string;
}

export interface CheckAndGrantSettings extends RequestCheckSettings {
  announcement: AnnouncementSettings;
}

export type CheckAndGrantClients = RequestCheckClients & { sns: Pick<SNSClient, "send"> };

export function checkAndGrantSettings(env: Record<string, string | undefined>): CheckAndGrantSettings {
  const settings = requestCheckSettings(env) as CheckAndGrantSettings;
  const a = settings.announcement as Partial<AnnouncementSettings> | undefined;
  const rules: [keyof AnnouncementSettings, { test(value: string): boolean } | undefined, string][] = [
    ["topicArn", undefined, "an SNS topic ARN"],
    ["accountId", patterns.accountId, patterns.accountId.rule],
    ["region", patterns.region, patterns.region.rule],
  ];
  for (const [key, pattern, rule] of rules) {
    const value = a?.[key];
    if (typeof value !== "string" || value.length === 0 || (pattern && !pattern.test(value))) {
      throw new Error(`environment variable JIT_REQUEST_CHECK: announcement.${key} must be ${rule}`);
    }
  }
  return settings;
}

export async function checkAndGrant(
  event: unknown,
  clients: CheckAndGrantClients,
  settings: CheckAndGrantSettings,
  context: InvocationTime,
): Promise<CheckAndGrantAnswer> {
  const announce = (request: CheckRequestEvent) => announceAssignment(clients, settings, request);
  const outcome = await checkRequest(event, clients, settings, announce);
  if (outcome.answer === RESUMED) {
    // A retried step: the grant this workflow recorded goes on from the ledger (its lock is read again).
    return grantAccess(idsOf(outcome.request), clients, settings, context);
  }
  if (outcome.answer === WITHDRAWN) return withdraw(clients, settings, outcome.recorded, outcome.why);
  if (outcome.answer !== ELIGIBLE) return outcome.answer;
  const { request, recorded } = outcome;
  // Nothing was asked for it yet (a `checked` grant): the notification goes out before the assignment.
  if (!outcome.announced && recorded.grant.state === "checked") {
    try {
      await announce(request);
    } catch (err) {
      if (!isWithdrawn(err)) throw err;
      return withdraw(clients, settings, recorded, err.message);
    }
  }
  return grantAccess(idsOf(request), clients, settings, context, recorded);
}

const idsOf = (r: CheckRequestEvent) => ({ RequestId: r.RequesterExecutionId, GrantExecutionId: r.GrantExecutionId });

/**
 * "JIT access being assigned", with the request's values as the grant workflow's parameters admitted them; and,
 * beside it, whether the grant workflow that asked is still running. A workflow stopped meanwhile has handed the
 * request over to be ended, perhaps before this check recorded anything for the end to find: its grant is withdrawn.
 */
async function announceAssignment(
  clients: CheckAndGrantClients,
  settings: CheckAndGrantSettings,
  r: CheckRequestEvent,
): Promise<void> {
  const { topicArn, accountId, region } = settings.announcement;
  const publishing = clients.sns
    .send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: `JIT access being assigned: ${r.PermissionSet} on ${r.AccountId}`,
        Message: [
          `${r.RequestingUser} is being granted ${r.PermissionSet} on ${r.AccountId} for ${r.Duration} ${r.DurationUnit}, plus up to the permission set's session duration for sessions already open.`,
          `Reason given: ${r.Justification}`,
          `Automation execution ${r.GrantExecutionId} in account ${accountId} (${region}) has the details of every step.`,
        ].join("\n\n"),
        MessageAttributes: { [EVENT_TYPE_ATTRIBUTE]: { DataType: "String", StringValue: "AccessBeingAssigned" } },
      }),
    )
    .catch((err: Error) => {
      throw new Error(
        `the AccessBeingAssigned notification was not sent (${err.name}: ${err.message}): nothing is assigned without it`,
      );
    });
  const [published, running] = await Promise.allSettled([publishing, stillRunning(clients, r.GrantExecutionId)]);
  settled(running);
  settled(published);
}

/** Automation statuses of an execution that has not ended nor is being stopped. */
const RUNNING: readonly string[] = ["Pending", "InProgress", "Waiting"];

/** Throws `Withdrawn` unless the grant workflow `id` is still running (an execution AWS does not find is not). */
async function stillRunning(clients: CheckAndGrantClients, id: string): Promise<void> {
  let status: string;
  try {
    const { AutomationExecution } = await clients.ssm.send(
      new GetAutomationExecutionCommand({ AutomationExecutionId: id }),
    );
    status = AutomationExecution?.AutomationExecutionStatus ?? "unknown";
  } catch (err) {
    if (!isAwsError(err, "AutomationExecutionNotFoundException")) throw err;
    status = "not found";
  }
  if (!RUNNING.includes(status)) throw withdrawn(`its grant workflow ${id} is ${status}`);
}

/**
 * The grant of a request whose workflow stopped before its access was asked for. A grant this invocation created is
 * closed: nothing was asked for it (NotGranted). One an earlier attempt recorded may have been asked for (that attempt
 * may have stopped between its assignment and its ledger write): it is left to the workflow's hand-over, whose end
 * removes whatever is there (MayBeGranted).
 */
async function withdraw(
  clients: CheckAndGrantClients,
  settings: CheckAndGrantSettings,
  recorded: JustRecorded,
  why: string,
): Promise<typeof NOT_GRANTED | typeof MAY_BE_GRANTED> {
  const { grant } = recorded;
  if (recorded.created && grant.state === "checked") {
    try {
      await ledgerOf(clients, settings).close(grant, "failure", `withdrawn before its access was asked for: ${why}`);
    } catch (err) {
      // Ended meanwhile by the workflow's hand-over: that end answers for it.
      if (!isLedgerConflict(err)) throw err;
    }
    console.log(`request ${grant.requestId}: nothing assigned, ${why}`);
    return NOT_GRANTED;
  }
  console.log(`request ${grant.requestId}: ${why}; what an earlier attempt may have assigned is left to the hand-over`);
  return MAY_BE_GRANTED;
}
