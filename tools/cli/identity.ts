/**
 * Who runs the CLI, as sts:GetCallerIdentity names them (shared/identityCenter.ts reads the Identity Center user
 * behind it, as the request check reads the change request's ExecutedBy, so the CLI can refuse a request in someone
 * else's name before anything is created).
 */
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import { CliFailure } from "./errors";

/** The ARN of the principal the CLI's credentials sign for (GetCallerIdentity needs no permission). */
export async function callerArn(sts: Pick<STSClient, "send">): Promise<string> {
  return (await callerIdentity(sts)).arn;
}

/** The caller's ARN and its aws:userid (GetCallerIdentity's UserId: for a role session, role id and session name). */
export async function callerIdentity(sts: Pick<STSClient, "send">): Promise<{ arn: string; userId: string }> {
  const { Arn, UserId } = await sts.send(new GetCallerIdentityCommand({}));
  if (!Arn) throw new CliFailure("STS GetCallerIdentity returned no caller ARN");
  if (!UserId) throw new CliFailure("STS GetCallerIdentity returned no caller UserId");
  return { arn: Arn, userId: UserId };
}
