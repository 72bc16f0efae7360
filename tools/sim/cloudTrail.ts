/**
 * CloudTrail as the simulator records it: one record per API call, shaped as CloudTrail writes it, for the log group
 * the CloudTrail summary queries and, for write calls, for the "AWS API Call via CloudTrail" events EventBridge
 * delivers to the caller's default bus.
 */
import { type ApiInput, type AwsError, type Caller, sessionArn } from "./aws";
import { type AwsBehaviour, BASELINE } from "./variants";

/** The service's CloudTrail event source, by the name aws:executeAwsApi uses. */
const EVENT_SOURCES: Record<string, string> = {
  ssm: "ssm.amazonaws.com",
  "sso-admin": "sso.amazonaws.com",
  identitystore: "identitystore.amazonaws.com",
  organizations: "organizations.amazonaws.com",
  events: "events.amazonaws.com",
  sns: "sns.amazonaws.com",
  lambda: "lambda.amazonaws.com",
  logs: "logs.amazonaws.com",
  sts: "sts.amazonaws.com",
  iam: "iam.amazonaws.com",
  dynamodb: "dynamodb.amazonaws.com",
  scheduler: "scheduler.amazonaws.com",
  sqs: "sqs.amazonaws.com",
  // What a granted user does in the workload account.
  ec2: "ec2.amazonaws.com",
  s3: "s3.amazonaws.com",
};

/** Read-only calls are logged but, as CloudTrail does, not sent to EventBridge. */
export const isReadOnly = (api: string) => /^(Get|Describe|List|Is|Lookup)[A-Z]/.test(api);

/**
 * Data events: "By default, trails and event data stores do not log data events" (CloudTrail User Guide, "Logging data
 * events"); DynamoDB's item and query operations ("Logging DynamoDB operations by using AWS CloudTrail", data plane
 * events) and Amazon SQS's message operations ("Logging Amazon SQS API calls using AWS CloudTrail", data events) are
 * data events. The solution's trail logs management events only.
 */
const DATA_EVENTS: Record<string, RegExp> = {
  dynamodb:
    /^(GetItem|PutItem|UpdateItem|DeleteItem|BatchGetItem|BatchWriteItem|Query|Scan|Transact\w+|ExecuteStatement|BatchExecuteStatement|ExecuteTransaction)$/,
  sqs: /^(SendMessage|SendMessageBatch|ReceiveMessage|DeleteMessage|DeleteMessageBatch|ChangeMessageVisibility|ChangeMessageVisibilityBatch)$/,
};

export const isDataEvent = (service: string, api: string) => DATA_EVENTS[service]?.test(api) ?? false;

export interface CallRecord {
  service: string;
  api: string;
  input: ApiInput;
  caller: Caller;
  /** The caller role's unique id (`AROA...`), which CloudTrail shows as the session issuer. */
  roleUniqueId: string;
  at: number;
  eventId: string;
  response?: unknown;
  error?: AwsError;
  sourceIpAddress: string;
  userAgent: string;
}

export function eventSourceOf(service: string): string {
  const source = EVENT_SOURCES[service];
  if (!source) throw new Error(`no CloudTrail event source is known for ${service}`);
  return source;
}

/** How the CloudTrail record shows what the caller did not send (../variants.ts changeRequestRecord). */
type RecordReading = Pick<AwsBehaviour, "changeRequestRecord">;

/** The CloudTrail record's `detail` for a call. */
export function cloudTrailRecord(call: CallRecord, shown: RecordReading = BASELINE): Record<string, unknown> {
  const { caller } = call;
  const roleName = caller.roleArn.slice(caller.roleArn.lastIndexOf("/") + 1);
  return {
    eventVersion: "1.09",
    userIdentity: {
      type: "AssumedRole",
      principalId: `${call.roleUniqueId}:${caller.sessionName}`,
      arn: sessionArn(caller),
      accountId: caller.account,
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          principalId: call.roleUniqueId,
          arn: caller.roleArn,
          accountId: caller.account,
          userName: roleName,
        },
      },
    },
    eventTime: new Date(call.at).toISOString().replace(/\.\d{3}Z$/, "Z"),
    eventSource: eventSourceOf(call.service),
    eventName: call.api,
    awsRegion: caller.region,
    sourceIPAddress: call.sourceIpAddress,
    userAgent: call.userAgent,
    requestParameters: requestParameters(call, shown),
    responseElements: call.error ? null : responseElements(call),
    ...(call.error && { errorCode: call.error.code, errorMessage: call.error.message }),
    eventID: call.eventId,
    readOnly: isReadOnly(call.api),
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: caller.account,
  };
}

/** The EventBridge event CloudTrail sends for a write call. */
export function cloudTrailEvent(
  call: CallRecord,
  shown: RecordReading = BASELINE,
): { source: string; "detail-type": string; detail: unknown } {
  return {
    source: `aws.${eventSourceOf(call.service).split(".")[0]}`,
    "detail-type": "AWS API Call via CloudTrail",
    detail: cloudTrailRecord(call, shown),
  };
}

/**
 * The record's requestParameters: what the caller sent. AWS does not document whether CloudTrail shows
 * StartChangeRequestExecution's `autoApprove` when the caller did not send it (the changeRequestRecord dimension):
 * under `all-fields` it shows false (what not sending it means: no auto-approval); otherwise only what was sent. A
 * name not sent is never shown (ChangeRequestName is optional, API_StartChangeRequestExecution).
 */
function requestParameters(call: CallRecord, shown: RecordReading): unknown {
  const sent = camelCased(call.input) as Record<string, unknown>;
  const defaulted = call.api === "StartChangeRequestExecution" && shown.changeRequestRecord === "all-fields";
  return defaulted && sent.autoApprove === undefined ? { ...sent, autoApprove: false } : sent;
}

function responseElements(call: CallRecord): unknown {
  if (call.response === undefined || call.response === null) return null;
  return camelCased(call.response);
}

/** CloudTrail writes request parameters with lower-camel-case keys; map keys that are user data stay as they are. */
function camelCased(value: unknown, userKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => camelCased(v));
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => {
      const name = userKeys ? key : key.charAt(0).toLowerCase() + key.slice(1);
      return [name, camelCased(v, name === "parameters" || name === "tags")];
    }),
  );
}
