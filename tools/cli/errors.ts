/**
 * What can go wrong, as one line and an exit code: 2 for a usage error (a bad or missing flag, no region), 1 for
 * anything AWS answers or the CLI cannot do (no credentials, access denied, no change template).
 */

export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

/** A flag or argument the user must fix. */
export class UsageError extends Error {}

/** Something the CLI could not do, explained; not a bug. */
export class CliFailure extends Error {}

export interface AwsSettings {
  region?: string;
  profile?: string;
}

export interface Explained {
  message: string;
  exitCode: number;
}

export function explain(err: unknown, aws: AwsSettings): Explained {
  if (err instanceof UsageError) return { message: err.message, exitCode: EXIT_USAGE };
  if (err instanceof CliFailure) return { message: err.message, exitCode: EXIT_FAILURE };
  const { name, message } = err instanceof Error ? err : { name: "Error", message: String(err) };
  const profile = aws.profile ? ` --profile ${aws.profile}` : "";
  // The SDK's credential chain throws CredentialsProviderError (TokenProviderError for an SSO token) when no
  // provider has credentials, and its region resolution a plain Error "Region is missing".
  if (name === "CredentialsProviderError" || name === "TokenProviderError") {
    return {
      message: `no AWS credentials${aws.profile ? ` for profile ${aws.profile}` : ""}: ${oneLine(message)} (sign in with "aws sso login${profile}", or pass --profile)`,
      exitCode: EXIT_FAILURE,
    };
  }
  if (message === "Region is missing") {
    return {
      message: "no AWS region: pass --region (or set AWS_REGION, or a region in your profile)",
      exitCode: EXIT_USAGE,
    };
  }
  if (isServiceError(err)) return { message: `${name}: ${oneLine(message)}`, exitCode: EXIT_FAILURE };
  return { message: `unexpected error: ${oneLine(message)}`, exitCode: EXIT_FAILURE };
}

/** An error an AWS service returned (the SDK attaches the response's metadata). */
function isServiceError(err: unknown): boolean {
  return typeof err === "object" && err !== null && "$metadata" in err;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ").trim();
