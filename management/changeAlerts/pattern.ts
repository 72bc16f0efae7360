/**
 * What the management account's change alerts watch: the CloudTrail events of writes to the solution's resources by
 * anyone but the deploying role. EventBridge receives CloudTrail's management events of write calls as "AWS API Call
 * via CloudTrail" on the default bus of the Region the call was made in
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html#eb-service-event-cloudtrail), and
 * those of IAM, a global service, in the one Region CloudTrail records global services' events in: US East (N.
 * Virginia), AWS GovCloud (US-West) in GovCloud, China (Beijing) in China
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events).
 *
 * The writes fall in three watches, one rule each, so each pattern stays under EventBridge's default quota of 2,048
 * characters (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html):
 * - `definitions` and `wiring`: what the solution is made of (documents, functions, rules, buses, table, queues,
 *   roles, topics, alarms, schedule groups). Nobody but the deployer writes them, the solution's own roles included;
 *   a function created or reconfigured to run as one of the solution's roles is watched too, since that role's
 *   writes below are not.
 * - `state`: the parameters and schedules the solution writes as it runs, which its own roles (named `<base>-*`) and
 *   the deployer write without an alert. Most of those roles only Lambda may assume (a function given one is watched
 *   above); the grant workflow's role is assumed by Automation for a document of the account.
 *
 * Scheduler's CloudTrail records are matched on both `name`/`groupName` and `Name`/`GroupName`: AWS documents no
 * sample record of its, and its API spells its members with capitals.
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

export const WATCHES = ["definitions", "wiring", "state"] as const;
export type Watch = (typeof WATCHES)[number];

/** A service's watched writes and the request fields that name the solution's resources in them. */
interface Watched {
  eventSource: string;
  /** Event names, matched exactly, or by prefix where CloudTrail adds the API version (Lambda's `...20150331v2`). */
  writes: readonly string[];
  byPrefix?: boolean;
  fields: Record<string, unknown[]>;
}

function watched(names: Names, account: string, region: string) {
  const { base, partition } = names;
  const prefix = { prefix: `${base}-` };
  const path = names.management.permissionSetParameterPath.split("/").slice(0, 3).join("/");
  const service = (s: string) => `arn:${partition}:${s}:${region}:${account}:`;
  const solutionRole = { prefix: names.arn.role(account, `${base}-`) };
  const documents: Watched = {
    eventSource: "ssm.amazonaws.com",
    writes: [
      "CreateDocument",
      "UpdateDocument",
      "UpdateDocumentDefaultVersion",
      "DeleteDocument",
      "ModifyDocumentPermission",
    ],
    fields: { name: [prefix] },
  };
  const functions: Watched = {
    eventSource: "lambda.amazonaws.com",
    writes: [
      "Create",
      "UpdateFunction",
      "DeleteFunction",
      "AddPermission",
      "RemovePermission",
      "PutFunction",
      "PublishVersion",
    ],
    byPrefix: true,
    // By name, full or partial ARN; and any function given one of the solution's roles.
    fields: { functionName: [prefix, { wildcard: `*function:${base}-*` }], role: [solutionRole] },
  };
  const rules: Watched = {
    eventSource: "events.amazonaws.com",
    writes: [
      "PutRule",
      "DeleteRule",
      "DisableRule",
      "PutTargets",
      "RemoveTargets",
      "CreateEventBus",
      "UpdateEventBus",
      "DeleteEventBus",
      "PutPermission",
      "RemovePermission",
    ],
    fields: {
      name: [prefix],
      rule: [prefix],
      eventBusName: [prefix, { prefix: `${service("events")}event-bus/${base}-` }],
    },
  };
  const tables: Watched = {
    eventSource: "dynamodb.amazonaws.com",
    writes: ["DeleteTable", "UpdateTable", "UpdateContinuousBackups", "PutResourcePolicy", "DeleteResourcePolicy"],
    fields: {
      tableName: [prefix, { prefix: `${service("dynamodb")}table/${base}-` }],
      resourceArn: [{ prefix: `${service("dynamodb")}table/${base}-` }],
    },
  };
  const queues: Watched = {
    eventSource: "sqs.amazonaws.com",
    writes: ["DeleteQueue", "SetQueueAttributes", "PurgeQueue", "AddPermission", "RemovePermission"],
    fields: { queueUrl: [{ wildcard: `https://*/${account}/${base}-*` }] },
  };
  const roles: Watched = {
    eventSource: "iam.amazonaws.com",
    writes: [
      "CreateRole",
      "DeleteRole",
      "UpdateAssumeRolePolicy",
      "PutRolePolicy",
      "DeleteRolePolicy",
      "AttachRolePolicy",
      "DetachRolePolicy",
      "PutRolePermissionsBoundary",
    ],
    fields: { roleName: [prefix] },
  };
  const topics: Watched = {
    eventSource: "sns.amazonaws.com",
    writes: [
      "SetTopicAttributes",
      "DeleteTopic",
      "Subscribe",
      "Unsubscribe",
      "SetSubscriptionAttributes",
      "AddPermission",
      "RemovePermission",
    ],
    fields: {
      topicArn: [{ prefix: `${service("sns")}${base}-` }],
      subscriptionArn: [{ prefix: `${service("sns")}${base}-` }],
    },
  };
  const alarms: Watched = {
    eventSource: "monitoring.amazonaws.com",
    writes: ["PutMetricAlarm", "DeleteAlarms", "DisableAlarmActions", "SetAlarmState"],
    fields: { alarmName: [prefix], alarmNames: [prefix] },
  };
  const groups: Watched = {
    eventSource: "scheduler.amazonaws.com",
    writes: ["DeleteScheduleGroup"],
    fields: { name: [prefix], Name: [prefix] },
  };
  const parameters: Watched = {
    eventSource: "ssm.amazonaws.com",
    writes: ["PutParameter", "DeleteParameter", "DeleteParameters", "LabelParameterVersion"],
    fields: { name: [{ prefix: `${path}/` }], names: [{ prefix: `${path}/` }] },
  };
  const schedules: Watched = {
    eventSource: "scheduler.amazonaws.com",
    writes: ["CreateSchedule", "UpdateSchedule", "DeleteSchedule"],
    fields: { groupName: [prefix], GroupName: [prefix] },
  };
  return {
    definitions: [documents, functions, rules],
    wiring: [tables, queues, roles, topics, alarms, groups],
    state: [parameters, schedules],
  } satisfies Record<Watch, Watched[]>;
}

/** Whose writes a watch leaves out: the deployer, AWS services acting on their own, and for `state` the solution's roles. */
function untrustedWriters(names: Names, watch: Watch, deployRoleArn: string | undefined) {
  const issuer: Record<string, unknown[]> = {};
  // A field a record lacks matches no anything-but: a missing one must alert as well.
  const missing = { exists: false };
  if (deployRoleArn !== undefined) issuer.arn = [{ "anything-but": [deployRoleArn] }, missing];
  if (watch === "state") issuer.userName = [{ "anything-but": { prefix: `${names.base}-` } }, missing];
  const roleSession =
    Object.keys(issuer).length === 0
      ? { type: ["AssumedRole"] }
      : { type: ["AssumedRole"], sessionContext: { sessionIssuer: issuer } };
  return [
    // Anyone who is not a role's session: an IAM user, the root user, a federated user, a record with no type.
    { type: [{ "anything-but": ["AssumedRole", "AWSService"] }, missing] },
    roleSession,
  ];
}

export interface ChangeAlertPatternArgs {
  names: Names;
  account: string;
  region: string;
  watch: Watch;
  /** The role the management stack deploys with (`jit:guardrails.managementDeployRoleArn`), when known. */
  deployRoleArn?: string;
  /** Only these event sources of the watch (the forwarder of IAM's events watches IAM alone). */
  only?: string;
}

/** A rule's event pattern: a watched write to one of the solution's resources, by someone not trusted with it. */
export function changeAlertPattern(a: ChangeAlertPatternArgs): Record<string, unknown> {
  const services = watched(a.names, a.account, a.region)[a.watch].filter((w) => !a.only || w.eventSource === a.only);
  if (services.length === 0) throw new Error(`the ${a.watch} watch has no event source ${a.only}`);
  const fields = new Map<string, unknown[]>();
  for (const s of services) {
    for (const [field, values] of Object.entries(s.fields))
      fields.set(field, [...(fields.get(field) ?? []), ...values]);
  }
  const alternatives = [...fields].map(([field, values]) => ({ [field]: dedupe(values) }));
  const eventNames = services.flatMap((s): unknown[] =>
    s.byPrefix ? s.writes.map((w) => ({ prefix: w })) : [...s.writes],
  );
  return {
    // Only AWS services send events whose source starts with `aws.`: PutEvents refuses such a source, so nobody can
    // put a forged record on the bus to raise (or flood) the alert.
    source: [{ prefix: "aws." }],
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: {
      eventSource: [...new Set(services.map((s) => s.eventSource))],
      eventName: dedupe(eventNames),
      // "$or" takes two alternatives or more (event-ruler's README): one field stands alone.
      requestParameters: fields.size === 1 ? alternatives[0] : { $or: alternatives },
      userIdentity: { $or: untrustedWriters(a.names, a.watch, a.deployRoleArn) },
    },
  };
}

const dedupe = (values: unknown[]) => [...new Set(values.map((v) => JSON.stringify(v)))].map((v) => JSON.parse(v));
