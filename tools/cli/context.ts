/** What every command runs with: the AWS clients for the chosen region and profile, where to write, and time. */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import type { STSClient } from "@aws-sdk/client-sts";
import type { AwsSettings } from "./errors";
import type { Output } from "./output";

export interface Clients {
  ssm: SSMClient;
  /** Who the credentials sign for (sts:GetCallerIdentity), which `jit request` needs. */
  sts: STSClient;
  /** IAM Identity Center's assignments, which `jit verify` reads in the management account. */
  ssoAdmin: SSOAdminClient;
  /** CloudWatch Logs Insights over the organization trail's log group, which `jit verify` reads. */
  logs: CloudWatchLogsClient;
  /** The grant ledger, which `jit verify` reads in the management account (whom the canary grant assigned). */
  dynamodb: DynamoDBClient;
  /** The notification topic, whose subscriptions `jit confirm-subscription` confirms. */
  sns: SNSClient;
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
