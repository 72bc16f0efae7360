import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { parse } from "yaml";
import { sessionDuration as configuredSessionDuration } from "../shared/config/common";
import { MAX_RULE_MINUTES } from "../shared/config/eligibility";
import { names } from "../shared/naming";
import { SOLUTION } from "../shared/tags";
import { type AutomationContent, sleepProblems, waitingSleeps } from "./automationSleeps";
import { formatSeconds, literalSeconds } from "./durations";
import { about } from "./violation";

/** "The minimum session duration is 1 hour, and can be set to a maximum of 12 hours" (IAM Identity Center User
 * Guide, Set session duration for AWS accounts: singlesignon/latest/userguide/howtosessionduration.html). */
export const PERMISSION_SET_SESSION = { minSeconds: 3600, maxSeconds: 12 * 3600 } as const;

/** No sleep may outlast the longest grant a config may allow (a day, in either duration unit). */
export const SLEEP_LIMIT_SECONDS = MAX_RULE_MINUTES * 60;

const example = names({
  namePrefix: "x",
  environment: "y",
  region: "us-east-1",
  managementAccountId: "111111111111",
  requesterAccountId: "222222222222",
}).management;
/** A document name without the prefix and environment (as shared/naming.ts derives it). */
const suffixOf = (name: string) => name.slice("x-y".length);

/**
 * The documents that may not sleep at all, by name suffix, and why. The end-of-grant workflow's name is also the
 * requester side's end-access document's (in the other account), which does not sleep either.
 */
const NEVER_SLEEPS: { suffix: string; what: string; why: string }[] = [
  {
    suffix: suffixOf(example.grantDocument),
    what: "the grant workflow",
    why: "a grant's end is held by its schedule, never slept through",
  },
  {
    suffix: suffixOf(example.endDocument),
    what: "the end-of-grant workflow",
    why: "a CloudTrail summary that waits is scheduled by the end function, and no execution is held open (Automation queues the executions past its concurrency quota, revocations with them)",
  },
];

const permissionSets = validateResourceOfType(aws.ssoadmin.PermissionSet, (set, args, reportViolation) => {
  const duration = set.sessionDuration;
  if (duration === undefined) {
    reportViolation(about(args, "sets no sessionDuration; give every permission set an explicit ISO 8601 duration"));
    return;
  }
  const seconds = literalSeconds(duration);
  if (seconds === undefined) {
    reportViolation(about(args, `sessionDuration ${duration} is not an ISO 8601 duration such as PT8H`));
  } else if (seconds > PERMISSION_SET_SESSION.maxSeconds || seconds < PERMISSION_SET_SESSION.minSeconds) {
    reportViolation(
      about(args, `sessionDuration ${duration} is outside PT1H to PT12H, the range IAM Identity Center allows`),
    );
  }
  // The solution's own sets take jit:permissionSetSessionDuration, which the config allows only in whole hours.
  if (set.tags?.Solution === SOLUTION && !configuredSessionDuration.test(duration)) {
    reportViolation(
      about(
        args,
        `sessionDuration ${duration} is not what jit:permissionSetSessionDuration allows: ${configuredSessionDuration.rule}`,
      ),
    );
  }
});

const automationSleeps = validateResourceOfType(aws.ssm.Document, (document, args, reportViolation) => {
  let content: AutomationContent;
  try {
    content = parse(document.content) as AutomationContent;
  } catch (e) {
    reportViolation(about(args, `content cannot be read as YAML or JSON: ${(e as Error).message}`));
    return;
  }
  if (typeof content !== "object" || content === null) return;
  for (const problem of sleepProblems(content, SLEEP_LIMIT_SECONDS)) reportViolation(about(args, problem));
  const never = NEVER_SLEEPS.find((d) => document.name?.endsWith(d.suffix));
  const waits = never ? waitingSleeps(content) : [];
  if (never && waits.length > 0) {
    reportViolation(about(args, `is ${never.what} but sleeps in ${waits.join(", ")}: ${never.why}`));
  }
});

export const boundedSessionDurations: ResourceValidationPolicy = {
  name: "bounded-session-durations",
  description:
    "Permission set sessions last PT1H to PT12H (the solution's own sets in whole hours, as the config allows), " +
    `and every Automation aws:sleep is bounded, at most ${formatSeconds(SLEEP_LIMIT_SECONDS)} (one built from a ` +
    "parameter by its allowedPattern); the grant and end-of-grant workflows do not sleep at all: a grant's end and " +
    "its CloudTrail summary are scheduled.",
  enforcementLevel: "mandatory",
  validateResource: [permissionSets, automationSleeps],
};
