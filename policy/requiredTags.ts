import * as aws from "@pulumi/aws";
import * as awsnative from "@pulumi/aws-native";
import {
  type ReportViolation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import { SIDES, type SideName } from "../shared/config/common";
import { patterns } from "../shared/patterns";
import { standardTags } from "../shared/tags";
import { about } from "./violation";

const REQUIRED_KEYS = Object.keys(standardTags("management", "dev"));

/** What is wrong with a resource's tags against shared/tags.ts (extra tags, such as Component, are fine). */
export function tagProblems(tags: Record<string, string | undefined> | undefined): string[] {
  const missing = REQUIRED_KEYS.filter((key) => tags?.[key] === undefined);
  const problems = missing.map((key) => `is missing the tag ${key}`);
  const side = tags?.Side;
  const environment = tags?.Environment;
  const sideOk = side === undefined || (SIDES as readonly string[]).includes(side);
  const environmentOk = environment === undefined || patterns.environment.test(environment);
  if (!sideOk) problems.push(`has tag Side=${side}, not one of ${SIDES.join(", ")}`);
  if (!environmentOk) problems.push(`has tag Environment=${environment}, not ${patterns.environment.rule}`);
  if (tags && side !== undefined && environment !== undefined && sideOk && environmentOk) {
    for (const [key, value] of Object.entries(standardTags(side as SideName, environment))) {
      if (tags[key] !== undefined && tags[key] !== value) problems.push(`has tag ${key}=${tags[key]}, not ${value}`);
    }
  }
  return problems;
}

/** Reports each tag problem of one resource. */
function check(tags: Record<string, string> | undefined, args: ResourceValidationArgs, report: ReportViolation) {
  for (const problem of tagProblems(tags)) report(about(args, problem));
}

/** Cloud Control (aws-native) resources take their tags as a list of `{ key, value }`. */
const fromList = (tags: { key: string; value: string }[] | undefined) =>
  tags && Object.fromEntries(tags.map((t) => [t.key, t.value]));

export const requiredTags: ResourceValidationPolicy = {
  name: "required-tags",
  description:
    `Every taggable resource the project declares carries ${REQUIRED_KEYS.join(", ")} as shared/tags.ts sets them ` +
    "(Solution=identity-center-jit, ManagedBy=pulumi, Side=management|requester, Environment the stack's).",
  enforcementLevel: "mandatory",
  // The resource types the planned stacks declare with tags (out/plan/*/resources.json), chat variants included.
  validateResource: [
    validateResourceOfType(aws.cloudwatch.EventBus, (r, args, report) => check(r.tags, args, report)),
    validateResourceOfType(aws.cloudwatch.EventRule, (r, args, report) => check(r.tags, args, report)),
    validateResourceOfType(aws.cloudwatch.MetricAlarm, (r, args, report) => check(r.tags, args, report)),
    validateResourceOfType(aws.cloudwatch.LogGroup, (r, args, report) => check(r.tags, args, report)),
    validateResourceOfType(aws.dynamodb.Table, (r, args, report) => check(r.tags, args, report)),
    validateResourceOfType(aws.iam.Policy, (r, args, report) => check(r.tags, args, report)),
    validateResourceOfType(aws.iam.Role, (r, args, report) => check(r.tags, args, report)),
    validateResourceOfType(aws.iam.ServiceLinkedRole, (r, args, report) => check(r.tags, args, report)),
    validateResourceOfType(aws.lambda.Function, (r, args, report) => check(r.tags, args, report)),
    validateResourceOfType(aws.organizations.ResourcePolicy, (r, args, report) => check(r.tags, args, report)),
    validateResourceOfType(aws.sns.Topic, (r, args, report) => check(r.tags, args, report)),
    validateResourceOfType(aws.scheduler.ScheduleGroup, (r, args, report) => check(r.tags, args, report)),
    validateResourceOfType(aws.sqs.Queue, (r, args, report) => check(r.tags, args, report)),
    validateResourceOfType(aws.ssm.Document, (r, args, report) => check(r.tags, args, report)),
    validateResourceOfType(aws.ssoadmin.PermissionSet, (r, args, report) => check(r.tags, args, report)),
    validateResourceOfType(awsnative.chatbot.SlackChannelConfiguration, (r, args, report) =>
      check(fromList(r.tags), args, report),
    ),
    validateResourceOfType(awsnative.chatbot.MicrosoftTeamsChannelConfiguration, (r, args, report) =>
      check(fromList(r.tags), args, report),
    ),
  ],
};
