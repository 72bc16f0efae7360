import assert from "node:assert/strict";
import { effectiveWindowLine, inWords, sessionMinutes } from "../../shared/accessWindow";

describe("the effective access window's figures", () => {
  it("reads a session duration as Identity Center gives it, in minutes, a part minute counted whole", () => {
    assert.equal(sessionMinutes("PT8H"), 480);
    assert.equal(sessionMinutes("PT1H30M"), 90);
    assert.equal(sessionMinutes("PT12H"), 720);
    assert.equal(sessionMinutes("PT3601S"), 61);
  });

  it("takes Identity Center's default, one hour, for a set that reports none", () => {
    assert.equal(sessionMinutes(undefined), 60);
    assert.equal(sessionMinutes(""), 60);
  });

  it("refuses what is not a time duration", () => {
    for (const text of ["PT", "P1D", "8h", "PT8H "]) {
      assert.throws(() => sessionMinutes(text), /is not an ISO 8601 duration such as PT8H/, text);
    }
  });

  it("says minutes in hours and minutes", () => {
    assert.equal(inWords(60), "1 hour");
    assert.equal(inWords(780), "13 hours");
    assert.equal(inWords(90), "1 hour 30 minutes");
    assert.equal(inWords(45), "45 minutes");
    assert.equal(inWords(1), "1 minute");
  });

  it("tells approvers the requested duration plus the set's session", () => {
    assert.equal(
      effectiveWindowLine("AWSPowerUserAccess", 30, 60),
      "Effective access up to 1 hour 30 minutes: 30 minutes requested + AWSPowerUserAccess's session duration of 1 hour (removing the access ends no session already open; such a session lasts until it expires).",
    );
  });
});
