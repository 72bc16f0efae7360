/**
 * A minimal Amazon SQS (`sqs`): standard queues from the plan with their access policy, and SendMessage,
 * ReceiveMessage and DeleteMessage, for EventBridge Scheduler's dead-letter queue and whoever reads it. Messages are
 * kept in order and handed out once per visibility timeout, on the virtual clock.
 *
 * Amazon SQS API Reference: API_SendMessage (MessageBody required, at least one character; MessageId and
 * MD5OfMessageBody in the answer), API_ReceiveMessage (MaxNumberOfMessages 1 to 10, 1 if not given; VisibilityTimeout
 * the queue's, 30 seconds by default, API_CreateQueue), API_DeleteMessage (by ReceiptHandle). Queue URLs are
 * `https://sqs.<region>.amazonaws.com/<account>/<name>` and ARNs `arn:aws:sqs:<region>:<account>:<name>` (Amazon SQS
 * Developer Guide, "Amazon SQS queue and message identifiers"). Access: same-account callers need no queue policy;
 * another account's need an Allow in it; an explicit Deny refuses anyone (IAM User Guide, policy evaluation logic;
 * Amazon SQS Developer Guide, "Basic examples of Amazon SQS policies"). Identity policies are decided by
 * tests/tools/sim/permissions.test.ts, as for every fake. Not simulated: FIFO queues, delays, long polling (a receive
 * answers at once), message size limits, redrive.
 */
import { createHash } from "node:crypto";
import { type ApiInput, AwsError, type Caller, type ServiceFake, sessionArn, unsupported } from "../aws";
import type { VirtualClock } from "../clock";
import type { Ids } from "../ids";
import { type CompiledPolicy, compileResourcePolicy, evaluate } from "./resourcePolicy";

export interface QueueMessage {
  messageId: string;
  body: string;
  attributes: Record<string, { DataType: string; StringValue?: string }>;
  sentAt: number;
  /** Virtual time before which a receive does not hand it out again. */
  invisibleUntil: number;
  receiptHandle?: string;
  receiveCount: number;
}

interface Queue {
  arn: string;
  url: string;
  account: string;
  region: string;
  policy?: CompiledPolicy;
  messages: QueueMessage[];
}

// API_CreateQueue: up to 80 characters of letters, digits, hyphens and underscores (".fifo" for FIFO queues).
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const QUEUE_URL = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\/(\d{12})\/([A-Za-z0-9_-]{1,80})$/;
const DEFAULT_VISIBILITY_SECONDS = 30;
const MAX_RECEIVE = 10;

const nonExistent = () =>
  new AwsError("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.");
const invalid = (message: string) => new AwsError("InvalidParameterValue", message);

export class SqsFake implements ServiceFake {
  readonly service = "sqs";
  private readonly queues = new Map<string, Queue>();
  private readonly log: QueueMessage[] = [];

  constructor(
    private readonly clock: VirtualClock,
    private readonly ids: Ids,
  ) {}

  /** Creates a standard queue; returns its URL. */
  createQueue(account: string, region: string, name: string): string {
    if (!QUEUE_NAME.test(name)) throw invalid(`QueueName ${name} must match ${QUEUE_NAME.source}`);
    const url = `https://sqs.${region}.amazonaws.com/${account}/${name}`;
    if (this.queues.has(url)) throw new Error(`queue ${url} is created twice`);
    this.queues.set(url, { arn: `arn:aws:sqs:${region}:${account}:${name}`, url, account, region, messages: [] });
    return url;
  }

  /** The queue's access policy (the `Policy` attribute), as aws.sqs.QueuePolicy sets it. */
  setQueuePolicy(queueUrl: string, policy: string): void {
    this.queue(queueUrl).policy = compileResourcePolicy(policy, this.service, {
      conditionKeys: ["aws:SourceAccount", "aws:SourceArn"],
      malformed: (reason) => invalid(`Invalid value for the parameter Policy: the policy ${reason}`),
    });
  }

  /** The URL of the queue with `arn`, if there is one. */
  urlOf(arn: string): string | undefined {
    return [...this.queues.values()].find((q) => q.arn === arn)?.url;
  }

  /** Every message sent to any queue, deleted or not, oldest first; for the outcome's checks. */
  sent(): readonly QueueMessage[] {
    return this.log;
  }

  /** Every message the queue holds (received or not), oldest first; for tests and the outcome's checks. */
  messages(queueArnOrUrl: string): readonly QueueMessage[] {
    const queue = this.queues.get(queueArnOrUrl) ?? this.queues.get(this.urlOf(queueArnOrUrl) ?? "");
    if (!queue) throw new Error(`no queue ${queueArnOrUrl}`);
    return queue.messages;
  }

  async call(api: string, input: ApiInput, caller: Caller): Promise<unknown> {
    switch (api) {
      case "SendMessage":
        return this.send(input, caller);
      case "ReceiveMessage":
        return this.receive(input, caller);
      case "DeleteMessage":
        return this.delete(input, caller);
      default:
        return unsupported(this.service, api);
    }
  }

  private queue(url: string): Queue {
    const queue = this.queues.get(url);
    if (!queue) throw nonExistent();
    return queue;
  }

  /** The queue QueueUrl names, if the caller may call `action` on it. */
  private authorized(input: ApiInput, caller: Caller, action: string): Queue {
    const url = input.QueueUrl;
    if (typeof url !== "string" || !QUEUE_URL.test(url)) throw invalid("QueueUrl is required and must be a queue URL");
    const queue = this.queue(url);
    const decision = evaluate(queue.policy, { principal: caller, action, resource: queue.arn });
    if (decision === "Deny" || (caller.account !== queue.account && decision !== "Allow")) {
      throw new AwsError(
        "AccessDenied",
        `User: ${sessionArn(caller)} is not authorized to perform: ${action} on resource: ${queue.arn}`,
      );
    }
    return queue;
  }

  private send(input: ApiInput, caller: Caller): unknown {
    for (const field of ["DelaySeconds", "MessageGroupId", "MessageDeduplicationId", "MessageSystemAttributes"]) {
      if (input[field] !== undefined) unsupported(this.service, `SendMessage ${field}`);
    }
    const queue = this.authorized(input, caller, "sqs:SendMessage");
    const body = input.MessageBody;
    if (typeof body !== "string" || body.length === 0) {
      throw new AwsError("MissingParameter", "The request must contain the parameter MessageBody.");
    }
    const attributes = (input.MessageAttributes ?? {}) as QueueMessage["attributes"];
    const messageId = this.ids.uuid();
    const message = {
      messageId,
      body,
      attributes,
      sentAt: this.clock.now(),
      invisibleUntil: this.clock.now(),
      receiveCount: 0,
    };
    queue.messages.push(message);
    this.log.push(message);
    return { MessageId: messageId, MD5OfMessageBody: md5(body) };
  }

  private receive(input: ApiInput, caller: Caller): unknown {
    const queue = this.authorized(input, caller, "sqs:ReceiveMessage");
    const max = input.MaxNumberOfMessages ?? 1;
    if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > MAX_RECEIVE) {
      throw invalid(`MaxNumberOfMessages must be a whole number from 1 to ${MAX_RECEIVE}`);
    }
    const visibility = input.VisibilityTimeout ?? DEFAULT_VISIBILITY_SECONDS;
    if (typeof visibility !== "number" || visibility < 0 || visibility > 43_200) {
      throw invalid("VisibilityTimeout must be from 0 to 43200 seconds");
    }
    const now = this.clock.now();
    const handed = queue.messages.filter((m) => m.invisibleUntil <= now).slice(0, max);
    for (const m of handed) {
      m.invisibleUntil = now + visibility * 1000;
      m.receiptHandle = this.ids.hex(32);
      m.receiveCount++;
    }
    return {
      Messages: handed.map((m) => ({
        MessageId: m.messageId,
        ReceiptHandle: m.receiptHandle,
        Body: m.body,
        MD5OfBody: md5(m.body),
        ...(Object.keys(m.attributes).length > 0 && { MessageAttributes: m.attributes }),
      })),
    };
  }

  private delete(input: ApiInput, caller: Caller): unknown {
    const queue = this.authorized(input, caller, "sqs:DeleteMessage");
    const handle = input.ReceiptHandle;
    if (typeof handle !== "string") throw new AwsError("MissingParameter", "ReceiptHandle is required");
    const index = queue.messages.findIndex((m) => m.receiptHandle === handle);
    if (index < 0) throw new AwsError("ReceiptHandleIsInvalid", `The input receipt handle "${handle}" is not valid.`);
    queue.messages.splice(index, 1);
    return {};
  }
}

const md5 = (text: string) => createHash("md5").update(text).digest("hex");
