/**
 * The management side's grant workflow, named from the change template's name: both come from jit:namePrefix and
 * jit:environment through the one naming module (shared/naming.ts), so the suffixes are read from it, not copied.
 */
import { names } from "../../../shared/naming";
import { UsageError } from "../errors";

const STEM = "p-e";
const probe = names({
  namePrefix: "p",
  environment: "e",
  region: "us-east-1",
  managementAccountId: "111111111111",
  requesterAccountId: "222222222222",
});
const TEMPLATE_SUFFIX = probe.requester.changeTemplate.slice(STEM.length);
const GRANT_SUFFIX = probe.management.grantDocument.slice(STEM.length);

/** The grant workflow document of the deployment whose change template is `templateName`. */
export function grantDocumentOf(templateName: string): string {
  if (!templateName.endsWith(TEMPLATE_SUFFIX) || templateName.length === TEMPLATE_SUFFIX.length) {
    throw new UsageError(
      `the change template ${templateName} is not named <prefix>-<environment>${TEMPLATE_SUFFIX}: name the grant workflow document with --grant-document`,
    );
  }
  return `${templateName.slice(0, -TEMPLATE_SUFFIX.length)}${GRANT_SUFFIX}`;
}

const END_SUFFIX = probe.management.endDocument.slice(STEM.length);

/** The end-of-grant document of the deployment whose grant workflow document is `grantDocumentName`, if it is one. */
export function endDocumentOf(grantDocumentName: string): string | undefined {
  if (!grantDocumentName.endsWith(GRANT_SUFFIX) || grantDocumentName.length === GRANT_SUFFIX.length) return undefined;
  return `${grantDocumentName.slice(0, -GRANT_SUFFIX.length)}${END_SUFFIX}`;
}

const LEDGER_SUFFIX = probe.management.grantTable.slice(STEM.length);

/** The grant ledger table of the deployment whose grant workflow document is `grantDocumentName`, if it is one. */
export function ledgerTableOf(grantDocumentName: string): string | undefined {
  if (!grantDocumentName.endsWith(GRANT_SUFFIX) || grantDocumentName.length === GRANT_SUFFIX.length) return undefined;
  return `${grantDocumentName.slice(0, -GRANT_SUFFIX.length)}${LEDGER_SUFFIX}`;
}

const END_ACCESS_SUFFIX = probe.requester.endAccessDocument.slice(STEM.length);

/** The requester side's end-access document of the deployment whose change template is `templateName`. */
export function endAccessDocumentOf(templateName: string): string {
  if (!templateName.endsWith(TEMPLATE_SUFFIX) || templateName.length === TEMPLATE_SUFFIX.length) {
    throw new UsageError(
      `the change template ${templateName} is not named <prefix>-<environment>${TEMPLATE_SUFFIX}: name the end-access document with --end-document`,
    );
  }
  return `${templateName.slice(0, -TEMPLATE_SUFFIX.length)}${END_ACCESS_SUFFIX}`;
}
