import * as assert from "node:assert/strict";
import type { DocumentContent, StepDefinition } from "../../../tools/sim/automation/document";
import type { Fault } from "../../../tools/sim/faults";
import { outcomeOf } from "../../../tools/sim/outcome";
import { runScenario, SCENARIOS } from "../../../tools/sim/scenarios";
import type { SimulatedDeployment } from "../../../tools/sim/setup";
import { exampleDeployment, withDocument } from "./support/deployment";

const GRANT = "idc-jit-dev-grant-access";
const approved = SCENARIOS.find((s) => s.name === "approved")!;

function step(content: DocumentContent, name: string): StepDefinition {
  const found = content.mainSteps.find((s) => s.name === name);
  if (!found) throw new Error(`no step ${name}`);
  return found;
}

/** The approved request against a deliberately broken grant workflow, with `faults`. */
async function brokenRun(edit: (content: DocumentContent) => void, faults: Fault[]) {
  return runScenario(approved, await withDocument(GRANT, edit), faults);
}

describe("the lifecycle invariants catch a broken grant workflow", () => {
  it("a cancel while granting with no hand-over is reported to nobody: caught", async () => {
    const run = await brokenRun(
      (c) => {
        delete step(c, "Check_And_Grant").onCancel;
      },
      [{ document: GRANT, step: "Check_And_Grant", kind: "cancel" }],
    );
    assert.equal(run.outcome.grant?.status, "Cancelled");
    assert.ok(
      run.outcome.violations.some((v) =>
        v.includes("ended Cancelled (Check_And_Grant Cancelled) and no Error notification"),
      ),
      run.outcome.violations.join("; "),
    );
  });

  it("a failure path that never notifies leaves nobody told how the request ended: caught", async () => {
    const run = await brokenRun(
      (c) => {
        step(c, "Hand_Over_Grant").nextStep = "End";
      },
      // Identity Center refuses the assignment on every attempt of the step, after the check has recorded the grant.
      [1, 2, 3].map((nth) => ({
        function: "idc-jit-dev-request-check",
        service: "sso-admin",
        api: "CreateAccountAssignment",
        nth,
        kind: "call-error" as const,
      })),
    );
    // The runbook ended once it sent the request: only the grant workflow's notification can tell the requester.
    assert.equal(run.outcome.runbook, "Success");
    assert.ok(
      run.outcome.violations.some((v) => /Check_And_Grant Failed.*no Error notification was sent/.test(v)),
      run.outcome.violations.join("; "),
    );
  });

  it("a request EventBridge cannot deliver is reported from its dead-letter queue; without that report, caught", async () => {
    // A grant document that demands a parameter the request rule does not pass: every start is refused.
    const deployment = await withDocument(GRANT, (c) => {
      c.parameters = { ...c.parameters, Unsupplied: { type: "String" } };
    });
    const run = await runScenario(approved, deployment);
    assert.equal(run.outcome.runbook, "Success");
    assert.equal(run.outcome.grant, undefined);
    assert.deepEqual(run.outcome.violations, []);
    const notice = run.sim.world.sns.published.find((p) => /request NOT delivered/.test(p.subject ?? ""));
    assert.equal(notice?.subject, "JIT access request NOT delivered: AWSAdministratorAccess on 777788889999");
    assert.match(notice?.message ?? "", /Unsupplied/);

    // The same world, had the report not gone out: caught.
    const published = run.sim.world.sns.published as unknown[];
    published.splice(published.indexOf(notice), 1);
    assert.ok(
      outcomeOf(run.sim, run.changeRequestId).violations.some((v) =>
        v.startsWith("the request was sent and no grant workflow ran"),
      ),
    );
  });

  it("a dead letter whose report fails once is reported by the reconciler's next run", async () => {
    const deployment = await withDocument(GRANT, (c) => {
      c.parameters = { ...c.parameters, Unsupplied: { type: "String" } };
    });
    const run = await runScenario(approved, deployment, [
      { function: "idc-jit-dev-reconciler", service: "sns", api: "Publish", nth: 1, kind: "call-error" },
    ]);
    assert.deepEqual(run.outcome.violations, []);
    assert.equal(
      run.sim.world.sns.published.filter((p) => /request NOT delivered/.test(p.subject ?? "")).length,
      1,
      "reported once, by the next run",
    );
  });

  it("an 'access granted' message before the assignment exists is reported", async () => {
    const run = await brokenRun((c) => {
      // The granted notification sent first, before the check and grant has run.
      const early = { ...step(c, "Notify_Access_Granted"), name: "Granted_Too_Early", nextStep: "Check_And_Grant" };
      delete early.isEnd;
      c.mainSteps.unshift(early);
    }, []);
    assert.ok(run.outcome.violations.some((v) => v.startsWith('"access granted" was published')));
  });

  it("a workflow that reports every answer as a grant tells a refused requester 'granted': caught", async () => {
    // Self-approval passes the screen of a new request; the check refuses it.
    const selfApproval = SCENARIOS.find((s) => s.name === "self-approval")!;
    const run = await runScenario(
      selfApproval,
      await withDocument(GRANT, (c) => {
        const branch = step(c, "Is_Access_Granted").inputs as { Choices: { NextStep: string }[]; Default: string };
        for (const choice of branch.Choices) choice.NextStep = "Notify_Access_Granted";
        branch.Default = "Notify_Access_Granted";
      }),
    );
    // The check refused and assigned nothing; only the workflow's report is wrong.
    assert.equal(run.outcome.granted, false);
    assert.deepEqual(
      run.sim.world.ssoAdmin.history.map((h) => h.change),
      [],
      "nothing was assigned or removed",
    );
    assert.ok(
      run.outcome.violations.some((v) => v.startsWith('"access granted" was published')),
      run.outcome.violations.join("; "),
    );
  });

  describe("a request notifier that cannot read the requester account (the reader role does not trust it)", () => {
    /** The example deployment with the notifier left out of the reader role's trust, and, if asked, without its queue. */
    async function untrusted(withQueue: boolean): Promise<SimulatedDeployment> {
      const base = await exampleDeployment();
      const requester = base.requester.stack.resources.map((r) => {
        if (r.type !== "aws:iam/role:Role" || r.inputs.name !== "idc-jit-dev-request-reader") return r;
        const trust = JSON.parse(String(r.inputs.assumeRolePolicy));
        for (const st of trust.Statement) {
          st.Principal.AWS = [st.Principal.AWS]
            .flat()
            .filter((a: string) => !a.endsWith("/idc-jit-dev-request-notifier"));
        }
        return { ...r, inputs: { ...r.inputs, assumeRolePolicy: JSON.stringify(trust) } };
      });
      const management = base.management.stack.resources.map((r) => {
        if (withQueue || r.type !== "aws:lambda/function:Function" || r.inputs.name !== "idc-jit-dev-request-notifier")
          return r;
        const { deadLetterConfig: _, ...inputs } = r.inputs;
        return { ...r, inputs };
      });
      return {
        ...base,
        requester: { ...base.requester, stack: { ...base.requester.stack, resources: requester } },
        management: { ...base.management, stack: { ...base.management.stack, resources: management } },
      };
    }

    it("loses the notifications without its dead-letter queue, and that is caught", async () => {
      const run = await runScenario(approved, await untrusted(false));
      assert.ok(
        run.outcome.violations.some((v) => /request-notifier failed on an event for good \(AccessDenied/.test(v)),
        run.outcome.violations.join("; "),
      );
    });

    it("with its queue, the reconciler reports each one instead, and nothing is lost", async () => {
      const run = await runScenario(approved, await untrusted(true));
      assert.deepEqual(run.outcome.violations, []);
      const lost = run.sim.world.sns.published.filter((n) => n.subject === "JIT request notification NOT sent");
      assert.equal(lost.length, 2, "the request and its approval");
      const [raised, approval] = lost.map((n) => n.message);
      assert.match(raised, /\(StartChangeRequestExecution of execution [0-9a-f-]{36}, at \d{4}-/);
      assert.match(raised, /the function failed on every attempt: .*is not authorized to perform: sts:AssumeRole/);
      assert.match(raised, /neither screened nor announced: approvers may not know it waits for them/);
      assert.match(approval, /\(SendAutomationSignal of execution [0-9a-f-]{36}, at /);
      assert.ok(!run.outcome.notifications.some((n) => n.eventType === "RequestCreated"));
    });
  });

  it("a failed grant that is reported to nobody is caught", async () => {
    const run = await brokenRun(
      (c) => {
        step(c, "Check_And_Grant").onFailure = "Abort";
      },
      [{ document: GRANT, step: "Check_And_Grant", kind: "error" }],
    );
    assert.equal(run.outcome.grant?.status, "Failed");
    assert.ok(run.outcome.violations.some((v) => v.includes("no Error notification was sent")));
  });

  it("an action the simulator cannot run is reported as its own error, never as a result of the document", async () => {
    const run = await brokenRun((c) => {
      step(c, "Notify_Access_Granted").action = "aws:executeScript";
    }, []);
    assert.ok(
      run.outcome.violations.some((v) => v.includes("the simulator does not support the action aws:executeScript")),
      run.outcome.violations.join("\n"),
    );
  });
});
