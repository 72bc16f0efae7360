/** `jit revoke`: ends an active grant early by cancelling its grant workflow, whose cleanup revokes and notifies. */
import { GetAutomationExecutionCommand, type SSMClient, StopAutomationExecutionCommand } from "@aws-sdk/client-ssm";
import type { Command } from "commander";
import type { CliContext, GlobalOptions } from "../context";
import { CliFailure, UsageError } from "../errors";
import { type RequestDetails, requestDetails, TERMINAL_STATUSES } from "../executions";
import { printJson, printLine } from "../output";
import { checkExecutionId } from "../signal";

export interface RevokeResult extends RequestDetails {
  grantExecutionId: string;
  document: string;
  /** The workflow's status when the cancellation was asked for. */
  status: string;
}

export async function revokeGrant(ssm: SSMClient, id: string): Promise<RevokeResult> {
  checkExecutionId(id, "<grant-execution-id>");
  const { AutomationExecution: x } = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }));
  if (!x) throw new CliFailure(`execution ${id} was not found`);
  const details = requestDetails(x);
  // The grant workflow is the one execution that carries the request and the requester's execution id.
  if (!x.Parameters?.RequesterExecutionId || !details.account) {
    throw new UsageError(
      `${id} is an execution of ${x.DocumentName}, not of the grant workflow: pass the grant workflow's execution id`,
    );
  }
  const status = x.AutomationExecutionStatus ?? "";
  if (TERMINAL_STATUSES.has(status) || status === "Cancelling") {
    throw new CliFailure(`the grant workflow ${id} is ${status}: there is no active grant to revoke`);
  }
  // Cancelling runs the workflow's onCancel path: it deletes the assignment and notifies, as at the normal end.
  await ssm.send(new StopAutomationExecutionCommand({ AutomationExecutionId: id, Type: "Cancel" }));
  return { grantExecutionId: id, document: x.DocumentName ?? "", status, ...details };
}

export function registerRevoke(program: Command, ctx: CliContext): void {
  program
    .command("revoke")
    .summary("end an active grant early (operators, management account)")
    .description(
      "End an active grant early (operators only). Run it with management-account credentials: it cancels the " +
        "grant workflow's execution there, whose cleanup deletes the account assignment and notifies everyone as " +
        "the normal end of a grant does.",
    )
    .argument("<grant-execution-id>", 'the grant workflow execution id (in the "JIT access granted" notification)')
    .action(async (id: string, _flags: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const result = await revokeGrant(ctx.clients(options).ssm, id);
      if (options.json) return printJson(ctx.output, result);
      printLine(
        ctx.output,
        `Revoking ${result.requestingUser}'s ${result.permissionSet} on ${result.account}: grant workflow ${id} is cancelling.`,
      );
      printLine(ctx.output, `It deletes the assignment and notifies; follow it with: jit status ${id} --watch`);
    });
}
