/**
 * SSM documents as the simulator loads them: the YAML the plan wrote (or the same serialized object), read back
 * into plain typed records. Nothing here knows the project's typed model, so the simulator runs what would be
 * deployed rather than a second copy of it.
 */
import { parse } from "yaml";

export interface ParameterDefinition {
  type: "String" | "Integer" | "Boolean" | "StringList" | "StringMap" | "MapList";
  description?: string;
  default?: unknown;
  allowedValues?: unknown[];
  allowedPattern?: string;
  minChars?: number;
  maxChars?: number;
  minItems?: number;
  maxItems?: number;
  displayType?: string;
}

export interface OutputDefinition {
  Name: string;
  Selector: string;
  Type: string;
}

export interface StepDefinition {
  name: string;
  action: string;
  inputs: Record<string, unknown>;
  outputs?: OutputDefinition[];
  description?: string;
  maxAttempts?: number;
  timeoutSeconds?: number;
  onFailure?: string;
  onCancel?: string;
  nextStep?: string;
  isEnd?: boolean;
  isCritical?: boolean;
}

export interface DocumentContent {
  schemaVersion: string;
  description?: string;
  parameters?: Record<string, ParameterDefinition>;
  variables?: Record<string, { type: string; default?: unknown; description?: string }>;
  assumeRole?: string;
  mainSteps: StepDefinition[];
  outputs?: string[];
  /** Change templates only. */
  templateInformation?: string;
  emergencyChange?: boolean;
  autoApprovable?: boolean;
  executableRunBooks?: { name: string; version?: string }[];
}

/**
 * Whether a step's failure fails the execution: as set, else not when it continues on failure, else yes (Automation
 * actions reference, isCritical).
 */
export function isCritical(step: StepDefinition): boolean {
  return step.isCritical ?? step.onFailure !== "Continue";
}

export type DocumentType = "Automation" | "Automation.ChangeTemplate";

export interface SsmDocumentRecord {
  account: string;
  region: string;
  name: string;
  documentType: DocumentType;
  content: DocumentContent;
  tags: Record<string, string>;
  /** Which version of the document this is; the registry sets it (../automation/documents.ts). */
  version?: string;
}

const STEP_FIELDS = new Set([
  "name",
  "action",
  "inputs",
  "outputs",
  "description",
  "maxAttempts",
  "timeoutSeconds",
  "onFailure",
  "onCancel",
  "nextStep",
  "isEnd",
  "isCritical",
]);

/**
 * Documents parsed so far, by their text: every world deploys the same few documents, and parsing their YAML was most
 * of a world's setup time. Each caller gets its own copy (structuredClone is far cheaper than parsing YAML).
 */
const parsed = new Map<string, DocumentContent>();
const PARSED_KEPT = 64;

/** Parses a document's YAML or JSON content; a step field the simulator does not know is an error, never ignored. */
export function parseDocument(text: string): DocumentContent {
  let content = parsed.get(text);
  if (!content) {
    content = readDocument(text);
    if (parsed.size >= PARSED_KEPT) parsed.delete(parsed.keys().next().value as string);
    parsed.set(text, content);
  }
  return structuredClone(content);
}

function readDocument(text: string): DocumentContent {
  const content = parse(text) as DocumentContent;
  if (content?.schemaVersion !== "0.3") throw new Error("only Automation documents (schemaVersion 0.3) can be run");
  if (!Array.isArray(content.mainSteps) || content.mainSteps.length === 0) throw new Error("mainSteps is empty");
  for (const step of content.mainSteps) {
    for (const field of Object.keys(step)) {
      if (!STEP_FIELDS.has(field)) throw new Error(`step ${step.name}: the simulator does not support ${field}`);
    }
  }
  return content;
}
