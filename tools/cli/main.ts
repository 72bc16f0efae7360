/** The `jit` executable's entry point (bin/jit.js): real AWS clients, the process's streams and clock. */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { STSClient } from "@aws-sdk/client-sts";
import type { Clients } from "./context";
import type { AwsSettings } from "./errors";
import { processOutput } from "./output";
import { runCli } from "./program";

/** SDK clients for the chosen region and profile; unset ones come from the SDK's default chains. */
export function awsClients(settings: AwsSettings): Clients {
  const config = { region: settings.region, profile: settings.profile, maxAttempts: 5 };
  return {
    ssm: new SSMClient(config),
    sts: new STSClient(config),
    ssoAdmin: new SSOAdminClient(config),
    logs: new CloudWatchLogsClient(config),
    dynamodb: new DynamoDBClient(config),
    sns: new SNSClient(config),
  };
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  // The project runs on Node.js 20 (package.json engines); the SDK's notice that its releases from 2027 need 22 is
  // for whoever upgrades the SDK, not nine lines before every command's output. Setting it to "false" shows it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  process.exitCode = await runCli(argv, {
    clients: awsClients,
    output: processOutput,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
}
