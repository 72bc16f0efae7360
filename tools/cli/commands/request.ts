/**
 * `jit request`: raises an access request with the deployed form: a Change Manager change request from the template,
 * or (Automation form) an execution of the request runbook itself, which waits for its approvers.
 */
import {
  GetAutomationExecutionCommand,
  type SSMClient,
  StartAutomationExecutionCommand,
  StartChangeRequestExecutionCommand,
  type Tag,
} from "@aws-sdk/client-ssm";
import { type Command, Option } from "commander";
import type { RequestForm } from "../../../shared/config/common";
import { AUTO_APPROVE_PARAMETER } from "../../../shared/requestForm";
import { REQUESTED_BY_TAG, TAG_VALUE } from "../../../shared/requestOwnership";
import type { CliContext, Clients, GlobalOptions } from "../context";
import { CliFailure } from "../errors";
import { type AccessRequestForm, findForm, readForm } from "../form";
import { callerIdentity } from "../identity";
import { automationExecutionLink, changeRequestLink } from "../links";
import { printJson, printLine } from "../output";
import { checkFlags, type RequestFlags } from "../requestFlags";

export interface RequestResult {
  form: RequestForm;
  /** What approvers approve, and status and end follow: the change request, or the request runbook's execution. */
  id: string;
  /** The request in a line (the change request's name). */
  name: string;
  link: string;
  /** The document started: the change template, or the request runbook. */
  document: string;
  runbook: string;
  parameters: Record<string, string>;
  autoApprove: boolean;
  scheduledTime?: string;
}

export async function requestAccess({ ssm, sts }: Clients, flags: RequestFlags, now: number): Promise<RequestResult> {
  // Asked once, before anything else: who the request will be raised by, as the request check reads it.
  const caller = await callerIdentity(sts);
  const form = await readForm(ssm, await findForm(ssm, flags.template));
  const parameters = checkFlags(flags, form, now, caller.arn);
  const tags = [requestedByTag(caller.userId)];
  const name = `${parameters.RequestingUser} ${parameters.PermissionSet} on ${parameters.AccountId}`;
  const scheduledTime = flags.start === undefined ? undefined : new Date(flags.start);
  const values: Record<string, string[]> = Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, [v]]));
  const region = await ssm.config.region();
  let id: string | undefined;
  let link: string;
  if (form.kind === "automation") {
    // AutoApprove only when asked: the parameter exists only where the runbook declares it (checked above).
    if (flags.autoApprove) values[AUTO_APPROVE_PARAMETER] = ["true"];
    ({ AutomationExecutionId: id } = await ssm.send(
      new StartAutomationExecutionCommand({ DocumentName: form.name, Parameters: values, Tags: tags }),
    ));
    if (!id) throw new CliFailure(`${form.name} did not start: no execution id was returned`);
    link = automationExecutionLink(region, id);
  } else {
    id = await startChangeRequest(ssm, form, name, values, flags.autoApprove, scheduledTime, tags);
    link = await linkFor(ssm, region, id);
  }
  return {
    form: form.kind,
    id,
    name,
    link,
    document: form.name,
    runbook: form.runbookName,
    parameters,
    autoApprove: flags.autoApprove,
    scheduledTime: scheduledTime?.toISOString(),
  };
}

async function startChangeRequest(
  ssm: SSMClient,
  form: AccessRequestForm,
  name: string,
  values: Record<string, string[]>,
  autoApprove: boolean,
  scheduledTime: Date | undefined,
  tags: Tag[],
): Promise<string> {
  const started = await ssm.send(
    new StartChangeRequestExecutionCommand({
      DocumentName: form.name,
      ChangeRequestName: name,
      ChangeDetails: values.Justification[0],
      // Always sent: the RequestCreated notification rule matches autoApprove false, so it cannot be left out.
      AutoApprove: autoApprove,
      ScheduledTime: scheduledTime,
      Runbooks: [
        {
          DocumentName: form.runbookName,
          DocumentVersion: "$DEFAULT",
          MaxConcurrency: "1",
          MaxErrors: "1",
          Parameters: values,
        },
      ],
      Tags: tags,
    }),
  );
  if (!started.AutomationExecutionId) throw new CliFailure("Change Manager returned no change request id");
  return started.AutomationExecutionId;
}

/**
 * The tag that lets the requester, and approvers, cancel the request (shared/requestOwnership.ts): without it nobody
 * may. An aws:userid an SSM tag cannot hold is refused before anything is created.
 */
function requestedByTag(userId: string): Tag {
  if (!TAG_VALUE.test(userId)) {
    throw new CliFailure(
      `your aws:userid "${userId}" cannot be the ${REQUESTED_BY_TAG} tag's value (an SSM tag value matches ` +
        `${TAG_VALUE.source}); a request without it (as the console raises one) neither you nor an approver may ` +
        "cancel: ask for a user name without other characters",
    );
  }
  return { Key: REQUESTED_BY_TAG, Value: userId };
}

/** The change request's Change Manager page, or its Automation page if its OpsItem cannot be read. */
async function linkFor(ssm: SSMClient, region: string, id: string): Promise<string> {
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
      "Request temporary access to an AWS account with the deployed form: a Change Manager change request from the " +
        "change template, or (Automation form) an execution of the request runbook, which waits for its approvers. " +
        "The flags are checked against the runbook's own parameters, and the request is raised in the name of the " +
        "IAM Identity Center user you are signed in as, before anything is created.",
    )
    .requiredOption("--account <id>", "the 12-digit id of the AWS account you need access to")
    .requiredOption("--permission-set <name>", "the permission set you need (the runbook lists the allowed ones)")
    .requiredOption("--duration <n>", "how long you need the access, in the deployment's unit (usually hours)")
    .option("--unit <unit>", "the duration's unit (default: the one the runbook offers, hours or minutes)")
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
    .option(
      "--start <time>",
      "when the access should start (ISO 8601 with a zone, such as 2026-11-25T14:00Z; Change Manager form only)",
    )
    .option("--auto-approve", "skip approval, where the form allows it and your permission set may", false)
    .option("--template <name>", "the change template or request runbook, when more than one carries the tag")
    .action(async (flags: RequestFlags, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const result = await requestAccess(ctx.clients(options), flags, ctx.now());
      if (options.json) return printJson(ctx.output, result);
      const { parameters: p } = result;
      const what = result.form === "automation" ? "Access request" : "Change request";
      printLine(ctx.output, `${what} ${result.id} raised: ${result.name}`);
      printLine(
        ctx.output,
        `  duration ${p.Duration} ${p.DurationUnit}${result.scheduledTime ? `, from ${result.scheduledTime}` : ""}`,
      );
      printLine(ctx.output, result.autoApprove ? "  auto-approved" : "  waiting for approval; approvers are notified");
      printLine(ctx.output, `  ${result.link}`);
      printLine(ctx.output, `Follow it with: jit status ${result.id} --watch`);
    });
}
