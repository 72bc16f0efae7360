/** `jit request`: raises an access request as a Change Manager change request from the deployed template. */
import { GetAutomationExecutionCommand, type SSMClient, StartChangeRequestExecutionCommand } from "@aws-sdk/client-ssm";
import { type Command, Option } from "commander";
import { findChangeTemplate, readForm } from "../changeTemplate";
import type { CliContext, GlobalOptions } from "../context";
import { CliFailure } from "../errors";
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

export async function requestAccess(ssm: SSMClient, flags: RequestFlags, now: number): Promise<RequestResult> {
  const templateName = await findChangeTemplate(ssm, flags.template);
  const form = await readForm(ssm, templateName);
  const parameters = checkFlags(flags, form, now);
  const changeRequestName = `${flags.user} ${flags.permissionSet} on ${flags.account}`;
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
        "checked against the template's runbook before anything is created.",
    )
    .requiredOption("--account <id>", "the 12-digit id of the AWS account you need access to")
    .requiredOption("--permission-set <name>", "the permission set you need (the runbook lists the allowed ones)")
    .requiredOption("--duration <n>", "how long you need the access, in the deployment's unit (usually hours)")
    .requiredOption("--reason <text>", "why you need it: the ticket or incident and what you will do")
    // Your own IAM Identity Center user name. The SDK's resolved credentials (keys, session token, expiry) do not
    // name the principal, and only sts:GetCallerIdentity would (its session name is the user name for Identity
    // Center sessions); @aws-sdk/client-sts is not a dependency of this project, so the name is a flag, checked
    // against the runbook's RequestingUser pattern.
    .addOption(
      new Option("--user <name>", "your IAM Identity Center user name, as you sign in to the access portal")
        .env("JIT_USER")
        .makeOptionMandatory(),
    )
    .option("--start <time>", "when the access should start (ISO 8601 with a zone, such as 2026-11-25T14:00Z)")
    .option("--auto-approve", "skip approval, where the template allows it and your permission set may", false)
    .option("--template <name>", "the change template, when more than one carries the tag")
    .action(async (flags: RequestFlags, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const result = await requestAccess(ctx.clients(options).ssm, flags, ctx.now());
      if (options.json) return printJson(ctx.output, result);
      const { parameters: p } = result;
      printLine(ctx.output, `Change request ${result.changeRequestId} raised: ${result.changeRequestName}`);
      printLine(ctx.output, `  duration ${p.Duration}${result.scheduledTime ? `, from ${result.scheduledTime}` : ""}`);
      printLine(ctx.output, result.autoApprove ? "  auto-approved" : "  waiting for approval; approvers are notified");
      printLine(ctx.output, `  ${result.link}`);
      printLine(ctx.output, `Follow it with: jit status ${result.changeRequestId} --watch`);
    });
}
