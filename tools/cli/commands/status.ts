/** `jit status`: where an access request (change request or request runbook) or grant workflow is, once or live. */
import { type Command, InvalidArgumentError } from "commander";
import { REQUEST_RUNBOOK_STEPS } from "../../../shared/events";
import type { CliContext, GlobalOptions } from "../context";
import { CliFailure } from "../errors";
import { type Output, printJson, printLine } from "../output";
import { type ExecutionSnapshot, readSnapshot, watchSnapshots } from "../snapshot";

const SUCCESS: ReadonlySet<string> = new Set(["Success", "CompletedWithSuccess"]);

function printSnapshot(output: Output, s: ExecutionSnapshot): void {
  const r = s.request;
  const rows: [string, string | undefined][] = [
    ["document", s.document],
    ["request", r.account && `${r.requestingUser}: ${r.permissionSet} on ${r.account}, duration ${r.duration}`],
    ["current step", s.currentStep],
    ["started", s.started],
    ["ended", s.ended],
    ["failure", s.failure],
  ];
  // The Automation form's request is the request runbook's execution, which sends the request itself.
  const runbook = s.steps.some((step) => step.name === REQUEST_RUNBOOK_STEPS.send);
  const what = s.changeRequestName ? "Change request" : runbook ? "Access request" : "Execution";
  printLine(output, `${what} ${s.id}: ${s.status}`);
  for (const [label, value] of rows) if (value) printLine(output, `  ${label.padEnd(12)}  ${value}`);
  for (const step of s.steps) printLine(output, `    ${step.name}: ${step.status}`);
  if ((s.changeRequestName || runbook) && SUCCESS.has(s.status)) printLine(output, SENT);
}

/** A request succeeds once its runbook has sent the request: the outcome comes by notification. */
const SENT =
  "The request was sent to the management account; whether it was granted arrives by notification (AccessGranted, or Error with the reason).";

function seconds(value: string): number {
  if (!/^[1-9]\d{0,3}$/.test(value)) throw new InvalidArgumentError("a whole number of seconds from 1 to 9999");
  return Number(value);
}

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .summary("show where a request is; --watch follows it to the end")
    .description(
      "Show an access request's (a change request, or the request runbook's execution) or a grant workflow's status " +
        "and current step; --watch polls and shows each step " +
        "as it progresses until the execution ends.",
    )
    .argument("<id>", "the request id (what jit request printed), or a grant workflow execution id")
    .option("--watch", "poll and show each step as it progresses, until the execution ends (exit 1 unless it succeeds)")
    .option("--interval <seconds>", "seconds between polls with --watch", seconds, 5)
    .action(async (id: string, flags: { watch?: boolean; interval: number }, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const { ssm } = ctx.clients(options);
      if (!flags.watch) {
        const snapshot = await readSnapshot(ssm, id);
        return options.json ? printJson(ctx.output, snapshot) : printSnapshot(ctx.output, snapshot);
      }
      const last = await watchSnapshots(ssm, id, {
        intervalMs: flags.interval * 1000,
        sleep: ctx.sleep,
        onChange(snapshot, changes) {
          if (options.json) return ctx.output.stdout(`${JSON.stringify(snapshot)}\n`);
          const at = new Date(ctx.now()).toISOString();
          for (const line of changes) printLine(ctx.output, `${at}  ${line}`);
        },
      });
      if (!SUCCESS.has(last.status)) {
        throw new CliFailure(`${id} ended ${last.status}${last.failure ? `: ${last.failure}` : ""}`);
      }
    });
}
