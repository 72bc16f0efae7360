import assert from "node:assert/strict";
import { checkDocument } from "../../../shared/ssm/check";
import { apiStep, located, rawAutomation } from "./support/documents";

const findings = (mainSteps: unknown[], rule: string) =>
  checkDocument(rawAutomation(mainSteps), "Automation").filter((f) => f.rule === rule);

const lambda = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  action: "aws:invokeLambdaFunction",
  inputs: { FunctionName: "check" },
  ...extra,
});
const sleep = (name: string, duration: string) => ({ name, action: "aws:sleep", inputs: { Duration: duration } });

describe("document checker: endings and documented limits", () => {
  it("reports a step that ends the automation yet names where to go on failure (other than Abort) or next", () => {
    const ambiguous = findings(
      [
        apiStep("Go_On", { onFailure: "Continue", isEnd: true }),
        apiStep("Jump", { onFailure: "step:Last", isEnd: true }),
        apiStep("Next", { nextStep: "Last", isEnd: true }),
        apiStep("Abort", { onFailure: "Abort", isEnd: true }),
        apiStep("Last", { isEnd: true }),
      ],
      "ends-ambiguously",
    );
    assert.deepEqual(
      located(ambiguous).map((f) => f.step),
      ["Go_On", "Jump", "Next"],
    );
    assert.match(ambiguous[0].message, /^isEnd with onFailure Continue: AWS does not say whether a failed step/);
    assert.equal(ambiguous[2].message, "isEnd with nextStep Last: AWS does not say which of the two applies");
  });

  it("reports an aws:sleep longer than 604799 seconds, and none that is within it or not a literal", () => {
    const tooLong = findings(
      [sleep("Week", "P7D"), sleep("Almost", "PT604799S"), sleep("Asked", "PT{{ Duration }}H")],
      "limits",
    );
    assert.deepEqual(located(tooLong), [{ severity: "error", rule: "limits", step: "Week" }]);
    assert.equal(tooLong[0].message, "aws:sleep for 604800 s: Automation supports at most 604799 s");
  });

  it("reports an aws:invokeLambdaFunction whose timeoutSeconds exceeds the 300 seconds the action runs at most", () => {
    const over = findings([lambda("Slow", { timeoutSeconds: 900 }), lambda("Fine", { timeoutSeconds: 300 })], "limits");
    assert.deepEqual(located(over), [{ severity: "error", rule: "limits", step: "Slow" }]);
    assert.equal(
      over[0].message,
      "timeoutSeconds 900: an aws:invokeLambdaFunction step runs at most 300 s whatever it says",
    );
  });
});
