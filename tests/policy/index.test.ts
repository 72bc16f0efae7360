import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { PolicyPackArgs } from "@pulumi/policy";
import { parse } from "yaml";
import { policies } from "../../policy/policies";

const PACK_DIR = path.join(__dirname, "../../policy");

/** The policy server module PolicyPack starts its gRPC server through; replaced here so loading serves nothing. */
const server = require("@pulumi/policy/server") as { serve: (...args: unknown[]) => void };

/** Runs the pack as `pulumi preview --policy-pack policy` does, and resolves with the port it serves on. */
function servedPort(): Promise<string> {
  const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
  const child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: PACK_DIR });
  let stdout = "";
  let stderr = "";
  return new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const port = /^(\d+)\n/.exec(stdout);
      if (port) resolve(port[1]);
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("exit", (code) => reject(new Error(`the pack exited with ${code}: ${stderr || stdout}`)));
  }).finally(() => child.kill());
}

describe("the identity-center-jit policy pack", () => {
  it("declares exactly the project's six policies, with their enforcement levels", () => {
    assert.deepEqual(
      policies.map((p) => [p.name, p.enforcementLevel]),
      [
        ["bounded-session-durations", "mandatory"],
        ["no-wildcard-resources-in-permission-sets", "mandatory"],
        ["required-tags", "mandatory"],
        ["bus-policy-principals", "mandatory"],
        ["resource-policy-principals", "advisory"],
        ["grant-state-protected", "mandatory"],
      ],
    );
    for (const p of policies) assert.ok(p.description.length > 20, p.name);
  });

  it("is a Node.js policy project with the version PolicyPack reads from its own package.json", () => {
    assert.equal(parse(readFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), "utf8")).runtime, "nodejs");
    const pkg = JSON.parse(readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));
    assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(pkg.dependencies, undefined, "the pack resolves its dependencies from the project's");
  });

  it("loads policy/index.ts, which serves those policies as the pack identity-center-jit", () => {
    const served: unknown[][] = [];
    const serve = server.serve;
    server.serve = (...args: unknown[]) => {
      served.push(args);
    };
    try {
      require("../../policy");
    } finally {
      server.serve = serve;
    }
    assert.equal(served.length, 1);
    const [name, , enforcementLevel, args] = served[0] as [string, string, string, PolicyPackArgs];
    assert.equal(name, "identity-center-jit");
    assert.equal(enforcementLevel, "advisory", "the pack's default; every policy sets its own");
    assert.equal(args.policies, policies);
  });

  // About 8 s (the runner type-checks the pack): .ci/run runs it with POLICY_PACK_RUNNER=1, npm test leaves it out.
  const runner = process.env.POLICY_PACK_RUNNER === "1" ? it : it.skip;
  runner(
    "starts under Pulumi's policy pack runner from its own directory, type-checked, and serves on a port",
    async () => {
      assert.match(await servedPort(), /^[1-9]\d*$/);
    },
  );
});
