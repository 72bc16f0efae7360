/**
 * aws:branch choices, evaluated on already interpolated inputs, with the operators the aws:branch reference lists:
 * StringEquals, EqualsIgnoreCase, StartsWith, EndsWith, Contains; NumericEquals, NumericGreater, NumericLesser,
 * NumericGreaterOrEquals, NumericLesserOrEquals; BooleanEquals; combined with And, Or and Not.
 */
import assert from "node:assert/strict";
import { choiceHolds, chooseBranch } from "../../../../tools/sim/automation/branch";

describe("aws:branch choices", () => {
  describe("the reference's examples", () => {
    // aws:branch reference, "a YAML sample that evaluates a parameter" (chooseOS).
    const chooseOS = (os: string) => ({
      Choices: [
        { NextStep: "runWindowsCommand", Variable: os, StringEquals: "windows" },
        { NextStep: "runLinuxCommand", Variable: os, StringEquals: "linux" },
      ],
      Default: "sleep3",
    });

    it("jumps to the step of the choice that holds, or to Default when none does (chooseOS)", () => {
      assert.equal(chooseBranch(chooseOS("windows")), "runWindowsCommand");
      assert.equal(chooseBranch(chooseOS("linux")), "runLinuxCommand");
      assert.equal(chooseBranch(chooseOS("macos")), "sleep3");
    });

    // Automation actions reference, example runbook step branchFromResults (Not with StringEquals).
    const branchFromResults = (noSnapshotFound: string) => ({
      Choices: [
        {
          NextStep: "createNewRootVolumeFromSnapshot",
          Not: { Variable: noSnapshotFound, StringEquals: "NoSnapshotFound" },
        },
      ],
    });

    it("negates a choice with Not (branchFromResults), and answers no step when none holds and there is no Default", () => {
      assert.equal(
        chooseBranch(branchFromResults("{{ getSnapshotsByStartTime.noSnapshotFound }}")),
        "createNewRootVolumeFromSnapshot",
      );
      assert.equal(chooseBranch(branchFromResults("NoSnapshotFound")), undefined);
    });
  });

  describe("string operators", () => {
    it("StringEquals compares exactly, case included", () => {
      assert.equal(choiceHolds({ Variable: "Linux", StringEquals: "Linux" }), true);
      assert.equal(choiceHolds({ Variable: "Linux", StringEquals: "linux" }), false);
      assert.equal(choiceHolds({ Variable: "Linux ", StringEquals: "Linux" }), false);
    });

    it("EqualsIgnoreCase ignores case only", () => {
      assert.equal(choiceHolds({ Variable: "RequestCreated", EqualsIgnoreCase: "requestcreated" }), true);
      assert.equal(choiceHolds({ Variable: "RequestCreated", EqualsIgnoreCase: "request created" }), false);
    });

    it("StartsWith, EndsWith and Contains test the beginning, the end and any part of the text", () => {
      assert.equal(choiceHolds({ Variable: '{"Scheduled": true}', StartsWith: "{" }), true);
      assert.equal(choiceHolds({ Variable: "2026-11-25T09:00:00Z", StartsWith: "{" }), false);
      assert.equal(choiceHolds({ Variable: "idc-jit-dev-request-access", EndsWith: "-access" }), true);
      assert.equal(choiceHolds({ Variable: "idc-jit-dev-request-access", EndsWith: "-request" }), false);
      assert.equal(choiceHolds({ Variable: "idc-jit-dev-request-access", Contains: "-dev-" }), true);
      assert.equal(choiceHolds({ Variable: "idc-jit-dev-request-access", Contains: "-prod-" }), false);
    });

    it("compares a number or a Boolean variable by its text", () => {
      assert.equal(choiceHolds({ Variable: 12, StringEquals: "12" }), true);
      assert.equal(choiceHolds({ Variable: true, StringEquals: "true" }), true);
    });
  });

  describe("numeric operators", () => {
    it("compare numbers, with equality at the boundaries only for the OrEquals forms", () => {
      const holds = (operator: string, value: number, operand: number) =>
        choiceHolds({ Variable: value, [operator]: operand });
      assert.deepEqual(
        [
          holds("NumericEquals", 8, 8),
          holds("NumericEquals", 8, 9),
          holds("NumericGreater", 9, 8),
          holds("NumericGreater", 8, 8),
          holds("NumericLesser", 7, 8),
          holds("NumericLesser", 8, 8),
          holds("NumericGreaterOrEquals", 8, 8),
          holds("NumericGreaterOrEquals", 7, 8),
          holds("NumericLesserOrEquals", 8, 8),
          holds("NumericLesserOrEquals", 9, 8),
        ],
        [true, false, true, false, true, false, true, false, true, false],
      );
    });

    it("compare numeric text as numbers, not as text ('10' is greater than '9')", () => {
      assert.equal(choiceHolds({ Variable: "10", NumericGreater: "9" }), true);
      assert.equal(choiceHolds({ Variable: "4.50", NumericEquals: 4.5 }), true);
    });

    it("never hold for a variable that is not a number", () => {
      for (const operator of ["NumericEquals", "NumericGreater", "NumericLesser", "NumericGreaterOrEquals"]) {
        assert.equal(choiceHolds({ Variable: "{{ Read.Count }}", [operator]: 0 }), false, operator);
      }
      assert.equal(choiceHolds({ Variable: "many", NumericLesserOrEquals: 10 }), false);
    });
  });

  describe("BooleanEquals", () => {
    it("matches a Boolean variable, or its text, against true or false", () => {
      assert.equal(choiceHolds({ Variable: true, BooleanEquals: true }), true);
      assert.equal(choiceHolds({ Variable: false, BooleanEquals: true }), false);
      assert.equal(choiceHolds({ Variable: "false", BooleanEquals: false }), true);
      assert.equal(choiceHolds({ Variable: "yes", BooleanEquals: true }), false);
    });
  });

  describe("And, Or and Not", () => {
    const prod = { Variable: "prod", StringEquals: "prod" };
    const dev = { Variable: "prod", StringEquals: "dev" };

    it("And holds when every choice in it holds", () => {
      assert.equal(choiceHolds({ And: [prod, prod] }), true);
      assert.equal(choiceHolds({ And: [prod, dev] }), false);
    });

    it("Or holds when any choice in it holds", () => {
      assert.equal(choiceHolds({ Or: [dev, prod] }), true);
      assert.equal(choiceHolds({ Or: [dev, dev] }), false);
    });

    it("Not holds when its choice does not", () => {
      assert.equal(choiceHolds({ Not: dev }), true);
      assert.equal(choiceHolds({ Not: prod }), false);
    });

    it("nest to any depth", () => {
      assert.equal(choiceHolds({ Or: [dev, { And: [prod, { Not: dev }] }] }), true);
      assert.equal(choiceHolds({ Not: { Or: [dev, { And: [prod, { Not: dev }] }] } }), false);
    });
  });

  describe("chooseBranch", () => {
    it("takes the first choice that holds, in order, even when later ones hold too", () => {
      const inputs = {
        Choices: [
          { NextStep: "First", Variable: "prod", EndsWith: "od" },
          { NextStep: "Second", Variable: "prod", StringEquals: "prod" },
        ],
        Default: "Other",
      };
      assert.equal(chooseBranch(inputs), "First");
    });

    it("answers Default when no choice holds, and no step without one", () => {
      const choices = [{ NextStep: "Production", Variable: "dev", StringEquals: "prod" }];
      assert.equal(chooseBranch({ Choices: choices, Default: "Other" }), "Other");
      assert.equal(chooseBranch({ Choices: choices }), undefined);
    });
  });

  it("refuses an operator the reference does not list, rather than treating it as false", () => {
    assert.throws(
      () => choiceHolds({ Variable: "a", StringMatches: "a.*" }),
      /does not support the operator StringMatches/,
    );
    assert.throws(
      () => choiceHolds({ Variable: 1, NumericNotEquals: 2 }),
      /does not support the operator NumericNotEquals/,
    );
    assert.throws(() => chooseBranch({ Choices: [{ NextStep: "X", Variable: "a" }] }), /does not support the operator/);
  });
});
