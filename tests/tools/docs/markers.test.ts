import assert from "node:assert/strict";
import { embeddedDiagrams, mermaidBlock, replaceSection, sectionOf } from "../../../tools/docs/markers";

const README = [
  "# Title",
  "<!-- table:start -->",
  "old",
  "rows",
  "<!-- table:end -->",
  "after",
  "<!-- diagram:request-sequence:start -->",
  "<!-- diagram:request-sequence:end -->",
  "<!-- diagram:management-dev:start -->",
  "<!-- diagram:management-dev:end -->",
  "",
].join("\n");

describe("generated sections of a Markdown file", () => {
  it("reads a section's content between its markers, and nothing for a section the file lacks", () => {
    assert.equal(sectionOf(README, "table"), "old\nrows");
    assert.equal(sectionOf(README, "diagram:request-sequence"), "");
    assert.equal(sectionOf(README, "config-reference"), undefined);
  });

  it("replaces only the content between the markers, and does it the same way twice", () => {
    const once = replaceSection(README, "table", "new");
    assert.equal(once, README.replace("old\nrows", "new"));
    assert.equal(replaceSection(once, "table", "new"), once);
    assert.equal(sectionOf(once, "table"), "new");
  });

  it("refuses a section without its end marker, a repeated start marker, or no marker at all", () => {
    assert.throws(() => sectionOf("<!-- x:start -->\ntext", "x"), /has no <!-- x:end --> after it/);
    assert.throws(
      () => sectionOf("<!-- x:start -->\n<!-- x:end -->\n<!-- x:start -->\n<!-- x:end -->", "x"),
      /appears more than once/,
    );
    assert.throws(() => replaceSection(README, "missing", "text"), /no <!-- missing:start --> marker/);
  });

  it("lists the embedded diagrams in order, and fences a diagram as a Mermaid block", () => {
    assert.deepEqual(embeddedDiagrams(README), ["request-sequence", "management-dev"]);
    assert.equal(mermaidBlock("flowchart LR\n  a --> b\n"), "```mermaid\nflowchart LR\n  a --> b\n```");
  });
});
