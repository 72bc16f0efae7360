/**
 * `jit list`: access requests (change requests of the template, or executions of the Automation form's request
 * runbook), yours or those waiting for an approver.
 */
import {
  type AutomationExecution,
  type AutomationExecutionMetadata,
  DescribeAutomationExecutionsCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { type Command, Option } from "commander";
import type { CliContext, GlobalOptions } from "../context";
import { UsageError } from "../errors";
import { execution, requestDetails, sessionName, waitsForApproval } from "../executions";
import { findForm } from "../form";
import { printJson, printLine, printTable } from "../output";

export interface ListFlags {
  mine?: boolean;
  waitingForMe?: boolean;
  user?: string;
  template?: string;
}

export interface ListedRequest {
  id: string;
  status: string;
  requester?: string;
  requestingUser?: string;
  account?: string;
  permissionSet?: string;
  duration?: string;
  started?: string;
  currentStep?: string;
}

export async function listRequests(ssm: SSMClient, flags: ListFlags): Promise<ListedRequest[]> {
  if (flags.mine && !flags.user) throw new UsageError("--mine needs your user name: pass --user or set JIT_USER");
  const form = await findForm(ssm, flags.template);
  const executions: AutomationExecutionMetadata[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ssm.send(
      new DescribeAutomationExecutionsCommand({
        Filters: [
          { Key: "DocumentNamePrefix", Values: [form.name] },
          ...(form.kind === "changeManager" ? [{ Key: "AutomationSubtype" as const, Values: ["ChangeRequest"] }] : []),
        ],
        NextToken,
      }),
    );
    executions.push(...(page.AutomationExecutionMetadataList ?? []));
    NextToken = page.NextToken || undefined;
  } while (NextToken);
  const mine = (x: ListedRequest) => x.requester === flags.user || x.requestingUser === flags.user;
  // The filter matches names by prefix; only the form's own requests are wanted.
  const requests = executions
    .filter((x) => x.DocumentName === form.name)
    .filter((x) => !flags.waitingForMe || waitsForApproval(x));
  // A runbook execution's listing has no parameters (a change request's has its runbook's): each is read in full,
  // one at a time, as Automation throttles bursts.
  const detailed: (AutomationExecution | AutomationExecutionMetadata)[] = [];
  for (const x of requests) {
    detailed.push(form.kind === "automation" ? await execution(ssm, x.AutomationExecutionId ?? "") : x);
  }
  return (
    detailed
      .map(listed)
      .filter((x) => (flags.mine ? mine(x) : true))
      // The form decides who may approve; what you raised yourself is not waiting for you.
      .filter((x) => !(flags.waitingForMe && flags.user && mine(x)))
      .sort((a, b) => (b.started ?? "").localeCompare(a.started ?? ""))
  );
}

function listed(x: AutomationExecution | AutomationExecutionMetadata): ListedRequest {
  const details = requestDetails(x);
  return {
    id: x.AutomationExecutionId ?? "",
    status: x.AutomationExecutionStatus ?? "",
    requester: sessionName(x.ExecutedBy),
    requestingUser: details.requestingUser,
    account: details.account,
    permissionSet: details.permissionSet,
    duration: details.duration,
    started: x.ExecutionStartTime?.toISOString(),
    currentStep: x.CurrentStepName,
  };
}

export function registerList(program: Command, ctx: CliContext): void {
  program
    .command("list")
    .summary("list access requests")
    .description("List access requests: all of them, yours (--mine), or those waiting for approval (--waiting-for-me).")
    .addOption(new Option("--mine", "only requests you raised or that are for you").conflicts("waitingForMe"))
    .option("--waiting-for-me", "only requests waiting for an approver (other than your own requests)")
    .addOption(new Option("--user <name>", "your IAM Identity Center user name").env("JIT_USER"))
    .option("--template <name>", "the change template or request runbook, when more than one carries the tag")
    .action(async (flags: ListFlags, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const requests = await listRequests(ctx.clients(options).ssm, flags);
      if (options.json) return printJson(ctx.output, requests);
      if (requests.length === 0) return printLine(ctx.output, "No access requests.");
      printTable(
        ctx.output,
        ["ID", "STATUS", "REQUESTER", "ACCOUNT", "PERMISSION SET", "DURATION", "STARTED"],
        requests.map((r) => [
          r.id,
          r.status,
          r.requester ?? "",
          r.account ?? "",
          r.permissionSet ?? "",
          r.duration ?? "",
          r.started ?? "",
        ]),
      );
    });
}
