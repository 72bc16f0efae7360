/** `jit reject`: rejects an access request waiting for you, saying why. */
import type { Command } from "commander";
import type { CliContext, GlobalOptions } from "../context";
import { printJson, printLine } from "../output";
import { sendDecision } from "../signal";

export function registerReject(program: Command, ctx: CliContext): void {
  program
    .command("reject")
    .summary("reject an access request")
    .description("Reject an access request waiting for approval (you must be one of the form's approvers).")
    .argument(
      "<id>",
      "the request id: the change request's, or the request runbook execution's (jit list --waiting-for-me)",
    )
    .requiredOption("--comment <text>", 'why: 1 to 200 printable characters without " or \\')
    .action(async (id: string, flags: { comment: string }, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const result = await sendDecision(ctx.clients(options).ssm, id, "Reject", flags.comment);
      if (options.json) return printJson(ctx.output, result);
      printLine(ctx.output, `Rejected ${id}. The requester is notified; nothing is granted.`);
    });
}
