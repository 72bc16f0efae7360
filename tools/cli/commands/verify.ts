/** `jit verify`: the first-deployment self-test, or a read-back of one request's records (--records). */
import { type Command, InvalidArgumentError, Option } from "commander";
import { managementFields } from "../../../shared/config/management";
import { DEFAULT_CANARY_PERMISSION_SET } from "../../../shared/config/verify";
import type { CliContext, GlobalOptions } from "../context";
import { CliFailure } from "../errors";
import { execution } from "../executions";
import { printJson, printLine } from "../output";
import { checkExecutionId } from "../signal";
import { grantDocumentOf } from "../verify/names";
import { findingsOf, isChangeRequest, readRequestRecords } from "../verify/readBack";
import { buildReport, printReport, type VerifyReport } from "../verify/report";
import { selfTest, type VerifyOptions } from "../verify/selfTest";

interface VerifyFlags {
  account?: string;
  permissionSet: string;
  managementProfile: string;
  managementRegion?: string;
  approverProfile?: string;
  trailLogGroup: string;
  end: "revoke" | "expire";
  cancelProbe: boolean;
  timeout: number;
  interval: number;
  records?: string;
  template?: string;
  grantDocument?: string;
}

/** The organization trail's log group unless the config names another (jit:cloudTrailSummary.logGroupName). */
const TRAIL_LOG_GROUP = (managementFields.cloudTrailSummary as { fallback: { logGroupName: string } }).fallback
  .logGroupName;

const whole = (min: number, max: number, what: string) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new InvalidArgumentError(`a whole number of ${what} from ${min} to ${max}`);
  return n;
};

/** Paragraphs, which commander wraps to the terminal. */
const DESCRIPTION = [
  "The first-deployment self-test. Run it once both stacks are deployed (pulumi up of the management stack, then of the requester stack), signed in through the AWS access portal to the requester account with the request permission set that may auto-approve (or with --approver-profile, any request permission set), and with --management-profile for the management account. It requests the canary permission set jit:verify names (its only policy denies everything) through the same path as jit request, waits for the grant, confirms the assignment in IAM Identity Center, ends it as jit revoke does (or lets it run out: --end expire), confirms the removal, deletes the missing assignment again, raises a second canary request and cancels it, and reads back the records: for each behaviour AWS leaves undocumented it says which reading this AWS showed, or what is still needed to confirm it and how. It exits 1 if anything failed or if AWS shows a reading under which the workflows fail closed (approvers recorded by role ARN, runbooks without their change request), naming it.",
  "With --records <request-id> it raises nothing: it reads back an existing request's records (its change request, or with the Automation form its request runbook execution; one raised in the console, or one a real approver approved) and reports what they show.",
].join("\n\n");

export function registerVerify(program: Command, ctx: CliContext): void {
  program
    .command("verify")
    .summary("first-deployment self-test with the canary permission set: which readings this AWS shows")
    .description(DESCRIPTION)
    .requiredOption("--management-profile <name>", "the AWS profile for the management account (IAM Identity Center)")
    .option("--management-region <region>", "the management stack's Region (default: --region's)")
    .option("--account <id>", "the account to request the canary on (default: the account you are signed in to)")
    .option(
      "--permission-set <name>",
      "the canary permission set (jit:verify.permissionSet)",
      DEFAULT_CANARY_PERMISSION_SET,
    )
    .option("--approver-profile <name>", "an approver's AWS profile: the canary request then gets a real approval")
    .option("--trail-log-group <name>", "the organization trail's log group in the management account", TRAIL_LOG_GROUP)
    .addOption(
      new Option("--end <how>", "end the grant as an operator does (revoke) or let its shortest duration run out")
        .choices(["revoke", "expire"])
        .default("revoke"),
    )
    .option("--no-cancel-probe", "do not raise and cancel a second canary request")
    .option("--timeout <minutes>", "give up after this many minutes", whole(1, 1440, "minutes"), 20)
    .option("--interval <seconds>", "seconds between polls", whole(1, 300, "seconds"), 5)
    .option("--records <request-id>", "raise nothing: read back the records of this request")
    .option("--template <name>", "the change template or request runbook, when more than one carries the tag")
    .option("--grant-document <name>", "the grant workflow document (default: named like the form)")
    .action(async (flags: VerifyFlags, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const requester = ctx.clients(options);
      const management = ctx.clients({
        region: flags.managementRegion ?? options.region,
        profile: flags.managementProfile,
      });
      const progress = (line: string) => {
        if (!options.json) printLine(ctx.output, line);
      };
      let report: VerifyReport;
      if (flags.records) {
        checkExecutionId(flags.records, "--records");
        const form = (await execution(requester.ssm, flags.records)).DocumentName ?? "";
        const grantDocument = flags.grantDocument ?? grantDocumentOf(form);
        const records = await readRequestRecords(requester, management, flags.records, grantDocument);
        const findings = await findingsOf(records, {
          raisedBy: "records",
          trail: { logs: management.logs, logGroupName: flags.trailLogGroup, sleep: ctx.sleep },
          now: ctx.now(),
        });
        report = buildReport(
          {
            mode: "records",
            form: isChangeRequest(records.request) ? "changeManager" : "automation",
            requestId: flags.records,
            runbookExecutionId: records.runbook?.AutomationExecutionId,
            grantExecutionId: records.grant?.AutomationExecutionId,
            checks: [],
          },
          findings,
        );
      } else {
        const verifyOptions: VerifyOptions = {
          account: flags.account,
          permissionSet: flags.permissionSet,
          template: flags.template,
          grantDocument: flags.grantDocument,
          trailLogGroup: flags.trailLogGroup,
          end: flags.end,
          cancelProbe: flags.cancelProbe,
          timeoutMs: flags.timeout * 60_000,
          intervalMs: flags.interval * 1000,
        };
        report = await selfTest(
          {
            requester,
            management,
            approver: flags.approverProfile
              ? ctx.clients({ region: options.region, profile: flags.approverProfile })
              : undefined,
            now: ctx.now,
            sleep: ctx.sleep,
            progress,
          },
          verifyOptions,
        );
      }
      if (options.json) printJson(ctx.output, report);
      else printReport(ctx.output, report);
      if (report.failures.length > 0) {
        throw new CliFailure(`verify failed: ${report.failures.join("; ")}`);
      }
    });
}
