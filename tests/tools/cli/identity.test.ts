/** Who the CLI runs as: the Identity Center user behind a GetCallerIdentity ARN, read as the request check reads it. */
import assert from "node:assert/strict";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { CliFailure } from "../../../tools/cli/errors";
import { callerArn, identityCenterUser } from "../../../tools/cli/identity";
import { mockedSts } from "./support/sts";

const HASH = "0123456789abcdef";

describe("identityCenterUser", () => {
  it("reads the account, permission set and user name of an Identity Center session", () => {
    assert.deepEqual(
      identityCenterUser(`arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_RequestAWSAccountAccess_${HASH}/alice`),
      { account: "444455556666", permissionSet: "RequestAWSAccountAccess", userName: "alice" },
    );
  });

  it("keeps underscores in the permission set's name and any characters of a session name in the user name", () => {
    assert.deepEqual(
      identityCenterUser(
        `arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_Jit_Request_${HASH}/a.b+c=d@example.com`,
      ),
      { account: "444455556666", permissionSet: "Jit_Request", userName: "a.b+c=d@example.com" },
    );
  });

  it("reads sessions in the other partitions", () => {
    for (const partition of ["aws-us-gov", "aws-cn"]) {
      const arn = `arn:${partition}:sts::444455556666:assumed-role/AWSReservedSSO_Request_${HASH}/alice`;
      assert.equal(identityCenterUser(arn)?.userName, "alice", arn);
    }
  });

  it("is undefined for every other principal", () => {
    for (const arn of [
      "arn:aws:sts::444455556666:assumed-role/Admin/alice",
      "arn:aws:iam::444455556666:user/alice",
      "arn:aws:iam::444455556666:root",
      "arn:aws:sts::444455556666:federated-user/alice",
      // The role itself, not a session of it.
      `arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Request_${HASH}`,
      // Not the 16 lower-case hexadecimal digits Identity Center appends.
      "arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_Request_0123456789ABCDEF/alice",
      "arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_Request_0123456789abcde/alice",
      `arn:aws:sts::44445555666:assumed-role/AWSReservedSSO_Request_${HASH}/alice`,
      `arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_Request_${HASH}/`,
      `arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_Request_${HASH}/alice/extra`,
      "",
    ]) {
      assert.equal(identityCenterUser(arn), undefined, arn);
    }
  });
});

describe("callerArn", () => {
  it("asks sts:GetCallerIdentity, without parameters, for the caller's ARN", async () => {
    const { sts, mock } = mockedSts("arn:aws:iam::444455556666:user/alice");
    assert.equal(await callerArn(sts), "arn:aws:iam::444455556666:user/alice");
    assert.deepEqual(
      mock.commandCalls(GetCallerIdentityCommand).map((c) => c.args[0].input),
      [{}],
    );
  });

  it("fails, explained, when STS names no caller", async () => {
    const { sts, mock } = mockedSts();
    mock.on(GetCallerIdentityCommand).resolves({ Account: "444455556666" });
    await assert.rejects(callerArn(sts), (err) => err instanceof CliFailure && /no caller ARN/.test(err.message));
  });
});
