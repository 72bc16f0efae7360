/**
 * `jit preflight`: run before `pulumi up` of the management stack (the deploy workflow does). It refuses an update
 * that would delete or replace what running grants need to end (the ledger table, the documents, functions, roles and
 * their policies, the schedules and their group) while the ledger holds an open grant: deleting a schedule group
 * deletes its end schedules, and a grant whose end workflow, function or role is gone keeps its access with nobody told.
 * It reads the update from `pulumi preview --json` (https://www.pulumi.com/docs/iac/cli/commands/pulumi_preview/) and
 * the open grants from the ledger, with management-account credentials.
 */
import { readFileSync } from "node:fs";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Command } from "commander";
import { dynamoLedger } from "../../../functions/ledger";
import type { CliContext, GlobalOptions } from "../context";
import { CliFailure, UsageError } from "../errors";
import { printJson, printLine } from "../output";

/** The grant ledger's resource type. */
const LEDGER_TABLE_TYPE = "aws:dynamodb/table:Table";

/** The resource types whose loss strands a running grant. */
export const GRANT_CRITICAL_TYPES = [
  LEDGER_TABLE_TYPE,
  "aws:ssm/document:Document",
  "aws:lambda/function:Function",
  "aws:iam/role:Role",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:scheduler/schedule:Schedule",
  "aws:scheduler/scheduleGroup:ScheduleGroup",
];

/**
 * Pulumi's step operations that leave a resource in place (Pulumi's apitype.OpType). Every other operation (delete,
 * replace and its halves, and any Pulumi adds later) counts as losing it.
 */
const KEEPING_OPS = [
  "same",
  "create",
  "update",
  "read",
  "refresh",
  "import",
  "read-discard",
  "discard-replaced",
  "remove-pending-replace",
];

export interface RiskyStep {
  op: string;
  type: string;
  name: string;
}

export interface PreflightResult {
  risky: RiskyStep[];
  /** Open grants in the ledger (counted up to COUNTED), and the latest end among them (ISO) when all were counted. */
  openGrants: number;
  latestEnd?: string;
  refused: boolean;
}

/** A URN's resource type (the last of its parent-qualified type) and name. */
function parseUrn(urn: string): { type: string; name: string } | undefined {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) return undefined;
  const qualified = parts[2];
  return { type: qualified.slice(qualified.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

interface Step extends RiskyStep {
  urn: string;
}

function stepsOf(preview: unknown): Step[] {
  const steps = (preview as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) {
    throw new UsageError("--preview: not the output of pulumi preview --json (it has no steps list)");
  }
  return (steps as { op?: unknown; urn?: unknown }[]).map((step) => {
    if (typeof step?.op !== "string" || typeof step.urn !== "string") {
      throw new UsageError("--preview: every step of pulumi preview --json has an op and a urn; this one has not");
    }
    const resource = parseUrn(step.urn);
    if (!resource) throw new UsageError(`--preview: ${JSON.stringify(step.urn)} is not a Pulumi URN`);
    return { op: step.op, urn: step.urn, ...resource };
  });
}

/**
 * The steps of a `pulumi preview --json` output that delete or replace a grant-critical resource, one per resource. A
 * resource deleted outside Pulumi shows, with `--refresh`, as a `delete` and then a `create` of the same URN: that
 * update puts it back, and is let through.
 */
export function riskySteps(preview: unknown): RiskyStep[] {
  return riskyOf(stepsOf(preview));
}

function riskyOf(all: Step[]): RiskyStep[] {
  const steps = all.filter((s) => GRANT_CRITICAL_TYPES.includes(s.type));
  const opsOf = (urn: string) => steps.filter((s) => s.urn === urn).map((s) => s.op);
  const risky = new Map<string, RiskyStep>();
  for (const step of steps) {
    if (KEEPING_OPS.includes(step.op) || risky.has(step.urn)) continue;
    const ops = opsOf(step.urn);
    if (ops.length === 2 && ops[0] === "delete" && ops[1] === "create") continue; // recreated
    risky.set(step.urn, { op: ops.includes("delete") ? "delete" : "replace", type: step.type, name: step.name });
  }
  return [...risky.values()];
}

/** Whether the stack has a grant ledger already (the preview shows its table other than being created). */
function hasLedger(steps: Step[]): boolean {
  return steps.some((s) => s.type === LEDGER_TABLE_TYPE && s.op !== "create");
}

/** How many open grants are counted before the answer says "at least". */
const COUNTED = 100;

export async function preflight(
  dynamodb: Pick<DynamoDBClient, "send">,
  preview: unknown,
  tableName: string | undefined,
): Promise<PreflightResult> {
  const steps = stepsOf(preview);
  const risky = riskyOf(steps);
  if (tableName === undefined && hasLedger(steps)) {
    throw new UsageError("--table: the stack has a grant ledger already; name it (the stack's grantTableName output)");
  }
  // No ledger yet (the first deployment): nothing can be running.
  if (risky.length === 0 || tableName === undefined) return { risky, openGrants: 0, refused: false };
  const { grants } = await dynamoLedger({ dynamodb, tableName }).open(COUNTED);
  // A page of the open grants, earliest end first: its last end is the last of all only if it holds them all.
  const latest = Math.max(0, ...grants.map((g) => g.endsAt));
  return {
    risky,
    openGrants: grants.length,
    latestEnd: grants.length > 0 && grants.length < COUNTED ? new Date(latest * 1000).toISOString() : undefined,
    refused: grants.length > 0,
  };
}

function readPreview(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`--preview: cannot read ${file} (${(err as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--preview: ${file} is not JSON; write it with pulumi preview --json`);
  }
}

export function registerPreflight(program: Command, ctx: CliContext): void {
  program
    .command("preflight")
    .summary("refuse a management-stack update that would strand running grants (CI, before pulumi up)")
    .description(
      "Run before pulumi up of the management stack, with management-account credentials. It exits 1 if the update " +
        "would delete or replace the ledger table, a document, function, role, role policy, schedule or schedule " +
        "group while the grant ledger holds an open grant. Wait for the grants to end (or end them with jit revoke), " +
        "then deploy.",
    )
    .requiredOption("--preview <file>", "the output of pulumi preview --json for the management stack")
    .option("--table <name>", "the grant ledger table (the stack's grantTableName output); none before the first up")
    .action(async (flags: { preview: string; table?: string }, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const preview = readPreview(flags.preview);
      const result = await preflight(ctx.clients(options).dynamodb, preview, flags.table || undefined);
      if (options.json) printJson(ctx.output, result);
      if (result.refused) {
        const what = result.risky.map((s) => `${s.op} ${s.type} ${s.name}`).join("; ");
        throw new CliFailure(
          `refused: the update would ${what}, while ${result.latestEnd ? `${result.openGrants} grant(s) are open (the last ends ${result.latestEnd})` : `at least ${COUNTED} grants are open`}. Deploy once they have ended, or end them with jit revoke.`,
        );
      }
      if (!options.json) {
        printLine(
          ctx.output,
          result.risky.length === 0
            ? "The update deletes or replaces nothing running grants need."
            : `The update would ${result.risky.map((s) => `${s.op} ${s.name}`).join(", ")}, and no grant is open: go ahead.`,
        );
      }
    });
}
