/**
 * The document checker (DESIGN.md §3): schema shape, structure, references, and the grant/revoke guards of the
 * serialized content of an Automation or change template document.
 */
import { readDocument } from "./content";
import { buildGraph } from "./graph";
import { checkGuards } from "./guards";
import { checkLimits } from "./limits";
import { checkReferences } from "./references";
import { checkSchema } from "./schema";
import { checkStructure } from "./structure";
import type { CheckOptions, DocumentType, Finding, Guard } from "./types";

export type { ApiMatcher, CheckOptions, DocumentType, Finding, Guard } from "./types";

/** Identity Center account assignments: created by the grant, deleted by the revoke (DESIGN.md §4). */
export const ACCOUNT_ASSIGNMENT_GUARD: Guard = {
  grant: { service: "sso-admin", api: "CreateAccountAssignment" },
  revoke: { service: "sso-admin", api: "DeleteAccountAssignment" },
};

export function checkDocument(content: unknown, documentType: DocumentType, options: CheckOptions = {}): Finding[] {
  const doc = readDocument(content);
  const graph = buildGraph(doc);
  return [
    ...checkSchema(content, documentType),
    ...checkStructure(doc, graph),
    ...checkLimits(doc),
    ...checkReferences(doc, graph),
    ...checkGuards(graph, options.guards ?? []),
  ];
}

export function formatFinding(f: Finding): string {
  return `${f.severity} [${f.rule}]${f.step ? ` ${f.step}:` : ""} ${f.message}`;
}

/** Throws an Error listing every error finding; warnings do not fail. */
export function assertValidDocument(content: unknown, documentType: DocumentType, options?: CheckOptions): void {
  const errors = checkDocument(content, documentType, options).filter((f) => f.severity === "error");
  if (errors.length > 0) {
    throw new Error(`${documentType} document has ${errors.length} error(s):\n${errors.map(formatFinding).join("\n")}`);
  }
}
