/**
 * The SNS fake: topics with their access policy and subscriptions, set up from the plan, the Publish API the
 * documents call, and the subscription reads the reconciler makes. Every subscription counts as confirmed, as the
 * README has the recipient confirm it: with `jit confirm-subscription`, which asks for AuthenticateOnUnsubscribe (a
 * scenario may confirm one through the link instead: `confirmThroughLink`). Deliveries happen at publish time and
 * are recorded, not sent.
 */
import { type ApiInput, AwsError, type Caller, type ServiceFake, sessionArn, unsupported } from "../aws";
import type { VirtualClock } from "../clock";
import type { Ids } from "../ids";
import { type MessageAttributes, matchesFilterPolicy, validateFilterPolicy } from "./filterPolicy";
import { page } from "./pagination";
import { type CompiledPolicy, compileResourcePolicy, evaluate } from "./resourcePolicy";

// ListSubscriptionsByTopic takes no MaxResults: each page holds up to 100 (API_ListSubscriptionsByTopic).
const SUBSCRIPTION_PAGING = {
  maxResults: 100,
  invalidToken: () => new AwsError("InvalidParameter", "Invalid parameter: NextToken"),
};

export interface SubscribeInput {
  topicArn: string;
  protocol: string;
  endpoint: string;
  /** The filter policy as JSON, as aws.sns.TopicSubscription takes it. */
  filterPolicy?: string;
  filterPolicyScope?: "MessageAttributes" | "MessageBody";
}

/** A message accepted by Publish, and who published it. */
export interface Publication {
  time: string;
  topicArn: string;
  messageId: string;
  subject?: string;
  message: string;
  attributes: MessageAttributes;
  publisherRoleArn: string;
  publisherSessionName: string;
}

/** A message handed to one subscription. */
export interface Delivery {
  time: string;
  topicArn: string;
  subscriptionArn: string;
  messageId: string;
  protocol: string;
  endpoint: string;
  subject?: string;
  message: string;
  attributes: MessageAttributes;
}

interface Subscription {
  arn: string;
  protocol: string;
  endpoint: string;
  filterPolicy?: unknown;
  /** The `ConfirmationWasAuthenticated` attribute. */
  authenticated: boolean;
}

interface Topic {
  arn: string;
  account: string;
  region: string;
  policy?: CompiledPolicy;
  subscriptions: Subscription[];
}

// https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html: letters, digits, underscores, hyphens, 1-256.
const TOPIC_ARN = /^arn:aws:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})$/;
// https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html
const PROTOCOLS = new Set(["http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"]);
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html: "at most 256 KB in size (262,144 bytes)".
const MAX_MESSAGE_BYTES = 262_144;
// API_Publish: "Subjects must be UTF-8 text with no line breaks or control characters, and less than 100 characters
// long": at most 99. Amazon Managed Service for Prometheus's "Understanding Amazon SNS message validation rules" has
// its SNS receiver rewrite a subject that "contains control or non-ASCII characters", as SNS would not take it: the
// fake accepts printable ASCII only.
export const MAX_SUBJECT_LENGTH = 99;
const SUBJECT = /^[\x20-\x7e]+$/;

const invalidParameter = (what: string) => new AwsError("InvalidParameter", `Invalid parameter: ${what}`);
const invalidAttribute = (message: string) => new AwsError("ParameterValueInvalid", message);

export class SnsFake implements ServiceFake {
  readonly service = "sns";
  /** Every message Publish accepted, in order. */
  readonly published: Publication[] = [];
  /** Every message handed to a subscription, in order. */
  readonly deliveries: Delivery[] = [];
  private readonly topics = new Map<string, Topic>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly ids: Ids,
  ) {}

  /** Creates a standard topic and returns its ARN. */
  createTopic(account: string, region: string, name: string): string {
    const arn = `arn:aws:sns:${region}:${account}:${name}`;
    if (!TOPIC_ARN.test(arn)) throw invalidParameter("Topic Name");
    if (this.topics.has(arn)) throw new Error(`topic ${arn} is created twice`);
    this.topics.set(arn, { arn, account, region, subscriptions: [] });
    return arn;
  }

  /** Replaces the topic's access policy (the `Policy` topic attribute). */
  setTopicPolicy(topicArn: string, policyJson: string): void {
    this.topic(topicArn).policy = compileResourcePolicy(policyJson, this.service, {
      // Keys a role session's Publish does not carry: a condition on them never matches.
      conditionKeys: ["aws:SourceAccount", "aws:SourceArn"],
      malformed: (reason) => invalidParameter(`Policy Error: the policy ${reason}`),
    });
  }

  /** Subscribes an endpoint and returns the subscription ARN. The subscription is confirmed at once. */
  subscribe(input: SubscribeInput): string {
    const topic = this.topic(input.topicArn);
    if (!PROTOCOLS.has(input.protocol)) throw invalidParameter(`Invalid protocol type: ${input.protocol}`);
    if (input.filterPolicyScope === "MessageBody") {
      throw new Error("the simulator's SNS fake only filters with FilterPolicyScope MessageAttributes");
    }
    let filterPolicy: unknown;
    if (input.filterPolicy !== undefined) {
      try {
        filterPolicy = JSON.parse(input.filterPolicy);
      } catch {
        throw invalidParameter("FilterPolicy: failed to parse JSON");
      }
      validateFilterPolicy(filterPolicy);
    }
    const arn = `${topic.arn}:${this.ids.uuid()}`;
    topic.subscriptions.push({
      arn,
      protocol: input.protocol,
      endpoint: input.endpoint,
      filterPolicy,
      authenticated: true,
    });
    return arn;
  }

  /** The recipient of `endpoint`'s subscriptions confirmed them through the link in the confirmation message. */
  confirmThroughLink(endpoint: string): void {
    for (const s of this.subscriptionsOf(endpoint)) s.authenticated = false;
  }

  /**
   * Someone follows the unsubscribe link of a notification `endpoint` received: it needs no AWS credentials, and
   * removes the subscription unless it was confirmed with AuthenticateOnUnsubscribe, which then "requires Amazon Web
   * Services authentication" (https://docs.aws.amazon.com/sns/latest/api/API_ConfirmSubscription.html). True if it
   * was removed.
   */
  unsubscribeThroughLink(endpoint: string): boolean {
    let removed = false;
    for (const topic of this.topics.values()) {
      const before = topic.subscriptions.length;
      topic.subscriptions = topic.subscriptions.filter((s) => s.endpoint !== endpoint || s.authenticated);
      removed ||= topic.subscriptions.length < before;
    }
    return removed;
  }

  private subscriptionsOf(endpoint: string): Subscription[] {
    return [...this.topics.values()].flatMap((t) => t.subscriptions.filter((s) => s.endpoint === endpoint));
  }

  /** The deliveries made to one endpoint (an email address, a queue ARN), in order. */
  deliveriesTo(endpoint: string): Delivery[] {
    return this.deliveries.filter((d) => d.endpoint === endpoint);
  }

  async call(api: string, input: ApiInput, caller: Caller): Promise<unknown> {
    if (api === "Publish") return this.publish(input, caller);
    if (api === "ListSubscriptionsByTopic") return this.listSubscriptions(input, caller);
    if (api === "GetSubscriptionAttributes") return this.subscriptionAttributes(input, caller);
    return unsupported(this.service, api);
  }

  private topic(arn: string): Topic {
    const topic = this.topics.get(arn);
    if (!topic) throw new AwsError("NotFound", "Topic does not exist");
    return topic;
  }

  /**
   * https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html: "up to 100" a page, with a NextToken
   * when there are more. The topic owner's own roles only (the topic's policy grants no one else).
   */
  private listSubscriptions(input: ApiInput, caller: Caller) {
    const topic = this.topic(readTopicArn(input, caller));
    if (caller.account !== topic.account) throw new AwsError("AuthorizationError", "not authorized");
    const { items, next } = page(topic.subscriptions, input, SUBSCRIPTION_PAGING);
    return {
      Subscriptions: items.map((s) => ({
        SubscriptionArn: s.arn,
        Owner: topic.account,
        Protocol: s.protocol,
        Endpoint: s.endpoint,
        TopicArn: topic.arn,
      })),
      NextToken: next,
    };
  }

  /** https://docs.aws.amazon.com/sns/latest/api/API_GetSubscriptionAttributes.html */
  private subscriptionAttributes(input: ApiInput, caller: Caller) {
    const arn = input.SubscriptionArn;
    if (typeof arn !== "string") throw invalidParameter("SubscriptionArn");
    for (const topic of this.topics.values()) {
      const found = topic.subscriptions.find((s) => s.arn === arn);
      if (!found) continue;
      if (caller.account !== topic.account) throw new AwsError("AuthorizationError", "not authorized");
      return {
        Attributes: {
          SubscriptionArn: found.arn,
          TopicArn: topic.arn,
          Owner: topic.account,
          Protocol: found.protocol,
          Endpoint: found.endpoint,
          PendingConfirmation: "false",
          ConfirmationWasAuthenticated: String(found.authenticated),
          ...(found.filterPolicy !== undefined && {
            FilterPolicy: JSON.stringify(found.filterPolicy),
            FilterPolicyScope: "MessageAttributes",
          }),
        },
      };
    }
    throw new AwsError("NotFound", "Subscription does not exist");
  }

  private publish(input: ApiInput, caller: Caller): { MessageId: string } {
    for (const field of ["TargetArn", "PhoneNumber", "MessageStructure", "MessageGroupId", "MessageDeduplicationId"]) {
      if (input[field] !== undefined) throw new Error(`the simulator's SNS fake does not implement Publish ${field}`);
    }
    const topicArn = readTopicArn(input, caller);
    const subject = readSubject(input);
    const attributes = readAttributes(input.MessageAttributes);
    const message = readMessage(input, attributes);
    const topic = this.topic(topicArn);
    authorizePublish(topic, caller);

    const messageId = this.ids.uuid();
    const time = this.clock.iso();
    this.published.push({
      time,
      topicArn,
      messageId,
      subject,
      message,
      attributes,
      publisherRoleArn: caller.roleArn,
      publisherSessionName: caller.sessionName,
    });
    for (const subscription of topic.subscriptions) {
      const accepts =
        subscription.filterPolicy === undefined || matchesFilterPolicy(subscription.filterPolicy, attributes);
      if (!accepts) continue;
      const { arn: subscriptionArn, protocol, endpoint } = subscription;
      this.deliveries.push({
        time,
        topicArn,
        subscriptionArn,
        messageId,
        protocol,
        endpoint,
        subject,
        message,
        attributes,
      });
    }
    return { MessageId: messageId };
  }
}

function readTopicArn(input: ApiInput, caller: Caller): string {
  const topicArn = input.TopicArn;
  if (topicArn === undefined) throw invalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
  if (typeof topicArn !== "string") throw invalidParameter("TopicArn");
  const elements = topicArn.split(":").length;
  if (elements < 6) throw invalidParameter(`TopicArn Reason: An ARN must have at least 6 elements, not ${elements}`);
  const match = TOPIC_ARN.exec(topicArn);
  if (!match) throw invalidParameter("TopicArn");
  // A client reaches only its own region's endpoint, where another region's topic is an invalid TopicArn
  // (the answer AWS gives, as reported in https://github.com/mozilla/security/issues/8).
  if (match[1] !== caller.region) throw invalidParameter("TopicArn");
  return match[0];
}

function readSubject(input: ApiInput): string | undefined {
  const subject = input.Subject;
  if (subject === undefined) return undefined;
  if (typeof subject !== "string" || subject.length > MAX_SUBJECT_LENGTH || !SUBJECT.test(subject)) {
    throw invalidParameter("Subject");
  }
  return subject;
}

function readMessage(input: ApiInput, attributes: MessageAttributes): string {
  const message = input.Message;
  if (message === undefined || message === null) {
    throw new AwsError(
      "ValidationError",
      "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null",
    );
  }
  if (typeof message !== "string" || message.length === 0) throw invalidParameter("Empty message");
  // https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html: the attributes' names, types and values
  // count towards the 256 KB too.
  const attributeBytes = Object.entries(attributes).reduce(
    (sum, [name, a]) => sum + Buffer.byteLength(name) + Buffer.byteLength(a.DataType) + byteLength(a),
    0,
  );
  if (Buffer.byteLength(message) + attributeBytes > MAX_MESSAGE_BYTES) throw invalidParameter("Message too long");
  return message;
}

function byteLength(attribute: MessageAttributes[string]): number {
  if (attribute.StringValue !== undefined) return Buffer.byteLength(attribute.StringValue);
  const binary = attribute.BinaryValue;
  return binary instanceof Uint8Array ? binary.byteLength : Buffer.byteLength(String(binary ?? ""));
}

// https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html: names of letters, digits, "_", "-" and
// ".", not starting or ending with "." nor with two in a row, at most 256 long, not starting with AWS. or Amazon.
const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)(?!aws\.)(?!amazon\.)[A-Za-z0-9_.-]{1,256}$/i;
const DATA_TYPES = new Set(["String", "String.Array", "Number", "Binary"]);
// The same page: a Number "can have a value from -10^9 to 10^9".
const MAX_NUMBER = 1e9;

function readAttributes(value: unknown): MessageAttributes {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidAttribute("MessageAttributes must be a map of attribute names to values");
  }
  const attributes: MessageAttributes = {};
  for (const [name, raw] of Object.entries(value)) {
    if (!ATTRIBUTE_NAME.test(name)) throw invalidAttribute(`Invalid message attribute name ${name}`);
    const attribute = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const { DataType: dataType, StringValue: text, BinaryValue: binary } = attribute;
    if (typeof dataType !== "string" || !DATA_TYPES.has(dataType)) {
      throw invalidAttribute(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    if (dataType === "Binary") {
      if (binary === undefined || binary === "") throw emptyAttribute(name, dataType);
      attributes[name] = { DataType: dataType, BinaryValue: binary };
      continue;
    }
    if (typeof text !== "string" || text === "") throw emptyAttribute(name, dataType);
    if (dataType === "Number") {
      const number = Number(text);
      if (!Number.isFinite(number))
        throw invalidAttribute(`Could not cast message attribute '${name}' value to number.`);
      if (Math.abs(number) > MAX_NUMBER) {
        throw invalidAttribute(`The message attribute '${name}' has a Number outside -10^9 to 10^9.`);
      }
    }
    if (dataType === "String.Array" && !isScalarArray(text)) {
      throw invalidAttribute(
        `The message attribute '${name}' is not a JSON array of strings, numbers, true, false or null.`,
      );
    }
    attributes[name] = { DataType: dataType, StringValue: text };
  }
  return attributes;
}

function emptyAttribute(name: string, dataType: string): AwsError {
  return invalidAttribute(
    `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`,
  );
}

function isScalarArray(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((v) => v === null || typeof v !== "object");
  } catch {
    return false;
  }
}

/*
 * Same-account publishers are allowed without a topic policy (their IAM identity policies are out of scope); another
 * account's publisher needs an Allow statement for it
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html); an explicit Deny refuses anyone
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 */
function authorizePublish(topic: Topic, caller: Caller): void {
  const decision = evaluate(topic.policy, { principal: caller, action: "sns:Publish", resource: topic.arn });
  const who = `User: ${sessionArn(caller)} is not authorized to perform: SNS:Publish on resource: ${topic.arn}`;
  if (decision === "Deny") {
    throw new AwsError("AuthorizationError", `${who} with an explicit deny in a resource-based policy`);
  }
  if (caller.account !== topic.account && decision !== "Allow") {
    throw new AwsError("AuthorizationError", `${who} because no resource-based policy allows the SNS:Publish action`);
  }
}
