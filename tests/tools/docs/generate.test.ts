import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { diagramsOf } from "../../../tools/diagrams/write";
import { configReferenceMarkdown } from "../../../tools/docs/configReference";
import { generatedReadme, README } from "../../../tools/docs/generate";
import { embeddedDiagrams, sectionOf } from "../../../tools/docs/markers";
import { runScenario, SCENARIOS } from "../../../tools/sim/scenarios";
import { EXAMPLE_STACKS } from "../../../tools/sim/setup";
import { exampleDeployment } from "../sim/support/deployment";

const TEXT = [
  "intro",
  "<!-- config-reference:start -->",
  "stale table",
  "<!-- config-reference:end -->",
  "<!-- diagram:flow:start -->",
  "<!-- diagram:flow:end -->",
  "<!-- diagram:gone:start -->",
  "kept",
  "<!-- diagram:gone:end -->",
  "outro",
].join("\n");

describe("npm run docs", () => {
  it("rewrites the config reference and each embedded diagram it has, and names the diagrams it lacks", () => {
    const { text, missing } = generatedReadme(TEXT, (name) =>
      name === "flow" ? "flowchart LR\n  a --> b\n" : undefined,
    );
    assert.equal(sectionOf(text, "config-reference"), configReferenceMarkdown());
    assert.equal(sectionOf(text, "diagram:flow"), "```mermaid\nflowchart LR\n  a --> b\n```");
    assert.equal(sectionOf(text, "diagram:gone"), "kept");
    assert.deepEqual(missing, ["gone"]);
    assert.ok(text.startsWith("intro\n") && text.endsWith("\noutro"));
    assert.equal(generatedReadme(text, () => "flowchart LR\n  a --> b\n").text.includes("stale"), false);
  });

  it("leaves a file without markers as it is", () => {
    assert.deepEqual(
      generatedReadme("# just text\n", () => undefined),
      { text: "# just text\n", missing: [] },
    );
  });

  it("finds in README.md the diagrams npm start draws of the example stacks (npm run docs writes them)", async function () {
    const readme = readFileSync(README, "utf8");
    if (embeddedDiagrams(readme).length === 0) {
      console.warn(
        "      skipped: README.md has no <!-- diagram:<name>:start --> / <!-- diagram:<name>:end --> markers yet",
      );
      this.skip();
    }
    const deployment = await exampleDeployment();
    const approved = SCENARIOS.find((s) => s.name === "approved");
    assert.ok(approved);
    const diagrams = diagramsOf(await runScenario(approved, deployment), {
      [EXAMPLE_STACKS.management]: deployment.management.stack,
      [EXAMPLE_STACKS.requester]: deployment.requester.stack,
    });
    const { text, missing } = generatedReadme(readme, (name) => diagrams[name]);
    assert.deepEqual(missing, [], "README.md embeds diagrams npm start does not draw");
    assert.ok(text === readme, "README.md's diagrams are out of date: run npm start, then npm run docs");
  });
});
