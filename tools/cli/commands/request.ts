/** `jit request`: raises an access request as a Change Manager change request from the deployed template. */
import { GetAutomationExecutionCommand, type SSMClient, StartChangeRequestExecutionCommand } from "@aws-sdk/client-ssm";
import { type Command, Option } from "commander";
import { findChangeTemplate, readForm } from "../changeTemplate";
import type { CliContext, Clients, GlobalOptions } from "../context";
import { CliFailure } from "../errors";
import { callerArn } from "../identity";
import { automationExecutionLink, changeRequestLink } from "../links";
import { printJson, printLine } from "../output";
import { checkFlags, type RequestFlags } from "../requestFlags";

export interface RequestResult {
  changeRequestId: string;
  changeRequestName: string;
  link: string;
  template: string;
  runbook: string;
  parameters: Record<string, string>;
  autoApprove: boolean;
  scheduledTime?: string;
}

export async function requestAccess({ ssm, sts }: Clients, flags: RequestFlags, now: number): Promise<RequestResult> {
  // Asked once, before anything else: who the change request will be raised by, as the request check reads it.
  const caller = await callerArn(sts);
  const templateName = await findChangeTemplate(ssm, flags.template);
  const form = await readForm(ssm, templateName);
  const parameters = checkFlags(flags, form, now, caller);
  const changeRequestName = `${parameters.RequestingUser} ${parameters.PermissionSet} on ${parameters.AccountId}`;
  const scheduledTime = flags.start === undefined ? undefined : new Date(flags.start);
  const started = await ssm.send(
    new StartChangeRequestExecutionCommand({
      DocumentName: templateName,
      ChangeRequestName: changeRequestName,
      ChangeDetails: flags.reason,
      // Always sent: the RequestCreated notification rule matches autoApprove false, so it cannot be left out.
      AutoApprove: flags.autoApprove,
      ScheduledTime: scheduledTime,
      Runbooks: [
        {
          DocumentName: form.runbookName,
          DocumentVersion: "$DEFAULT",
          MaxConcurrency: "1",
          MaxErrors: "1",
          Parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, [v]])),
        },
      ],
    }),
  );
  const id = started.AutomationExecutionId;
  if (!id) throw new CliFailure("Change Manager returned no change request id");
  return {
    changeRequestId: id,
    changeRequestName,
    link: await linkFor(ssm, id),
    template: templateName,
    runbook: form.runbookName,
    parameters,
    autoApprove: flags.autoApprove,
    scheduledTime: scheduledTime?.toISOString(),
  };
}

/** The change request's Change Manager page, or its Automation page if its OpsItem cannot be read. */
async function linkFor(ssm: SSMClient, id: string): Promise<string> {
  const region = await ssm.config.region();
  try {
    const { AutomationExecution } = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }));
    if (AutomationExecution?.OpsItemId) return changeRequestLink(region, AutomationExecution.OpsItemId);
  } catch {
    // The request exists; a link to its execution is still useful.
  }
  return automationExecutionLink(region, id);
}

export function registerRequest(program: Command, ctx: CliContext): void {
  program
    .command("request")
    .summary("request temporary access to an AWS account")
    .description(
      "Request temporary access to an AWS account: a Change Manager change request from the deployed template, " +
        "checked against the template's runbook, and raised in the name of the IAM Identity Center user you are " +
        "signed in as, before anything is created.",
    )
    .requiredOption("--account <id>", "the 12-digit id of the AWS account you need access to")
    .requiredOption("--permission-set <name>", "the permission set you need (the runbook lists the allowed ones)")
    .requiredOption("--duration <n>", "how long you need the access, in the deployment's unit (usually hours)")
    .requiredOption("--reason <text>", "why you need it: the ticket or incident and what you will do")
    // Your own IAM Identity Center user name, which the request check compares with who raised the change request
    // (its ExecutedBy). The CLI asks sts:GetCallerIdentity who its credentials sign for: an Identity Center
    // session's name is the user name, so the flag defaults to it and may only confirm it (in any case); any other
    // caller is refused, since the management side would reject the request. It is checked against the runbook's
    // RequestingUser pattern like every flag.
    .addOption(
      new Option(
        "--user <name>",
        "your IAM Identity Center user name (default: that of your access-portal session; another name is refused)",
      ).env("JIT_USER"),
    )
    .option("--start <time>", "when the access should start (ISO 8601 with a zone, such as 2026-11-25T14:00Z)")
    .option("--auto-approve", "skip approval, where the template allows it and your permission set may", false)
    .option("--template <name>", "the change template, when more than one carries the tag")
    .action(async (flags: RequestFlags, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const result = await requestAccess(ctx.clients(options), flags, ctx.now());
      if (options.json) return printJson(ctx.output, result);
      const { parameters: p } = result;
      printLine(ctx.output, `Change request ${result.changeRequestId} raised: ${result.changeRequestName}`);
      printLine(ctx.output, `  duration ${p.Duration}${result.scheduledTime ? `, from ${result.scheduledTime}` : ""}`);
      printLine(ctx.output, result.autoApprove ? "  auto-approved" : "  waiting for approval; approvers are notified");
      printLine(ctx.output, `  ${result.link}`);
      printLine(ctx.output, `Follow it with: jit status ${result.changeRequestId} --watch`);
    });
}
