/**
 * Every pattern a value is checked against, in one place. Each is anchored at both ends so it is a whole-value match
 * whether the engine applying it (JavaScript here, Java inside SSM) matches or searches (DESIGN.md §9). In Java, `$`
 * also matches before a line terminator that ends the input (java.util.regex.Pattern, "Line terminators"), so `^a$`
 * would admit `"a\n"`; every pattern therefore ends with `$` followed by END_OF_INPUT, a lookahead that no character
 * follows, which means the same in both engines.
 */

/** Nothing follows: with it after `$`, the pattern ends at the end of the input in Java as in JavaScript. */
export const END_OF_INPUT = "(?![\\s\\S])";

export class Pattern {
  /** The regular expression source, as given to SSM `allowedPattern`: `^...$` then END_OF_INPUT. */
  readonly source: string;
  readonly regex: RegExp;

  constructor(
    /** The pattern anchored with `^` and `$`; END_OF_INPUT is added. */
    anchored: string,
    /** The rule in words, for error messages. */
    readonly rule: string,
  ) {
    if (!anchored.startsWith("^") || !anchored.endsWith("$")) {
      throw new Error(`pattern ${anchored} must be anchored with ^ and $`);
    }
    this.source = `${anchored}${END_OF_INPUT}`;
    this.regex = new RegExp(this.source);
  }

  test(value: string): boolean {
    return this.regex.test(value);
  }
}

const partition = "aws(-[a-z]{1,5}){0,3}";
const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

export const patterns = {
  accountId: new Pattern("^\\d{12}$", "an AWS account id: exactly 12 digits"),
  /** An account id, or `*` for every account (a standing access held everywhere). */
  accountIdOrAny: new Pattern("^(\\d{12}|\\*)$", "an AWS account id (12 digits), or * for every account"),
  region: new Pattern("^[a-z]{2}(-gov|-iso[a-z]{0,2})?-[a-z]+-\\d{1,2}$", "an AWS region such as eu-west-1"),
  namePrefix: new Pattern(
    "^[a-z][a-z0-9-]{0,14}[a-z0-9]$",
    "2 to 16 characters: lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen",
  ),
  environment: new Pattern("^[a-z][a-z0-9]{0,9}$", "1 to 10 lower-case letters or digits, starting with a letter"),
  identityCenterInstanceArn: new Pattern(
    `^arn:${partition}:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$`,
    "an IAM Identity Center instance ARN such as arn:aws:sso:::instance/ssoins-0123456789abcdef",
  ),
  identityStoreId: new Pattern(`^(d-[0-9a-f]{10}|${uuid})$`, "an identity store id such as d-0123456789"),
  identityCenterGroupId: new Pattern(
    `^([0-9a-f]{10}-)?${uuid}$`,
    "an IAM Identity Center group id such as 9067a1b2c3-1234abcd-12ab-34cd-56ef-1234567890ab",
  ),
  identityCenterUserId: new Pattern(
    `^([0-9a-f]{10}-)?${uuid}$`,
    "an IAM Identity Center user id such as 9a67e2b1c3-0123abcd-4567-89ab-cdef-0123456789ab",
  ),
  /** A user or a group id (standing access names either; both have the same form). */
  identityCenterPrincipalId: new Pattern(
    `^([0-9a-f]{10}-)?${uuid}$`,
    "an IAM Identity Center user or group id such as 9067a1b2c3-1234abcd-12ab-34cd-56ef-1234567890ab",
  ),
  permissionSetName: new Pattern(
    "^[a-zA-Z0-9_+=,.@-]{1,32}$",
    "a permission set name: 1 to 32 letters, digits or any of _+=,.@-",
  ),
  /** Requestable sets are also Parameter Store names (name -> ARN), which admit fewer characters. */
  requestablePermissionSetName: new Pattern(
    "^[a-zA-Z0-9_.-]{1,32}$",
    "a permission set name of 1 to 32 letters, digits or any of _.- (it is also a Parameter Store name)",
  ),
  permissionSetArn: new Pattern(
    `^arn:${partition}:sso:::permissionSet/(sso)?ins-[a-zA-Z0-9-.]{16}/ps-[a-zA-Z0-9-./]{16}$`,
    "an IAM Identity Center permission set ARN",
  ),
  /** Identity Center user names we accept: a subset that is safe to interpolate into JSON and CloudWatch queries. */
  userName: new Pattern(
    "^[a-zA-Z0-9._@+~-]{3,128}$",
    "3 to 128 letters, digits or any of ._@+~- (an IAM Identity Center user name)",
  ),
  /** Why access is needed: printable ASCII without `"` or `\`, as it travels inside the request event's JSON. */
  justification: new Pattern("^[ !#-\\[\\]-~]{10,500}$", 'a reason of 10 to 500 printable characters, without " or \\'),
  /** The API constrains execution ids to 36 characters; they are UUIDs in practice. */
  automationExecutionId: new Pattern(
    "^[a-zA-Z0-9-]{36}$",
    "a Systems Manager Automation execution id: 36 letters, digits or hyphens",
  ),
  /**
   * A runbook's AutomationAssumeRole parameter, as the Change Manager console may pass it: empty, or an IAM role ARN.
   * The request runbook declares it only so that the start does not fail; it runs with its own role whatever is given.
   */
  automationAssumeRole: new Pattern(
    `^(arn:${partition}:iam::\\d{12}:role/[a-zA-Z0-9_+=,.@/-]{1,512})?$`,
    "empty, or an IAM role ARN such as arn:aws:iam::111122223333:role/AutomationRole",
  ),
  /** The role EventBridge Scheduler assumes to call a schedule's target. */
  iamRoleArn: new Pattern(
    `^arn:${partition}:iam::\\d{12}:role/[a-zA-Z0-9_+=,.@/-]{1,512}$`,
    "an IAM role ARN such as arn:aws:iam::111122223333:role/SchedulerRole",
  ),
  /** An EventBridge Scheduler schedule or schedule group name (API_CreateSchedule, API_CreateScheduleGroup). */
  schedulerName: new Pattern(
    "^[0-9a-zA-Z_.-]{1,64}$",
    "1 to 64 letters, digits or any of _.- (an EventBridge Scheduler name)",
  ),
  /** An SQS queue ARN (a schedule's dead-letter queue). */
  sqsQueueArn: new Pattern(
    `^arn:${partition}:sqs:[a-z0-9-]{1,32}:\\d{12}:[a-zA-Z0-9_-]{1,80}$`,
    "an SQS queue ARN such as arn:aws:sqs:eu-west-1:111122223333:jit-dead-letters",
  ),
  /** An EventBridge rule's ARN, on the default bus or on a custom one (the bus name before the rule's). */
  eventRuleArn: new Pattern(
    `^arn:${partition}:events:[a-z0-9-]{1,32}:\\d{12}:rule/([a-zA-Z0-9._-]{1,256}/)?[a-zA-Z0-9._-]{1,64}$`,
    "an EventBridge rule ARN such as arn:aws:events:eu-west-1:111122223333:rule/jit-requests/jit-end-request",
  ),
  /** A Lambda function's unqualified ARN (a schedule's templated Lambda target: managing-targets-templated). */
  lambdaFunctionArn: new Pattern(
    `^arn:${partition}:lambda:[a-z0-9-]{1,32}:\\d{12}:function:[a-zA-Z0-9_-]{1,64}$`,
    "a Lambda function ARN such as arn:aws:lambda:eu-west-1:111122223333:function:jit-cloudtrail-summary",
  ),
  /** A Systems Manager document name (API_StartAutomationExecution DocumentName, without an ARN). */
  documentName: new Pattern(
    "^[a-zA-Z0-9_.-]{3,128}$",
    "a Systems Manager document name: 3 to 128 letters, digits or any of _.-",
  ),
  /** A DynamoDB table name (API_CreateTable TableName). */
  dynamoTableName: new Pattern(
    "^[a-zA-Z0-9_.-]{3,255}$",
    "a DynamoDB table name: 3 to 255 letters, digits or any of _.-",
  ),
  email: new Pattern(
    "^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9-]+(\\.[a-zA-Z0-9-]+)*\\.[a-zA-Z]{2,}$",
    "an email address such as security@example.com",
  ),
  httpsUrl: new Pattern("^https://[a-zA-Z0-9.-]+(:\\d{1,5})?(/[a-zA-Z0-9._~%!$&'()*+,;=:@/?#-]*)?$", "an https:// URL"),
  logGroupName: new Pattern(
    "^[a-zA-Z0-9_/.#-]{1,512}$",
    "a CloudWatch Logs group name: 1 to 512 of a-z A-Z 0-9 _ / . # -",
  ),
  /** An organizational unit id, or the organization's root id (which covers every account). */
  organizationalUnitId: new Pattern(
    "^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$",
    "an organizational unit id such as ou-ab12-cdef3456, or the root id such as r-ab12",
  ),
  eligibilityRuleName: new Pattern(
    "^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$",
    "1 to 64 letters, digits, _ or -, starting with a letter or digit",
  ),
  /** How long a rule lets access last: minutes or hours. */
  ruleDuration: new Pattern("^[1-9][0-9]{0,3}[mh]$", "a duration such as 90m or 4h (minutes or hours)"),
  /**
   * A short plain text that may travel inside JSON: a decision's comment (`jit approve --comment`) and the request
   * check's reason, which the grant workflow quotes in its notification. Printable ASCII without `"` or `\`.
   */
  plainComment: new Pattern("^[ !#-\\[\\]-~]{1,200}$", '1 to 200 printable characters without " or \\'),
  parameterPath: new Pattern(
    "^(/[a-zA-Z0-9_.-]+)+/$",
    "a Parameter Store path that starts and ends with a slash, such as /jit/permission-sets/",
  ),
} as const;

export type PatternName = keyof typeof patterns;

/** The alternatives matching the whole numbers from 10^(n-1) to `max`, where n is the number of digits of `max`. */
function sameLengthUpTo(max: string): string[] {
  const alternatives: string[] = [];
  for (let i = 0; i < max.length; i++) {
    const low = i === 0 ? 1 : 0;
    const digit = Number(max[i]);
    if (digit > low) {
      const range = digit - 1 === low ? `${low}` : `[${low}-${digit - 1}]`;
      alternatives.push(`${max.slice(0, i)}${range}${"\\d".repeat(max.length - i - 1)}`);
    }
  }
  return [...alternatives, max];
}

/** A pattern for the whole numbers from 1 to `max`, without leading zeros. */
export function wholeNumberUpTo(max: number, rule: string): Pattern {
  if (!Number.isInteger(max) || max < 1)
    throw new Error(`wholeNumberUpTo needs a whole number of at least 1, not ${max}`);
  const digits = String(max);
  const shorter = Array.from({ length: digits.length - 1 }, (_, i) => `[1-9]${"\\d".repeat(i)}`);
  return new Pattern(`^(${[...shorter, ...sameLengthUpTo(digits)].join("|")})$`, rule);
}
