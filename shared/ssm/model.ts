/**
 * A small typed model of SSM Automation documents (DESIGN.md §3). Parameters, variables and step outputs are `Ref`
 * handles that render to `{{ Name }}` / `{{ Step.Output }}`: a document refers to them through the handles its
 * definitions return, so a misspelt name is a compile error rather than a literal `{{ Typo }}` at run time. Edges
 * (`nextStep`, `onFailure`, `onCancel`, branch targets) take step objects, never names.
 */
import type { Pattern } from "../patterns";

/** A value Automation substitutes at run time. It renders as `{{ expression }}` in strings and in JSON. */
export class Ref {
  constructor(readonly expression: string) {}

  toString(): string {
    return `{{ ${this.expression} }}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/**
 * A step output that is itself JSON text, such as a Lambda function's payload (the runtime serialized it): it goes
 * into a JSON template as a whole value, never inside a string, so whatever it holds cannot break the JSON around it.
 */
export class JsonValueRef {
  constructor(readonly ref: Ref) {}
}

/** Automation's built-in values. */
export const builtins = {
  executionId: new Ref("automation:EXECUTION_ID"),
  accountId: new Ref("global:ACCOUNT_ID"),
  region: new Ref("global:REGION"),
  partition: new Ref("global:AWS_PARTITION"),
  dateTime: new Ref("global:DATE_TIME"),
} as const;

export const BUILTIN_EXPRESSIONS: readonly string[] = [
  ...Object.values(builtins).map((r) => r.expression),
  "automation:DOCUMENT_EXECUTION_ID",
  "automation:DOCUMENT_NAME",
  "global:DATE",
];

interface ParameterCommon {
  description: string;
}

export type ParameterSpec =
  | (ParameterCommon & {
      type: "String";
      /** Anchored pattern; rendered as `allowedPattern`. */
      pattern?: Pattern;
      allowedValues?: readonly string[];
      default?: string;
      minChars?: number;
      maxChars?: number;
      displayType?: "textfield" | "textarea";
    })
  | (ParameterCommon & { type: "Integer"; allowedValues?: readonly number[]; default?: number })
  | (ParameterCommon & { type: "Boolean"; default?: boolean })
  | (ParameterCommon & { type: "StringList"; allowedValues?: readonly string[]; default?: readonly string[] });

export interface Parameters<P extends Record<string, ParameterSpec>> {
  readonly specs: P;
  readonly refs: { readonly [K in keyof P]: Ref };
}

export function defineParameters<const P extends Record<string, ParameterSpec>>(specs: P): Parameters<P> {
  const refs = Object.fromEntries(Object.keys(specs).map((name) => [name, new Ref(name)]));
  return { specs, refs: refs as { [K in keyof P]: Ref } };
}

export interface VariableSpec {
  type: "String" | "Integer" | "Boolean" | "StringList";
  default: string | number | boolean | readonly string[];
  description?: string;
}

export interface Variables<V extends Record<string, VariableSpec>> {
  readonly specs: V;
  readonly refs: { readonly [K in keyof V]: Ref };
}

export function defineVariables<const V extends Record<string, VariableSpec>>(specs: V): Variables<V> {
  const refs = Object.fromEntries(Object.keys(specs).map((name) => [name, new Ref(`variable:${name}`)]));
  return { specs, refs: refs as { [K in keyof V]: Ref } };
}

export type OutputType = "String" | "Integer" | "Boolean" | "StringList" | "StringMap" | "MapList";

export interface OutputSpec {
  type: OutputType;
  /** JSONPath into the API response, such as `$.Account.Name`. */
  selector: string;
}

export type Action =
  | "aws:executeAwsApi"
  | "aws:waitForAwsResourceProperty"
  | "aws:assertAwsResourceProperty"
  | "aws:branch"
  | "aws:sleep"
  | "aws:invokeLambdaFunction"
  | "aws:approve"
  | "aws:updateVariable";

/** A step, or a function returning one, for edges to steps defined further down. */
export type StepRef = Step | (() => Step);

export function resolveStep(ref: StepRef): Step {
  return typeof ref === "function" ? ref() : ref;
}

/** Where a step goes when it fails: stop, carry on with the next step in order, or go to a step. */
export type FailureEdge = "Abort" | "Continue" | StepRef;
/** Where a step goes when the execution is cancelled while it runs. */
export type CancelEdge = "Abort" | StepRef;

export interface Flow {
  description?: string;
  maxAttempts?: number;
  timeoutSeconds?: number;
  onFailure?: FailureEdge;
  onCancel?: CancelEdge;
  nextStep?: StepRef;
  isEnd?: boolean;
  isCritical?: boolean;
}

export interface Step<O extends string = string> {
  readonly name: string;
  readonly action: Action;
  /** The step's inputs; Refs inside render as `{{ ... }}`, other steps (branch targets) as their names. */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputSpecs: Readonly<Record<string, OutputSpec>>;
  readonly flow: Flow;
  readonly outputs: { readonly [K in O]: Ref };
}

const STEP_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;

export function step<const O extends string>(
  name: string,
  action: Action,
  inputs: Record<string, unknown>,
  outputSpecs: Record<O, OutputSpec>,
  flow: Flow = {},
): Step<O> {
  if (!STEP_NAME.test(name)) {
    throw new Error(`step name ${name} must be a letter followed by up to 99 letters, digits or underscores`);
  }
  const outputs = Object.fromEntries(Object.keys(outputSpecs).map((o) => [o, new Ref(`${name}.${o}`)]));
  return { name, action, inputs, outputSpecs, flow, outputs: outputs as { [K in O]: Ref } };
}

interface DocumentCommon {
  description: string;
  parameters: Parameters<Record<string, ParameterSpec>>;
  variables?: Variables<Record<string, VariableSpec>>;
  /** Steps in document order; a step without `nextStep` or `isEnd` continues with the one after it. */
  steps: readonly Step[];
}

export interface AutomationDocument extends DocumentCommon {
  kind: "Automation";
  assumeRole: string;
  outputs?: readonly Ref[];
}

export interface ChangeTemplateApprover {
  type: "SSOGroup" | "IamRole" | "IamUser" | "SSOUser";
  approver: string;
  minRequiredApprovals: number;
}

export interface ChangeTemplateDocument extends DocumentCommon {
  kind: "Automation.ChangeTemplate";
  templateInformation: string;
  emergencyChange: boolean;
  autoApprovable: boolean;
  executableRunBooks: readonly { name: string; version: string }[];
}

export type SsmDocument = AutomationDocument | ChangeTemplateDocument;
