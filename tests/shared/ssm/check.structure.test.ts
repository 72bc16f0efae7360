import assert from "node:assert/strict";
import { checkDocument } from "../../../shared/ssm/check";
import { apiStep, located, rawAutomation } from "./support/documents";

const findings = (mainSteps: unknown[], rule: string) =>
  checkDocument(rawAutomation(mainSteps), "Automation").filter((f) => f.rule === rule);

const branch = (name: string, inputs: Record<string, unknown>) => ({ name, action: "aws:branch", inputs });
const choice = (next: string) => ({ NextStep: next, Variable: "{{ AccountId }}", StringEquals: "111111111111" });

describe("document checker: structure", () => {
  it("reports step names used more than once", () => {
    const duplicated = findings([apiStep("Call"), apiStep("Other"), apiStep("Call")], "unique-step-names");
    assert.deepEqual(located(duplicated), [{ severity: "error", rule: "unique-step-names", step: "Call" }]);
    assert.equal(duplicated[0].message, "2 steps are named Call; step names must be unique");
  });

  it("reports every edge that names a step the document does not have", () => {
    const missing = findings(
      [
        apiStep("Call", { nextStep: "Nowhere", onFailure: "step:Gone", onCancel: "step:Call" }),
        branch("Choose", { Choices: [choice("Missing")], Default: "Absent" }),
      ],
      "edge-target",
    );
    assert.deepEqual(
      missing.map((f) => `${f.step}: ${f.message}`),
      [
        'Call: nextStep names "Nowhere", which is not a step of this document',
        'Call: onFailure names "Gone", which is not a step of this document',
        'Choose: inputs.Choices[0].NextStep names "Missing", which is not a step of this document',
        'Choose: inputs.Default names "Absent", which is not a step of this document',
      ],
    );
  });

  it("reports steps no path from the first step reaches, following every kind of edge", () => {
    const unreachable = findings(
      [
        apiStep("Start", { onFailure: "step:OnFailure", onCancel: "step:OnCancel", isEnd: true }),
        apiStep("Orphan", { nextStep: "Start" }),
        apiStep("OnFailure", { isEnd: true }),
        apiStep("OnCancel"),
      ],
      "reachable",
    );
    assert.deepEqual(located(unreachable), [{ severity: "error", rule: "reachable", step: "Orphan" }]);
    assert.equal(unreachable[0].message, "no path from the first step (Start) reaches this step");
  });

  it("warns about an aws:branch without Default, naming where it falls through", () => {
    const noDefault = findings(
      [branch("Choose", { Choices: [choice("End")] }), apiStep("Next"), apiStep("End")],
      "branch-default",
    );
    assert.deepEqual(located(noDefault), [{ severity: "warning", rule: "branch-default", step: "Choose" }]);
    assert.equal(noDefault[0].message, "aws:branch has no Default: when no choice matches, Next runs");
  });

  it("reports an onCancel that goes to a step Automation will not run on cancellation, such as a sleep", () => {
    const cancel = findings(
      [
        apiStep("Grant", { onCancel: "step:Pause" }),
        { name: "Pause", action: "aws:sleep", inputs: { Duration: "PT1M" }, isEnd: true },
      ],
      "cancel-target",
    );
    assert.deepEqual(located(cancel), [{ severity: "error", rule: "cancel-target", step: "Grant" }]);
    assert.match(cancel[0].message, /goes to Pause, an aws:sleep step/);
  });
});
