/**
 * The Automation quotas of an account and Region (Systems Manager User Guide, "Automation quota" and "Automation
 * queue quota"): beyond the running limit an execution waits Pending, oldest first, until a slot frees; beyond the
 * queue StartAutomationExecution is refused with AutomationExecutionLimitExceededException. The limits are a World
 * option (AWS's 100 and 1,000 by default).
 */
import assert from "node:assert/strict";
import { DEFAULT_AUTOMATION_QUOTA } from "../../../../tools/sim/automation/engine";
import { START_TIME } from "../../../../tools/sim/clock";
import { World } from "../../../../tools/sim/world";
import { ACCOUNT, DOCUMENT, REGION, register, runbook, STARTER, step } from "../support/automation";
import { awsError } from "../support/aws";

/** A world whose account runs `concurrent` executions at once and queues `queued`, with a one-minute runbook. */
function busyWorld(concurrent: number, queued: number): World {
  const world = new World({ automationQuota: { concurrent, queued } });
  register(world, runbook([step("Work", "aws:sleep", { Duration: "PT1M" })]));
  return world;
}

const start = (world: World) =>
  world.callAws("ssm", "StartAutomationExecution", { DocumentName: DOCUMENT }, STARTER) as Promise<{
    AutomationExecutionId: string;
  }>;
const minutes = (world: World) =>
  world.executionsOf(DOCUMENT).map((x) => [(x.startTime.getTime() - START_TIME) / 60_000, x.status]);

describe("the Automation concurrency quota", () => {
  it("defaults to AWS's: 100 running and 1,000 queued per account and Region", () => {
    assert.deepEqual(DEFAULT_AUTOMATION_QUOTA, { concurrent: 100, queued: 1_000 });
    assert.deepEqual(new World().automationQuota, DEFAULT_AUTOMATION_QUOTA);
  });

  it("runs executions beyond the limit once a slot frees, oldest first, Pending until then", async () => {
    const world = busyWorld(2, 10);
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await start(world)).AutomationExecutionId);
    const status = (id: string) => world.engine.get(id).status;
    assert.deepEqual(ids.map(status), ["InProgress", "InProgress", "Pending", "Pending"]);
    const described = (await world.callAws(
      "ssm",
      "GetAutomationExecution",
      { AutomationExecutionId: ids[2] },
      STARTER,
    )) as {
      AutomationExecution: { AutomationExecutionStatus: string };
    };
    assert.equal(described.AutomationExecution.AutomationExecutionStatus, "Pending");
    await world.run();
    assert.deepEqual(ids.map(status), ["Success", "Success", "Success", "Success"]);
    // Each one-minute run (plus Automation's scheduling of its step) waited for an earlier one to end.
    const ends = ids.map((id) => world.engine.get(id).endTime!.getTime() - START_TIME);
    assert.ok(ends[2] > ends[0] && ends[3] > ends[1], `queued executions ran after the first two: ${ends}`);
    assert.ok(ends[2] <= ends[3], "the oldest queued execution took the first free slot");
  });

  it("refuses a start beyond the queue with AutomationExecutionLimitExceededException", async () => {
    const world = busyWorld(1, 1);
    await start(world);
    await start(world);
    await assert.rejects(start(world), awsError("AutomationExecutionLimitExceededException"));
    assert.equal(world.executionsOf(DOCUMENT).length, 2, "a refused start makes no execution");
  });

  it("counts each account and Region apart", async () => {
    const world = busyWorld(1, 0);
    await start(world);
    const other = { ...STARTER, account: "444455556666", roleArn: "arn:aws:iam::444455556666:role/Operator" };
    world.documents.add({ ...world.documents.get(ACCOUNT, REGION, DOCUMENT), account: other.account });
    await world.callAws("ssm", "StartAutomationExecution", { DocumentName: DOCUMENT }, other);
    await assert.rejects(start(world), awsError("AutomationExecutionLimitExceededException"));
  });

  it("cancels a queued execution at once, without running a step, and its slot in the queue goes to the next", async () => {
    const world = busyWorld(1, 5);
    await start(world);
    const { AutomationExecutionId: queued } = await start(world);
    const { AutomationExecutionId: next } = await start(world);
    await world.callAws("ssm", "StopAutomationExecution", { AutomationExecutionId: queued }, STARTER);
    assert.equal(world.engine.get(queued).status, "Cancelled");
    assert.deepEqual(world.engine.get(queued).steps, []);
    await world.run();
    assert.equal(world.engine.get(next).status, "Success");
    assert.deepEqual(
      minutes(world).map(([, s]) => s),
      ["Success", "Cancelled", "Success"],
    );
  });
});
