/** Runs the jit CLI in-process as a user would, with the AWS clients and clock a test chooses, and records output. */
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { STSClient } from "@aws-sdk/client-sts";
import type { CliContext } from "../../../../tools/cli/context";
import { runCli } from "../../../../tools/cli/program";
import { mockedSts } from "./sts";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Who the credentials sign for (GetCallerIdentity); by default Alice's Identity Center request session. */
  sts?: STSClient;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs `argv` with `ssm` (and `options.sts`) as every command's clients. */
export async function runJit(ssm: SSMClient, argv: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const run: CliRun = { code: -1, stdout: "", stderr: "" };
  const context: CliContext = {
    clients: () => ({ ssm, sts: options.sts ?? mockedSts().sts }),
    output: { stdout: (text) => (run.stdout += text), stderr: (text) => (run.stderr += text) },
    now: options.now ?? (() => Date.parse("2026-11-25T09:00:00Z")),
    sleep: options.sleep ?? (async () => {}),
  };
  run.code = await runCli(argv, context);
  return run;
}
