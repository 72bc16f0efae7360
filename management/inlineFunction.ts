import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import packageJson from "../package.json";
import { allow, policy, type Statement, serviceTrust } from "../shared/iam";
import type { Names } from "../shared/naming";
import { roleWithPolicy } from "../shared/resources";

export interface InlineFunctionArgs {
  functionName: string;
  roleName: string;
  description: string;
  /** Runs once per Lambda container and returns the handler, so clients and caches live across invocations. */
  callbackFactory: () => (event: unknown, context: aws.lambda.Context) => Promise<unknown>;
  environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  timeoutSeconds: number;
  /** What the function may do besides writing its own logs. */
  statements: Statement[];
  account: string;
  logRetentionDays: number;
  /**
   * Where Lambda puts an asynchronous invocation that failed all its attempts (the function's role must be allowed to
   * send to it: Lambda sends as the function).
   */
  deadLetterQueueArn?: pulumi.Input<string>;
  names: Names;
  tags: Record<string, string>;
}

/**
 * A Lambda function written inline in TypeScript (its logic lives in `functions/`), with its own least-privilege role
 * and its log group created up front with a retention. Without an explicit role, CallbackFunction would attach nine
 * broad AWS managed policies; without the excludes, it would pack every production dependency into the archive,
 * although the Lambda Node.js runtime already provides the AWS SDK v3 the functions use.
 */
export class InlineFunction extends pulumi.ComponentResource {
  readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
  readonly role: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: InlineFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:InlineFunction", name, {}, opts);
    const parent = { parent: this };
    const logGroupName = `/aws/lambda/${args.functionName}`;

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: logGroupName, retentionInDays: args.logRetentionDays, tags: args.tags },
      parent,
    );
    this.role = roleWithPolicy(
      `${name}-role`,
      {
        roleName: args.roleName,
        description: args.description,
        trust: serviceTrust("lambda.amazonaws.com"),
        policy: policy(
          allow(
            "WriteOwnLogs",
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            `${args.names.arn.logGroup(args.account, logGroupName)}:*`,
          ),
          ...args.statements,
        ),
        tags: args.tags,
      },
      parent,
    );

    this.function = new aws.lambda.CallbackFunction(
      `${name}-function`,
      {
        name: args.functionName,
        description: args.description,
        callbackFactory: args.callbackFactory,
        role: this.role.arn,
        runtime: aws.lambda.Runtime.NodeJS22dX,
        architectures: ["arm64"],
        memorySize: 256,
        timeout: args.timeoutSeconds,
        environment: {
          variables: pulumi.output(args.environment).apply((v) => withinLambdaLimit(args.functionName, v)),
        },
        loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
        ...(args.deadLetterQueueArn && { deadLetterConfig: { targetArn: args.deadLetterQueueArn } }),
        codePathOptions: { extraExcludePackages: Object.keys(packageJson.dependencies) },
        tags: args.tags,
      },
      { parent: this, dependsOn: [this.logGroup] },
    );

    this.registerOutputs({ functionName: this.function.name, functionArn: this.function.arn });
  }
}

/**
 * Lambda refuses a function whose environment variables take more than 4 KB in all ("Lambda quotas": the total size
 * of the set does not exceed 4 KB); said here, at preview, naming the function, rather than by AWS at deployment.
 */
export const LAMBDA_ENVIRONMENT_BYTES = 4096;

export function withinLambdaLimit(functionName: string, variables: Record<string, string>): Record<string, string> {
  const bytes = Object.entries(variables).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (bytes > LAMBDA_ENVIRONMENT_BYTES) {
    throw new Error(
      `${functionName}: its settings take ${bytes} bytes of environment, over the ${LAMBDA_ENVIRONMENT_BYTES} Lambda allows: name groups rather than users in jit:eligibility, or merge rules`,
    );
  }
  return variables;
}
