/**
 * Plans one stack offline and writes it to out/plan/<stack>/ (run by tools/plan.ts, one process per stack):
 *   resources.json   one { type, name, inputs } per resource, components included (plus options where set)
 *   documents/*.yaml each SSM document exactly as given to aws.ssm.Document
 *   functions/*.js   each inline Lambda function's serialized code
 *   outputs.json     the stack outputs
 *   summary.json     what tools/plan.ts prints
 * Usage: planStack.ts <stack> [<file with the outputs of each referenced stack, by stack name>]
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { splitStoredConfig } from "../shared/config/common";
import { readManagementConfig } from "../shared/config/management";
import { managementConfigWarnings } from "../shared/config/warnings";
import { ACCOUNT_ASSIGNMENT_GUARD, checkDocument, formatFinding } from "../shared/ssm/check";
import { engineConfig, evaluateStack, ROOT } from "./evaluate";
import type { MockedResource } from "./mocks";

export interface StackSummary {
  stack: string;
  resources: number;
  byType: Record<string, number>;
  documents: { name: string; type: string; bytes: number; steps: number; errors: number; warnings: number }[];
  functions: { name: string; archiveBytes: number; files: number }[];
  warnings: string[];
}

/** Resource inputs as JSON: assets are described by size and hash (the code itself goes to functions/). */
async function toJson(value: unknown): Promise<unknown> {
  if (pulumi.asset.AssetArchive.isInstance(value)) {
    const files = await archiveFiles(value as pulumi.asset.AssetArchive);
    return {
      assetArchive: Object.fromEntries(
        Object.entries(files).map(([file, text]) => [
          file,
          { bytes: Buffer.byteLength(text), sha256: createHash("sha256").update(text).digest("hex") },
        ]),
      ),
    };
  }
  if (Array.isArray(value)) return Promise.all((value as unknown[]).map(toJson));
  if (typeof value === "object" && value !== null) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await toJson(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

/** The files of a Lambda archive: serialized closures are string assets; packed packages would be file assets. */
async function archiveFiles(archive: pulumi.asset.AssetArchive): Promise<Record<string, string>> {
  const assets = (await archive.assets) as Record<string, unknown>;
  const files: Record<string, string> = {};
  for (const [file, asset] of Object.entries(assets)) {
    if (asset instanceof pulumi.asset.StringAsset) files[file] = await asset.text;
    else if (asset instanceof pulumi.asset.FileAsset) files[file] = readFileSync(await asset.path, "utf8");
    else files[file] = `(${typeof asset}: not a file the plan can read)`;
  }
  return files;
}

function checkedDocuments(resources: MockedResource[], dir: string, warnings: string[]): StackSummary["documents"] {
  return resources
    .filter((r) => r.type === "aws:ssm/document:Document")
    .map((r) => {
      const name = String(r.inputs.name);
      const type = String(r.inputs.documentType) as "Automation" | "Automation.ChangeTemplate";
      const content = String(r.inputs.content);
      writeFileSync(path.join(dir, `${name}.yaml`), content);
      const parsed = parse(content) as { mainSteps?: unknown[] };
      const findings = checkDocument(parsed, type, { guards: [ACCOUNT_ASSIGNMENT_GUARD] });
      for (const f of findings) warnings.push(`${name}: ${formatFinding(f)}`);
      return {
        name,
        type,
        bytes: Buffer.byteLength(content),
        steps: parsed.mainSteps?.length ?? 0,
        errors: findings.filter((f) => f.severity === "error").length,
        warnings: findings.filter((f) => f.severity === "warning").length,
      };
    });
}

/** What the stack's config allows that is worth a second look (shared/config/warnings.ts). */
function configWarnings(stack: string): string[] {
  const stored = splitStoredConfig(engineConfig(stack));
  if (stored.jit.side !== "management") return [];
  return managementConfigWarnings(readManagementConfig(stored)).map((w) => `config ${w.key}: ${w.rule}`);
}

/** What the provider computed for a resource (ARNs, unique ids), without repeating its inputs. */
function computedOnly(r: MockedResource): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r.state ?? {}).filter(([key]) => !(key in r.inputs)));
}

export async function planStack(stack: string, referenced: Record<string, Record<string, unknown>>) {
  const out = path.join(ROOT, "out", "plan", stack);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(path.join(out, "documents"), { recursive: true });
  mkdirSync(path.join(out, "functions"), { recursive: true });

  const warnings = configWarnings(stack);
  const { resources, outputs } = await evaluateStack(stack, referenced);
  const json = await Promise.all(
    resources.map(async (r) => ({
      type: r.type,
      name: r.name,
      inputs: await toJson(r.inputs),
      ...(r.state && { state: await toJson(computedOnly(r)) }),
      ...(r.options && { options: r.options }),
    })),
  );
  writeFileSync(path.join(out, "resources.json"), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(path.join(out, "outputs.json"), `${JSON.stringify(outputs, null, 2)}\n`);

  const functions: StackSummary["functions"] = [];
  for (const r of resources.filter((r) => r.type === "aws:lambda/function:Function")) {
    const name = String(r.inputs.name);
    const files = await archiveFiles(r.inputs.code as pulumi.asset.AssetArchive);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.join(out, "functions", name), { recursive: true });
      writeFileSync(path.join(out, "functions", name, file), text);
    }
    const archiveBytes = Object.values(files).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    functions.push({ name, archiveBytes, files: Object.keys(files).length });
  }

  const byType: Record<string, number> = {};
  for (const r of resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
  const summary: StackSummary = {
    stack,
    resources: resources.length,
    byType,
    documents: checkedDocuments(resources, path.join(out, "documents"), warnings),
    functions,
    warnings,
  };
  writeFileSync(path.join(out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

if (require.main === module) {
  const [stack, referencedFile] = process.argv.slice(2);
  const referenced = referencedFile ? JSON.parse(readFileSync(referencedFile, "utf8")) : {};
  planStack(stack, referenced).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
