import assert from "node:assert/strict";
import { type AutomationContent, GRANT_SLEEP } from "../../policy/automationSleeps";
import { boundedSessionDurations } from "../../policy/sessionDurations";
import { type Plan, sharedManagementPlan } from "../support/plan";
import { PLANNED_STACKS } from "./plannedStacks";
import { planViolations, validate, variant, withContent } from "./validation";

const PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet";
const DOCUMENT = "aws:ssm/document:Document";
const policy = boundedSessionDurations;

type Step = NonNullable<AutomationContent["mainSteps"]>[number];
const stepNamed = (content: AutomationContent, name: string): Step => {
  const step = content.mainSteps?.find((s) => s.name === name);
  assert.ok(step, `no step ${name}`);
  return step;
};

describe("policy bounded-session-durations", () => {
  for (const { label, plan } of PLANNED_STACKS) {
    it(`accepts the planned ${label} stack`, async () => {
      assert.deepEqual(await planViolations(policy, await plan()), []);
    });
  }

  describe("on permission sets", () => {
    let plan: Plan;
    before(async () => {
      plan = await sharedManagementPlan();
    });
    const requestSet = () => plan.one(PERMISSION_SET, "permission-sets-request");

    it("applies to each of the solution's permission sets: the three people use, and the jit verify canary", async () => {
      const sets = plan.ofType(PERMISSION_SET);
      assert.equal(sets.length, 4);
      for (const set of sets) assert.ok((await validate(policy, set)).applicable, set.name);
    });

    it("rejects a session of PT24H, beyond the 12 hours IAM Identity Center allows", async () => {
      const { violations } = await validate(policy, variant(requestSet(), { sessionDuration: "PT24H" }));
      assert.ok(violations.length >= 1);
      assert.match(violations[0], /^permission-sets-request \(aws:ssoadmin\/permissionSet:PermissionSet\): /);
      assert.match(violations[0], /sessionDuration PT24H is outside PT1H to PT12H/);
    });

    it("rejects a session shorter than the hour IAM Identity Center requires", async () => {
      const { violations } = await validate(policy, variant(requestSet(), { sessionDuration: "PT30M" }));
      assert.ok(violations.some((v) => /PT30M is outside PT1H to PT12H/.test(v)));
    });

    it("rejects a permission set that leaves its session duration to the default", async () => {
      const { violations } = await validate(policy, variant(requestSet(), { sessionDuration: undefined }));
      assert.deepEqual(violations, [
        "permission-sets-request (aws:ssoadmin/permissionSet:PermissionSet): sets no sessionDuration; give every " +
          "permission set an explicit ISO 8601 duration",
      ]);
    });

    it("rejects a sessionDuration that is not an ISO 8601 duration", async () => {
      const { violations } = await validate(policy, variant(requestSet(), { sessionDuration: "8 hours" }));
      assert.ok(violations.some((v) => /sessionDuration 8 hours is not an ISO 8601 duration/.test(v)));
    });

    it("holds the solution's own sets to what jit:permissionSetSessionDuration allows (whole hours)", async () => {
      const { violations } = await validate(policy, variant(requestSet(), { sessionDuration: "PT1H30M" }));
      assert.equal(violations.length, 1);
      assert.match(violations[0], /PT1H30M is not what jit:permissionSetSessionDuration allows: .*PT1H to PT12H/);
    });

    it("accepts PT1H30M on a permission set that is not the solution's", async () => {
      const other = variant(requestSet(), { sessionDuration: "PT1H30M", tags: { Team: "platform" } });
      assert.deepEqual((await validate(policy, other)).violations, []);
    });
  });

  describe("on Automation sleeps", () => {
    let plan: Plan;
    before(async () => {
      plan = await sharedManagementPlan();
    });
    const grantDocument = () => plan.byPhysicalName(DOCUMENT, "idc-jit-dev-grant-access");

    it(`reads the grant workflow's ${GRANT_SLEEP.step} as PT{{ ${GRANT_SLEEP.parameter} }}H, bounded by its pattern`, () => {
      const content = plan.document("idc-jit-dev-grant-access") as AutomationContent;
      assert.equal(stepNamed(content, GRANT_SLEEP.step).inputs?.Duration, "PT{{ Duration }}H");
      assert.equal(content.parameters?.Duration.allowedPattern, "^([1-9]|1[0-1]|12)$(?![\\s\\S])");
    });

    it(`rejects a ${GRANT_SLEEP.step} that sleeps a literal PT48H instead of the requested Duration`, async () => {
      const bad = withContent<AutomationContent>(grantDocument(), (c) => {
        stepNamed(c, GRANT_SLEEP.step).inputs = { Duration: "PT48H" };
      });
      const { violations } = await validate(policy, bad);
      assert.deepEqual(violations, [
        `grant-workflow-document (${DOCUMENT}): aws:sleep step Wait_For_Duration can last PT48H, longer than PT24H`,
        `grant-workflow-document (${DOCUMENT}): aws:sleep step Wait_For_Duration must wait for the requested ` +
          '{{ Duration }}, not "PT48H"',
      ]);
    });

    it("rejects a Duration parameter whose allowedPattern admits any number of digits", async () => {
      const bad = withContent<AutomationContent>(grantDocument(), (c) => {
        if (c.parameters) c.parameters.Duration.allowedPattern = "^\\d+$";
      });
      const { violations } = await validate(policy, bad);
      assert.equal(violations.length, 1);
      assert.match(violations[0], /^grant-workflow-document \(/);
      assert.match(
        violations[0],
        /step Wait_For_Duration is unbounded: parameter Duration's allowedPattern \^\\d\+\$ does not bound it/,
      );
    });

    it("rejects a Duration parameter whose pattern allows more than a day of hours", async () => {
      const bad = withContent<AutomationContent>(grantDocument(), (c) => {
        if (c.parameters) c.parameters.Duration.allowedPattern = "^([1-9]|[1-4][0-9])$";
      });
      const { violations } = await validate(policy, bad);
      assert.deepEqual(violations, [
        `grant-workflow-document (${DOCUMENT}): aws:sleep step Wait_For_Duration can last PT49H, longer than PT24H`,
      ]);
    });

    it("rejects a sleep until a Timestamp, which nothing bounds", async () => {
      const bad = withContent<AutomationContent>(grantDocument(), (c) => {
        stepNamed(c, "Wait_Before_Last_Revoke").inputs = { Timestamp: "2030-01-01T00:00:00Z" };
      });
      const { violations } = await validate(policy, bad);
      assert.ok(violations.some((v) => /step Wait_Before_Last_Revoke waits until a Timestamp/.test(v)));
    });

    it(`rejects a grant workflow document that has no ${GRANT_SLEEP.step} step`, async () => {
      const bad = withContent<AutomationContent>(grantDocument(), (c) => {
        c.mainSteps = c.mainSteps?.filter((s) => s.name !== GRANT_SLEEP.step);
      });
      const { violations } = await validate(policy, bad);
      assert.ok(violations.some((v) => /is the grant workflow but has no aws:sleep step Wait_For_Duration/.test(v)));
    });

    it("checks every planned document, not only the grant workflow", async () => {
      const documents = plan.ofType(DOCUMENT);
      assert.ok(documents.length >= 2);
      for (const d of documents) assert.ok((await validate(policy, d)).applicable, d.name);
    });
  });
});
