import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allowAccount, policy, principalArnCondition } from "../shared/iam";
import { policyJson } from "../shared/resources";

export interface RequestBusArgs {
  busName: string;
  requesterAccountRootArn: string;
  /** The requester account's roles that may send events: the request runbook's role, the end-access document's role and the event-rule role. */
  senderRoleArns: string[];
  tags: Record<string, string>;
}

/**
 * The event bus access requests arrive on. Only the named requester roles may put events, admitted by
 * `aws:PrincipalArn` so the policy can be created before those roles exist (single-pass install, DESIGN.md §1).
 */
export class RequestBus extends pulumi.ComponentResource {
  readonly bus: aws.cloudwatch.EventBus;
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: RequestBusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:RequestBus", name, {}, opts);
    const parent = { parent: this };

    this.bus = new aws.cloudwatch.EventBus(`${name}-bus`, { name: args.busName, tags: args.tags }, parent);
    this.name = this.bus.name;
    this.arn = this.bus.arn;

    new aws.cloudwatch.EventBusPolicy(
      `${name}-policy`,
      {
        eventBusName: this.bus.name,
        policy: policyJson(
          policy(
            allowAccount(
              "RequesterRolesPutEvents",
              args.requesterAccountRootArn,
              ["events:PutEvents"],
              this.bus.arn,
              principalArnCondition(args.senderRoleArns),
            ),
          ),
        ),
      },
      parent,
    );

    this.registerOutputs({ name: this.name, arn: this.arn });
  }
}
