/**
 * What the requester account records, under each reading AWS leaves open (tools/sim/variants.ts): the approval
 * decisions' shape, who a decision names, the runbook's link to its change request, the parameters the console
 * passes, CloudTrail's record of a new change request, and what cancelling a change request does to its runbook. Each
 * variant is played on the example stacks; the request check either keeps its answer or fails closed, naming why.
 */
import * as assert from "node:assert/strict";
import { names } from "../../../shared/naming";
import { cloudTrailRecord } from "../../../tools/sim/cloudTrail";
import { runScenario, SCENARIOS, type ScenarioRun } from "../../../tools/sim/scenarios";
import { type Variant, variantNamed } from "../../../tools/sim/variants";
import { exampleDeployment } from "./support/deployment";

async function play(scenario: string, variant: string): Promise<ScenarioRun> {
  const found = SCENARIOS.find((s) => s.name === scenario);
  if (!found) throw new Error(`no scenario ${scenario}`);
  return runScenario(found, await exampleDeployment(), [], variantNamed(variant));
}

/** Why the request check turned the request away, as it wrote it for the grant workflow. */
function checkReasons(run: ScenarioRun): string[] {
  const path = names(run.sim.deployment.management.config).management.checkReasonPath;
  return run.sim.world.calls
    .filter((c) => c.api === "PutParameter" && !c.error && String(c.input.Name).startsWith(path))
    .map((c) => String(c.input.Value));
}

const eventTypes = (run: ScenarioRun) => run.outcome.notifications.map((n) => n.eventType);

/** The change request's approval step as GetAutomationExecution shows it. */
async function approvalOutputs(run: ScenarioRun): Promise<Record<string, string[]>> {
  const requester = run.sim.org.requesterAccount;
  const approver = run.sim.people.session(run.sim.org.approvers[0], run.sim.org.solutionPermissionSets.approve);
  const { AutomationExecution } = (await run.sim.world.callAws(
    "ssm",
    "GetAutomationExecution",
    { AutomationExecutionId: run.changeRequestId },
    { ...approver, account: requester },
  )) as { AutomationExecution: { StepExecutions: { Action: string; Outputs: Record<string, string[]> }[] } };
  return AutomationExecution.StepExecutions.find((s) => s.Action === "aws:approve")?.Outputs ?? {};
}

/** Granted and revoked as under the baseline, with no invariant broken. */
function grantedAsUsual(run: ScenarioRun) {
  assert.deepEqual(run.outcome.violations, []);
  assert.equal(run.outcome.granted, true);
  assert.equal(run.outcome.assignmentsLeft, 0);
  assert.deepEqual(checkReasons(run), []);
}

/** Turned away by the check, for `reason`, with an Error notification, and nothing granted. */
function failedClosed(run: ScenarioRun, reason: RegExp) {
  assert.deepEqual(run.outcome.violations, []);
  assert.equal(run.outcome.granted, false);
  assert.deepEqual(run.sim.world.ssoAdmin.history, []);
  assert.equal(checkReasons(run).length, 1);
  assert.match(checkReasons(run)[0], reason);
  assert.ok(eventTypes(run).includes("Error"), eventTypes(run).join(", "));
}

describe("the requester account's records under each AWS behaviour variant", () => {
  describe("decisions-list-of-maps: ApproverDecisions as a list of maps, Decision Approve", () => {
    it("records one JSON map per decision, with the API's field names", async () => {
      const run = await play("approved", "decisions-list-of-maps");
      const decisions = (await approvalOutputs(run)).ApproverDecisions.map((d) => JSON.parse(d));
      assert.equal(decisions.length, 1);
      assert.deepEqual(Object.keys(decisions[0]).sort(), ["ApprovalDecisionTime", "Approver", "Comment", "Decision"]);
      assert.equal(decisions[0].Decision, "Approve");
    });

    it("counts the approval: the request is granted as under the baseline", async () => {
      grantedAsUsual(await play("approved", "decisions-list-of-maps"));
    });

    it("still does not count a requester's own approval", async () => {
      failedClosed(await play("self-approval", "decisions-list-of-maps"), /carol's own approval does not count$/);
    });
  });

  describe("approver-role-arn: a decision names the approve set's role, not the person", () => {
    it("fails a request that needs an approval closed, naming AWS's record as the cause", async () => {
      const run = await play("approved", "approver-role-arn");
      failedClosed(
        run,
        /^AWS recorded approvals without the approver \(only the role AWSReservedSSO_ApproveAWSAccountAccess_[0-9a-f]{16}\): no approval can be counted$/,
      );
      assert.ok(run.outcome.notifications.some((n) => n.subject.startsWith("JIT access request rejected")));
    });

    it("still grants an auto-approved request, which needs no approval", async () => {
      grantedAsUsual(await play("auto-approved", "approver-role-arn"));
    });
  });

  describe("approver-user-id: a decision names the approver's Identity Store user id", () => {
    it("reads the approver's name from the identity store and grants as under the baseline", async () => {
      const run = await play("approved", "approver-user-id");
      grantedAsUsual(run);
      const described = run.sim.world.calls.filter((c) => c.api === "DescribeUser");
      assert.deepEqual(
        described.map((c) => c.input.UserId),
        [run.sim.org.approvers[0].userId],
      );
    });

    it("still does not count a requester's own approval", async () => {
      failedClosed(await play("self-approval", "approver-user-id"), /carol's own approval does not count$/);
    });
  });

  describe("no-parent-link: the runbook's execution does not name its change request", () => {
    for (const scenario of ["approved", "auto-approved"]) {
      it(`fails ${scenario} closed, naming the missing ParentAutomationExecutionId`, async () => {
        failedClosed(
          await play(scenario, "no-parent-link"),
          /^AWS recorded no change request for the request runbook \(no ParentAutomationExecutionId\)/,
        );
      });
    }
  });

  describe("console-adds-assume-role: the console passes the runbook an AutomationAssumeRole", () => {
    it("starts the runbook, which declares the parameter, and the check ignores it", async () => {
      const run = await play("approved", "console-adds-assume-role");
      grantedAsUsual(run);
      const [runbookId] = run.sim.world.engine.get(run.changeRequestId).changeRequest?.runbookExecutionIds ?? [];
      assert.deepEqual(run.sim.world.engine.get(runbookId).parameters.AutomationAssumeRole, [""]);
    });
  });

  for (const variant of ["baseline", "record-omits-auto-approve", "record-omits-name"]) {
    describe(`${variant}: CloudTrail's record of the new change request`, () => {
      it("a request raised without a name or autoApprove still notifies the approvers, and is granted", async () => {
        const run = await play("raised-without-name", variant);
        grantedAsUsual(run);
        assert.equal(eventTypes(run)[0], "RequestCreated");
        assert.ok(run.sim.world.sns.published[0].message.includes("Request name: (none given)"));
      });

      it("a request raised in the console notifies the approvers", async () => {
        const run = await play("approved", variant);
        grantedAsUsual(run);
        assert.equal(eventTypes(run)[0], "RequestCreated");
      });
    });
  }

  it("CloudTrail shows autoApprove false when it was not sent under all-fields, and leaves it out otherwise", async () => {
    const shown = async (variant: Variant) => {
      const run = await runScenario(
        SCENARIOS.find((s) => s.name === "raised-without-name")!,
        await exampleDeployment(),
        [],
        variant,
      );
      const start = run.sim.world.calls.find((c) => c.api === "StartChangeRequestExecution")!;
      return (cloudTrailRecord(start, run.sim.world.behaviour).requestParameters as Record<string, unknown>)
        .autoApprove;
    };
    assert.equal(await shown(variantNamed("baseline")), false);
    assert.equal(await shown(variantNamed("record-omits-auto-approve")), undefined);
  });

  describe("cancel-leaves-runbook: cancelling a change request leaves its runbook running", () => {
    it("baseline: a request cancelled as its runbook starts is never sent", async () => {
      const run = await play("cancelled-while-sending", "baseline");
      assert.deepEqual(run.outcome.violations, []);
      assert.equal(run.outcome.changeRequest, "Cancelled");
      assert.equal(run.outcome.runbook, "Cancelled");
      assert.equal(run.outcome.grant, undefined, "no grant workflow ran");
      assert.equal(run.outcome.granted, false);
    });

    it("cancel-leaves-runbook: the runbook sends the request, and the check refuses the cancelled change request", async () => {
      const run = await play("cancelled-while-sending", "cancel-leaves-runbook");
      failedClosed(
        run,
        /^the change request is Cancelled: only an approved change request whose runbook ran is granted$/,
      );
      assert.equal(run.outcome.changeRequest, "Cancelled");
      assert.equal(run.outcome.runbook, "Success");
    });

    it("a request cancelled after its grant still ends on time", async () => {
      const run = await play("cancelled-after-grant", "cancel-leaves-runbook");
      assert.deepEqual(run.outcome.violations, []);
      // The runbook ended once it had sent the request, and the change request with it: the cancel comes after both.
      assert.equal(run.outcome.changeRequest, "Success");
      assert.equal(run.outcome.runbook, "Success");
      assert.ok(eventTypes(run).includes("AccessRevoked"));
    });
  });

  describe("change-request-closes-late: a change request stays open for minutes after its runbook succeeded", () => {
    it("baseline: the change request has closed when the access is assigned; the cancel is refused", async () => {
      const run = await play("cancelled-as-granted", "baseline");
      assert.deepEqual(run.outcome.violations, []);
      assert.equal(run.outcome.changeRequest, "Success");
      const cancel = run.sim.world.calls.find((c) => c.api === "StopAutomationExecution");
      assert.equal(cancel?.error?.code, "InvalidAutomationStatusUpdateException");
    });

    it("change-request-closes-late: the cancel lands while the change request is open, and ends the grant", async () => {
      const run = await play("cancelled-as-granted", "change-request-closes-late");
      assert.deepEqual(run.outcome.violations, []);
      assert.equal(run.outcome.changeRequest, "Cancelled");
      assert.deepEqual(
        run.sim.world.ssoAdmin.history.map((h) => h.change),
        ["created", "deleted"],
      );
    });
  });
});
