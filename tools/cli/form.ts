/**
 * The access request form as deployed, and so which form the deployment offers: a change template tagged
 * changeTemplateComponentTag (Change Manager form, as the AWS sample's script found it), else an Automation document
 * tagged requestFormComponentTag (the Automation form: the request runbook itself). Read with the runbook's own
 * parameter rules, so the CLI checks what the deployment checks rather than a copy that could drift.
 */
import { GetDocumentCommand, ListDocumentsCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { parse } from "yaml";
import type { RequestForm } from "../../shared/config/common";
import { AUTO_APPROVE_PARAMETER } from "../../shared/requestForm";
import { changeTemplateComponentTag, requestFormComponentTag } from "../../shared/tags";
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

/** The deployed form: the document requests are raised with, and which kind it is. */
export interface FoundForm {
  kind: RequestForm;
  /** The change template, or (Automation form) the request runbook itself. */
  name: string;
}

export interface AccessRequestForm extends FoundForm {
  runbookName: string;
  /** Whether a request may skip approval: the template's autoApprovable, or the runbook's AutoApprove parameter. */
  autoApprovable: boolean;
  parameters: Record<string, RunbookParameter>;
}

/** Each form's document type and tag, in the order they are looked for. */
const FORMS = [
  { kind: "changeManager", documentType: "Automation.ChangeTemplate", tag: changeTemplateComponentTag },
  { kind: "automation", documentType: "Automation", tag: requestFormComponentTag },
] as const;

const tagged = (f: (typeof FORMS)[number]) => `${f.documentType} document tagged ${f.tag.key}=${f.tag.value}`;

/**
 * The deployment's form: the tagged change template, else the tagged request runbook. `explicit` (--template), if
 * given, must be one of them.
 */
export async function findForm(ssm: SSMClient, explicit?: string): Promise<FoundForm> {
  for (const form of FORMS) {
    const names = await taggedDocuments(ssm, form.documentType, form.tag);
    if (names.length === 0) continue;
    if (explicit !== undefined) {
      if (!names.includes(explicit)) {
        throw new UsageError(`--template ${explicit} is not an ${tagged(form)}; found: ${names.join(", ")}`);
      }
      return { kind: form.kind, name: explicit };
    }
    if (names.length > 1) {
      throw new UsageError(`more than one ${tagged(form)}: choose one with --template (${names.join(", ")})`);
    }
    return { kind: form.kind, name: names[0] };
  }
  const region = await ssm.config.region();
  throw new CliFailure(
    `no change template tagged ${FORMS[0].tag.key}=${FORMS[0].tag.value} and no Automation document tagged ${FORMS[1].tag.key}=${FORMS[1].tag.value} in ${region}: use the requester account's credentials and its region (--profile, --region)`,
  );
}

async function taggedDocuments(
  ssm: SSMClient,
  documentType: string,
  tag: { key: string; value: string },
): Promise<string[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ssm.send(
      new ListDocumentsCommand({
        Filters: [
          { Key: "DocumentType", Values: [documentType] },
          { Key: `tag:${tag.key}`, Values: [tag.value] },
        ],
        NextToken,
      }),
    );
    names.push(...(page.DocumentIdentifiers ?? []).map((d) => d.Name ?? ""));
    NextToken = page.NextToken || undefined;
  } while (NextToken);
  return names;
}

/** The form's runbook (the template's, or the form itself) and that runbook's parameters. */
export async function readForm(ssm: SSMClient, form: FoundForm): Promise<AccessRequestForm> {
  const document = await documentContent(ssm, form.name);
  if (form.kind === "automation") {
    const parameters = (document.parameters ?? {}) as Record<string, RunbookParameter>;
    return { ...form, runbookName: form.name, autoApprovable: AUTO_APPROVE_PARAMETER in parameters, parameters };
  }
  const runbooks = document.executableRunBooks as { name?: string }[] | undefined;
  const runbookName = runbooks?.[0]?.name;
  if (!runbookName) throw new CliFailure(`the change template ${form.name} names no runbook (executableRunBooks)`);
  const runbook = await documentContent(ssm, runbookName);
  return {
    ...form,
    runbookName,
    autoApprovable: document.autoApprovable === true,
    parameters: (runbook.parameters ?? {}) as Record<string, RunbookParameter>,
  };
}

/** What the form is called in messages. */
export const formLabel = (form: FoundForm) =>
  form.kind === "automation" ? `request runbook ${form.name}` : `change template ${form.name}`;

async function documentContent(ssm: SSMClient, name: string): Promise<Record<string, unknown>> {
  const document = await ssm.send(new GetDocumentCommand({ Name: name, DocumentFormat: "JSON" }));
  if (!document.Content) throw new CliFailure(`the document ${name} has no content`);
  // YAML is a superset of JSON, so this reads the content whichever format the service returned.
  return parse(document.Content) as Record<string, unknown>;
}
