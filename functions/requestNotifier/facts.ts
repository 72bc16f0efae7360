/**
 * What a request notification shows of a request, read from its execution (the change request, or the Automation
 * form's run) and made safe to show: values that go into a subject, a link or a command only where they keep their
 * rule, text without control or format characters. Who acted, from where and when come from the caller: a CloudTrail
 * record's, or a reminder firing's.
 */
import { DescribeAccountCommand, type OrganizationsClient } from "@aws-sdk/client-organizations";
import type { AutomationExecution } from "@aws-sdk/client-ssm";
import { DURATION_UNITS, type RequestForm } from "../../shared/config/common";
import { Pattern, patterns } from "../../shared/patterns";
import { formValues } from "../../shared/requestEvents";
import type { RequestFacts } from "./message";

/** A change request's OpsItem id, as the Systems Manager API model constrains it (it goes into a link). */
const opsItemId = new Pattern("^oi-[0-9a-f]{12}$", "an OpsItem id: oi- and 12 hexadecimal digits");

/** The form's duration: a whole number (its upper bound is the form's, which the grant workflow checks again). */
const durationPattern = new Pattern("^[1-9][0-9]{0,3}$", "a whole number of 1 to 4 digits");
/** The form's unit of the duration: one the solution knows (the screen and the check hold it to the deployment's). */
const durationUnitPattern = new Pattern(`^(${DURATION_UNITS.join("|")})$`, `one of ${DURATION_UNITS.join(", ")}`);

/** What a notification shows for a value that is not there. */
export const NOT_RECORDED = "(not recorded)";
/** The account name shown when Organizations cannot tell it. */
export const ACCOUNT_NAME_UNAVAILABLE = "(name not available)";
/** The longest a value from a record is shown: CloudTrail keeps user agents of up to a kilobyte. */
const SHOWN_CHARACTERS = 1024;

/** Who acted on the request, from where, when and with what, each already shown. */
export type Actor = Pick<RequestFacts, "principalId" | "sourceIpAddress" | "eventTime" | "userAgent">;

export async function requestFacts(
  execution: AutomationExecution,
  form: RequestForm,
  organizations: Pick<OrganizationsClient, "send">,
  actor: Actor,
): Promise<RequestFacts> {
  const runbook = formValues(execution, form);
  const accountId = checked(runbook.AccountId, patterns.accountId);
  return {
    executionId: checked(execution.AutomationExecutionId, patterns.automationExecutionId),
    ...(form === "changeManager" && { opsItemId: checked(execution.OpsItemId, opsItemId) }),
    requestName: shown(execution.ChangeRequestName, "(none given)"),
    startTime: startTime(execution.ScheduledTime),
    accountId,
    accountName: await accountName(organizations, accountId),
    permissionSet: checked(runbook.PermissionSet, patterns.permissionSetName),
    // The form checked these; checked again, as a request event is (the execution is the requester account's record).
    duration: checked(runbook.Duration, durationPattern),
    durationUnit: checked(runbook.DurationUnit, durationUnitPattern),
    requestingUser: checked(runbook.RequestingUser, patterns.userName),
    justification: checked(runbook.Justification, patterns.justification),
    ...actor,
  };
}

function startTime(scheduled: Date | string | undefined): string {
  const at = scheduled === undefined ? Number.NaN : new Date(scheduled).getTime();
  return Number.isNaN(at)
    ? "No start time was scheduled: access starts once the request is approved."
    : `Requested start time: ${new Date(at).toISOString()}.`;
}

/**
 * A value as a notification may show it: text without control or format characters (which have no place in an email
 * or a chat line, and could forge one), cut to a kilobyte. CloudTrail records whatever a client sent as its user agent.
 */
export function shown(value: unknown, missing = NOT_RECORDED): string {
  if (value === undefined || value === null || value === "") return missing;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  // Control characters, line and paragraph separators, and format characters (bidirectional overrides, zero-width
  // joiners), which could make a line read other than it is.
  const clean = text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, " ");
  return clean.length > SHOWN_CHARACTERS ? `${clean.slice(0, SHOWN_CHARACTERS)}...` : clean;
}

/** A value that goes into a subject, a link or a command: shown only if it keeps its rule. */
function checked(value: unknown, pattern: Pattern): string {
  if (typeof value !== "string" || value === "") return NOT_RECORDED;
  return pattern.test(value) ? value : "(invalid)";
}

async function accountName(organizations: Pick<OrganizationsClient, "send">, accountId: string): Promise<string> {
  if (!patterns.accountId.test(accountId)) return ACCOUNT_NAME_UNAVAILABLE;
  try {
    const { Account } = await organizations.send(new DescribeAccountCommand({ AccountId: accountId }));
    return shown(Account?.Name, ACCOUNT_NAME_UNAVAILABLE);
  } catch (err) {
    // No delegated access, an account that has left: the notification still goes out.
    console.warn(`DescribeAccount ${accountId} failed, the notification shows no account name: ${err}`);
    return ACCOUNT_NAME_UNAVAILABLE;
  }
}
