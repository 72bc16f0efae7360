/** `jit approve`: approves an access request waiting for you. */
import type { Command } from "commander";
import type { CliContext, GlobalOptions } from "../context";
import { printJson, printLine } from "../output";
import { sendDecision } from "../signal";

export function registerApprove(program: Command, ctx: CliContext): void {
  program
    .command("approve")
    .summary("approve an access request")
    .description("Approve an access request waiting for approval (you must be one of the form's approvers).")
    .argument(
      "<id>",
      "the request id: the change request's, or the request runbook execution's (jit list --waiting-for-me)",
    )
    .option("--comment <text>", 'a comment for the record: 1 to 200 printable characters without " or \\')
    .action(async (id: string, flags: { comment?: string }, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const result = await sendDecision(ctx.clients(options).ssm, id, "Approve", flags.comment);
      if (options.json) return printJson(ctx.output, result);
      printLine(ctx.output, `Approved ${id}. Once every approval is in, the access is granted at its start time.`);
    });
}
