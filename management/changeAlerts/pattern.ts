/**
 * What the management account's change alerts watch: the CloudTrail events of writes to the solution's documents,
 * parameters, functions, rules, schedules, table, queues and roles, by anyone but the deploying role and the
 * solution's own roles. EventBridge receives CloudTrail's management events of write calls as "AWS API Call via
 * CloudTrail" on the default bus of the Region the call was made in
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html#eb-service-event-cloudtrail), and
 * those of IAM, a global service, in the one Region CloudTrail records global services' events in: US East (N.
 * Virginia), AWS GovCloud (US-West) in GovCloud, China (Beijing) in China
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events).
 */
import type { Names } from "../../shared/naming";

/** The Region whose default bus gets IAM's CloudTrail events, by partition. */
const GLOBAL_EVENTS_REGIONS: Record<string, string> = {
  aws: "us-east-1",
  "aws-us-gov": "us-gov-west-1",
  "aws-cn": "cn-north-1",
};

export function globalEventsRegion(partition: string): string {
  const region = GLOBAL_EVENTS_REGIONS[partition];
  if (region === undefined)
    throw new Error(`no Region is known to get IAM's CloudTrail events in partition ${partition}`);
  return region;
}

/**
 * The writes watched, by CloudTrail event source, as event-name prefixes: Lambda's CloudTrail event names carry the
 * API version (`UpdateFunctionCode20150331v2`), so every name is matched by its prefix.
 */
const WRITES = {
  "ssm.amazonaws.com": [
    "CreateDocument",
    "UpdateDocument",
    "DeleteDocument",
    "ModifyDocumentPermission",
    "PutParameter",
    "DeleteParameter",
    "LabelParameterVersion",
  ],
  "lambda.amazonaws.com": [
    "UpdateFunction",
    "DeleteFunction",
    "AddPermission",
    "RemovePermission",
    "PutFunction",
    "PublishVersion",
    "CreateAlias",
    "UpdateAlias",
  ],
  "events.amazonaws.com": [
    "PutRule",
    "DeleteRule",
    "DisableRule",
    "EnableRule",
    "PutTargets",
    "RemoveTargets",
    "CreateEventBus",
    "UpdateEventBus",
    "DeleteEventBus",
    "PutPermission",
    "RemovePermission",
  ],
  "scheduler.amazonaws.com": ["CreateSchedule", "UpdateSchedule", "DeleteSchedule", "DeleteScheduleGroup"],
  "dynamodb.amazonaws.com": ["DeleteTable", "UpdateTable", "UpdateContinuousBackups", "PutResourcePolicy"],
  "sqs.amazonaws.com": ["DeleteQueue", "SetQueueAttributes", "PurgeQueue"],
  "iam.amazonaws.com": [
    "CreateRole",
    "DeleteRole",
    "UpdateRole",
    "UpdateAssumeRolePolicy",
    "PutRolePolicy",
    "DeleteRolePolicy",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "PutRolePermissionsBoundary",
    "DeleteRolePermissionsBoundary",
  ],
} as const;

export type WatchedSource = keyof typeof WRITES;

/** The request fields that name what a watched write changes, and what they hold for the solution's resources. */
function solutionResources(names: Names, account: string, region: string) {
  const { base, partition } = names;
  const prefix = [{ prefix: `${base}-` }];
  const parameterPath = names.management.permissionSetParameterPath.split("/").slice(0, 3).join("/");
  return [
    // Documents, rules, buses, schedules and groups, tables, roles: named; a rule's targets by its rule.
    { name: prefix },
    { name: [{ prefix: `${parameterPath}/` }] },
    { names: [{ prefix: `${parameterPath}/` }] },
    { rule: prefix },
    { groupName: prefix },
    { eventBusName: prefix },
    { tableName: prefix },
    { roleName: prefix },
    // A function by its name or its ARN; a table and a queue by ARN or URL.
    { functionName: [...prefix, { wildcard: `arn:${partition}:lambda:${region}:${account}:function:${base}-*` }] },
    { resourceArn: [{ prefix: `arn:${partition}:dynamodb:${region}:${account}:table/${base}-` }] },
    { queueUrl: [{ wildcard: `https://*/${account}/${base}-*` }] },
  ];
}

/** Who may change the solution's resources without an alert: the deploying role and the solution's own roles. */
function untrustedWriters(names: Names, deployRoleArn: string | undefined) {
  const roleSession = {
    type: ["AssumedRole"],
    sessionContext: {
      sessionIssuer: {
        // The solution's own roles (named `<base>-*`): whoever made one of another name would have been announced by
        // the alert on the role's creation, since roles so named are watched.
        userName: [{ "anything-but": { prefix: `${names.base}-` } }],
        ...(deployRoleArn === undefined ? {} : { arn: [{ "anything-but": [deployRoleArn] }] }),
      },
    },
  };
  return [
    // Anyone who is not a role's session: an IAM user, the root user, a federated user. AWS services acting on their
    // own (Scheduler deleting a one-time schedule it ran) are not anyone.
    { type: [{ "anything-but": ["AssumedRole", "AWSService"] }] },
    roleSession,
  ];
}

export interface ChangeAlertPatternArgs {
  names: Names;
  account: string;
  region: string;
  /** The role the management stack deploys with (`jit:guardrails.managementDeployRoleArn`), when known. */
  deployRoleArn?: string;
  /** The event sources to watch: every one but IAM in the stack's Region, IAM's where its events arrive. */
  sources: readonly WatchedSource[];
}

/** The rule's event pattern: a watched write to one of the solution's resources, by someone not trusted with it. */
export function changeAlertPattern(a: ChangeAlertPatternArgs): Record<string, unknown> {
  return {
    source: a.sources.map((s) => `aws.${s.split(".")[0]}`),
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: {
      eventSource: [...a.sources],
      eventName: a.sources.flatMap((s) => WRITES[s].map((name) => ({ prefix: name }))),
      requestParameters: { $or: solutionResources(a.names, a.account, a.region) },
      userIdentity: { $or: untrustedWriters(a.names, a.deployRoleArn) },
    },
  };
}

export const WATCHED_SOURCES = Object.keys(WRITES) as WatchedSource[];
