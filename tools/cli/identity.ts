/**
 * Who runs the CLI, as sts:GetCallerIdentity names them, and the IAM Identity Center user behind it. The management
 * side's request check takes the requester from the change request's ExecutedBy, which is this same ARN, so the
 * CLI can tell before anything is created whether the request would be taken as raised by the user it names.
 */
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import { CliFailure } from "./errors";

/** The Identity Center user a role session belongs to. */
export interface IdentityCenterUser {
  account: string;
  permissionSet: string;
  userName: string;
}

/**
 * An Identity Center user's role session, as the request check reads it:
 * `arn:<partition>:sts::<account>:assumed-role/AWSReservedSSO_<permission set>_<16 hex>/<user name>`.
 */
const SESSION = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/AWSReservedSSO_(.+)_[0-9a-f]{16}\/([^/]+)$/;

/** The Identity Center user behind a caller ARN, or undefined for any other principal. */
export function identityCenterUser(arn: string): IdentityCenterUser | undefined {
  const m = SESSION.exec(arn);
  return m ? { account: m[1], permissionSet: m[2], userName: m[3] } : undefined;
}

/** The ARN of the principal the CLI's credentials sign for (GetCallerIdentity needs no permission). */
export async function callerArn(sts: Pick<STSClient, "send">): Promise<string> {
  const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
  if (!Arn) throw new CliFailure("STS GetCallerIdentity returned no caller ARN");
  return Arn;
}
