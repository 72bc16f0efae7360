import assert from "node:assert/strict";
import type { AutomationContent } from "../../policy/automationSleeps";
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

    /** The grant workflow with a sleep of `duration` held open for the grant, as the previous version had it. */
    const sleeping = (duration: string, pattern?: string) =>
      withContent<AutomationContent>(grantDocument(), (c) => {
        c.mainSteps?.splice(1, 0, { name: "Wait_For_Duration", action: "aws:sleep", inputs: { Duration: duration } });
        if (pattern && c.parameters) c.parameters.Duration.allowedPattern = pattern;
      });
    /** The planned document's sleeps, as [step, Duration]. */
    const sleepsIn = (name: string) =>
      ((plan.document(name) as AutomationContent).mainSteps ?? [])
        .filter((s) => s.action === "aws:sleep")
        .map((s) => [s.name, s.inputs?.Duration]);
    const SLEEPS = `grant-workflow-document (${DOCUMENT}): is the grant workflow but sleeps in Wait_For_Duration: a grant's end is held by its schedule, never slept through`;

    it("finds no sleep in the grant workflow but its PT0S end: a grant's end is scheduled", () => {
      assert.deepEqual(sleepsIn("idc-jit-dev-grant-access"), [["End", "PT0S"]]);
    });

    it("rejects a grant workflow that sleeps, even for the requested Duration its pattern bounds", async () => {
      const { violations } = await validate(policy, sleeping("PT{{ Duration }}H"));
      assert.deepEqual(violations, [SLEEPS]);
    });

    it("rejects a sleep of a literal PT48H, longer than a day", async () => {
      const { violations } = await validate(policy, sleeping("PT48H"));
      assert.deepEqual(violations, [
        `grant-workflow-document (${DOCUMENT}): aws:sleep step Wait_For_Duration can last PT48H, longer than PT24H`,
        SLEEPS,
      ]);
    });

    it("rejects a sleep built from a parameter whose allowedPattern admits any number of digits", async () => {
      const { violations } = await validate(policy, sleeping("PT{{ Duration }}H", "^\\d+$"));
      assert.match(violations[0], /^grant-workflow-document \(/);
      assert.match(
        violations[0],
        /step Wait_For_Duration is unbounded: parameter Duration's allowedPattern \^\\d\+\$ does not bound it/,
      );
    });

    it("rejects a sleep built from a parameter whose pattern allows more than a day of hours", async () => {
      const { violations } = await validate(policy, sleeping("PT{{ Duration }}H", "^([1-9]|[1-4][0-9])$"));
      assert.deepEqual(violations, [
        `grant-workflow-document (${DOCUMENT}): aws:sleep step Wait_For_Duration can last PT49H, longer than PT24H`,
        SLEEPS,
      ]);
    });

    it("rejects a sleep until a Timestamp, which nothing bounds", async () => {
      const bad = withContent<AutomationContent>(grantDocument(), (c) => {
        c.mainSteps?.splice(1, 0, { name: "Wait_For_Duration", action: "aws:sleep", inputs: {} });
        stepNamed(c, "Wait_For_Duration").inputs = { Timestamp: "2030-01-01T00:00:00Z" };
      });
      const { violations } = await validate(policy, bad);
      assert.ok(violations.some((v) => /step Wait_For_Duration waits until a Timestamp/.test(v)));
    });

    describe("in the end-of-grant workflow", () => {
      const endDocument = () => plan.byPhysicalName(DOCUMENT, "idc-jit-dev-end-access");

      it("finds no sleep but its PT0S end, with the CloudTrail summary waiting an hour (the example config)", () => {
        assert.deepEqual(sleepsIn("idc-jit-dev-end-access"), [["End", "PT0S"]]);
      });

      it("rejects a wait for the sessions to expire, however short: it would hold an Automation execution", async () => {
        const bad = withContent<AutomationContent>(endDocument(), (c) => {
          const at = (c.mainSteps ?? []).findIndex((s) => s.name === "Notify_Access_Revoked") + 1;
          c.mainSteps?.splice(at, 0, {
            name: "Wait_For_Session_Expiry",
            action: "aws:sleep",
            inputs: { Duration: "PT60S" },
          });
        });
        const { violations } = await validate(policy, bad);
        assert.equal(violations.length, 1);
        assert.match(
          violations[0],
          /^end-of-grant-document \(aws:ssm\/document:Document\): is the end-of-grant workflow but sleeps in Wait_For_Session_Expiry: a CloudTrail summary that waits is scheduled/,
        );
      });
    });

    it("checks every planned document, not only the grant workflow", async () => {
      const documents = plan.ofType(DOCUMENT);
      assert.ok(documents.length >= 2);
      for (const d of documents) assert.ok((await validate(policy, d)).applicable, d.name);
    });
  });
});
