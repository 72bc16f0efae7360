import assert from "node:assert/strict";
import { flowchartProblems, sequenceProblems } from "./mermaidSyntax";

const sequence = (...body: string[]) => ["sequenceDiagram", "  participant A as a", "  actor B", ...body].join("\n");
const flowchart = (...body: string[]) => ["flowchart LR", '  n1["one"]', '  n2(["two"])', ...body].join("\n");

describe("the Mermaid syntax check of the diagram tests", () => {
  describe("sequence diagrams", () => {
    it("accepts declared participants, both arrows, notes, boxes and entity codes", () => {
      const text = [
        "sequenceDiagram",
        "  autonumber",
        "  box rgba(1,2,3,0.1) Account 111122223333",
        "    participant A as first<br/>line",
        "  end",
        "  actor B as b (x)",
        "  A->>B: semicolon #59; and hash #35; are fine as codes",
        "  B-->>A: back: with a colon",
        "  Note over A,B: spans both",
      ].join("\n");
      assert.deepEqual(sequenceProblems(text), []);
    });

    it("rejects a first line other than sequenceDiagram", () => {
      assert.deepEqual(sequenceProblems("graph LR"), ["line 1: does not start with sequenceDiagram"]);
    });

    it("rejects a participant used before it is declared, or declared after the first message", () => {
      assert.deepEqual(sequenceProblems(sequence("  A->>C: hi")), ["line 4: C is used before it is declared"]);
      assert.deepEqual(sequenceProblems(sequence("  A->>B: hi", "  participant C")), [
        "line 5: C is declared after the first message",
      ]);
    });

    it("rejects text that Mermaid would cut at ; or # or read as HTML or a comment", () => {
      assert.match(sequenceProblems(sequence("  A->>B: one; two"))[0], /unescaped ;/);
      assert.match(sequenceProblems(sequence("  A->>B: issue #7"))[0], /unescaped #/);
      assert.match(sequenceProblems(sequence("  Note over A: a <b>tag</b>"))[0], /unescaped </);
      assert.match(sequenceProblems(sequence("  A->>B: 100%% sure"))[0], /%% \(a comment\)/);
    });

    it("rejects names the lexer reads as keywords, in any case, and accepts names that only start with one", () => {
      assert.deepEqual(sequenceProblems(sequence("  participant end")), ["line 4: end is a keyword"]);
      assert.deepEqual(sequenceProblems(sequence("  participant Box")), ["line 4: Box is a keyword"]);
      assert.deepEqual(sequenceProblems(sequence("  participant endpoint", "  participant Andy")), []);
    });

    it("rejects other arrows, unknown statements and a box left open", () => {
      assert.match(sequenceProblems(sequence("  A-xB: lost"))[0], /not a statement/);
      assert.deepEqual(sequenceProblems(sequence("  box Other", "    participant C")), ["a box is not closed"]);
    });
  });

  describe("flowcharts", () => {
    it("accepts nodes, groups, the three edge styles with labels, and classes", () => {
      const text = flowchart(
        '  subgraph g1["group"]',
        '    n3[["three"]]',
        "  end",
        '  n1 -->|"calls"| n2',
        "  n2 -.-> n3",
        '  n3 ==>|"cross-account"| n1',
        "  classDef external stroke-dasharray: 5 5",
        "  class n3 external",
      );
      assert.deepEqual(flowchartProblems(text), []);
    });

    it("rejects an edge to a node never declared, and a node declared twice", () => {
      assert.deepEqual(flowchartProblems(flowchart("  n1 --> n9")), ["line 4: n9 is not a declared node"]);
      assert.deepEqual(flowchartProblems(flowchart('  n1["again"]')), ["line 4: n1 is declared twice"]);
    });

    it("rejects a quote inside a label, an unclosed group, and names Mermaid reads as markers", () => {
      assert.match(flowchartProblems(flowchart('  n3["say "hi""]'))[0], /unescaped "/);
      assert.deepEqual(flowchartProblems(flowchart('  subgraph g1["open"]')), ["a subgraph is not closed"]);
      assert.deepEqual(flowchartProblems(flowchart('  x1["cross"]')), ["line 4: x1 cannot name a node"]);
    });
  });
});
