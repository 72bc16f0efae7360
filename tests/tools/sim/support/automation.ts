/** Small hand-written runbooks run in a fresh World, for the Automation engine's specification tests. */
import assert from "node:assert/strict";
import {
  type DocumentContent,
  parseDocument,
  type SsmDocumentRecord,
  type StepDefinition,
} from "../../../../tools/sim/automation/document";
import type { Execution, StepExecution } from "../../../../tools/sim/automation/execution";
import type { Caller } from "../../../../tools/sim/aws";
import { World, type WorldOptions } from "../../../../tools/sim/world";

export const ACCOUNT = "111122223333";
export const REGION = "eu-west-1";
export const DOCUMENT = "spec-runbook";
export const STARTER: Caller = {
  account: ACCOUNT,
  region: REGION,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/Operator`,
  sessionName: "operator",
};

/** A runbook as YAML text, or as the document it would parse to (read through the same parser either way). */
export type Runbook = string | DocumentContent;

/** Registers `runbook` as an Automation document of the world's test account. */
export function register(world: World, runbook: Runbook, name = DOCUMENT): SsmDocumentRecord {
  const text = typeof runbook === "string" ? runbook : JSON.stringify(runbook);
  const record: SsmDocumentRecord = {
    account: ACCOUNT,
    region: REGION,
    name,
    documentType: "Automation",
    content: parseDocument(text),
    tags: {},
  };
  world.documents.add(record);
  return record;
}

/** Registers `runbook` and starts it (StartAutomationExecution); the execution runs once the world runs. */
export function start(world: World, runbook: Runbook, parameters: Record<string, unknown> = {}): Execution {
  return world.engine.start(register(world, runbook), parameters, STARTER);
}

/** Registers, starts and runs `runbook` to its end. */
export async function runToEnd(world: World, runbook: Runbook, parameters: Record<string, unknown> = {}) {
  const x = start(world, runbook, parameters);
  await world.run();
  return x;
}

/** The execution's only run of `name`. */
export function stepOf(x: Execution, name: string): StepExecution {
  const runs = x.steps.filter((s) => s.StepName === name);
  assert.equal(runs.length, 1, `${name} ran ${runs.length} times`);
  return runs[0];
}

/** The SNS topic the runbooks publish to, by its ARN (created by `specWorld`). */
export const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:spec-topic`;

/** A world with TOPIC, and the messages published to it so far, in order. */
export function specWorld(options: WorldOptions = {}): { world: World; messages: () => string[] } {
  const world = new World(options);
  world.sns.createTopic(ACCOUNT, REGION, "spec-topic");
  return { world, messages: () => world.sns.published.filter((p) => p.topicArn === TOPIC).map((p) => p.message) };
}

/** A spec world and the execution that ran in it. */
export interface Run {
  world: World;
  messages: () => string[];
  x: Execution;
}

/** Runs `runbook` to its end in a fresh specWorld, started with `parameters`, the world made with `options`. */
export async function run(
  runbook: Runbook,
  { parameters = {}, ...options }: WorldOptions & { parameters?: Record<string, unknown> } = {},
): Promise<Run> {
  const spec = specWorld(options);
  return { ...spec, x: await runToEnd(spec.world, runbook, parameters) };
}

/** What a run came to: the execution's status, each step it ran as "Name: StepStatus" in order, what it published. */
export function outcome({ x, messages }: Run): { status: string; steps: string[]; messages: string[] } {
  return { status: x.status, steps: x.steps.map((s) => `${s.StepName}: ${s.StepStatus}`), messages: messages() };
}

/** The properties of a step other than its name, action and inputs (nextStep, onFailure, maxAttempts, outputs …). */
export type StepProperties = Omit<StepDefinition, "name" | "action" | "inputs">;

/** An Automation runbook of `mainSteps`, declaring `parameters` and `variables` if given. */
export function runbook(
  mainSteps: StepDefinition[],
  declarations: Pick<DocumentContent, "parameters" | "variables"> = {},
): DocumentContent {
  return { schemaVersion: "0.3", ...declarations, mainSteps };
}

/** A step `name` running `action` with `inputs`. */
export function step(
  name: string,
  action: string,
  inputs: Record<string, unknown>,
  properties: StepProperties = {},
): StepDefinition {
  return { name, action, inputs, ...properties };
}

/** An aws:executeAwsApi step that publishes `message` to TOPIC. */
export const publish = (name: string, message: string, properties: StepProperties = {}): StepDefinition =>
  step(name, "aws:executeAwsApi", { Service: "sns", Api: "Publish", TopicArn: TOPIC, Message: message }, properties);

/** An aws:executeAwsApi step that reads the SSM parameter `parameter` (GetParameter). */
export const getParameter = (name: string, parameter: string, properties: StepProperties = {}): StepDefinition =>
  step(name, "aws:executeAwsApi", { Service: "ssm", Api: "GetParameter", Name: parameter }, properties);

/** An aws:executeAwsApi step that fails: the parameter it reads does not exist (ParameterNotFound). */
export const failing = (name: string, properties: StepProperties = {}): StepDefinition =>
  getParameter(name, "/spec/missing", properties);

/** An aws:sleep step. */
export const sleep = (name: string, inputs: Record<string, unknown>, properties: StepProperties = {}): StepDefinition =>
  step(name, "aws:sleep", inputs, properties);
