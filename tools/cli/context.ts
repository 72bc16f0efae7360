/** What every command runs with: the AWS clients for the chosen region and profile, where to write, and time. */
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { STSClient } from "@aws-sdk/client-sts";
import type { AwsSettings } from "./errors";
import type { Output } from "./output";

export interface Clients {
  ssm: SSMClient;
  /** Who the credentials sign for (sts:GetCallerIdentity), which `jit request` needs. */
  sts: STSClient;
}

export interface CliContext {
  clients(settings: AwsSettings): Clients;
  output: Output;
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The options every command accepts. */
export interface GlobalOptions extends AwsSettings {
  json?: boolean;
}
