import assert from "node:assert/strict";
import { largestWholeNumber } from "../../policy/numericPattern";
import { wholeNumberUpTo } from "../../shared/patterns";

describe("the largest whole number an allowedPattern admits", () => {
  it("reads the project's own duration patterns, for each unit's longest grant", () => {
    for (const max of [1, 9, 12, 24, 90, 1440]) {
      assert.deepEqual(largestWholeNumber(wholeNumberUpTo(max, "test").source), { max }, String(max));
    }
  });

  it("follows classes, escapes, counted repetition, non-capturing groups and lookaheads", () => {
    assert.deepEqual(largestWholeNumber("^\\d{1,2}$"), { max: 99 });
    assert.deepEqual(largestWholeNumber("^(?:[1-3][0-9]?)$"), { max: 39 });
    assert.deepEqual(largestWholeNumber("^(?=1)\\d{2}$"), { max: 19 });
    assert.deepEqual(largestWholeNumber("^(1|2)$|^(30)$"), { max: 30 });
  });

  it("finds no bound when the length is unlimited", () => {
    assert.match((largestWholeNumber("^\\d+$") as { unbounded: string }).unbounded, /any number of digits/);
    assert.match((largestWholeNumber("^[0-9]*$") as { unbounded: string }).unbounded, /any number of digits/);
  });

  it("finds no bound when an alternative is not anchored at both ends, so a search finds a match in a longer value", () => {
    for (const source of ["\\d", "^1|2$", "^\\d{2}", "^1\\$"]) {
      assert.ok("unbounded" in largestWholeNumber(source), source);
    }
  });

  it("finds no bound when the pattern admits anything but digits", () => {
    for (const source of ["^.{1,2}$", "^[^a]$", "^\\w$", "^1\\.5$", "^1[0-9a]$", "^\\D$"]) {
      assert.match((largestWholeNumber(source) as { unbounded: string }).unbounded, /other than digits/, source);
    }
  });

  it("does not try numbers of more than six digits", () => {
    assert.match((largestWholeNumber("^\\d{7}$") as { unbounded: string }).unbounded, /up to 7 digits/);
  });
});
