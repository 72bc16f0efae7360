/**
 * The contracts every in-memory AWS fake of the simulator follows (DESIGN.md §7): who is calling, how an API call
 * fails, and how a fake answers. Fakes are global across accounts and regions and key their state by ARN or by
 * (account, region), so one world holds the management and requester accounts side by side.
 */

/** Who makes a call: an IAM role session in one account and region. */
export interface Caller {
  account: string;
  region: string;
  /** The IAM role the session belongs to, `arn:aws:iam::<account>:role/<name>`. */
  roleArn: string;
  /** The session name: an Identity Center user's user name, or the service that assumed the role. */
  sessionName: string;
}

/** The session's STS ARN, as CloudTrail and `aws:PrincipalArn`-style conditions on sessions see it. */
export function sessionArn(caller: Caller): string {
  const [, partition, , , account, resource] = caller.roleArn.split(":");
  const role = resource.slice(resource.lastIndexOf("/") + 1);
  return `arn:${partition}:sts::${account}:assumed-role/${role}/${caller.sessionName}`;
}

/** An error as an AWS API returns it: the error code (`ThrottlingException`) is what callers branch on. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Whether a client may retry it as it is (throttling, internal errors). */
    readonly retryable = false,
    /** Members of the error's answer besides its message, as the API models them (ConditionalCheckFailed's Item). */
    readonly fields: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${code}: ${message}`);
    this.name = code;
  }
}

export const errors = {
  throttling: () => new AwsError("ThrottlingException", "Rate exceeded", true),
  accessDenied: (what: string) => new AwsError("AccessDeniedException", what),
  notFound: (code: string, what: string) => new AwsError(code, what),
  validation: (field: string, rule: string) => new AwsError("ValidationException", `${field}: ${rule}`),
} as const;

export type ApiInput = Record<string, unknown>;

/** One AWS service's fake. `service` is the name Automation's `aws:executeAwsApi` uses (`sso-admin`, `sns`). */
export interface ServiceFake {
  readonly service: string;
  /** Answers `api` (PascalCase, as in the API reference) with a PascalCase response, or throws an AwsError. */
  call(api: string, input: ApiInput, caller: Caller): Promise<unknown>;
}

/** Reads a required string input or fails the call the way the API's validation would. */
export function requireString(input: ApiInput, field: string, pattern?: RegExp): string {
  const value = input[field];
  if (typeof value !== "string") throw errors.validation(field, "is required and must be a string");
  if (pattern && !pattern.test(value)) throw errors.validation(field, `must match ${pattern.source}`);
  return value;
}

/** Fails a call to an API the fake does not implement: never answer it silently. */
export function unsupported(service: string, api: string): never {
  throw new Error(`the simulator's ${service} fake does not implement ${api}`);
}
