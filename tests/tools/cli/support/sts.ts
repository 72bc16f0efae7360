/** An STS client mocked to answer GetCallerIdentity for a caller, by default Alice's Identity Center session. */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { REGION } from "./ssm";

export const REQUESTER_ACCOUNT = "444455556666";
export const REQUEST_PERMISSION_SET = "RequestAWSAccountAccess";

/** The session ARN of `userName` signed in through the access portal with `permissionSet` on the requester account. */
export function identityCenterArn(userName: string, permissionSet = REQUEST_PERMISSION_SET): string {
  return `arn:aws:sts::${REQUESTER_ACCOUNT}:assumed-role/AWSReservedSSO_${permissionSet}_0123456789abcdef/${userName}`;
}

export const ALICE = identityCenterArn("alice");

export interface MockedSts {
  sts: STSClient;
  mock: AwsClientStub<STSClient>;
}

/** An STS client whose GetCallerIdentity answers that the credentials sign for `arn`. */
export function mockedSts(arn = ALICE): MockedSts {
  const sts = new STSClient({ region: REGION, credentials: { accessKeyId: "TEST", secretAccessKey: "TEST" } });
  const mock = mockClient(sts);
  const sessionName = arn.slice(arn.lastIndexOf("/") + 1);
  mock.on(GetCallerIdentityCommand).resolves({
    UserId: `AROAEXAMPLEREQUEST001:${sessionName}`,
    Account: arn.split(":")[4],
    Arn: arn,
  });
  return { sts, mock };
}
