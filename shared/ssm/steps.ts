/** Builders for the Automation actions our documents use, each rendering the action's input shape. */
import { type Flow, type OutputSpec, type OutputType, type Ref, type Step, type StepRef, step } from "./model";

export interface ApiCall {
  /** The service's API namespace as Automation names it, such as `sso-admin` or `identitystore`. */
  service: string;
  /** The API operation, such as `CreateAccountAssignment`. */
  api: string;
  /** The operation's request parameters. */
  params?: Record<string, unknown>;
}

/** Outputs read from a response: name -> [type, JSONPath selector]. */
export type Selectors<O extends string> = Record<O, readonly [OutputType, string]>;

function outputSpecs<O extends string>(selectors: Selectors<O>): Record<O, OutputSpec> {
  const entries = Object.entries(selectors) as [O, readonly [OutputType, string]][];
  return Object.fromEntries(entries.map(([name, [type, selector]]) => [name, { type, selector }])) as Record<
    O,
    OutputSpec
  >;
}

function apiInputs(call: ApiCall): Record<string, unknown> {
  return { Service: call.service, Api: call.api, ...call.params };
}

export function executeAwsApi<const O extends string = never>(
  name: string,
  call: ApiCall & { outputs?: Selectors<O> },
  flow?: Flow,
): Step<O> {
  return step(name, "aws:executeAwsApi", apiInputs(call), outputSpecs(call.outputs ?? ({} as Selectors<O>)), flow);
}

export interface PropertyCheck extends ApiCall {
  /** JSONPath to the property in the response. */
  propertySelector: string;
  desiredValues: readonly string[];
}

function propertyInputs(check: PropertyCheck): Record<string, unknown> {
  return { ...apiInputs(check), PropertySelector: check.propertySelector, DesiredValues: check.desiredValues };
}

/** Polls an API until a property takes one of the desired values (or the step times out). */
export function waitForAwsResourceProperty(name: string, check: PropertyCheck, flow?: Flow): Step<never> {
  return step(name, "aws:waitForAwsResourceProperty", propertyInputs(check), {}, flow);
}

/** Fails unless a property currently has one of the desired values. */
export function assertAwsResourceProperty(name: string, check: PropertyCheck, flow?: Flow): Step<never> {
  return step(name, "aws:assertAwsResourceProperty", propertyInputs(check), {}, flow);
}

export type StringOperator = "StringEquals" | "EqualsIgnoreCase" | "StartsWith" | "EndsWith" | "Contains";
export type NumericOperator =
  | "NumericEquals"
  | "NumericGreater"
  | "NumericLesser"
  | "NumericGreaterOrEquals"
  | "NumericLesserOrEquals";

export type Condition =
  | { variable: Ref; operator: StringOperator; value: string }
  | { variable: Ref; operator: NumericOperator; value: number }
  | { variable: Ref; operator: "BooleanEquals"; value: boolean }
  | { and: readonly Condition[] }
  | { or: readonly Condition[] }
  | { not: Condition };

function renderCondition(c: Condition): Record<string, unknown> {
  if ("and" in c) return { And: c.and.map(renderCondition) };
  if ("or" in c) return { Or: c.or.map(renderCondition) };
  if ("not" in c) return { Not: renderCondition(c.not) };
  return { Variable: c.variable, [c.operator]: c.value };
}

/**
 * Whether a step's Payload output (an aws:invokeLambdaFunction's) is one of `tokens`, in either form Automation may give
 * a string a function returned: its JSON text (`"Eligible"`) or the bare string (`Eligible`). AWS does not document
 * which (tools/sim/variants.ts, lambdaStringPayload). The payload is compared, never interpolated.
 */
export function payloadIs(step: Pick<Step<"Payload">, "outputs">, ...tokens: string[]): Condition {
  const payload = step.outputs.Payload;
  return {
    or: tokens.flatMap((token) => [
      { variable: payload, operator: "StringEquals" as const, value: token },
      { variable: payload, operator: "StringEquals" as const, value: JSON.stringify(token) },
    ]),
  };
}

/** The Lambda step's Payload starts with `prefix`, bare or as the JSON string the function returned. */
export function payloadStartsWith(step: Pick<Step<"Payload">, "outputs">, prefix: string): Condition {
  const payload = step.outputs.Payload;
  return {
    or: [
      { variable: payload, operator: "StartsWith" as const, value: prefix },
      { variable: payload, operator: "StartsWith" as const, value: JSON.stringify(prefix).slice(0, -1) },
    ],
  };
}

export interface Choice {
  when: Condition;
  next: StepRef;
}

/** Goes to the first choice whose condition holds, else to `otherwise`. */
export function branch(name: string, choices: readonly Choice[], otherwise: StepRef, flow?: Flow): Step<never> {
  const inputs = {
    Choices: choices.map((c) => ({ NextStep: c.next, ...renderCondition(c.when) })),
    Default: otherwise,
  };
  return step(name, "aws:branch", inputs, {}, flow);
}

/** Sleeps for an ISO 8601 duration, such as `PT2H` (the duration may contain Refs). */
export function sleep(name: string, duration: string, flow?: Flow): Step<never> {
  return step(name, "aws:sleep", { Duration: duration }, {}, flow);
}

export interface LambdaInvocation {
  functionName: string;
  /**
   * The event as a map of strings (`InputPayload`): Automation serializes it to JSON itself, so no JSON text is
   * built by interpolation.
   */
  input: Record<string, string | Ref>;
  invocationType?: "RequestResponse" | "Event";
}

export function invokeLambdaFunction(name: string, call: LambdaInvocation, flow?: Flow) {
  const inputs = {
    FunctionName: call.functionName,
    InvocationType: call.invocationType ?? "RequestResponse",
    LogType: "None",
    InputPayload: call.input,
  };
  return step(
    name,
    "aws:invokeLambdaFunction",
    inputs,
    {
      StatusCode: { type: "Integer", selector: "$.StatusCode" },
      FunctionError: { type: "String", selector: "$.FunctionError" },
      Payload: { type: "String", selector: "$.Payload" },
    },
    flow,
  );
}

export interface Approval {
  /** IAM principals (ARNs) that may approve, for a plain `aws:approve`. */
  approvers?: readonly string[];
  /** Change Manager's approvers (SSO groups, IAM roles, ...), for a change template's `aws:approve`. */
  enhancedApprovers?: readonly { type: string; approver: string; minRequiredApprovals: number }[];
  message?: string;
  minRequiredApprovals?: number;
}

export function approve(name: string, approval: Approval, flow?: Flow): Step<never> {
  const inputs: Record<string, unknown> = {};
  if (approval.message !== undefined) inputs.Message = approval.message;
  if (approval.approvers) inputs.Approvers = approval.approvers;
  if (approval.minRequiredApprovals !== undefined) inputs.MinRequiredApprovals = approval.minRequiredApprovals;
  if (approval.enhancedApprovers) inputs.EnhancedApprovals = { Approvers: approval.enhancedApprovers };
  return step(name, "aws:approve", inputs, {}, flow);
}

/** Sets a document variable (`variable` is the variable's Ref, `variable:Name`). */
export function updateVariable(name: string, variable: Ref, value: string, flow?: Flow): Step<never> {
  return step(name, "aws:updateVariable", { Name: variable.expression, Value: value }, {}, flow);
}
