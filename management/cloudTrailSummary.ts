import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SNSClient } from "@aws-sdk/client-sns";
import * as pulumi from "@pulumi/pulumi";
import { CLOUD_TRAIL_SUMMARY_ENV, sendCloudTrailSummary, summarySettings } from "../functions/cloudTrailSummary";
import type { DurationUnit } from "../shared/config/common";
import { allow } from "../shared/iam";
import type { Names } from "../shared/naming";
import { InlineFunction } from "./inlineFunction";

export interface CloudTrailSummaryArgs {
  account: string;
  /** The CloudWatch Logs group CloudTrail delivers to (Control Tower's `aws-controltower/CloudTrailLogs`). */
  cloudTrailLogGroupName: string;
  topicArn: pulumi.Input<string>;
  waitSeconds: number;
  durationUnit: DurationUnit;
  logRetentionDays: number;
  names: Names;
  tags: Record<string, string>;
}

/** After access is revoked, summarises the user's write calls from CloudTrail and publishes them. */
export class CloudTrailSummary extends pulumi.ComponentResource {
  readonly inlineFunction: InlineFunction;
  readonly functionName: string;

  constructor(name: string, args: CloudTrailSummaryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:CloudTrailSummary", name, {}, opts);
    const { names, account } = args;
    const trailLogGroup = names.arn.logGroup(account, args.cloudTrailLogGroupName);
    this.functionName = names.management.cloudTrailSummaryFunction;

    this.inlineFunction = new InlineFunction(
      name,
      {
        functionName: this.functionName,
        roleName: names.management.cloudTrailSummaryRole,
        description: "Summarises a JIT grant's CloudTrail write events and publishes them",
        callbackFactory: () => {
          const retries = { maxAttempts: 10, retryMode: "standard" };
          const clients = {
            logs: new CloudWatchLogsClient(retries),
            sns: new SNSClient(retries),
            organizations: new OrganizationsClient(retries),
          };
          return async (event: unknown) => sendCloudTrailSummary(event, clients, summarySettings(process.env));
        },
        environment: pulumi.output(args.topicArn).apply((topicArn) => ({
          [CLOUD_TRAIL_SUMMARY_ENV.logGroupName]: args.cloudTrailLogGroupName,
          [CLOUD_TRAIL_SUMMARY_ENV.topicArn]: topicArn,
          [CLOUD_TRAIL_SUMMARY_ENV.waitSeconds]: String(args.waitSeconds),
          [CLOUD_TRAIL_SUMMARY_ENV.durationUnit]: args.durationUnit,
        })),
        // The query may run for minutes; the workflow invokes the function asynchronously and does not wait.
        timeoutSeconds: 900,
        statements: [
          allow("QueryCloudTrail", ["logs:StartQuery", "logs:GetQueryResults"], [trailLogGroup, `${trailLogGroup}:*`]),
          allow("StopQuery", ["logs:StopQuery"], "*"),
          allow("NameAccount", ["organizations:DescribeAccount"], names.arn.organizationAccounts),
          allow("PublishSummary", ["sns:Publish"], args.topicArn),
        ],
        account,
        logRetentionDays: args.logRetentionDays,
        names,
        tags: args.tags,
      },
      { parent: this },
    );

    this.registerOutputs({ functionName: this.functionName });
  }
}
