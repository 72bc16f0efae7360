/**
 * Keeps one Parameter Store parameter per requestable permission set, name → ARN, so the grant workflow can resolve a
 * name without permissions on Identity Center's list APIs (the sample's PermissionSetNameToArnLambdaFunction).
 */

import {
  DeleteParameterCommand,
  PutParameterCommand,
  paginateGetParametersByPath,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import {
  DescribePermissionSetCommand,
  paginateListPermissionSets,
  type SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { type Pattern, patterns } from "../shared/patterns";

export const PERMISSION_SET_SYNC_ENV = {
  instanceArn: "INSTANCE_ARN",
  parameterPath: "PARAMETER_PATH",
  /** A JSON array of permission set names. */
  permissionSetNames: "PERMISSION_SET_NAMES",
} as const;

export interface PermissionSetSyncSettings {
  instanceArn: string;
  parameterPath: string;
  permissionSetNames: readonly string[];
}

export interface SyncResult {
  written: string[];
  unchanged: string[];
  deleted: string[];
  missing: string[];
}

export interface PermissionSetSyncClients {
  ssoAdmin: SSOAdminClient;
  ssm: SSMClient;
}

const DESCRIBE_CONCURRENCY = 5;

export function permissionSetSyncSettings(env: Record<string, string | undefined>): PermissionSetSyncSettings {
  const names = PERMISSION_SET_SYNC_ENV;
  const list = parseNameList(env[names.permissionSetNames], names.permissionSetNames);
  return {
    instanceArn: checked(env, names.instanceArn, patterns.identityCenterInstanceArn),
    parameterPath: checked(env, names.parameterPath, patterns.parameterPath),
    permissionSetNames: [
      ...new Set(list.map((name, i) => check(name, `${names.permissionSetNames}[${i}]`, patterns.permissionSetName))),
    ],
  };
}

function checked(env: Record<string, string | undefined>, name: string, pattern: Pattern): string {
  const value = env[name];
  if (value === undefined) throw new Error(`environment variable ${name} is required: ${pattern.rule}`);
  return check(value, name, pattern);
}

function check(value: unknown, name: string, pattern: Pattern): string {
  if (typeof value !== "string" || !pattern.test(value)) {
    throw new Error(`environment variable ${name} must be ${pattern.rule}`);
  }
  return value;
}

function parseNameList(raw: string | undefined, name: string): unknown[] {
  const rule = "a JSON array of permission set names";
  if (raw === undefined) throw new Error(`environment variable ${name} is required: ${rule}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`environment variable ${name} must be ${rule}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`environment variable ${name} must be ${rule}`);
  return parsed;
}

/**
 * Writes `path + name = ARN` for every configured permission set that exists, and deletes every other parameter
 * directly under the path. `cache` maps ARN → name across warm invocations (names are immutable).
 */
export async function syncPermissionSets(
  clients: PermissionSetSyncClients,
  settings: PermissionSetSyncSettings,
  cache = new Map<string, string>(),
): Promise<SyncResult> {
  const arnByName = await permissionSetArnsByName(clients.ssoAdmin, settings.instanceArn, cache);
  const stored = await storedParameters(clients.ssm, settings.parameterPath);

  const result: SyncResult = { written: [], unchanged: [], deleted: [], missing: [] };
  for (const name of settings.permissionSetNames) {
    const arn = arnByName.get(name);
    if (arn === undefined) {
      result.missing.push(name);
    } else if (stored.get(name) === arn) {
      result.unchanged.push(name);
    } else {
      await clients.ssm.send(
        new PutParameterCommand({
          Name: settings.parameterPath + name,
          Value: arn,
          Type: "String",
          Overwrite: true,
          Description: `ARN of the IAM Identity Center permission set ${name}`,
          AllowedPattern: patterns.permissionSetArn.source,
        }),
      );
      result.written.push(name);
    }
  }

  const kept = new Set([...result.written, ...result.unchanged]);
  for (const name of stored.keys()) {
    if (kept.has(name)) continue;
    await clients.ssm.send(new DeleteParameterCommand({ Name: settings.parameterPath + name }));
    result.deleted.push(name);
  }

  if (result.missing.length > 0) {
    console.warn(`Configured permission sets not found in ${settings.instanceArn}: ${result.missing.join(", ")}`);
  }
  for (const list of Object.values(result)) list.sort();
  return result;
}

async function permissionSetArnsByName(
  client: SSOAdminClient,
  instanceArn: string,
  cache: Map<string, string>,
): Promise<Map<string, string>> {
  const arns: string[] = [];
  for await (const page of paginateListPermissionSets({ client }, { InstanceArn: instanceArn })) {
    arns.push(...(page.PermissionSets ?? []));
  }
  const listed = new Set(arns);
  for (const arn of cache.keys()) if (!listed.has(arn)) cache.delete(arn);

  const uncached = arns.filter((arn) => !cache.has(arn));
  await forEachLimited(uncached, DESCRIBE_CONCURRENCY, async (arn) => {
    const out = await client.send(
      new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }),
    );
    const name = out.PermissionSet?.Name;
    if (name === undefined) throw new Error(`DescribePermissionSet returned no name for ${arn}`);
    cache.set(arn, name);
  });
  return new Map(arns.map((arn) => [cache.get(arn)!, arn]));
}

/** The parameters directly under `path`, keyed by the name relative to it. */
async function storedParameters(client: SSMClient, path: string): Promise<Map<string, string | undefined>> {
  const stored = new Map<string, string | undefined>();
  for await (const page of paginateGetParametersByPath({ client }, { Path: path, Recursive: false })) {
    for (const p of page.Parameters ?? []) {
      if (p.Name?.startsWith(path)) stored.set(p.Name.slice(path.length), p.Value);
    }
  }
  return stored;
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
