/**
 * `npm start`: plans every example stack offline (no AWS, no Pulumi engine) and prints a summary. Each stack is
 * evaluated in its own process (the Pulumi runtime is process-global); management stacks go first, so a requester
 * stack's StackReference is answered with the outputs its management stack was planned with. Then it simulates
 * access requests on the planned stacks (tools/simulate.ts).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { engineConfig, ROOT } from "./evaluate";
import type { StackSummary } from "./planStack";
import { simulateExamples } from "./simulate";

const PLAN_DIR = path.join(ROOT, "out", "plan");

function stacks(): { name: string; side: string; references?: string }[] {
  return readdirSync(ROOT)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .map((name) => {
      const config = engineConfig(name);
      return { name, side: config["jit:side"] ?? "?", references: config["jit:managementStack"] };
    })
    .sort((a, b) => Number(a.side !== "management") - Number(b.side !== "management") || a.name.localeCompare(b.name));
}

/** A StackReference names `org/project/stack`; the plan answers it with the local stack of the same name. */
function referencedOutputs(reference: string | undefined): Record<string, Record<string, unknown>> {
  if (!reference) return {};
  const local = reference.split("/").pop() ?? reference;
  const file = path.join(PLAN_DIR, local, "outputs.json");
  return { [reference]: JSON.parse(readFileSync(file, "utf8")) };
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function print(s: StackSummary, seconds: number) {
  console.log(`\n${s.stack}: ${s.resources} resources, planned in ${seconds.toFixed(1)} s -> out/plan/${s.stack}/`);
  const types = Object.entries(s.byType).sort(([a], [b]) => a.localeCompare(b));
  for (const [type, count] of types) console.log(`  ${String(count).padStart(3)}  ${type}`);
  for (const d of s.documents) {
    console.log(
      `  document ${d.name} (${d.type}, ${d.steps} steps, ${kilobytes(d.bytes)}): ${d.errors} errors, ${d.warnings} warnings`,
    );
  }
  for (const f of s.functions)
    console.log(`  function ${f.name}: archive ${kilobytes(f.archiveBytes)} in ${f.files} file(s)`);
  console.log(
    s.warnings.length === 0 ? "  warnings: none" : `  warnings:\n${s.warnings.map((w) => `    ${w}`).join("\n")}`,
  );
}

async function main() {
  console.log("Offline plan of the example stacks (in-process mocks: no AWS account, no Pulumi engine)");
  mkdirSync(PLAN_DIR, { recursive: true });
  let errors = 0;
  for (const stack of stacks()) {
    const referencesFile = path.join(PLAN_DIR, `${stack.name}.references.json`);
    writeFileSync(referencesFile, JSON.stringify(referencedOutputs(stack.references)));
    const started = process.hrtime.bigint();
    execFileSync(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(__dirname, "planStack.ts"), stack.name, referencesFile],
      { cwd: ROOT, stdio: "inherit" },
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const summary = JSON.parse(readFileSync(path.join(PLAN_DIR, stack.name, "summary.json"), "utf8")) as StackSummary;
    print(summary, seconds);
    errors += summary.documents.reduce((sum, d) => sum + d.errors, 0);
  }
  if (errors > 0) {
    console.error(`\n${errors} document error(s): see the warnings above`);
    process.exit(1);
  }
  const failed = await simulateExamples();
  if (failed > 0) {
    console.error(`\n${failed} scenario(s) broke a lifecycle invariant`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
