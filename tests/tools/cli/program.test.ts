import assert from "node:assert/strict";
import { ListDocumentsCommand } from "@aws-sdk/client-ssm";
import type { CliContext } from "../../../tools/cli/context";
import { runCli } from "../../../tools/cli/program";
import { idleClients, runJit } from "./support/cli";
import { mockedSsm } from "./support/ssm";
import { mockedSts } from "./support/sts";

const COMMANDS = ["request", "list", "approve", "reject", "status", "revoke", "verify"];

describe("the jit command line", () => {
  it("lists every command in --help and exits 0", async () => {
    const run = await runJit(mockedSsm().ssm, ["--help"]);
    assert.equal(run.code, 0);
    for (const command of COMMANDS) assert.match(run.stdout, new RegExp(`^ {2}${command} `, "m"));
  });

  for (const command of COMMANDS) {
    it(`has --help for ${command}, showing the global --region, --profile and --json`, async () => {
      const { ssm, mock } = mockedSsm();
      const run = await runJit(ssm, [command, "--help"]);
      assert.equal(run.code, 0);
      assert.match(run.stdout, new RegExp(`^Usage: jit ${command} `));
      for (const option of ["--region <region>", "--profile <name>", "--json"]) assert.ok(run.stdout.includes(option));
      assert.equal(mock.calls().length, 0, "help calls nothing");
    });
  }

  it("describes jit verify as the first-deployment self-test, with the management account's profile required", async () => {
    const help = await runJit(mockedSsm().ssm, ["verify", "--help"]);
    assert.match(help.stdout, /^The first-deployment self-test\. /m);
    assert.match(help.stdout, /--management-profile <name>/);
    const missing = await runJit(mockedSsm().ssm, ["verify"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /required option '--management-profile <name>' not specified/);
  });

  it("exits 2 for an unknown command or option, naming it", async () => {
    const unknownCommand = await runJit(mockedSsm().ssm, ["grant"]);
    assert.equal(unknownCommand.code, 2);
    assert.match(unknownCommand.stderr, /unknown command 'grant'/);
    const unknownOption = await runJit(mockedSsm().ssm, ["list", "--all"]);
    assert.equal(unknownOption.code, 2);
    assert.match(unknownOption.stderr, /unknown option '--all'/);
  });

  it("passes --region and --profile to the AWS clients, before or after the command", async () => {
    const { ssm, mock } = mockedSsm();
    mock.on(ListDocumentsCommand).resolves({ DocumentIdentifiers: [] });
    const seen: unknown[] = [];
    const context: CliContext = {
      clients: (settings) => {
        seen.push(settings);
        return { ssm, sts: mockedSts().sts, ...idleClients() };
      },
      output: { stdout: () => {}, stderr: () => {} },
      now: () => 0,
      sleep: async () => {},
    };
    await runCli(["--region", "eu-central-1", "list", "--profile", "dev"], context);
    assert.deepEqual(seen, [{ region: "eu-central-1", profile: "dev" }]);
  });

  it("turns the SDK's missing region into one line naming --region (exit 2)", async () => {
    const { ssm, mock } = mockedSsm();
    mock.on(ListDocumentsCommand).rejects(new Error("Region is missing"));
    const run = await runJit(ssm, ["list"]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, "jit: no AWS region: pass --region (or set AWS_REGION, or a region in your profile)\n");
  });
});
