import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EVENT_TYPE_ATTRIBUTE, type EventType } from "../shared/events";
import { allowAccount, policy, principalArnCondition } from "../shared/iam";
import { policyJson } from "../shared/resources";

export interface Subscriber {
  email: string;
  events: readonly EventType[];
}

export interface NotificationTopicArgs {
  topicName: string;
  /** The requester side's notification role, which publishes request events from the other account. */
  requesterNotificationRoleArn: string;
  requesterAccountRootArn: string;
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

    // Same-account publishers (the workflows and the summary function) are allowed by their own IAM policies; the
    // topic policy only has to admit the requester account's notification role.
    new aws.sns.TopicPolicy(
      `${name}-policy`,
      {
        arn: this.topic.arn,
        policy: policyJson(
          policy(
            allowAccount(
              "RequesterNotifications",
              args.requesterAccountRootArn,
              ["sns:Publish"],
              this.topic.arn,
              principalArnCondition([args.requesterNotificationRoleArn]),
            ),
          ),
        ),
      },
      parent,
    );

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
