/**
 * The flags of `jit request`, checked against the deployed runbook's own rules, and the requesting user against who
 * the CLI runs as, before anything is created.
 */
import type { FormField } from "../../shared/events";
import { identityCenterSession } from "../../shared/identityCenter";
import { CliFailure, UsageError } from "./errors";
import { type AccessRequestForm, formLabel } from "./form";
import { valueProblem } from "./validation";

export interface RequestFlags {
  account: string;
  permissionSet: string;
  duration: string;
  /** --unit: the duration's unit; the runbook's own (its one allowed value) unless given, and shown with the result. */
  unit?: string;
  reason: string;
  /** --user (or JIT_USER): optional, as the user is the caller's Identity Center session's; it may only confirm it. */
  user?: string;
  start?: string;
  autoApprove: boolean;
  template?: string;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether the date part names a day of the calendar (Date.parse rolls 30 February over to March). */
function isCalendarDay(time: string): boolean {
  const [year, month, day] = time.slice(0, 10).split("-").map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The requesting user, named as problems name it, or why the request check would reject any request of the caller. */
interface RequestingUser {
  label: string;
  name?: string;
  problem?: string;
}

/**
 * The request check rejects a change request unless it was raised by the IAM Identity Center user its
 * RequestingUser names (compared case-insensitively), signed in with a request permission set: so the user is the
 * caller's session name, and --user, if given, may only confirm it. The permission set is left to the management
 * side, which knows the names.
 */
function requestingUser(typed: string | undefined, callerArn: string): RequestingUser {
  const session = identityCenterSession(callerArn);
  if (!session) {
    return {
      label: "--user",
      problem:
        `you are signed in as ${callerArn}, not as an IAM Identity Center user: the management side only accepts ` +
        "requests raised by an IAM Identity Center user signed in with a request permission set " +
        '(sign in through the AWS access portal, such as with "aws sso login" and a profile for that permission set)',
    };
  }
  if (typed !== undefined && typed.toLowerCase() !== session.userName.toLowerCase()) {
    return {
      label: "--user",
      problem:
        `--user ${JSON.stringify(typed)} is not you: you are signed in to IAM Identity Center as ${session.userName}, ` +
        "and the request check rejects requests in someone else's name",
    };
  }
  // The session's spelling, which is how the request check and approvers see the requester.
  return { label: typed === undefined ? "your IAM Identity Center user name" : "--user", name: session.userName };
}

/** The one value a parameter allows (the runbook's duration unit), or undefined if it allows more or any. */
function soleAllowedValue(parameter: AccessRequestForm["parameters"][string] | undefined): string | undefined {
  return parameter?.allowedValues?.length === 1 ? parameter.allowedValues[0] : undefined;
}

/**
 * Checks every flag against the runbook's rules, and the requesting user against `callerArn` (sts:GetCallerIdentity);
 * all problems are reported at once, and nothing is created unless all pass.
 */
export function checkFlags(
  flags: RequestFlags,
  form: AccessRequestForm,
  now: number,
  callerArn: string,
): Record<string, string> {
  const problems: string[] = [];
  const parameters: Record<string, string> = {};
  const user = requestingUser(flags.user, callerArn);
  // Each runbook parameter, what its problems are named by, and its value.
  const fields: Record<FormField, [string, string | undefined]> = {
    AccountId: ["--account", flags.account],
    PermissionSet: ["--permission-set", flags.permissionSet],
    Duration: ["--duration", flags.duration],
    DurationUnit: ["--unit", flags.unit ?? soleAllowedValue(form.parameters.DurationUnit)],
    RequestingUser: [user.label, user.name],
    Justification: ["--reason", flags.reason],
  };
  for (const [parameter, [label, value]] of Object.entries(fields)) {
    const spec = form.parameters[parameter];
    if (!spec)
      throw new CliFailure(`the runbook ${form.runbookName} has no parameter ${parameter}; is the CLI current?`);
    if (parameter === "RequestingUser" && user.problem) {
      problems.push(user.problem);
      continue;
    }
    const problem = valueProblem(label, String(value), spec);
    if (problem) problems.push(problem);
    parameters[parameter] = String(value);
  }
  if (flags.autoApprove && !form.autoApprovable) {
    problems.push(`--auto-approve: the ${formLabel(form)} does not allow auto-approval`);
  }
  if (flags.start !== undefined && form.kind === "automation") {
    problems.push(`--start: the ${formLabel(form)} has no start time (a request starts once approved); leave it out`);
  } else if (flags.start !== undefined) {
    const at = Date.parse(flags.start);
    if (!ISO_TIME.test(flags.start) || Number.isNaN(at) || !isCalendarDay(flags.start)) {
      problems.push(
        `--start ${JSON.stringify(flags.start)} is not an ISO 8601 time with a zone, such as 2026-11-25T14:00Z`,
      );
    } else if (at <= now) {
      problems.push(`--start ${flags.start} is not in the future`);
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return parameters;
}
