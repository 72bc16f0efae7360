/**
 * The resources an API call is authorized against, derived from the call's input and its caller, in the ARN formats
 * of the AWS Service Authorization Reference (the same data @cloud-copilot/iam-simulate validates requests with).
 * Where the reference lists several required resource types for an action, the call names one ARN of each, and is
 * allowed only if every one of them is. An action with no resource type is authorized against "*".
 */
import type { ApiInput, Caller } from "../../../../tools/sim/aws";
import type { CallRecord } from "../../../../tools/sim/cloudTrail";

/** What a call's input does not carry but its resource ARNs need. */
export interface Known {
  /** The organization as the simulator's Organizations fake holds it: its id (`o-...`) and management account. */
  organization: { id: string; managementAccount: string };
  /** The account that holds the Identity Center instance, and with it the identity store. */
  identityCenterAccount: string;
  /** The log group ARNs each Logs Insights query (by query id) was started on. */
  queryLogGroups: ReadonlyMap<string, readonly string[]>;
}

export interface Authorization {
  /** The IAM action the API call is authorized as. */
  action: string;
  /** The resource ARNs the call is authorized against, one per required resource type. */
  resources(input: ApiInput, caller: Caller, known: Known, response?: unknown): string[];
}

const partitionOf = (caller: Caller) => caller.roleArn.split(":")[1];

function text(input: ApiInput, field: string): string {
  const value = input[field];
  if (typeof value !== "string" || value === "") throw new Error(`the call has no ${field}`);
  return value;
}

function texts(input: ApiInput, field: string): string[] {
  const value = input[field];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw new Error(`the call has no ${field}`);
  return value as string[];
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` in the caller's partition. */
const arn = (caller: Caller, service: string, region: string, account: string, resource: string) =>
  `arn:${partitionOf(caller)}:${service}:${region}:${account}:${resource}`;

/** An ARN given as it is, or a name as an ARN in the caller's account and region. */
const arnOrName = (nameOrArn: string, asArn: (name: string) => string) =>
  nameOrArn.startsWith("arn:") ? nameOrArn : asArn(nameOrArn);

const distinct = (arns: string[]) => [...new Set(arns)];

// --- Systems Manager ---

const automationExecution = (input: ApiInput, caller: Caller) => [
  arn(caller, "ssm", caller.region, caller.account, `automation-execution/${text(input, "AutomationExecutionId")}`),
];

/**
 * The resource a tagging call names: ResourceType "Automation" with the execution's id (API_AddTagsToResource
 * ResourceId), the automation-execution resource type (Service Authorization Reference, AddTagsToResource and
 * ListTagsForResource). The scenarios tag nothing else.
 */
function taggedExecution(input: ApiInput, caller: Caller): string[] {
  if (input.ResourceType !== "Automation") throw new Error(`tags of ${String(input.ResourceType)} are not mapped`);
  return [arn(caller, "ssm", caller.region, caller.account, `automation-execution/${text(input, "ResourceId")}`)];
}

/** A document the input's Name names (an ARN, or a name in the caller's account and region). */
const documentNamed = (input: ApiInput, caller: Caller) => [
  arnOrName(text(input, "Name"), (name) => arn(caller, "ssm", caller.region, caller.account, `document/${name}`)),
];

/**
 * StartAutomationExecution is authorized on the document and the execution (both required), and on the automation
 * definition (the document at a version: what an EventBridge target or a permission names). DocumentName may be a
 * shared document's ARN; with no DocumentVersion the default version runs. The execution's id is made by the call, so
 * the request can only name it with a wildcard, as a policy must.
 */
function startAutomation(input: ApiInput, caller: Caller): string[] {
  const given = text(input, "DocumentName");
  const document = /^arn:[^:]+:ssm:([^:]*):(\d{12}):document\/(.+)$/.exec(given);
  const [region, account, name] = document
    ? [document[1], document[2], document[3]]
    : [caller.region, caller.account, given];
  const version = typeof input.DocumentVersion === "string" ? input.DocumentVersion : "$DEFAULT";
  return [
    arn(caller, "ssm", region, account, `document/${name}`),
    arn(caller, "ssm", region, account, `automation-definition/${name}:${version}`),
    arn(caller, "ssm", caller.region, caller.account, "automation-execution/*"),
  ];
}

/**
 * `parameter/<name without its leading slash>`: a hierarchical name's ARN has a single slash after `parameter`
 * (`/a/b` is `parameter/a/b`). A version or label selector (`name:3`) is not part of the resource.
 */
function parameter(input: ApiInput, caller: Caller): string[] {
  const name = text(input, "Name");
  if (name.startsWith("arn:")) return [name];
  const bare = name.replace(/:[^/]*$/, "").replace(/^\//, "");
  return [arn(caller, "ssm", caller.region, caller.account, `parameter/${bare}`)];
}

// --- IAM Identity Center and its identity store ---

/** CreateAccountAssignment and DeleteAccountAssignment: the instance, the permission set and the target account. */
function assignment(input: ApiInput, caller: Caller): string[] {
  if (input.TargetType !== "AWS_ACCOUNT") throw new Error(`the target type ${String(input.TargetType)} is not mapped`);
  return [
    text(input, "InstanceArn"),
    text(input, "PermissionSetArn"),
    `arn:${partitionOf(caller)}:sso:::account/${text(input, "TargetId")}`,
  ];
}

const instance = (input: ApiInput) => [text(input, "InstanceArn")];

/**
 * ProvisionPermissionSet: the instance, the permission set and the target account; ALL_PROVISIONED_ACCOUNTS names no
 * account, so the request can only be matched by every account, as a policy must allow it.
 */
function provisioning(input: ApiInput, caller: Caller): string[] {
  const all = input.TargetType === "ALL_PROVISIONED_ACCOUNTS";
  if (!all && input.TargetType !== "AWS_ACCOUNT")
    throw new Error(`the target type ${String(input.TargetType)} is not mapped`);
  const account = all ? "*" : text(input, "TargetId");
  return [
    text(input, "InstanceArn"),
    text(input, "PermissionSetArn"),
    `arn:${partitionOf(caller)}:sso:::account/${account}`,
  ];
}

const identityStore = (input: ApiInput, caller: Caller, known: Known) =>
  `arn:${partitionOf(caller)}:identitystore::${known.identityCenterAccount}:identitystore/${text(input, "IdentityStoreId")}`;

const identityStoreResource = (caller: Caller, resource: string) =>
  `arn:${partitionOf(caller)}:identitystore:::${resource}`;

/** GetUserId looks a user up by an attribute: the user's id is what it returns, so any user is the resource. */
const getUserId = (input: ApiInput, caller: Caller, known: Known) => [
  identityStore(input, caller, known),
  identityStoreResource(caller, "user/*"),
];

/** ListGroupMemberships: the store, the group listed, and all group memberships. */
const listGroupMemberships = (input: ApiInput, caller: Caller, known: Known) => [
  identityStore(input, caller, known),
  identityStoreResource(caller, `group/${text(input, "GroupId")}`),
  identityStoreResource(caller, "membership/*"),
];

/** IsMemberInGroups: the store, the user, each group asked about, and all group memberships. */
function isMemberInGroups(input: ApiInput, caller: Caller, known: Known): string[] {
  const member = input.MemberId as { UserId?: unknown } | undefined;
  if (typeof member?.UserId !== "string") throw new Error("the call has no MemberId.UserId");
  return [
    identityStore(input, caller, known),
    identityStoreResource(caller, `user/${member.UserId}`),
    ...texts(input, "GroupIds").map((id) => identityStoreResource(caller, `group/${id}`)),
    identityStoreResource(caller, "membership/*"),
  ];
}

// --- Organizations ---

/** An account or OU of the organization: `<type>/<organization id>/<id>`, owned by the management account. */
function organizationChild(id: string, caller: Caller, known: Known): string {
  const { id: orgId, managementAccount } = known.organization;
  const type = /^\d{12}$/.test(id) ? "account" : /^ou-/.test(id) ? "ou" : undefined;
  if (!type) throw new Error(`${id} is neither an account nor an OU`);
  return `arn:${partitionOf(caller)}:organizations::${managementAccount}:${type}/${orgId}/${id}`;
}

// --- EventBridge, SNS, Lambda, CloudWatch Logs ---

/** Each entry's bus: an ARN, a name in the caller's account and region, or (none given) the default bus. */
function putEvents(input: ApiInput, caller: Caller): string[] {
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length === 0) throw new Error("the call has no Entries");
  return distinct(
    entries.map((entry: { EventBusName?: unknown }) => {
      const bus = typeof entry.EventBusName === "string" ? entry.EventBusName : "default";
      return arnOrName(bus, (name) => arn(caller, "events", caller.region, caller.account, `event-bus/${name}`));
    }),
  );
}

/** Publish goes to a topic (TopicArn) or to a platform endpoint (TargetArn); a bare phone number has no resource. */
function publish(input: ApiInput): string[] {
  const target = input.TopicArn ?? input.TargetArn;
  if (typeof target === "string") return [target];
  if (typeof input.PhoneNumber === "string") return ["*"];
  throw new Error("the call has no TopicArn, TargetArn or PhoneNumber");
}

/**
 * FunctionName is a name, `name:qualifier`, a partial ARN (`<account>:function:<name>`) or an ARN; a Qualifier
 * parameter names the version or alias, whose ARN is the function's ARN with `:<qualifier>`.
 */
function invoke(input: ApiInput, caller: Caller): string[] {
  const given = text(input, "FunctionName");
  const full = /^arn:[^:]+:lambda:([^:]+):(\d{12}):function:(.+)$/.exec(given);
  const partial = /^(\d{12}):function:(.+)$/.exec(given);
  const [region, account, name] = full
    ? [full[1], full[2], full[3]]
    : partial
      ? [caller.region, partial[1], partial[2]]
      : [caller.region, caller.account, given];
  const qualifier = typeof input.Qualifier === "string" ? `:${input.Qualifier}` : "";
  return [arn(caller, "lambda", region, account, `function:${name}${qualifier}`)];
}

/** StartQuery names its log groups by logGroupName, logGroupNames or logGroupIdentifiers (names or ARNs). */
function startQuery(input: ApiInput, caller: Caller): string[] {
  const given = input.logGroupName ?? input.logGroupNames ?? input.logGroupIdentifiers;
  const groups = typeof given === "string" ? [given] : Array.isArray(given) ? (given as string[]) : [];
  if (groups.length === 0) throw new Error("the call names no log group");
  return distinct(
    groups.map((group) =>
      arnOrName(group.replace(/:\*$/, ""), (name) =>
        arn(caller, "logs", caller.region, caller.account, `log-group:${name}`),
      ),
    ),
  );
}

/** A query's later calls name only its id: they are authorized on the log groups it was started on. */
function ofQuery(input: ApiInput, _caller: Caller, known: Known): string[] {
  const id = text(input, "queryId");
  const groups = known.queryLogGroups.get(id);
  if (!groups) throw new Error(`no StartQuery call started the query ${id}`);
  return [...groups];
}

// --- DynamoDB, EventBridge Scheduler, SQS ---

/**
 * A DynamoDB table's ARN from TableName (a name, or the table's ARN); a call naming an index (Query, Scan with
 * IndexName) is authorized on the index: `table/<name>/index/<index>` (Service Authorization Reference, Amazon
 * DynamoDB resource types table and index).
 */
function table(input: ApiInput, caller: Caller): string[] {
  const given = text(input, "TableName");
  const arnOfTable = arnOrName(given, (name) =>
    arn(caller, "dynamodb", caller.region, caller.account, `table/${name}`),
  );
  return [typeof input.IndexName === "string" ? `${arnOfTable}/index/${input.IndexName}` : arnOfTable];
}

/** Every table a batch names (RequestItems' keys). */
function batchTables(input: ApiInput, caller: Caller): string[] {
  const requests = input.RequestItems;
  if (typeof requests !== "object" || requests === null) throw new Error("the call has no RequestItems");
  return distinct(Object.keys(requests).flatMap((name) => table({ TableName: name }, caller)));
}

/** A schedule: `schedule/<group>/<name>`, the default group if none is named (Amazon EventBridge Scheduler). */
const schedule = (input: ApiInput, caller: Caller) => [
  arn(
    caller,
    "scheduler",
    caller.region,
    caller.account,
    `schedule/${typeof input.GroupName === "string" ? input.GroupName : "default"}/${text(input, "Name")}`,
  ),
];

/** A queue from its URL, `https://sqs.<region>.amazonaws.com/<account>/<name>`. */
function queue(input: ApiInput, caller: Caller): string[] {
  const m = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\/(\d{12})\/([\w-]+)$/.exec(text(input, "QueueUrl"));
  if (!m) throw new Error(`${String(input.QueueUrl)} is not a queue URL`);
  return [arn(caller, "sqs", m[1], m[2], m[3])];
}

/**
 * Each API the scenarios' planned roles call, by the simulator's `service:Api` (the service as aws:executeAwsApi
 * names it), with the IAM action it is authorized as and the resources it is authorized against.
 */
export const RESOURCE_ARNS: Readonly<Record<string, Authorization>> = {
  "ssm:StartAutomationExecution": { action: "ssm:StartAutomationExecution", resources: startAutomation },
  "ssm:GetAutomationExecution": { action: "ssm:GetAutomationExecution", resources: automationExecution },
  "ssm:DescribeDocument": { action: "ssm:DescribeDocument", resources: documentNamed },
  "ssm:DescribeAutomationStepExecutions": {
    action: "ssm:DescribeAutomationStepExecutions",
    resources: automationExecution,
  },
  // A listing: the reference names no resource type for it.
  "ssm:DescribeAutomationExecutions": { action: "ssm:DescribeAutomationExecutions", resources: () => ["*"] },
  "ssm:StopAutomationExecution": { action: "ssm:StopAutomationExecution", resources: automationExecution },
  "ssm:SendAutomationSignal": { action: "ssm:SendAutomationSignal", resources: automationExecution },
  "ssm:AddTagsToResource": { action: "ssm:AddTagsToResource", resources: taggedExecution },
  "ssm:ListTagsForResource": { action: "ssm:ListTagsForResource", resources: taggedExecution },
  "ssm:GetParameter": { action: "ssm:GetParameter", resources: parameter },
  "ssm:PutParameter": { action: "ssm:PutParameter", resources: parameter },
  "ssm:DeleteParameter": { action: "ssm:DeleteParameter", resources: parameter },

  // The role's ARN carries its path, which only the answer (or, in AWS, the refusal) tells.
  "iam:GetRole": {
    action: "iam:GetRole",
    resources: (input, caller, _known, response) => [
      (response as { Role?: { Arn?: string } } | undefined)?.Role?.Arn ??
        `arn:${partitionOf(caller)}:iam::${caller.account}:role/${text(input, "RoleName")}`,
    ],
  },

  "sso-admin:DescribeInstance": { action: "sso:DescribeInstance", resources: instance },
  // DescribePermissionSet is authorized on the instance and the permission set (Service Authorization Reference).
  "sso-admin:DescribePermissionSet": {
    action: "sso:DescribePermissionSet",
    resources: (input: ApiInput) => [text(input, "InstanceArn"), text(input, "PermissionSetArn")],
  },
  "sso-admin:CreateAccountAssignment": { action: "sso:CreateAccountAssignment", resources: assignment },
  "sso-admin:DeleteAccountAssignment": { action: "sso:DeleteAccountAssignment", resources: assignment },
  "sso-admin:DescribeAccountAssignmentCreationStatus": {
    action: "sso:DescribeAccountAssignmentCreationStatus",
    resources: instance,
  },
  "sso-admin:DescribeAccountAssignmentDeletionStatus": {
    action: "sso:DescribeAccountAssignmentDeletionStatus",
    resources: instance,
  },
  // Service Authorization Reference, AWS IAM Identity Center: ListAccountAssignments on Account, Instance and
  // PermissionSet; ListAccountsForProvisionedPermissionSet on Instance and PermissionSet.
  "sso-admin:ListAccountAssignments": {
    action: "sso:ListAccountAssignments",
    resources: (input, caller) => [
      text(input, "InstanceArn"),
      text(input, "PermissionSetArn"),
      `arn:${partitionOf(caller)}:sso:::account/${text(input, "AccountId")}`,
    ],
  },
  "sso-admin:ListAccountsForProvisionedPermissionSet": {
    action: "sso:ListAccountsForProvisionedPermissionSet",
    resources: (input) => [text(input, "InstanceArn"), text(input, "PermissionSetArn")],
  },
  "sso-admin:ListAccountAssignmentsForPrincipal": {
    action: "sso:ListAccountAssignmentsForPrincipal",
    resources: instance,
  },
  // Service Authorization Reference, AWS IAM Identity Center: Get/PutInlinePolicy on Instance and PermissionSet;
  // ProvisionPermissionSet on Account, Instance and PermissionSet; DescribePermissionSetProvisioningStatus on Instance.
  "sso-admin:GetInlinePolicyForPermissionSet": {
    action: "sso:GetInlinePolicyForPermissionSet",
    resources: (input) => [text(input, "InstanceArn"), text(input, "PermissionSetArn")],
  },
  "sso-admin:PutInlinePolicyToPermissionSet": {
    action: "sso:PutInlinePolicyToPermissionSet",
    resources: (input) => [text(input, "InstanceArn"), text(input, "PermissionSetArn")],
  },
  "sso-admin:ProvisionPermissionSet": { action: "sso:ProvisionPermissionSet", resources: provisioning },
  "sso-admin:DescribePermissionSetProvisioningStatus": {
    action: "sso:DescribePermissionSetProvisioningStatus",
    resources: instance,
  },

  "identitystore:GetUserId": { action: "identitystore:GetUserId", resources: getUserId },
  "identitystore:IsMemberInGroups": { action: "identitystore:IsMemberInGroups", resources: isMemberInGroups },
  "identitystore:ListGroupMemberships": {
    action: "identitystore:ListGroupMemberships",
    resources: listGroupMemberships,
  },

  "organizations:DescribeAccount": {
    action: "organizations:DescribeAccount",
    resources: (input, caller, known) => [organizationChild(text(input, "AccountId"), caller, known)],
  },
  "organizations:ListParents": {
    action: "organizations:ListParents",
    resources: (input, caller, known) => [organizationChild(text(input, "ChildId"), caller, known)],
  },

  "events:PutEvents": { action: "events:PutEvents", resources: putEvents },
  "sns:Publish": { action: "sns:Publish", resources: publish },
  "sns:ListSubscriptionsByTopic": {
    action: "sns:ListSubscriptionsByTopic",
    resources: (input) => [text(input, "TopicArn")],
  },
  // A subscription's ARN is its topic's ARN and an id; the action's resource type is the topic.
  "sns:GetSubscriptionAttributes": {
    action: "sns:GetSubscriptionAttributes",
    resources: (input) => [text(input, "SubscriptionArn").replace(/:[^:]+$/, "")],
  },
  "lambda:Invoke": { action: "lambda:InvokeFunction", resources: invoke },

  "logs:StartQuery": { action: "logs:StartQuery", resources: startQuery },
  "logs:GetQueryResults": { action: "logs:GetQueryResults", resources: ofQuery },
  // The CloudTrail summary stops a query that runs past its deadline; StopQuery has no resource type.
  "logs:StopQuery": { action: "logs:StopQuery", resources: () => ["*"] },

  "sts:AssumeRole": { action: "sts:AssumeRole", resources: (input) => [text(input, "RoleArn")] },

  "dynamodb:GetItem": { action: "dynamodb:GetItem", resources: table },
  "dynamodb:PutItem": { action: "dynamodb:PutItem", resources: table },
  "dynamodb:UpdateItem": { action: "dynamodb:UpdateItem", resources: table },
  "dynamodb:DeleteItem": { action: "dynamodb:DeleteItem", resources: table },
  "dynamodb:Query": { action: "dynamodb:Query", resources: table },
  "dynamodb:Scan": { action: "dynamodb:Scan", resources: table },
  "dynamodb:DescribeTable": { action: "dynamodb:DescribeTable", resources: table },
  "dynamodb:BatchGetItem": { action: "dynamodb:BatchGetItem", resources: batchTables },
  "dynamodb:BatchWriteItem": { action: "dynamodb:BatchWriteItem", resources: batchTables },

  "scheduler:CreateSchedule": { action: "scheduler:CreateSchedule", resources: schedule },
  "scheduler:UpdateSchedule": { action: "scheduler:UpdateSchedule", resources: schedule },
  "scheduler:GetSchedule": { action: "scheduler:GetSchedule", resources: schedule },
  "scheduler:DeleteSchedule": { action: "scheduler:DeleteSchedule", resources: schedule },
  // ListSchedules has no resource type.
  "scheduler:ListSchedules": { action: "scheduler:ListSchedules", resources: () => ["*"] },

  "sqs:SendMessage": { action: "sqs:SendMessage", resources: queue },
  "sqs:ReceiveMessage": { action: "sqs:ReceiveMessage", resources: queue },
  "sqs:DeleteMessage": { action: "sqs:DeleteMessage", resources: queue },
};

/** The `service:Api` key of a call, for RESOURCE_ARNS. */
export const apiOf = (call: CallRecord) => `${call.service}:${call.api}`;

/** What is known in a run: `given`, and the log groups of each query its StartQuery calls started. */
export function knownFrom(calls: readonly CallRecord[], given: Omit<Known, "queryLogGroups">): Known {
  const queries = new Map<string, string[]>();
  for (const call of calls) {
    const queryId = (call.response as { queryId?: unknown } | undefined)?.queryId;
    if (apiOf(call) === "logs:StartQuery" && typeof queryId === "string") {
      queries.set(queryId, startQuery(call.input, call.caller));
    }
  }
  return { ...given, queryLogGroups: queries };
}
