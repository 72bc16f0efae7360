/** Small hand-written runbooks run in a fresh World, for the Automation engine's specification tests. */
import assert from "node:assert/strict";
import { parseDocument, type SsmDocumentRecord } from "../../../../tools/sim/automation/document";
import type { Execution, StepExecution } from "../../../../tools/sim/automation/execution";
import { AwsError, type Caller } from "../../../../tools/sim/aws";
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

/** Registers `yaml` as an Automation document of the world's test account. */
export function register(world: World, yaml: string, name = DOCUMENT): SsmDocumentRecord {
  const record: SsmDocumentRecord = {
    account: ACCOUNT,
    region: REGION,
    name,
    documentType: "Automation",
    content: parseDocument(yaml),
    tags: {},
  };
  world.documents.add(record);
  return record;
}

/** Registers `yaml` and starts it (StartAutomationExecution); the execution runs once the world runs. */
export function start(world: World, yaml: string, parameters: Record<string, unknown> = {}): Execution {
  return world.engine.start(register(world, yaml), parameters, STARTER);
}

/** Registers, starts and runs `yaml` to its end. */
export async function runToEnd(world: World, yaml: string, parameters: Record<string, unknown> = {}) {
  const x = start(world, yaml, parameters);
  await world.run();
  return x;
}

/** The steps the execution ran, in order. */
export const stepNames = (x: Execution) => x.steps.map((s) => s.StepName);

/** The execution's only run of `name`. */
export function stepOf(x: Execution, name: string): StepExecution {
  const runs = x.steps.filter((s) => s.StepName === name);
  assert.equal(runs.length, 1, `${name} ran ${runs.length} times`);
  return runs[0];
}

/** An assert.throws/rejects matcher for an AwsError with `code`. */
export const awsError = (code: string) => (err: unknown) => {
  assert.ok(err instanceof AwsError, `expected an AwsError, got ${String(err)}`);
  assert.equal(err.code, code);
  return true;
};

/** The SNS topic the runbooks publish to, by its ARN (created by `specWorld`). */
export const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:spec-topic`;

/** A world with TOPIC, and the messages published to it so far, in order. */
export function specWorld(options: WorldOptions = {}): { world: World; messages: () => string[] } {
  const world = new World(options);
  world.sns.createTopic(ACCOUNT, REGION, "spec-topic");
  return { world, messages: () => world.sns.published.filter((p) => p.topicArn === TOPIC).map((p) => p.message) };
}
