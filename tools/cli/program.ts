/** The `jit` command line: its commands, global options, and how a run ends (an exit code, never process.exit). */
import { Command, CommanderError } from "commander";
import { registerApprove } from "./commands/approve";
import { registerConfirmSubscription } from "./commands/confirmSubscription";
import { registerEnd } from "./commands/end";
import { registerList } from "./commands/list";
import { registerPreflight } from "./commands/preflight";
import { registerReject } from "./commands/reject";
import { registerRequest } from "./commands/request";
import { registerRevoke } from "./commands/revoke";
import { registerStatus } from "./commands/status";
import { registerVerify } from "./commands/verify";
import type { CliContext, GlobalOptions } from "./context";
import { EXIT_USAGE, explain } from "./errors";

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("jit")
    .description(
      "Just-in-time access to AWS accounts through IAM Identity Center: request, approve, follow, end, revoke, verify",
    )
    .option("--region <region>", "the AWS Region of the deployment (default: AWS_REGION or your profile's)")
    .option("--profile <name>", "the AWS profile to use (default: AWS_PROFILE or the default chain)")
    .option("--json", "print machine-readable JSON instead of text")
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({ writeOut: (text) => ctx.output.stdout(text), writeErr: (text) => ctx.output.stderr(text) })
    .exitOverride();
  for (const register of [
    registerRequest,
    registerList,
    registerApprove,
    registerReject,
    registerStatus,
    registerEnd,
    registerRevoke,
    registerVerify,
    registerConfirmSubscription,
    registerPreflight,
  ]) {
    register(program, ctx);
  }
  return program;
}

/** Runs the CLI on `argv` (without node and the script); resolves to the exit code. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (err) {
    // Commander has already printed its own errors (unknown option, missing flag) and help.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    const { message, exitCode } = explain(err, program.opts<GlobalOptions>());
    for (const line of message.split("\n")) ctx.output.stderr(`jit: ${line}\n`);
    return exitCode;
  }
}
