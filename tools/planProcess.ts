/**
 * Plans one example stack in a child process (the Pulumi runtime is process-global, DESIGN.md §7), for `npm start`
 * and the benchmark. A requester stack's StackReference is answered with its management stack's planned outputs.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { engineConfig, ROOT } from "./evaluate";
import type { StackSummary } from "./planStack";

export const PLAN_DIR = path.join(ROOT, "out", "plan");

/** A StackReference names `org/project/stack`; the plan answers it with the local stack of the same name. */
function referencedOutputs(reference: string | undefined): Record<string, Record<string, unknown>> {
  if (!reference) return {};
  const local = reference.split("/").pop() ?? reference;
  const file = path.join(PLAN_DIR, local, "outputs.json");
  return { [reference]: JSON.parse(readFileSync(file, "utf8")) };
}

/** Plans `stack` into out/plan/<stack>/; returns its summary and how long the child process took. */
export function planInChildProcess(
  stack: string,
  stdio: "inherit" | "ignore",
): { seconds: number; summary: StackSummary } {
  const referencesFile = path.join(PLAN_DIR, `${stack}.references.json`);
  writeFileSync(referencesFile, JSON.stringify(referencedOutputs(engineConfig(stack)["jit:managementStack"])));
  const started = process.hrtime.bigint();
  execFileSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(__dirname, "planStack.ts"), stack, referencesFile],
    { cwd: ROOT, stdio },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = JSON.parse(readFileSync(path.join(PLAN_DIR, stack, "summary.json"), "utf8")) as StackSummary;
  return { seconds, summary };
}
