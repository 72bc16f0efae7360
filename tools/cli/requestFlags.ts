/** The flags of `jit request`, checked against the deployed runbook's own rules before anything is created. */
import type { AccessRequestField } from "../../shared/events";
import type { AccessRequestForm } from "./changeTemplate";
import { CliFailure, UsageError } from "./errors";
import { valueProblem } from "./validation";

export interface RequestFlags {
  account: string;
  permissionSet: string;
  duration: string;
  reason: string;
  user: string;
  start?: string;
  autoApprove: boolean;
  template?: string;
}

/** Each runbook parameter and the flag that fills it. */
const FLAGS: Record<Exclude<AccessRequestField, "RequesterExecutionId">, [string, keyof RequestFlags]> = {
  AccountId: ["--account", "account"],
  PermissionSet: ["--permission-set", "permissionSet"],
  Duration: ["--duration", "duration"],
  RequestingUser: ["--user", "user"],
  Justification: ["--reason", "reason"],
};

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether the date part names a day of the calendar (Date.parse rolls 30 February over to March). */
function isCalendarDay(time: string): boolean {
  const [year, month, day] = time.slice(0, 10).split("-").map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Checks every flag against the runbook's rules; nothing is created unless all pass. */
export function checkFlags(flags: RequestFlags, form: AccessRequestForm, now: number): Record<string, string> {
  const problems: string[] = [];
  const parameters: Record<string, string> = {};
  for (const [parameter, [flag, key]] of Object.entries(FLAGS)) {
    const spec = form.parameters[parameter];
    if (!spec)
      throw new CliFailure(`the runbook ${form.runbookName} has no parameter ${parameter}; is the CLI current?`);
    const value = String(flags[key]);
    const problem = valueProblem(flag, value, spec);
    if (problem) problems.push(problem);
    parameters[parameter] = value;
  }
  if (flags.autoApprove && !form.autoApprovable) {
    problems.push(`--auto-approve: the change template ${form.templateName} does not allow auto-approval`);
  }
  if (flags.start !== undefined) {
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
