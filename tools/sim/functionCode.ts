/**
 * Each planned Lambda function's deployment package, as the simulator loads it: from the archive Pulumi would upload
 * (`inputs.code`, an AssetArchive of the serialized closure) for stacks planned in this process, or from the files
 * `npm start` wrote (out/plan/<stack>/functions/<function name>/), checked against the size and sha256 the plan's
 * resources.json records for them.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/** A deployment package: file name -> text. */
export type FunctionPackage = Readonly<Record<string, string>>;

/** Deployment packages by function name (the function's physical name). */
export type FunctionPackages = Readonly<Record<string, FunctionPackage>>;

interface Resource {
  type: string;
  inputs: Record<string, unknown>;
}

const FUNCTION = "aws:lambda/function:Function";

function functionName(r: Resource): string {
  if (typeof r.inputs.name !== "string") throw new Error("a planned Lambda function has no name");
  return r.inputs.name;
}

/** The files of an archive whose assets are text (serialized closures are string assets). */
export async function archiveFiles(archive: unknown, owner: string): Promise<Record<string, string>> {
  if (!pulumi.asset.AssetArchive.isInstance(archive)) throw new Error(`${owner}: its code is not an AssetArchive`);
  const assets = (await (archive as pulumi.asset.AssetArchive).assets) as Record<string, unknown>;
  const files: Record<string, string> = {};
  for (const [file, asset] of Object.entries(assets)) {
    if (asset instanceof pulumi.asset.StringAsset) files[file] = await asset.text;
    else if (asset instanceof pulumi.asset.FileAsset) files[file] = readFileSync(await asset.path, "utf8");
    else throw new Error(`${owner}: ${file} is neither a string nor a file asset`);
  }
  return files;
}

/** The packages of the functions of a stack planned in this process. */
export async function packagesOfPlan(resources: readonly Resource[]): Promise<FunctionPackages> {
  const functions = resources.filter((r) => r.type === FUNCTION);
  const entries = await Promise.all(
    functions.map(async (r) => [functionName(r), await archiveFiles(r.inputs.code, functionName(r))] as const),
  );
  return Object.fromEntries(entries);
}

/** The packages of the functions of a stack `npm start` planned into `dir` (out/plan/<stack>). */
export function packagesOfPlanDir(dir: string, resources: readonly Resource[]): FunctionPackages {
  const packages: Record<string, FunctionPackage> = {};
  for (const r of resources.filter((r) => r.type === FUNCTION)) {
    const name = functionName(r);
    const recorded = (r.inputs.code as { assetArchive?: Record<string, { bytes: number; sha256: string }> })
      ?.assetArchive;
    if (!recorded) throw new Error(`${name}: resources.json records no assetArchive for its code`);
    const files: Record<string, string> = {};
    for (const [file, { bytes, sha256 }] of Object.entries(recorded)) {
      const where = path.join(dir, "functions", name, file);
      const text = readFileSync(where, "utf8");
      const digest = createHash("sha256").update(text).digest("hex");
      if (digest !== sha256 || Buffer.byteLength(text) !== bytes) {
        throw new Error(`${where} is not the file resources.json records (sha256 ${sha256}): run npm start again`);
      }
      files[file] = text;
    }
    packages[name] = files;
  }
  return packages;
}
