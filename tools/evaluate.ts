/**
 * Evaluates the Pulumi program for one stack under the in-process mocks, with the stack's config read from its
 * `Pulumi.<stack>.yaml` exactly as the engine passes it (strings as they are, everything else JSON-encoded). The
 * runtime is process-global, so each stack is evaluated in a process of its own.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { installMocks, type MockedResource } from "./mocks";

export const ROOT = path.resolve(__dirname, "..");
export const PROJECT = "identity-center-jit";

/** A stack's config as the engine hands it to the program: `namespace:key` -> string. */
export function engineConfig(stack: string): Record<string, string> {
  const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
  const parsed = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  return Object.fromEntries(
    Object.entries(parsed?.config ?? {}).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

export type Overrides = Record<string, unknown>;

/**
 * An example stack's engine config with `overrides` applied (keys with their namespace, such as
 * `jit:durationUnit`; values as in Pulumi.<stack>.yaml; `undefined` or `null` removes a key).
 */
export function configWith(stack: string, overrides: Overrides = {}): Record<string, string> {
  const config = engineConfig(stack);
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined || value === null) delete config[key];
    else config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return config;
}

export interface Evaluation {
  resources: MockedResource[];
  outputs: Record<string, unknown>;
}

/** The account a side deploys to, from its config (the mocks answer for that account). */
function accountOf(config: Record<string, string>): string {
  const key = config["jit:side"] === "requester" ? "jit:requesterAccountId" : "jit:managementAccountId";
  return config[key] ?? "000000000000";
}

export interface EvaluationContext {
  stack: string;
  /** The engine's config map (see engineConfig). */
  config: Record<string, string>;
  /** Outputs of referenced stacks, by the name the StackReference uses. */
  stackOutputs?: Record<string, Record<string, unknown>>;
}

let running: Promise<unknown> = Promise.resolve();

/**
 * Runs `program` as a stack's program under the mocks and returns what it declared and exported. The Pulumi runtime
 * is process-global, so evaluations in one process run one after another, whoever asks for them.
 */
export function evaluate(ctx: EvaluationContext, program: () => unknown): Promise<Evaluation> {
  const next = running.then(() => evaluateNow(ctx, program));
  running = next.catch(() => undefined);
  return next;
}

async function evaluateNow(ctx: EvaluationContext, program: () => unknown): Promise<Evaluation> {
  pulumi.runtime.setAllConfig(ctx.config);
  const resources = installMocks(
    {
      accountId: accountOf(ctx.config),
      region: ctx.config["aws:region"] ?? "us-east-1",
      stackOutputs: ctx.stackOutputs,
    },
    PROJECT,
    ctx.stack,
  );
  const outputs = await pulumi.runtime.runInPulumiStack(async () => program());
  // Resources whose registration is still in flight when the outputs resolve are recorded once the RPCs drain.
  await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return { resources, outputs: (outputs ?? {}) as Record<string, unknown> };
}

/** Evaluates the program itself (index.ts) for an example stack; once per process, as index.ts runs on import. */
export function evaluateStack(
  stack: string,
  stackOutputs: Record<string, Record<string, unknown>> = {},
): Promise<Evaluation> {
  // As the engine does: a program that exports a function is called, and its result awaited.
  return evaluate({ stack, config: engineConfig(stack), stackOutputs }, () => {
    const program = require(path.join(ROOT, "index"));
    return typeof program === "function" ? program() : program;
  });
}
