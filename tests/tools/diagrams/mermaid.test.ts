import assert from "node:assert/strict";
import { duration, humanize, lines, mermaidText, relativeTime, shortType } from "../../../tools/diagrams/mermaid";

describe("Mermaid text helpers", () => {
  it("writes the characters that end a statement, start a comment or read as HTML as entity codes", () => {
    // The sequence diagram syntax page: "#" can be encoded as #35; and a semicolon needs #59;.
    assert.equal(mermaidText("a;b#c"), "a#59;b#35;c");
    assert.equal(mermaidText('100%% <b> "x"'), "100#37;#37; #lt;b#gt; #quot;x#quot;");
    assert.equal(mermaidText("plain text: with a colon"), "plain text: with a colon");
  });

  it("joins escaped lines with <br/>", () => {
    assert.equal(lines("Event bus", mermaidText("a;b")), "Event bus<br/>a#59;b");
  });

  it("names types briefly and in words", () => {
    assert.equal(shortType("aws:cloudwatch/eventRule:EventRule"), "EventRule");
    assert.equal(shortType("jit:management:GrantWorkflow"), "GrantWorkflow");
    assert.equal(humanize("GrantWorkflow"), "Grant workflow");
    assert.equal(humanize("RequestNotifications"), "Request notifications");
  });

  it("writes virtual time as the simulator prints it, and durations rounded", () => {
    assert.equal(relativeTime(3_922_000), "+01:05:22");
    assert.equal(duration(3_601_000), "1 h");
    assert.equal(duration(5_400_000), "1.5 h");
    assert.equal(duration(900_000), "15 min");
    assert.equal(duration(40_400), "40 s");
  });
});
