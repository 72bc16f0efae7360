/**
 * `jit revoke`: ends a grant early by starting the end-of-grant workflow (management/endOfGrant/) with Cause
 * `operator`. The end function removes the assignment, closes the grant in the ledger and deletes its end schedule;
 * the workflow notifies as at the normal end. Runs with management-account credentials.
 */
import { GetAutomationExecutionCommand, type SSMClient, StartAutomationExecutionCommand } from "@aws-sdk/client-ssm";
import type { Command } from "commander";
import type { CliContext, GlobalOptions } from "../context";
import { CliFailure, UsageError } from "../errors";
import { printJson, printLine } from "../output";
import { checkExecutionId } from "../signal";
import { endDocumentOf } from "../verify/names";

export interface RevokeResult {
  /** The request whose grant ends (the requester runbook's execution id: the grant's key in the ledger). */
  requestId: string;
  /** The end-of-grant document started, and its execution. */
  document: string;
  endExecutionId: string;
}

/** The grant workflow execution `id` names, if it is one in this account: its request id and its document. */
async function grantWorkflow(ssm: SSMClient, id: string) {
  try {
    const { AutomationExecution: x } = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }));
    const requestId = x?.Parameters?.RequesterExecutionId?.[0];
    return requestId ? { requestId, document: x?.DocumentName ?? "" } : undefined;
  } catch (err) {
    // The request id is the requester runbook's execution, which lives in the other account.
    if ((err as Error).name === "AutomationExecutionNotFoundException") return undefined;
    throw err;
  }
}

export async function revokeGrant(ssm: SSMClient, id: string, endDocument?: string): Promise<RevokeResult> {
  checkExecutionId(id, "<request-id>");
  const workflow = await grantWorkflow(ssm, id);
  const requestId = workflow?.requestId ?? id;
  checkExecutionId(requestId, "the grant workflow's RequesterExecutionId");
  const document = endDocument ?? (workflow && endDocumentOf(workflow.document));
  if (!document) {
    throw new UsageError(
      "name the end-of-grant document with --end-document (the management stack's endDocumentName output), or pass the grant workflow's execution id",
    );
  }
  const started = await ssm.send(
    new StartAutomationExecutionCommand({
      DocumentName: document,
      Parameters: { RequestId: [requestId], Cause: ["operator"] },
    }),
  );
  if (!started.AutomationExecutionId) throw new CliFailure(`${document} did not start: no execution id was returned`);
  return { requestId, document, endExecutionId: started.AutomationExecutionId };
}

export function registerRevoke(program: Command, ctx: CliContext): void {
  program
    .command("revoke")
    .summary("end a grant early (operators, management account)")
    .description(
      "End a grant early (operators only). Run it with management-account credentials: it starts the end-of-grant " +
        "workflow there (Cause operator), which removes the account assignment, closes the grant and notifies " +
        "everyone as the normal end of a grant does. A grant already ended is left as it is.",
    )
    .argument("<id>", 'the request id (in the "JIT access granted" notification), or the grant workflow execution id')
    .option("--end-document <name>", "the end-of-grant document (the management stack's endDocumentName output)")
    .action(async (id: string, flags: { endDocument?: string }, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const result = await revokeGrant(ctx.clients(options).ssm, id, flags.endDocument);
      if (options.json) return printJson(ctx.output, result);
      printLine(
        ctx.output,
        `Ending the grant of request ${result.requestId}: ${result.document} execution ${result.endExecutionId} started.`,
      );
      printLine(
        ctx.output,
        `It removes the assignment and notifies; follow it with: jit status ${result.endExecutionId}`,
      );
    });
}
