/**
 * Run as a child process by `evaluateRejected` (../fixtures.ts): evaluates the requester stack with the overrides
 * given as JSON in argv[2] and prints one JSON line: how the evaluation ended and, if it failed, the first error.
 * The runtime also reports a failed program as unhandled rejections; the first failure seen is reported.
 */
import { planRequester } from "../../support/plan";

interface Failure {
  message?: string;
  issues?: { key: string; rule: string }[];
}

function report(outcome: "rejected" | "resolved" | "hung", failure?: Failure): never {
  process.stdout.write(`${JSON.stringify({ outcome, message: failure?.message, issues: failure?.issues })}\n`);
  process.exit(0);
}

function failure(error: unknown): Failure {
  const issues = (error as { issues?: Failure["issues"] } | undefined)?.issues;
  return { message: error instanceof Error ? error.message : String(error), issues };
}

process.on("unhandledRejection", (error) => report("rejected", failure(error)));
setTimeout(() => report("hung"), 30_000);

planRequester(JSON.parse(process.argv[2] ?? "{}")).then(
  () => report("resolved"),
  (error: unknown) => report("rejected", failure(error)),
);
