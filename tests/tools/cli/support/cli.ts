/** Runs the jit CLI in-process as a user would, with the AWS clients and clock a test chooses, and records output. */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import type { STSClient } from "@aws-sdk/client-sts";
import type { CliContext, Clients } from "../../../../tools/cli/context";
import type { AwsSettings } from "../../../../tools/cli/errors";
import { runCli } from "../../../../tools/cli/program";
import { REGION } from "./ssm";
import { mockedSts } from "./sts";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Who the credentials sign for (GetCallerIdentity); by default Alice's Identity Center request session. */
  sts?: STSClient;
  /** The clients of each named profile (--profile, --management-profile, ...), instead of the defaults. */
  profiles?: Record<string, Clients>;
  /** The notification topic's client, instead of an idle one. */
  sns?: SNSClient;
  /** Records the settings (region, profile) of every client set a command asks for. */
  asked?: AwsSettings[];
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const credentials = { accessKeyId: "TEST", secretAccessKey: "TEST" };

/** Clients of services a test does not expect the command to call (a call would fail for want of a network). */
export function idleClients(): Pick<Clients, "ssoAdmin" | "logs" | "dynamodb" | "sns"> {
  return {
    sns: new SNSClient({ region: REGION, credentials }),
    dynamodb: new DynamoDBClient({ region: REGION, credentials }),
    ssoAdmin: new SSOAdminClient({ region: REGION, credentials }),
    logs: new CloudWatchLogsClient({ region: REGION, credentials }),
  };
}

/** Runs `argv` with `ssm` (and `options.sts`) as every command's clients, or a named profile's if it has some. */
export async function runJit(ssm: SSMClient, argv: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const run: CliRun = { code: -1, stdout: "", stderr: "" };
  const context: CliContext = {
    clients: (settings) => {
      options.asked?.push(settings);
      const named = settings.profile === undefined ? undefined : options.profiles?.[settings.profile];
      if (settings.profile !== undefined && options.profiles && !named) {
        throw new Error(`the test gives no clients for the profile ${settings.profile}`);
      }
      const sns = options.sns ? { sns: options.sns } : {};
      return named ?? { ssm, sts: options.sts ?? mockedSts().sts, ...idleClients(), ...sns };
    },
    output: { stdout: (text) => (run.stdout += text), stderr: (text) => (run.stderr += text) },
    now: options.now ?? (() => Date.parse("2026-11-25T09:00:00Z")),
    sleep: options.sleep ?? (async () => {}),
  };
  run.code = await runCli(argv, context);
  return run;
}
