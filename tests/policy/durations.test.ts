import assert from "node:assert/strict";
import { durationTerms, formatSeconds, literalSeconds } from "../../policy/durations";

describe("ISO 8601 durations as permission sets and aws:sleep take them", () => {
  it("reads days, hours, minutes and seconds", () => {
    assert.equal(literalSeconds("PT12H"), 43200);
    assert.equal(literalSeconds("PT15M"), 900);
    assert.equal(literalSeconds("PT3600S"), 3600);
    assert.equal(literalSeconds("P1DT1H30M"), 91800);
    assert.equal(literalSeconds("P1W"), 604800);
    assert.equal(literalSeconds("PT0S"), 0);
  });

  it("rejects what is not a day-time duration: years and months, a bare P or T, repeats, lower case", () => {
    for (const text of ["P1Y", "P1M", "P", "PT", "PT1H1H", "pt1h", "8 hours", "PT1HT1M", ""]) {
      assert.equal(durationTerms(text), undefined, text);
    }
  });

  it("reads a parameter reference as an amount, with or without spaces inside the braces", () => {
    assert.deepEqual(durationTerms("PT{{ Duration }}H"), [{ amount: { parameter: "Duration" }, unitSeconds: 3600 }]);
    assert.deepEqual(durationTerms("PT{{Duration}}M"), [{ amount: { parameter: "Duration" }, unitSeconds: 60 }]);
    assert.equal(literalSeconds("PT{{ Duration }}H"), undefined);
  });

  it("writes seconds back in the largest whole unit", () => {
    assert.equal(formatSeconds(86400), "PT24H");
    assert.equal(formatSeconds(5400), "PT90M");
    assert.equal(formatSeconds(61), "PT61S");
  });
});
