/**
 * `npm start`: plans every example stack offline (no AWS, no Pulumi engine) and prints a summary. Each stack is
 * evaluated in its own process (the Pulumi runtime is process-global); management stacks go first, so a requester
 * stack's StackReference is answered with the outputs its management stack was planned with. Then it simulates
 * access requests on the planned stacks (tools/simulate.ts).
 */
import { mkdirSync, readdirSync } from "node:fs";
import { engineConfig, ROOT } from "./evaluate";
import { PLAN_DIR, planInChildProcess } from "./planProcess";
import type { StackSummary } from "./planStack";
import { simulateExamples } from "./simulate";

function stacks(): { name: string; side: string }[] {
  return readdirSync(ROOT)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .map((name) => {
      const config = engineConfig(name);
      return { name, side: config["jit:side"] ?? "?" };
    })
    .sort((a, b) => Number(a.side !== "management") - Number(b.side !== "management") || a.name.localeCompare(b.name));
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
    const { seconds, summary } = planInChildProcess(stack.name, "inherit");
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
