/**
 * `jit end`: asks for a grant to end early, from the requester account (the requester, or an approver). It starts the
 * requester side's end-access document (requester/endRequest/), which sends one end request to the management
 * account; there the end function reads who started it and ends the grant (the grant's user, or an approver) or
 * refuses and alerts. Runs with requester-account credentials; `jit revoke` is the operators' way, in the management
 * account.
 */
import {
  type AutomationExecution,
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
  type SSMClient,
  StartAutomationExecutionCommand,
} from "@aws-sdk/client-ssm";
import type { Command } from "commander";
import { patterns } from "../../../shared/patterns";
import type { CliContext, GlobalOptions } from "../context";
import { CliFailure, UsageError } from "../errors";
import { findForm, readForm } from "../form";
import { printJson, printLine } from "../output";
import { checkExecutionId } from "../signal";
import { endAccessDocumentOf } from "../verify/names";

export interface EndResult {
  /** The request whose grant is to end (the request runbook's execution id). */
  requestId: string;
  /** The end-access document started, and its execution. */
  document: string;
  endExecutionId: string;
}

export const DEFAULT_END_REASON = "Ended early with jit end: the access is no longer needed";

export interface EndOptions {
  reason?: string;
  template?: string;
  endDocument?: string;
}

/**
 * The request id `id` names: the request runbook's execution itself (the Automation form's request), or the change
 * request that ran it (its child).
 * An id this account does not hold is taken as it is (the management side decides).
 */
async function requestIdOf(ssm: SSMClient, id: string, runbookName: string): Promise<string> {
  let execution: AutomationExecution | undefined;
  try {
    ({ AutomationExecution: execution } = await ssm.send(
      new GetAutomationExecutionCommand({ AutomationExecutionId: id }),
    ));
  } catch (err) {
    if ((err as Error).name === "AutomationExecutionNotFoundException") {
      throw new UsageError(
        `<request-id> ${id} is no execution of this account: use the requester account's credentials`,
      );
    }
    throw err;
  }
  if (execution?.AutomationSubtype !== "ChangeRequest") return id;
  const { AutomationExecutionMetadataList: children = [] } = await ssm.send(
    new DescribeAutomationExecutionsCommand({ Filters: [{ Key: "ParentExecutionId", Values: [id] }] }),
  );
  const runbook = children.find((x) => x.DocumentName === runbookName)?.AutomationExecutionId;
  if (!runbook) throw new CliFailure(`change request ${id} has not run ${runbookName}: nothing was granted to end`);
  return runbook;
}

export async function endGrantEarly(ssm: SSMClient, id: string, options: EndOptions = {}): Promise<EndResult> {
  checkExecutionId(id, "<request-id>");
  const reason = options.reason ?? DEFAULT_END_REASON;
  if (!patterns.justification.test(reason)) throw new UsageError(`--reason must be ${patterns.justification.rule}`);
  const form = await findForm(ssm, options.template);
  const document = options.endDocument ?? endAccessDocumentOf(form.name);
  const { runbookName } = await readForm(ssm, form);
  const requestId = await requestIdOf(ssm, id, runbookName);
  const started = await ssm.send(
    new StartAutomationExecutionCommand({
      DocumentName: document,
      Parameters: { RequestId: [requestId], Reason: [reason] },
    }),
  );
  if (!started.AutomationExecutionId) throw new CliFailure(`${document} did not start: no execution id was returned`);
  return { requestId, document, endExecutionId: started.AutomationExecutionId };
}

export function registerEnd(program: Command, ctx: CliContext): void {
  program
    .command("end")
    .summary("end your grant early (or, as an approver, someone's)")
    .description(
      "Ask for a grant to end before its time, with requester-account credentials: your own grant, or as an " +
        "approver anyone's. The management account checks who asked, removes the account assignment and notifies " +
        "as at the normal end; anyone else's request is refused and the administrators are alerted.",
    )
    .argument(
      "<request-id>",
      'the request id (in the "JIT access granted" notification, and what jit request printed), or its change request id',
    )
    .option("--reason <text>", `why: 10 to 500 printable characters without " or \\ (default: "${DEFAULT_END_REASON}")`)
    .option("--template <name>", "the change template or request runbook, when the account has more than one")
    .option("--end-document <name>", "the end-access document (the requester stack's endAccessDocumentName output)")
    .action(async (id: string, flags: EndOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const result = await endGrantEarly(ctx.clients(options).ssm, id, flags);
      if (options.json) return printJson(ctx.output, result);
      printLine(
        ctx.output,
        `Asked to end the grant of request ${result.requestId}: ${result.document} execution ${result.endExecutionId} started.`,
      );
      printLine(ctx.output, 'The management account ends it within minutes; you are notified ("JIT access revoked").');
    });
}
