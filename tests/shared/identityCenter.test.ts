/** An Identity Center user's role session, read from its STS ARN as the request check and the CLI read it. */
import assert from "node:assert/strict";
import { identityCenterSession } from "../../shared/identityCenter";

const HASH = "0123456789abcdef";

describe("identityCenterSession", () => {
  it("reads the account, permission set and user name of an Identity Center session", () => {
    assert.deepEqual(
      identityCenterSession(
        `arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_RequestAWSAccountAccess_${HASH}/alice`,
      ),
      {
        account: "444455556666",
        permissionSet: "RequestAWSAccountAccess",
        roleName: `AWSReservedSSO_RequestAWSAccountAccess_${HASH}`,
        userName: "alice",
      },
    );
  });

  it("keeps underscores in the permission set's name and any characters of a session name in the user name", () => {
    assert.deepEqual(
      identityCenterSession(
        `arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_Jit_Request_${HASH}/a.b+c=d@example.com`,
      ),
      {
        account: "444455556666",
        permissionSet: "Jit_Request",
        roleName: `AWSReservedSSO_Jit_Request_${HASH}`,
        userName: "a.b+c=d@example.com",
      },
    );
  });

  it("reads sessions in the other partitions", () => {
    for (const partition of ["aws-us-gov", "aws-cn"]) {
      const arn = `arn:${partition}:sts::444455556666:assumed-role/AWSReservedSSO_Request_${HASH}/alice`;
      assert.equal(identityCenterSession(arn)?.userName, "alice", arn);
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
      assert.equal(identityCenterSession(arn), undefined, arn);
    }
  });
});
