import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allow, policy, serviceTrust } from "../../shared/iam";
import { Placeholder } from "../../shared/inputTemplate";
import type { Names } from "../../shared/naming";
import { automationRule, deployedVersionArn, roleWithPolicy } from "../../shared/resources";
import { alertRunbook } from "../alertRunbook";
import { CHANGE_FIELDS, changeAlertDocument } from "./document";
import { changeAlertPattern, globalEventsRegion, WATCHES } from "./pattern";

export interface ChangeAlertsArgs {
  account: string;
  region: string;
  topicArn: pulumi.Input<string>;
  /** Where the rule's target puts an event it could not deliver (./deliveryAlarms.ts, the reconciler reports it). */
  deadLetterArn: pulumi.Input<string>;
  /** The role the management stack deploys with (`jit:guardrails.managementDeployRoleArn`): its changes are not alerted. */
  deployRoleArn?: string;
  names: Names;
  tags: Record<string, string>;
}

/**
 * Publishes an Error notification at once when anyone but the deploying role (or the solution's own roles) changes one
 * of the solution's resources in the management account (./pattern.ts), where service control policies do not apply
 * and only an alert can answer a change. IAM's events reach only one Region's default bus (US East (N. Virginia) in the commercial partition):
 * in any other Region a rule there forwards them to this Region's default bus.
 */
export class ChangeAlerts extends pulumi.ComponentResource {
  readonly document: aws.ssm.Document;
  /** One rule per watch (./pattern.ts). */
  readonly rules: aws.cloudwatch.EventRule[];
  /** The rule that forwards IAM's events from the Region that gets them, when the stack is elsewhere. */
  readonly forwardRule?: aws.cloudwatch.EventRule;

  constructor(name: string, args: ChangeAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:ChangeAlerts", name, {}, opts);
    const parent = { parent: this };
    const { account, region, names, tags } = args;
    const { arn, management } = names;
    const patternArgs = { names, account, region, deployRoleArn: args.deployRoleArn };

    const { document, startRole } = alertRunbook(
      name,
      {
        account,
        names,
        topicArn: args.topicArn,
        documentName: management.changeAlertDocument,
        roleName: management.changeAlertRole,
        roleDescription: "Publishes IAM Identity Center JIT change alerts",
        ruleRoleName: management.changeAlertRuleRole,
        ruleRoleDescription: "Lets the change alert rule start the IAM Identity Center JIT change alert",
        ruleArns: WATCHES.map((watch) => arn.rule(account, undefined, management.changeAlertRule(watch))),
        content: changeAlertDocument,
        tags,
      },
      parent,
    );
    this.document = document;

    // One document version and one set of parameters serve the three rules.
    const documentArn = deployedVersionArn(document, arn, account);
    const parameters = Object.fromEntries(Object.keys(CHANGE_FIELDS).map((f) => [f, new Placeholder(f)]));
    this.rules = WATCHES.map((watch) =>
      automationRule(
        `${name}-${watch}-rule`,
        {
          ruleName: management.changeAlertRule(watch),
          description: `Alerts on changes to IAM Identity Center JIT ${watch} by anyone but the deployer`,
          eventPattern: changeAlertPattern({ ...patternArgs, watch }),
          documentArn,
          roleArn: startRole.arn,
          inputPaths: { ...CHANGE_FIELDS },
          deadLetterArn: args.deadLetterArn,
          parameters,
          tags,
        },
        parent,
      ),
    );

    if (region !== globalEventsRegion(names.partition))
      this.forwardRule = this.forwardGlobalEvents(name, args, patternArgs);
    this.registerOutputs({ documentName: this.document.name, ruleNames: this.rules.map((r) => r.name) });
  }

  /** A rule on the default bus that gets IAM's events, sending the watched ones to this Region's default bus. */
  private forwardGlobalEvents(
    name: string,
    args: ChangeAlertsArgs,
    patternArgs: Omit<Parameters<typeof changeAlertPattern>[0], "watch">,
  ): aws.cloudwatch.EventRule {
    const parent = { parent: this };
    const { account, names, tags } = args;
    const { arn, management } = names;
    const homeBus = arn.defaultBus(account);
    const globalRegion = globalEventsRegion(names.partition);
    const role = roleWithPolicy(
      `${name}-forward-role`,
      {
        roleName: management.changeAlertForwardRole,
        description: "Forwards IAM's events for IAM Identity Center JIT change alerts to the stack's Region",
        trust: serviceTrust("events.amazonaws.com", {
          account,
          sourceArn: arn.ruleInRegion(globalRegion, account, management.changeAlertForwardRule),
        }),
        policy: policy(allow("Forward", ["events:PutEvents"], homeBus)),
        tags,
      },
      parent,
    );
    const rule = new aws.cloudwatch.EventRule(
      `${name}-forward-rule`,
      {
        region: globalRegion,
        name: management.changeAlertForwardRule,
        description: "Forwards IAM changes to IAM Identity Center JIT roles to the stack's Region for alerting",
        eventPattern: JSON.stringify(
          changeAlertPattern({ ...patternArgs, watch: "wiring", only: "iam.amazonaws.com" }),
        ),
        tags,
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-forward-target`,
      { region: globalRegion, rule: rule.name, arn: homeBus, roleArn: role.arn },
      parent,
    );
    return rule;
  }
}
