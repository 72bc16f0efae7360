/**
 * The deployment's other documents, named from its form's name (the change template's, or the Automation form's
 * request runbook's): all come from jit:namePrefix and jit:environment through the one naming module
 * (shared/naming.ts), so the suffixes are read from it, not copied.
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
const FORM_SUFFIXES = [probe.requester.changeTemplate, probe.requester.requestRunbook].map((n) => n.slice(STEM.length));
const GRANT_SUFFIX = probe.management.grantDocument.slice(STEM.length);

/** `<prefix>-<environment>` of the deployment whose form is `formName`, or a UsageError naming `flag`. */
function stemOf(formName: string, flag: string): string {
  const suffix = FORM_SUFFIXES.find((s) => formName.endsWith(s) && formName.length > s.length);
  if (suffix === undefined) {
    throw new UsageError(
      `the form ${formName} is not named <prefix>-<environment>${FORM_SUFFIXES.join(" or <prefix>-<environment>")}: name the document with ${flag}`,
    );
  }
  return formName.slice(0, -suffix.length);
}

/** The grant workflow document of the deployment whose form (change template or request runbook) is `formName`. */
export function grantDocumentOf(formName: string): string {
  return `${stemOf(formName, "--grant-document")}${GRANT_SUFFIX}`;
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

/** The requester side's end-access document of the deployment whose form is `formName`. */
export function endAccessDocumentOf(formName: string): string {
  return `${stemOf(formName, "--end-document")}${END_ACCESS_SUFFIX}`;
}
