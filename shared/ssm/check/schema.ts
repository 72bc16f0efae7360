/**
 * Schema shape, checked with the Automation JSON schema AWS ships in `aws-ssm-document-language-service`
 * (DESIGN.md §3). The schema predates some of what our documents use, so it is extended here, not rewritten.
 */
import { readFileSync } from "node:fs";
import Ajv, { type ErrorObject, type SchemaObject, type ValidateFunction } from "ajv";
import type { DocumentType, Finding } from "./types";

function loadAwsSchema(): SchemaObject {
  const path = require.resolve("aws-ssm-document-language-service/dist/schema.json");
  return JSON.parse(readFileSync(path, "utf8")) as SchemaObject;
}

function actionClause(schema: SchemaObject, action: string): SchemaObject | undefined {
  const clauses: SchemaObject[] = schema.properties.mainSteps.items.allOf;
  return clauses.find((c) => c.if?.properties?.action?.const === action);
}

function extendForAutomation(schema: SchemaObject): void {
  const step = schema.properties.mainSteps.items;
  step.properties.onCancel = { type: "string", pattern: "^(Abort|step:\\w+)$", default: "Abort" };
  step.properties.action.enum.push("aws:updateVariable");
  step.allOf.push({
    if: { properties: { action: { const: "aws:updateVariable" } } },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a promise
    then: {
      properties: {
        inputs: { properties: { Name: { type: "string", pattern: "^variable:\\w+$" } }, required: ["Name", "Value"] },
      },
    },
  });
  // The shipped clause is keyed on "aws:waitForAwsResourceProperties", an action that does not exist, so the inputs
  // of the real aws:waitForAwsResourceProperty went unchecked.
  const wait = actionClause(schema, "aws:waitForAwsResourceProperties");
  if (wait) wait.if.properties.action.const = "aws:waitForAwsResourceProperty";
  // AWS documents Api as required; the shipped schema only requires Service.
  actionClause(schema, "aws:executeAwsApi")?.then.properties.inputs.required.push("Api");

  const parameterType = schema.properties.parameters.patternProperties["^.*$"].properties.type;
  schema.properties.variables = {
    type: "object",
    additionalProperties: {
      type: "object",
      required: ["type"],
      properties: { type: parameterType, default: {}, description: { type: "string" } },
      additionalProperties: false,
    },
  };
}

function extendForChangeTemplate(schema: SchemaObject): void {
  Object.assign(schema.properties, {
    templateInformation: { type: "string" },
    emergencyChange: { type: "boolean" },
    autoApprovable: { type: "boolean" },
    executableRunBooks: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "version"],
        properties: { name: { type: "string" }, version: { type: "string" } },
        additionalProperties: false,
      },
    },
  });
  // Change Manager approvals name their approvers under EnhancedApprovals instead of Approvers.
  const approveInputs = actionClause(schema, "aws:approve")?.then.properties.inputs;
  if (approveInputs) {
    approveInputs.properties.EnhancedApprovals = {
      type: "object",
      required: ["Approvers"],
      properties: { Approvers: { type: "array", minItems: 1 } },
    };
    delete approveInputs.required;
    approveInputs.anyOf = [{ required: ["Approvers"] }, { required: ["EnhancedApprovals"] }];
  }
}

export function documentSchema(documentType: DocumentType): SchemaObject {
  const schema = loadAwsSchema();
  extendForAutomation(schema);
  if (documentType === "Automation.ChangeTemplate") extendForChangeTemplate(schema);
  return schema;
}

const validators = new Map<DocumentType, ValidateFunction>();

function validator(documentType: DocumentType): ValidateFunction {
  let validate = validators.get(documentType);
  if (!validate) {
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    validate = ajv.compile(documentSchema(documentType));
    validators.set(documentType, validate);
  }
  return validate;
}

function stepName(content: unknown, instancePath: string): string | undefined {
  const index = /^\/mainSteps\/(\d+)/.exec(instancePath)?.[1];
  if (index === undefined || typeof content !== "object" || content === null) return undefined;
  const steps = (content as { mainSteps?: unknown }).mainSteps;
  const name = Array.isArray(steps) ? (steps[Number(index)] as { name?: unknown } | undefined)?.name : undefined;
  return typeof name === "string" ? name : undefined;
}

function describe(error: ErrorObject): string {
  const { params } = error;
  const detail =
    "additionalProperty" in params
      ? `: ${params.additionalProperty}`
      : "allowedValues" in params
        ? `: ${(params.allowedValues as unknown[]).join(", ")}`
        : "";
  return `${error.instancePath || "/"} ${error.message}${detail}`;
}

export function checkSchema(content: unknown, documentType: DocumentType): Finding[] {
  const validate = validator(documentType);
  if (validate(content)) return [];
  return (validate.errors ?? [])
    .filter((e) => e.keyword !== "if") // "must match "then" schema" only repeats the errors inside the clause
    .map((e) => ({ severity: "error", rule: "schema", step: stepName(content, e.instancePath), message: describe(e) }));
}
