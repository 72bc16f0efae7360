import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { diagramsOf, REQUEST_SEQUENCE, writeDiagrams } from "../../../tools/diagrams/write";
import { runScenario, SCENARIOS } from "../../../tools/sim/scenarios";
import { exampleDeployment } from "../sim/support/deployment";

describe("the diagrams npm start writes", () => {
  it("draws the approved request's sequence and one flowchart per stack, named after the stack", async () => {
    const deployment = await exampleDeployment();
    const approved = SCENARIOS.find((s) => s.name === "approved");
    assert.ok(approved);
    const diagrams = diagramsOf(await runScenario(approved, deployment), {
      "management-x": deployment.management.stack,
      "requester-x": deployment.requester.stack,
    });
    assert.deepEqual(Object.keys(diagrams), [REQUEST_SEQUENCE, "management-x", "requester-x"]);
    assert.match(diagrams[REQUEST_SEQUENCE], /^sequenceDiagram\n/);
    assert.match(diagrams["management-x"], /^flowchart LR\n/);
    // The other stack's account is named after the stack that deploys there.
    assert.match(diagrams["management-x"], /subgraph a444455556666\["account 444455556666: requester-x"\]/);
  });

  it("writes each diagram to <name>.mmd, replacing whatever the folder held", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "diagrams-"));
    try {
      writeFileSync(path.join(dir, "stale.mmd"), "old");
      writeDiagrams({ one: "sequenceDiagram\n", two: "flowchart LR\n" }, dir);
      assert.deepEqual(readdirSync(dir).sort(), ["one.mmd", "two.mmd"]);
      assert.equal(readFileSync(path.join(dir, "two.mmd"), "utf8"), "flowchart LR\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
