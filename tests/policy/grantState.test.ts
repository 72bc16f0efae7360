import assert from "node:assert/strict";
import { grantStateProtected } from "../../policy/grantState";
import { type Plan, sharedManagementPlan } from "../support/plan";
import { PLANNED_STACKS } from "./plannedStacks";
import { planViolations, validate, variant } from "./validation";

const TABLE = "aws:dynamodb/table:Table";
const GROUP = "aws:scheduler/scheduleGroup:ScheduleGroup";
const policy = grantStateProtected;

describe("policy grant-state-protected", () => {
  for (const { label, plan } of PLANNED_STACKS) {
    it(`accepts the planned ${label} stack`, async () => {
      assert.deepEqual(await planViolations(policy, await plan()), []);
    });
  }

  describe("on the management side", () => {
    let plan: Plan;
    before(async () => {
      plan = await sharedManagementPlan();
    });
    const unprotected = (type: string, name: string) => ({ ...plan.byPhysicalName(type, name), options: {} });

    it("finds the ledger and both schedule groups protected in the plan", () => {
      for (const [type, name] of [
        [TABLE, "idc-jit-dev-grant-ledger"],
        [GROUP, "idc-jit-dev-grants"],
        [GROUP, "idc-jit-dev-request-reminders"],
      ]) {
        assert.equal(plan.byPhysicalName(type, name).options?.protect, true, name);
      }
    });

    it("rejects a ledger without protect, or without DynamoDB's deletion protection", async () => {
      const table = unprotected(TABLE, "idc-jit-dev-grant-ledger");
      assert.deepEqual((await validate(policy, table)).violations, [
        `${table.name} (${TABLE}): is not protected: declare it with protect: true`,
      ]);
      const deletable = variant(plan.byPhysicalName(TABLE, "idc-jit-dev-grant-ledger"), {
        deletionProtectionEnabled: false,
      });
      assert.deepEqual((await validate(policy, deletable)).violations, [
        `${table.name} (${TABLE}): has no deletion protection: set deletionProtectionEnabled: true`,
      ]);
    });

    it("rejects the end schedules' group without protect, since deleting it deletes every end", async () => {
      const group = unprotected(GROUP, "idc-jit-dev-grants");
      const { violations } = await validate(policy, group);
      assert.equal(violations.length, 1);
      assert.match(
        violations[0],
        /is not protected: declare it with protect: true \(deleting it deletes its schedules\)/,
      );
    });

    it("leaves alone tables and groups that are not the solution's", async () => {
      const foreign = variant(unprotected(GROUP, "idc-jit-dev-grants"), { tags: { Team: "data" } });
      assert.deepEqual(await validate(policy, foreign), { violations: [], applicable: true });
    });
  });
});
