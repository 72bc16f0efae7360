/**
 * Deploys a planned stack into the simulated world: every resource the simulator has a counterpart for is created
 * from the plan's own inputs (documents from their YAML, rules from their patterns, subscriptions from their filter
 * policies), so the simulation runs what `pulumi up` would create. Resource types that do not change behaviour here
 * (IAM policies, log retention, tags) are listed as such; any other type is an error, so nothing is skipped unnoticed.
 */
import { parseDocument } from "./automation/document";
import type { FunctionPackages } from "./functionCode";
import { SDK_ROUND_TRIP_MS } from "./functions";
import { serviceSession } from "./identities";
import type { TableSpec } from "./services/dynamodb";
import type { EventTargetSpec } from "./services/eventBridge";
import { uploadedHandler } from "./uploadedFunction";
import type { World } from "./world";

export interface PlannedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** What the provider computed (ARNs, unique ids). */
  state?: Record<string, unknown>;
}

export interface PlannedStack {
  account: string;
  region: string;
  resources: readonly PlannedResource[];
  /** Each Lambda function's deployment package, by function name (./functionCode.ts); the simulator runs these. */
  functionPackages?: FunctionPackages;
}

/** Types that shape permissions or operations but not what the simulated services do. */
const NOT_SIMULATED = new Set([
  "pulumi:pulumi:Stack",
  "pulumi:providers:aws",
  "pulumi:providers:aws-native",
  "pulumi:pulumi:StackReference",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/serviceLinkedRole:ServiceLinkedRole",
  "aws:lambda/permission:Permission",
  "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
  "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
  "aws-native:chatbot:SlackChannelConfiguration",
  "aws-native:chatbot:MicrosoftTeamsChannelConfiguration",
]);

type Deployer = (world: World, r: PlannedResource, stack: PlannedStack) => void;

const str = (r: PlannedResource, key: string) => {
  const value = r.inputs[key] ?? r.state?.[key];
  if (typeof value !== "string") throw new Error(`${r.type} ${r.name}: ${key} is not a string`);
  return value;
};
const optionalStr = (r: PlannedResource, key: string) =>
  typeof r.inputs[key] === "string" ? (r.inputs[key] as string) : undefined;

/** The Region a resource is in: its own `region` input (@pulumi/aws 7 lets any resource name one), or the stack's. */
const regionOf = (r: PlannedResource, stack: PlannedStack) => optionalStr(r, "region") ?? stack.region;

const ruleArn = (r: PlannedResource, stack: PlannedStack, bus: string | undefined, name: string) =>
  `arn:aws:events:${regionOf(r, stack)}:${stack.account}:rule/${bus && bus !== "default" ? `${bus}/` : ""}${name}`;

const DEPLOYERS: Record<string, Deployer> = {
  "aws:ssm/document:Document": (world, r, stack) =>
    world.documents.add({
      account: stack.account,
      region: stack.region,
      name: str(r, "name"),
      documentType: str(r, "documentType") as "Automation" | "Automation.ChangeTemplate",
      content: parseDocument(str(r, "content")),
      tags: (r.inputs.tags ?? {}) as Record<string, string>,
    }),
  "aws:cloudwatch/eventBus:EventBus": (world, r, stack) =>
    world.events.createBus(stack.account, stack.region, str(r, "name")),
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy": (world, r, stack) =>
    world.events.putBusPolicy(
      `arn:aws:events:${stack.region}:${stack.account}:event-bus/${str(r, "eventBusName")}`,
      str(r, "policy"),
    ),
  "aws:cloudwatch/eventRule:EventRule": (world, r, stack) =>
    world.events.putRule({
      account: stack.account,
      region: regionOf(r, stack),
      name: str(r, "name"),
      eventBusName: optionalStr(r, "eventBusName"),
      eventPattern: optionalStr(r, "eventPattern"),
      scheduleExpression: optionalStr(r, "scheduleExpression"),
    }),
  "aws:cloudwatch/eventTarget:EventTarget": (world, r, stack) =>
    world.events.putTarget(ruleArn(r, stack, optionalStr(r, "eventBusName"), str(r, "rule")), {
      arn: str(r, "arn"),
      roleArn: optionalStr(r, "roleArn"),
      deadLetterArn: (r.inputs.deadLetterConfig as { arn?: string } | undefined)?.arn,
      retryPolicy: retryPolicyOf(r),
      input: optionalStr(r, "input"),
      inputTransformer: r.inputs.inputTransformer as
        | { inputPaths?: Record<string, string>; inputTemplate: string }
        | undefined,
    }),
  "aws:sns/topic:Topic": (world, r, stack) => {
    world.sns.createTopic(stack.account, stack.region, str(r, "name"));
  },
  "aws:sns/topicPolicy:TopicPolicy": (world, r) => world.sns.setTopicPolicy(str(r, "arn"), str(r, "policy")),
  "aws:sns/topicSubscription:TopicSubscription": (world, r) => {
    world.sns.subscribe({
      topicArn: str(r, "topic"),
      protocol: str(r, "protocol"),
      endpoint: str(r, "endpoint"),
      filterPolicy: optionalStr(r, "filterPolicy"),
      filterPolicyScope: optionalStr(r, "filterPolicyScope") as "MessageAttributes" | undefined,
    });
  },
  "aws:iam/role:Role": (world, r, stack) => {
    const arn = `arn:aws:iam::${stack.account}:role/${str(r, "name")}`;
    const uniqueId = r.state?.uniqueId;
    if (typeof uniqueId === "string") world.roleIds.set(arn, uniqueId);
    world.sts.createRole(arn, str(r, "assumeRolePolicy"));
  },
  "aws:ssoadmin/permissionSet:PermissionSet": (world, r) => {
    world.ssoAdmin.createPermissionSet(str(r, "instanceArn"), str(r, "name"), {
      sessionDuration: optionalStr(r, "sessionDuration"),
      // The ARN the plan gave it (the provider computes it), which the grant workflow's policy names.
      arn: optionalStr(r, "arn") ?? (typeof r.state?.arn === "string" ? r.state.arn : undefined),
    });
  },
  "aws:organizations/resourcePolicy:ResourcePolicy": (world, r) =>
    world.organizations.putResourcePolicy(str(r, "content")),
  "aws:cloudwatch/logGroup:LogGroup": (world, r, stack) =>
    world.logs.createLogGroup(stack.account, stack.region, str(r, "name")),
  "aws:dynamodb/table:Table": (world, r, stack) =>
    world.dynamodb.defineTable(stack.account, stack.region, str(r, "name"), tableSpec(r)),
  "aws:lambda/function:Function": (world, r, stack) => {
    world.functionNames.add(str(r, "name"));
    world.lambda.createFunction(functionSetup(world, r, stack));
  },
  "aws:sqs/queue:Queue": (world, r, stack) => {
    world.sqs.createQueue(stack.account, stack.region, str(r, "name"));
  },
  "aws:sqs/queuePolicy:QueuePolicy": (world, r) => world.sqs.setQueuePolicy(str(r, "queueUrl"), str(r, "policy")),
  "aws:scheduler/scheduleGroup:ScheduleGroup": (world, r, stack) => {
    world.scheduler.createScheduleGroup(stack.account, stack.region, str(r, "name"));
  },
  "aws:scheduler/schedule:Schedule": (world, r, stack) => {
    void world.scheduler
      .call(
        "CreateSchedule",
        scheduleInput(r),
        serviceSession(`arn:aws:iam::${stack.account}:role/deployer`, "pulumi", stack.region),
      )
      .catch((err: unknown) => world.backgroundErrors.push(`${r.type} ${r.name}: ${String(err)}`));
  },
};

/** A planned Lambda function as the simulated Lambda runs it: the plan's package, with its environment and role. */
function functionSetup(world: World, r: PlannedResource, stack: PlannedStack) {
  const environment = ((r.inputs.environment as { variables?: Record<string, string> } | undefined)?.variables ??
    {}) as Record<string, string>;
  const name = str(r, "name");
  const files = stack.functionPackages?.[name];
  if (!files) throw new Error(`${r.type} ${r.name}: the plan carries no deployment package for ${name}`);
  const timeoutSeconds = typeof r.inputs.timeout === "number" ? r.inputs.timeout : 3;
  const logGroup = (r.inputs.loggingConfig as { logGroup?: string } | undefined)?.logGroup;
  const fn = {
    name,
    account: stack.account,
    region: stack.region,
    handler: str(r, "handler"),
    files,
    environment,
    runtime: str(r, "runtime"),
    memorySize: typeof r.inputs.memorySize === "number" ? r.inputs.memorySize : undefined,
    timeoutSeconds,
    logGroup,
    role: serviceSession(str(r, "role"), name, stack.region),
  };
  const runtime = {
    clock: world.clock,
    ids: world.ids,
    callAws: world.callAws.bind(world),
    sessionFor: world.sessionFor.bind(world),
    roundTripMs: SDK_ROUND_TRIP_MS,
    writeLog: (group: string, message: string) =>
      world.logs.putEvents(group, [{ timestamp: world.clock.now(), message }], stack.account, stack.region),
  };
  const deadLetterArn = (r.inputs.deadLetterConfig as { targetArn?: string } | undefined)?.targetArn;
  return {
    account: stack.account,
    region: stack.region,
    name,
    timeoutSeconds,
    handler: uploadedHandler(fn, runtime),
    // Lambda sends a failed event to the queue with the function's own role.
    ...(deadLetterArn && {
      deadLetter: (event: unknown, attributes: Record<string, string>) =>
        world.sendToQueue(deadLetterArn, JSON.stringify(event), attributes, fn.role),
    }),
  };
}

/**
 * What an update of a deployed stack (`pulumi up` after a config change) does to the resources whose planned inputs
 * changed: a function takes its new code and environment; a document's new content becomes its next version and its
 * default (the provider's update: UpdateDocument, then UpdateDocumentDefaultVersion, as the README's upgrade notes
 * assume; https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateDocumentDefaultVersion.html),
 * and the rule targets pinned to its old version are pinned to the new one (their ARN names the default version). An
 * execution already running keeps the version it started with. The simulator updates no other type: a change to one
 * is an error.
 */
export function updateStack(world: World, before: PlannedStack, after: PlannedStack): void {
  const previous = new Map(before.resources.map((r) => [`${r.type} ${r.name}`, r]));
  for (const r of after.resources.filter((x) => DEPLOYERS[x.type])) {
    const old = previous.get(`${r.type} ${r.name}`);
    if (!old) throw new Error(`the update adds ${r.type} ${r.name}: the simulator updates existing resources only`);
    if (JSON.stringify(old.inputs) === JSON.stringify(r.inputs)) continue;
    if (r.type === "aws:lambda/function:Function") {
      world.lambda.updateFunction(functionSetup(world, r, after));
    } else if (r.type === "aws:ssm/document:Document") {
      const name = str(r, "name");
      const next = world.documents.update(after.account, after.region, name, parseDocument(str(r, "content")));
      world.documents.setDefaultVersion(after.account, after.region, name, String(next.version));
      const definition = `arn:aws:ssm:${after.region}:${after.account}:automation-definition/${name}`;
      world.events.repinTargets(definition, String(next.version));
    } else {
      throw new Error(`the update changes ${r.type} ${r.name}, which the simulator does not update`);
    }
  }
}

/** A planned aws.scheduler.Schedule as CreateSchedule takes it (the provider's inputs, camelCase, to the API's). */
function scheduleInput(r: PlannedResource): Record<string, unknown> {
  type Inputs = { [key: string]: string | number | undefined } & {
    flexibleTimeWindow?: { mode?: string; maximumWindowInMinutes?: number };
    target?: {
      arn?: string;
      roleArn?: string;
      input?: string;
      retryPolicy?: { maximumEventAgeInSeconds?: number; maximumRetryAttempts?: number };
      deadLetterConfig?: { arn?: string };
    };
  };
  const i = r.inputs as Inputs;
  const t = i.target ?? {};
  const defined = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return defined({
    Name: i.name,
    GroupName: i.groupName,
    ScheduleExpression: i.scheduleExpression,
    ScheduleExpressionTimezone: i.scheduleExpressionTimezone,
    State: i.state,
    Description: i.description,
    StartDate: i.startDate,
    EndDate: i.endDate,
    ActionAfterCompletion: i.actionAfterCompletion,
    FlexibleTimeWindow:
      i.flexibleTimeWindow &&
      defined({ Mode: i.flexibleTimeWindow.mode, MaximumWindowInMinutes: i.flexibleTimeWindow.maximumWindowInMinutes }),
    Target: defined({
      Arn: t.arn,
      RoleArn: t.roleArn,
      Input: t.input,
      RetryPolicy:
        t.retryPolicy &&
        defined({
          MaximumEventAgeInSeconds: t.retryPolicy.maximumEventAgeInSeconds,
          MaximumRetryAttempts: t.retryPolicy.maximumRetryAttempts,
        }),
      DeadLetterConfig: t.deadLetterConfig && defined({ Arn: t.deadLetterConfig.arn }),
    }),
  });
}

interface KeyedIndex {
  name: string;
  hashKey?: string;
  rangeKey?: string;
  keySchemas?: { attributeName: string; keyType: string }[];
  projectionType: string;
  nonKeyAttributes?: string[];
}

/** A planned aws.dynamodb.Table as CreateTable takes it: its key schema, attributes, indexes and billing mode. */
function tableSpec(r: PlannedResource): TableSpec {
  const keys = (hashKey: unknown, rangeKey: unknown) => [
    { AttributeName: String(hashKey), KeyType: "HASH" as const },
    ...(typeof rangeKey === "string" ? [{ AttributeName: rangeKey, KeyType: "RANGE" as const }] : []),
  ];
  const indexKeys = (index: KeyedIndex) =>
    index.keySchemas
      ? index.keySchemas.map((k) => ({ AttributeName: k.attributeName, KeyType: k.keyType as "HASH" | "RANGE" }))
      : keys(index.hashKey, index.rangeKey);
  const index = (i: KeyedIndex) => ({
    IndexName: i.name,
    KeySchema: indexKeys(i),
    Projection: {
      ProjectionType: i.projectionType as "ALL" | "KEYS_ONLY" | "INCLUDE",
      ...(i.nonKeyAttributes && { NonKeyAttributes: i.nonKeyAttributes }),
    },
  });
  const attributes = (r.inputs.attributes ?? []) as { name: string; type: string }[];
  const global = (r.inputs.globalSecondaryIndexes ?? []) as KeyedIndex[];
  const local = (r.inputs.localSecondaryIndexes ?? []) as KeyedIndex[];
  // Capacity is not simulated (no table is throttled for it), but CreateTable requires it of a provisioned table.
  const provisioned = r.inputs.billingMode === "PROVISIONED" && {
    ProvisionedThroughput: {
      ReadCapacityUnits: Number(r.inputs.readCapacity ?? 1),
      WriteCapacityUnits: Number(r.inputs.writeCapacity ?? 1),
    },
  };
  const globalIndex = (i: KeyedIndex & { readCapacity?: number; writeCapacity?: number }) => ({
    ...index(i),
    ...(provisioned && {
      ProvisionedThroughput: {
        ReadCapacityUnits: Number(i.readCapacity ?? 1),
        WriteCapacityUnits: Number(i.writeCapacity ?? 1),
      },
    }),
  });
  return {
    AttributeDefinitions: attributes.map((a) => ({
      AttributeName: a.name,
      AttributeType: a.type as "S" | "N" | "B",
    })),
    KeySchema: keys(str(r, "hashKey"), r.inputs.rangeKey),
    ...(provisioned || { BillingMode: "PAY_PER_REQUEST" as const }),
    ...(global.length > 0 && { GlobalSecondaryIndexes: global.map(globalIndex) }),
    ...(local.length > 0 && { LocalSecondaryIndexes: local.map(index) }),
  };
}

export function deployStack(world: World, stack: PlannedStack): void {
  const unknown = stack.resources.filter(
    (r) => !DEPLOYERS[r.type] && !NOT_SIMULATED.has(r.type) && !r.type.startsWith("jit:"),
  );
  if (unknown.length > 0) {
    throw new Error(
      `the simulator does not know these resource types: ${[...new Set(unknown.map((r) => r.type))].join(", ")}`,
    );
  }
  // DEPLOYERS lists the types in an order that creates what a resource refers to first (bus before rule before
  // target, topic before subscription).
  const order = Object.keys(DEPLOYERS);
  const sorted = stack.resources
    .filter((r) => DEPLOYERS[r.type])
    // Within a type by name: the engine registers resources in an order that can change between evaluations.
    .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type) || a.name.localeCompare(b.name));
  for (const r of sorted) DEPLOYERS[r.type](world, r, stack);
}

/** A planned EventTarget's retryPolicy, as the events fake takes it. */
function retryPolicyOf(r: PlannedResource): EventTargetSpec["retryPolicy"] {
  const p = r.inputs.retryPolicy as { maximumEventAgeInSeconds?: number; maximumRetryAttempts?: number } | undefined;
  return p && { maximumEventAgeSeconds: p.maximumEventAgeInSeconds, maximumRetryAttempts: p.maximumRetryAttempts };
}
