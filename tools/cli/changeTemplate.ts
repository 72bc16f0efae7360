/**
 * The access request form as deployed: the change template found by its Component tag (as the AWS sample's script
 * found it) and the runbook it runs, with the runbook's own parameter rules, so the CLI checks what the deployment
 * checks rather than a copy that could drift.
 */
import { GetDocumentCommand, ListDocumentsCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { parse } from "yaml";
import { changeTemplateComponentTag } from "../../shared/tags";
import { CliFailure, UsageError } from "./errors";

/** A runbook parameter's rules, as the document declares them. */
export interface RunbookParameter {
  type?: string;
  description?: string;
  allowedValues?: string[];
  allowedPattern?: string;
  minChars?: number;
  maxChars?: number;
}

export interface AccessRequestForm {
  templateName: string;
  runbookName: string;
  /** Whether a request may skip approval (the template's autoApprovable). */
  autoApprovable: boolean;
  parameters: Record<string, RunbookParameter>;
}

/** The change template's name: `explicit` if given (it must carry the tag), else the one tagged template. */
export async function findChangeTemplate(ssm: SSMClient, explicit?: string): Promise<string> {
  const { key, value } = changeTemplateComponentTag;
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ssm.send(
      new ListDocumentsCommand({
        Filters: [
          { Key: "DocumentType", Values: ["Automation.ChangeTemplate"] },
          { Key: `tag:${key}`, Values: [value] },
        ],
        NextToken,
      }),
    );
    names.push(...(page.DocumentIdentifiers ?? []).map((d) => d.Name ?? ""));
    NextToken = page.NextToken || undefined;
  } while (NextToken);
  const tagged = `change template tagged ${key}=${value}`;
  if (explicit !== undefined) {
    if (!names.includes(explicit)) {
      throw new UsageError(`--template ${explicit} is not a ${tagged}; found: ${names.join(", ") || "none"}`);
    }
    return explicit;
  }
  if (names.length === 0) {
    const region = await ssm.config.region();
    throw new CliFailure(
      `no ${tagged} in ${region}: use the requester account's credentials and its region (--profile, --region)`,
    );
  }
  if (names.length > 1)
    throw new UsageError(`more than one ${tagged}: choose one with --template (${names.join(", ")})`);
  return names[0];
}

/** The template's runbook and that runbook's parameters. */
export async function readForm(ssm: SSMClient, templateName: string): Promise<AccessRequestForm> {
  const template = await documentContent(ssm, templateName);
  const runbooks = template.executableRunBooks as { name?: string }[] | undefined;
  const runbookName = runbooks?.[0]?.name;
  if (!runbookName) throw new CliFailure(`the change template ${templateName} names no runbook (executableRunBooks)`);
  const runbook = await documentContent(ssm, runbookName);
  return {
    templateName,
    runbookName,
    autoApprovable: template.autoApprovable === true,
    parameters: (runbook.parameters ?? {}) as Record<string, RunbookParameter>,
  };
}

async function documentContent(ssm: SSMClient, name: string): Promise<Record<string, unknown>> {
  const document = await ssm.send(new GetDocumentCommand({ Name: name, DocumentFormat: "JSON" }));
  if (!document.Content) throw new CliFailure(`the document ${name} has no content`);
  // YAML is a superset of JSON, so this reads the content whichever format the service returned.
  return parse(document.Content) as Record<string, unknown>;
}
