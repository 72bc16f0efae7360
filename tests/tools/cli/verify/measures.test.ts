/** How `jit verify` reads the pace, throttling, a second deletion and a cancelled change request into readings. */
import assert from "node:assert/strict";
import type { AutomationExecution } from "@aws-sdk/client-ssm";
import {
  changeRequestCancel,
  deleteMissingAssignment,
  pace,
  SLOW_ASSIGNMENT_MS,
  SLOW_STEP_GAP_MS,
  throttling,
} from "../../../../tools/cli/verify/measures";

const T0 = Date.parse("2026-11-25T09:00:00Z");

/** A grant workflow whose steps each take `stepMs` with `gapMs` between them. */
function grant(gapMs: number, stepMs: number): AutomationExecution {
  const names = ["Check_Request", "Create_Account_Assignment", "Wait_For_Assignment", "Verify_Assignment"];
  return {
    StepExecutions: names.map((StepName, i) => {
      const start = T0 + i * (stepMs + gapMs);
      return { StepName, ExecutionStartTime: new Date(start), ExecutionEndTime: new Date(start + stepMs) };
    }),
  };
}
const steps = { from: "Create_Account_Assignment", to: "Verify_Assignment" };

describe("jit verify's measures", () => {
  it("pace is quick for second-long steps and gaps, and slow once either reaches its threshold", () => {
    assert.equal(pace({ grant: grant(1000, 1000), assignmentSteps: steps }).reading, "quick");
    assert.equal(pace({ grant: grant(SLOW_STEP_GAP_MS, 1000), assignmentSteps: steps }).reading, "slow");
    assert.equal(pace({ grant: grant(0, SLOW_ASSIGNMENT_MS / 3), assignmentSteps: steps }).reading, "slow");
  });

  it("pace reports how much of Automation's two minutes the cancellation took, and flags an overrun", () => {
    const within = pace({
      grant: grant(0, 1000),
      assignmentSteps: steps,
      cancellation: { stoppedAt: T0, endedAt: T0 + 30_000 },
    });
    assert.match(within.evidence, /the cancellation took 30 s of the 120 s Automation gives it \(slow:/);
    const over = pace({
      grant: grant(0, 1000),
      assignmentSteps: steps,
      cancellation: { stoppedAt: T0, endedAt: T0 + 130_000 },
    });
    assert.match(over.evidence, /took 130 s of the 120 s Automation gives it \(OVER\)/);
  });

  it("throttling is first-call-throttled when CloudTrail recorded throttled calls, none when it did not", () => {
    assert.equal(throttling(["sso:CreateAccountAssignment (1)"]).reading, "first-call-throttled");
    assert.equal(throttling([]).reading, "none");
    assert.equal(throttling(undefined).reading, undefined);
  });

  it("a second deletion: not-found when refused at once, ends-failed or succeeds as the operation ends", () => {
    assert.equal(deleteMissingAssignment({ refused: "ResourceNotFoundException: gone" }).reading, "not-found");
    assert.equal(deleteMissingAssignment({ status: "FAILED" }).reading, "ends-failed");
    assert.equal(deleteMissingAssignment({ status: "SUCCEEDED" }).reading, "succeeds");
    const other = deleteMissingAssignment({ refused: "ConflictException: busy" });
    assert.equal(other.reading, undefined);
    assert.match(other.needs ?? "", /tell the maintainers/);
  });

  it("a cancelled change request: stops-runbook if its runbook was cancelled, leaves-runbook if it still ran", () => {
    assert.equal(changeRequestCancel({ runbookStatus: "Cancelled", waitedMs: 5000 }).reading, "stops-runbook");
    assert.equal(changeRequestCancel({ runbookStatus: "Waiting", waitedMs: 60_000 }).reading, "leaves-runbook");
    assert.equal(changeRequestCancel({ skipped: "not probed" }).reading, undefined);
  });
});
