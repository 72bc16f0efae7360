/** Resource patterns both sides repeat: a role with its one inline policy, and a rule that starts an Automation. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allow, type Condition, type PolicyDocument, policy, type Statement, serviceTrust } from "./iam";
import { inputTemplate, type Placeholder } from "./inputTemplate";
import type { Names } from "./naming";

/**
 * The ARN an EventBridge target starts an Automation document by: the version this deployment made, never `$LATEST`
 * or `$DEFAULT`, which anyone who may update the document (or move its default) could point at steps of their own,
 * run as the document's role by the rule's role, with no `iam:PassRole` of their own. The provider makes the version it
 * puts the default (its update calls UpdateDocument, then UpdateDocumentDefaultVersion with the version made: the
 * bridged Terraform provider's aws_ssm_document), so `defaultVersion` is this deployment's version, where
 * `latestVersion` would follow a version put by anyone else once the state is refreshed. Each `pulumi up` that
 * changes a document pins its targets again. Taken from the document resource, so the target waits for it.
 */
export function deployedVersionArn(
  document: aws.ssm.Document,
  arn: Names["arn"],
  account: string,
): pulumi.Output<string> {
  return pulumi
    .all([document.name, document.defaultVersion])
    .apply(([name, version]) => arn.automationDefinition(account, name, deployedVersion(name, version)));
}

/** A document version number as the provider reports it; anything else is an error, never an unpinned target. */
function deployedVersion(name: string, version: string | undefined): string {
  if (typeof version !== "string" || !/^[1-9][0-9]*$/.test(version)) {
    throw new Error(
      `document ${name}: defaultVersion must be a version number (^[1-9][0-9]*$), got ${String(version)}`,
    );
  }
  return version;
}

/** Serializes a policy whose values may be Outputs, once they are known. */
export function policyJson(doc: pulumi.Input<PolicyDocument>): pulumi.Output<string> {
  return pulumi.output(doc).apply((resolved) => JSON.stringify(resolved));
}

export interface RoleArgs {
  roleName: string;
  description: string;
  trust: PolicyDocument;
  /** The role's permissions, as one inline policy. */
  policy: pulumi.Input<PolicyDocument>;
  tags: Record<string, string>;
}

/** A role with an explicit name and exactly the permissions given: one inline policy, nothing attached by default. */
export function roleWithPolicy(name: string, args: RoleArgs, opts: pulumi.CustomResourceOptions): aws.iam.Role {
  const role = new aws.iam.Role(
    name,
    {
      name: args.roleName,
      description: args.description,
      assumeRolePolicy: JSON.stringify(args.trust),
      tags: args.tags,
    },
    opts,
  );
  new aws.iam.RolePolicy(`${name}-policy`, { role: role.name, policy: policyJson(args.policy) }, opts);
  return role;
}

export interface AutomationRuleArgs {
  ruleName: string;
  description: string;
  /** The bus the rule listens on; the account's default bus when absent. */
  eventBusName?: pulumi.Input<string>;
  eventPattern: pulumi.Input<Record<string, unknown>>;
  /** The automation-definition ARN of the document to start, at the version deployed (`deployedVersionArn`). */
  documentArn: pulumi.Input<string>;
  /** The role EventBridge assumes to start the document. */
  roleArn: pulumi.Input<string>;
  /** Event fields to read: placeholder name -> JSONPath into the event. */
  inputPaths: Record<string, string>;
  /** The document parameters to pass: event fields (placeholders) or literal strings. */
  parameters: Record<string, Placeholder | string>;
  /** The SQS queue that gets an event EventBridge could not deliver, after its retries (none: the event is dropped). */
  deadLetterArn?: pulumi.Input<string>;
  /** How long EventBridge keeps retrying an event it could not deliver (its default: 24 hours, 185 retries). */
  maximumEventAgeSeconds?: number;
  tags: Record<string, string>;
}

/**
 * An EventBridge rule that starts an Automation document, passing event fields as document parameters.
 */
export function automationRule(
  name: string,
  args: AutomationRuleArgs,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.EventRule {
  const rule = new aws.cloudwatch.EventRule(
    name,
    {
      name: args.ruleName,
      description: args.description,
      eventBusName: args.eventBusName,
      eventPattern: pulumi.output(args.eventPattern).apply((pattern) => JSON.stringify(pattern)),
      tags: args.tags,
    },
    opts,
  );
  new aws.cloudwatch.EventTarget(
    `${name}-target`,
    {
      rule: rule.name,
      eventBusName: args.eventBusName,
      arn: args.documentArn,
      roleArn: args.roleArn,
      inputTransformer: { inputPaths: args.inputPaths, inputTemplate: inputTemplate(args.parameters) },
      deadLetterConfig: args.deadLetterArn === undefined ? undefined : { arn: args.deadLetterArn },
      retryPolicy:
        args.maximumEventAgeSeconds === undefined
          ? undefined
          : { maximumEventAgeInSeconds: args.maximumEventAgeSeconds, maximumRetryAttempts: 185 },
    },
    opts,
  );
  return rule;
}

export interface RuleRoleArgs {
  roleName: string;
  description: string;
  account: string;
  /** The rules that use the role: only they can make EventBridge assume it. */
  ruleArns: string[];
  /** What the role may start: `ssm:StartAutomationExecution` resources (see `names.arn.startAutomation`). */
  startAutomation: string[];
  /** The roles the started documents run as, which EventBridge passes to Systems Manager. */
  passRoleArns: pulumi.Input<string>[];
  /** Further permissions, such as sending events to another account's bus. */
  statements?: Statement[];
  tags: Record<string, string>;
}

/** The role EventBridge assumes to start Automation documents for the named rules of this account. */
export function ruleRole(name: string, args: RuleRoleArgs, opts: pulumi.CustomResourceOptions): aws.iam.Role {
  return roleWithPolicy(
    name,
    {
      roleName: args.roleName,
      description: args.description,
      trust: serviceTrust("events.amazonaws.com", { account: args.account, sourceArn: args.ruleArns }),
      policy: policy(
        allow("StartAutomation", ["ssm:StartAutomationExecution"], [...new Set(args.startAutomation)]),
        allow("PassAutomationRole", ["iam:PassRole"], args.passRoleArns, {
          StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" },
        }),
        ...(args.statements ?? []),
      ),
      tags: args.tags,
    },
    opts,
  );
}

/** SQS keeps a message at most 14 days (CreateQueue, MessageRetentionPeriod): a dead letter waits that long. */
export const DEAD_LETTER_RETENTION_SECONDS = 1_209_600;

export interface DeadLetterQueueArgs {
  queueName: string;
  /** Who sends the undelivered messages: the queue policy's one statement (SendMessage on this queue). */
  sender: { sid: string; principal: NonNullable<Statement["Principal"]>; condition?: Condition };
  tags: Record<string, string>;
}

/**
 * EventBridge as a dead-letter queue's sender, for the named rules' undelivered events only (`aws:SourceArn`, the
 * confused-deputy guard for a service principal).
 */
export function eventBridgeSender(sid: string, ruleArns: string | string[]): DeadLetterQueueArgs["sender"] {
  return {
    sid,
    principal: { Service: "events.amazonaws.com" },
    condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
  };
}

/**
 * A dead-letter queue, encrypted with SQS's own keys and keeping each message as long as SQS allows, and its policy:
 * only `sender` may send to it (`<name>-policy`).
 */
export function deadLetterQueue(
  name: string,
  args: DeadLetterQueueArgs,
  opts: pulumi.CustomResourceOptions,
): aws.sqs.Queue {
  const queue = new aws.sqs.Queue(
    name,
    {
      name: args.queueName,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
      tags: args.tags,
    },
    opts,
  );
  const { sid, principal, condition } = args.sender;
  new aws.sqs.QueuePolicy(
    `${name}-policy`,
    {
      queueUrl: queue.url,
      policy: policyJson(
        policy({
          Sid: sid,
          Effect: "Allow",
          Principal: principal,
          Action: ["sqs:SendMessage"],
          Resource: queue.arn,
          ...(condition && { Condition: condition }),
        }),
      ),
    },
    opts,
  );
  return queue;
}
