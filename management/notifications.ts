import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EVENT_TYPE_ATTRIBUTE, type EventType } from "../shared/events";

export interface Subscriber {
  email: string;
  events: readonly EventType[];
}

export interface NotificationTopicArgs {
  topicName: string;
  subscribers: readonly Subscriber[];
  tags: Record<string, string>;
}

/**
 * The topic every notification goes to, with one email subscription per subscriber that receives only the event
 * types it asked for (an SNS filter policy on the EventType attribute).
 */
export class NotificationTopic extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: NotificationTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:NotificationTopic", name, {}, opts);
    const parent = { parent: this };

    this.topic = new aws.sns.Topic(
      `${name}-topic`,
      { name: args.topicName, displayName: "IAM Identity Center JIT access", tags: args.tags },
      parent,
    );
    this.arn = this.topic.arn;

    // Every publisher is in this account and allowed by its own IAM policy: the topic has no policy of its own
    // beyond SNS's default, which admits only the owner account.
    for (const subscriber of args.subscribers) {
      new aws.sns.TopicSubscription(
        `${name}-${subscriber.email}`,
        {
          topic: this.topic.arn,
          protocol: "email",
          endpoint: subscriber.email,
          filterPolicyScope: "MessageAttributes",
          filterPolicy: JSON.stringify({ [EVENT_TYPE_ATTRIBUTE]: subscriber.events }),
        },
        parent,
      );
    }

    this.registerOutputs({ arn: this.arn });
  }
}
