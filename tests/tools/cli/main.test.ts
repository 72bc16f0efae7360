/**
 * The installed executable (bin/jit.js → tools/cli/main.ts) with real SDK clients, in a child process whose AWS
 * configuration is empty: what a user without credentials or a region sees.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { awsClients } from "../../../tools/cli/main";

const BIN = path.join(__dirname, "..", "..", "..", "bin", "jit.js");
const EMPTY = path.join(__dirname, "no-such-aws-file");

async function jit(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_CONFIG_FILE: EMPTY,
    AWS_SHARED_CREDENTIALS_FILE: EMPTY,
    // No instance metadata lookups for credentials or the region (a CI runner may be a cloud VM).
    AWS_EC2_METADATA_DISABLED: "true",
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...argv], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("the jit executable", () => {
  it("prints its help and exits 0", async () => {
    const run = await jit("--help");
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Usage: jit \[options\] \[command\]/);
  });

  it("says, in one line, that there are no credentials (exit 1)", async () => {
    const run = await jit("list", "--region", "eu-west-1");
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      'jit: no AWS credentials: Could not load credentials from any providers (sign in with "aws sso login", or pass --profile)\n',
    );
  });

  it("says, in one line, that there is no region and which flag gives one (exit 2)", async () => {
    const run = await jit("status", "0c7f3c5e-8f25-4d9b-9a43-2f7c8e1d5a10");
    assert.equal(run.code, 2);
    assert.equal(run.stderr, "jit: no AWS region: pass --region (or set AWS_REGION, or a region in your profile)\n");
  });
});

describe("the jit executable's AWS clients", () => {
  it("are SSM and STS (for who the caller is), both for the chosen region and profile", async () => {
    // As main() does: the SDK's notice about Node.js versions is not this test's output.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    const { ssm, sts } = awsClients({ region: "eu-central-1", profile: "dev" });
    for (const client of [ssm, sts]) {
      assert.equal(await client.config.region(), "eu-central-1");
      assert.equal((client.config as { profile?: string }).profile, "dev");
    }
  });
});
