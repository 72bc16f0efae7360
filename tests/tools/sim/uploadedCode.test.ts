/**
 * The simulator runs the code Lambda would run, never the functions' source: nothing under tools/sim imports
 * functions/, and a scenario played in a process of its own calls none of functions/' exports although planning
 * loaded them (the Pulumi program imports them to build each function's closure).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ROOT } from "../../../tools/evaluate";

const SOURCE = path.join(ROOT, "functions");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
  );
}

/** Plays the approved request in a fresh process, counting every call into an export of a module under functions/. */
const PLAY = `
const path = require("node:path");
const { planDeployment } = require(path.join(process.cwd(), "tools/sim/planned"));
const { runScenario, SCENARIOS } = require(path.join(process.cwd(), "tools/sim/scenarios"));
(async () => {
  const deployment = await planDeployment();
  const source = path.join(process.cwd(), "functions") + path.sep;
  const loaded = Object.keys(require.cache).filter((f) => f.startsWith(source));
  const calls = [];
  for (const file of loaded) {
    const exports = require.cache[file].exports;
    for (const [key, value] of Object.entries(exports)) {
      const d = Object.getOwnPropertyDescriptor(exports, key);
      if (typeof value !== "function" || !d.writable) continue;
      exports[key] = function (...args) {
        calls.push(path.relative(process.cwd(), file) + ":" + key);
        return value.apply(this, args);
      };
    }
  }
  const run = await runScenario(SCENARIOS.find((s) => s.name === "approved"), deployment);
  const invoked = run.sim.world.lambda.invocations.map((i) => [i.functionArn.split(":").pop(), i.error ? "error" : "answered"]);
  process.stdout.write(JSON.stringify({ loaded: loaded.length, calls, invoked, granted: run.outcome.granted }));
})().catch((err) => { console.error(err); process.exit(1); });
`;

describe("the simulator runs the uploaded code, never the functions' source", () => {
  it("nothing under tools/sim imports a module under functions/", () => {
    for (const file of sourceFiles(path.join(ROOT, "tools", "sim"))) {
      const imports = [...readFileSync(file, "utf8").matchAll(/(?:from|require\()\s*"(\.[^"]+)"/g)].map((m) => m[1]);
      for (const spec of imports) {
        const target = path.resolve(path.dirname(file), spec);
        assert.ok(
          target !== SOURCE && !target.startsWith(SOURCE + path.sep),
          `${path.relative(ROOT, file)} imports ${spec}`,
        );
      }
    }
  });

  it("a scenario calls no export of functions/, and every function it invokes answers from its uploaded code", function () {
    this.timeout(300_000);
    // A script file, not `node -e`: there `exports` is a global, and the closure serializer then leaves the
    // functions' own `exports` out of their closures.
    const dir = mkdtempSync(path.join(tmpdir(), "jit-play-"));
    const script = path.join(dir, "play.js");
    writeFileSync(script, PLAY);
    let out: string;
    try {
      out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", script], {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const played = JSON.parse(out) as { loaded: number; calls: string[]; invoked: string[][]; granted: boolean };
    assert.ok(played.loaded > 0, "planning loaded functions/ (so the count below means something)");
    assert.deepEqual(played.calls, []);
    assert.deepEqual([...new Set(played.invoked.map(([name, how]) => `${name} ${how}`))].sort(), [
      "idc-jit-dev-cloudtrail-summary answered",
      "idc-jit-dev-end-access answered",
      "idc-jit-dev-permission-set-sync answered",
      "idc-jit-dev-reconciler answered",
      "idc-jit-dev-request-check answered",
      "idc-jit-dev-request-notifier answered",
    ]);
    assert.equal(played.granted, true);
  });
});
