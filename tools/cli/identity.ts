/**
 * Who runs the CLI, as sts:GetCallerIdentity names them (shared/identityCenter.ts reads the Identity Center user
 * behind it, as the request check reads the change request's ExecutedBy, so the CLI can refuse a request in someone
 * else's name before anything is created).
 */
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import { CliFailure } from "./errors";

/** The ARN of the principal the CLI's credentials sign for (GetCallerIdentity needs no permission). */
export async function callerArn(sts: Pick<STSClient, "send">): Promise<string> {
  const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
  if (!Arn) throw new CliFailure("STS GetCallerIdentity returned no caller ARN");
  return Arn;
}
