/** Who the CLI runs as: the caller ARN GetCallerIdentity answers. */
import assert from "node:assert/strict";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { CliFailure } from "../../../tools/cli/errors";
import { callerArn } from "../../../tools/cli/identity";
import { mockedSts } from "./support/sts";

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
