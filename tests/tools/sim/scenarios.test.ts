import * as assert from "node:assert/strict";
import { REQUEST_FORMS, type RequestForm } from "../../../shared/config/common";
import { names } from "../../../shared/naming";
import type { Fault } from "../../../tools/sim/faults";
import { grantsOf } from "../../../tools/sim/ledger";
import { outcomeOf } from "../../../tools/sim/outcome";
import { planDeployment } from "../../../tools/sim/planned";
import {
  appliesTo,
  endedAsAssigned,
  runScenario,
  SCENARIOS,
  type ScenarioRun,
  toldOnlyWhatIsConfirmed,
} from "../../../tools/sim/scenarios";
import { simulate } from "../../../tools/sim/setup";
import { variantNamed } from "../../../tools/sim/variants";
import { exampleDeployment, withDocument } from "./support/deployment";

async function play(
  name: string,
  form: RequestForm = "changeManager",
  faults?: readonly Fault[],
): Promise<ScenarioRun> {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  const deployment = scenario.overrides
    ? await planDeployment(scenario.overrides, form)
    : await exampleDeployment(form);
  return runScenario(scenario, deployment, faults);
}

/**
 * The request notifier fails every attempt (Lambda's first run and two retries) at the new request (its first call
 * is refused): the request reaches its approvers unscreened, as with the notifier down, and only the request check
 * stands in the way.
 */
const SCREEN_DOWN: readonly Fault[] = [1, 2, 3].map((nth) => ({
  function: "idc-jit-dev-request-notifier",
  service: "sts",
  api: "AssumeRole",
  nth,
  kind: "call-error",
}));

const eventTypes = (run: ScenarioRun) => run.outcome.notifications.map((n) => n.eventType);
const subjects = (run: ScenarioRun) => run.outcome.notifications.map((n) => n.subject);
/** The reason a refusal's notification quotes from the check: what the requester's channel hears. */
const toldReason = (run: ScenarioRun, subject: RegExp) => {
  const refusal = run.sim.world.sns.published.find((p) => subject.test(p.subject ?? ""));
  return /The check said: (.*)/.exec(refusal?.message ?? "")?.[1];
};
/** The steps of a refusal: the check, the branch on its answer, and reading its reason. */
const CHECK_AND_REFUSAL = [
  "Check_And_Grant",
  "Is_Access_Granted",
  "Read_Check_Reason",
  "Check_Reason_Is_Plain",
  "Use_Check_Reason",
  "Delete_Check_Reason",
  "Route_Refusal",
];
const grantOf = (run: ScenarioRun) =>
  run.sim.world.executionsOf(names(run.sim.deployment.management.config).management.grantDocument);
/** The reasons the request check wrote for the grant workflows (what the requester and the administrators are told). */
const checkReasons = (run: ScenarioRun) => {
  const path = names(run.sim.deployment.management.config).management.checkReasonPath;
  return run.sim.world.calls
    .filter((c) => c.api === "PutParameter" && !c.error && String(c.input.Name).startsWith(path))
    .map((c) => String(c.input.Value));
};

describe("simulated access requests on the example stacks", () => {
  for (const form of REQUEST_FORMS) {
    for (const scenario of SCENARIOS.filter((s) => appliesTo(s, form))) {
      it(`${scenario.name} (${form} form): keeps every lifecycle invariant`, async () => {
        const run = await play(scenario.name, form);
        assert.deepEqual(run.outcome.violations, []);
        assert.equal(run.outcome.assignmentsLeft, 0);
      });
    }
  }

  it("approved: grants, lets the user work, revokes on time, and tells everyone in order", async () => {
    const run = await play("approved");
    const { outcome, sim } = run;
    assert.equal(outcome.changeRequest, "Success");
    assert.equal(outcome.grant?.status, "Success");
    // RequestApproved comes from the approval's CloudTrail record, which the notifier turns into a notification in a
    // second, before the grant workflow has run its check.
    assert.deepEqual(eventTypes(run), [
      "RequestCreated",
      "RequestApproved",
      "AccessBeingAssigned",
      "AccessGranted",
      "AccessRevoked",
      "CloudTrailSummary",
    ]);
    // The requester's runbook ended once it had sent the request: the grant and the end reach the requester by
    // notification.
    assert.equal(outcome.runbook, "Success");
    const [created, deleted] = sim.world.ssoAdmin.history;
    assert.equal(created.change, "created");
    assert.equal(deleted.change, "deleted");
    // One hour, as requested, give or take the workflow's own seconds.
    assert.ok(
      Math.abs(deleted.at - created.at - 3600_000) < 60_000,
      `granted for ${(deleted.at - created.at) / 1000} s`,
    );
    const activity = sim.world.calls.filter((c) => c.service === "ec2");
    assert.deepEqual(
      activity.map((c) => c.error?.code ?? "allowed"),
      ["allowed", "AccessDenied"],
      "the user can work while the grant lasts and not after",
    );
    const summary = sim.world.sns.published.find((p) => p.attributes.EventType?.StringValue === "CloudTrailSummary");
    assert.match(summary?.message ?? "", /ec2\.amazonaws\.com:RebootInstances/);
  });

  it("approved: approvers are told of the request, the requester channel of the decision and the grant", async () => {
    const run = await play("approved");
    const to = (eventType: string) => run.outcome.notifications.find((n) => n.eventType === eventType)?.recipients;
    assert.deepEqual(to("RequestCreated"), ["cloud-security@example.com", "jit-approvers@example.com"]);
    // With the effective window: the simulated Identity Center's sets have the one-hour session the plan read.
    const created = run.sim.world.sns.published.find((p) => p.attributes.EventType?.StringValue === "RequestCreated");
    assert.match(
      created?.message ?? "",
      /Effective access up to 2 hours: 1 hour requested \+ AWSAdministratorAccess's session duration of 1 hour /,
    );
    assert.deepEqual(to("AccessGranted"), ["cloud-security@example.com", "jit-requests-channel@example.slack.com"]);
  });

  describe("requests the screen refuses as they are raised: stopped before any approver is asked, the requester told why", () => {
    const refusals: [string, RegExp][] = [
      ["impersonation", /raised by mallory, not by alice/],
      [
        "impostor-role",
        /raised with the role AWSReservedSSO_\w+_[0-9a-f]{16}, which IAM Identity Center did not create/,
      ],
      ["ineligible", /no eligibility rule lets mallory request AWSAdministratorAccess on account 777788889999/],
      ["over-long", /480 minutes is longer than the 240 minutes the eligibility rules allow alice/],
      ["already-assigned", /alice already holds AWSAdministratorAccess on account 777788889999 outside JIT/],
    ];
    for (const form of REQUEST_FORMS) {
      for (const [name, reason] of refusals) {
        it(`${name} (${form} form): refused at once, nothing asked of approvers, nothing granted`, async () => {
          const run = await play(name, form);
          const { outcome } = run;
          assert.equal(outcome.changeRequest, "Cancelled", "the screen stopped the request");
          assert.equal(grantOf(run).length, 0, "no grant workflow ran");
          assert.equal(outcome.granted, false);
          // (In already-assigned the reconciler also alerts on the assignment made outside JIT: unexplained access.)
          assert.deepEqual(
            eventTypes(run).filter((t) => t !== "Error"),
            ["RequestRejected"],
            "no approval required, no cancellation notice",
          );
          const [refusal] = run.sim.world.sns.published;
          assert.equal(refusal.subject, "Refused - JIT access request: AWSAdministratorAccess on 777788889999");
          assert.match(refusal.message, reason);
          assert.ok(outcome.notifications[0].recipients.includes("jit-requests-channel@example.slack.com"));
        });
      }
    }
  });

  describe("requests the request check rejects: nothing is granted, the requester is told why, security is alerted", () => {
    // All but self-approval pass the screen only because it is down (SCREEN_DOWN): the check refuses them on its own.
    const rejections: [string, RegExp][] = [
      ["impersonation", /^the change request was raised by mallory, not by alice/],
      [
        "impostor-role",
        /^the change request was raised with the role AWSReservedSSO_RequestAWSAccountAccess_[0-9a-f]{16}, which IAM Identity Center did not create$/,
      ],
      ["ineligible", /^no eligibility rule lets mallory request AWSAdministratorAccess on account/],
      ["over-long", /^480 minutes is longer than the 240 minutes the eligibility rules allow alice/],
      // Raised for 4 minutes; the management stack counts hours by the time it is approved.
      ["unit-switched", /^the request's DurationUnit is minutes, not hours, the unit durations are counted in/],
      [
        "already-assigned",
        /^alice already holds AWSAdministratorAccess on account 777788889999 outside JIT \(no JIT grant of it is open\)/,
      ],
      [
        "self-approval",
        /^rule engineers-workloads needs 1 approval\(s\) by someone other than carol in its approver groups; it has 0; carol's own approval does not count$/,
      ],
    ];
    for (const [name, reason] of rejections) {
      it(`${name}: rejected before any grant`, async () => {
        const screened = name !== "self-approval";
        const run = await play(name, "changeManager", screened ? SCREEN_DOWN : undefined);
        const { outcome, sim } = run;
        assert.equal(outcome.granted, false);
        assert.deepEqual(sim.world.ssoAdmin.history, [], "no assignment was ever created or removed");
        // The runbook sent the request and ended: the change request succeeded, the grant did not.
        assert.equal(outcome.changeRequest, "Success");
        assert.equal(checkReasons(run).length, 1);
        assert.match(checkReasons(run)[0], reason);
        assert.equal(toldReason(run, /rejected/), checkReasons(run)[0], "the check's own reason reached the requester");
        // (In already-assigned, the reconciler also alerts on the assignment made outside JIT: unexplained access.)
        const alert = outcome.notifications.find((n) => n.eventType === "Error" && /rejected/.test(n.subject));
        assert.equal(alert?.subject, "JIT access request rejected: AWSAdministratorAccess on 777788889999");
        assert.ok(alert?.recipients.includes("cloud-security@example.com"));
        assert.ok(alert?.recipients.includes("jit-requests-channel@example.slack.com"), "the requesters hear why");
        const [grant] = grantOf(run);
        assert.equal(grant.status, "Success", "a rejection is the workflow's answer, not its failure");
        assert.deepEqual(
          grant.steps.map((st) => st.StepName),
          [...CHECK_AND_REFUSAL, "Notify_Request_Rejected", "End"],
        );
        const { account, region } = sim.deployment.management.stack;
        const reasons = names(sim.deployment.management.config).management.checkReasonPath;
        const reasonLeft = sim.world.parameters.valueOf(account, region, `${reasons}${grant.id}`);
        assert.equal(reasonLeft, undefined, "the check's reason is deleted once read");
      });
    }

    it("the check read the change request from the requester account through the reader role", async () => {
      const run = await play("impersonation", "changeManager", SCREEN_DOWN);
      const reads = run.sim.world.calls.filter(
        (c) => c.api === "GetAutomationExecution" && c.caller.sessionName.startsWith("request-check-"),
      );
      assert.equal(reads.length, 2, "the runbook execution, then its change request");
      assert.ok(reads.every((c) => c.caller.roleArn === "arn:aws:iam::444455556666:role/idc-jit-dev-request-reader"));
    });
  });

  for (const [name, when] of [
    ["delivered-twice", "after the grant"],
    ["delivered-twice-early", "while the first workflow grants"],
  ]) {
    it(`${name}: the repeat ${when} is refused and alerted; the request is granted once and ends normally`, async () => {
      const run = await play(name);
      const { outcome, sim } = run;
      assert.equal(outcome.changeRequest, "Success");
      assert.deepEqual(
        sim.world.ssoAdmin.history.map((h) => h.change),
        ["created", "deleted"],
      );
      const [, repeat] = grantOf(run);
      // Whether the first still grants or has granted, the ledger already holds the request id: ignored.
      assert.deepEqual(repeat.steps.map((st) => st.StepName).slice(CHECK_AND_REFUSAL.length), [
        "Notify_Request_Ignored",
        "End",
      ]);
      assert.ok(subjects(run).includes("JIT access request ignored: AWSAdministratorAccess on 777788889999"));
    });
  }

  it("overlapping requests: the second is refused while the first grants, which runs its full hour", async () => {
    const run = await play("overlapping-requests");
    const { outcome, sim } = run;
    assert.equal(outcome.changeRequest, "Success");
    assert.match(
      toldReason(run, /rejected/) ?? "",
      /^another grant of AWSAdministratorAccess on account 777788889999 to alice is (checked|granting|active) \(request [0-9a-f-]{36}\): ask again once it has ended$/,
    );
    const [created, deleted, ...more] = sim.world.ssoAdmin.history;
    assert.deepEqual([created.change, deleted.change, more.length], ["created", "deleted", 0]);
    assert.ok(Math.abs(deleted.at - created.at - 3600_000) < 60_000, "the first request's hour, whole");
    const firstRequest = [...sim.world.engine.executions.values()].find(
      (x) => x.changeRequest && x.id !== run.changeRequestId,
    );
    assert.equal(firstRequest?.status, "Success");
  });

  it("an answer the grant workflow does not recognise as the check's hands the request over, leaving nothing assigned", async () => {
    // As if the function answered something else (an error object, say): no choice of the branch matches. Whatever
    // the check and grant did is handed over to the end-of-grant workflow, which removes it.
    const deployment = await withDocument("idc-jit-dev-grant-access", (c) => {
      const branch = c.mainSteps.find((st) => st.name === "Is_Access_Granted");
      if (!branch) throw new Error("no step Is_Access_Granted");
      for (const choice of (branch.inputs as { Choices: { Or: Record<string, string>[] }[] }).Choices) {
        for (const form of choice.Or) form.StringEquals = `Unrecognised${form.StringEquals}`;
      }
    });
    const run = await runScenario(SCENARIOS.find((sc) => sc.name === "approved")!, deployment);
    assert.equal(run.outcome.assignmentsLeft, 0);
    assert.ok(run.outcome.grant?.steps.includes("Hand_Over_Grant:Success"), run.outcome.grant?.steps.join(", "));
    assert.deepEqual(run.outcome.violations, []);
    assert.ok(subjects(run).includes("JIT access request failed: AWSAdministratorAccess on 777788889999"));
  });

  it("stopped-while-checking: the check sees its workflow stopped before it assigns; nothing granted, the requester told", async () => {
    const run = await play("stopped-while-checking");
    assert.equal(run.outcome.grant?.status, "Cancelled");
    assert.equal(run.outcome.granted, false);
    assert.deepEqual(run.sim.world.ssoAdmin.history, []);
    assert.ok(subjects(run).includes("JIT access request failed: AWSAdministratorAccess on 777788889999"));
    const { config } = run.sim.deployment.management;
    const ledger = await grantsOf(run.sim.world.dynamodb, {
      account: config.managementAccountId,
      region: config.region,
      name: names(config).management.grantTable,
    });
    const grant = ledger.find((g) => g.grantExecutionId === grantOf(run)[0].id);
    assert.equal(grant?.state, "failed");
    assert.match(grant?.history.at(-1)?.note ?? "", /withdrawn before its access was asked for/);
  });

  it("auto-approved: no approval is asked for, and view-only access is granted and revoked", async () => {
    const run = await play("auto-approved");
    assert.equal(run.outcome.changeRequest, "Success");
    assert.deepEqual(eventTypes(run), ["AccessBeingAssigned", "AccessGranted", "AccessRevoked", "CloudTrailSummary"]);
  });

  it("rejected: the change request fails and the management account is never asked", async () => {
    const run = await play("rejected");
    assert.equal(run.outcome.changeRequest, "Failed");
    assert.equal(run.outcome.granted, false);
    assert.deepEqual(grantOf(run), []);
    assert.deepEqual(eventTypes(run), ["RequestCreated", "RequestRejected"]);
  });

  it("cancelled before the grant: nothing is granted and the cancellation is announced", async () => {
    const run = await play("cancelled-before-grant");
    assert.equal(run.outcome.changeRequest, "Cancelled");
    assert.equal(run.outcome.granted, false);
    assert.deepEqual(eventTypes(run), ["RequestCreated", "RequestCancelled"]);
  });

  it("cancelled after the grant was reported: the change request has already succeeded; the access ends on time", async () => {
    const run = await play("cancelled-after-grant");
    assert.equal(run.outcome.changeRequest, "Success");
    assert.equal(run.outcome.grant?.status, "Success");
    assert.ok(eventTypes(run).includes("AccessRevoked"));
    assert.equal(run.outcome.assignmentsLeft, 0);
  });

  it("stopped by an administrator as Identity Center assigns: the hand-over removes the access within seconds", async () => {
    const run = await play("stopped-by-administrator");
    const { outcome, sim } = run;
    const [created, deleted] = sim.world.ssoAdmin.history;
    assert.equal(outcome.grant?.status, "Cancelled");
    assert.ok(outcome.grant?.steps.includes("Hand_Over_Grant:Success"));
    assert.ok(deleted.at - created.at < 60_000, `removed ${(deleted.at - created.at) / 1000} s after it was assigned`);
    assert.ok(subjects(run).includes("JIT access request failed: AWSAdministratorAccess on 777788889999"));
  });

  it("stopped by an administrator while Identity Center is slow: the end waits for the assignment, then removes it", async () => {
    const scenario = SCENARIOS.find((s) => s.name === "stopped-by-administrator")!;
    const sim = await simulate(await exampleDeployment(), { seed: "slow" });
    sim.world.ssoAdmin.assignmentDelayMs = 150_000; // longer than the check and grant waits for the assignment
    const id = await scenario.play(sim);
    await sim.world.run();
    const outcome = outcomeOf(sim, id);
    assert.deepEqual(outcome.violations, []);
    assert.equal(outcome.assignmentsLeft, 0);
    assert.ok(outcome.notifications.some((n) => n.subject.startsWith("JIT access request failed")));
  });

  describe("ended by the requester while Identity Center assigns: the workflow says only what is confirmed", () => {
    const play = async (creationMs: number) => {
      const sim = await simulate(await exampleDeployment(), { seed: `ended-as-assigned-${creationMs}` });
      const id = await endedAsAssigned(sim, creationMs);
      await sim.world.run();
      const { config } = sim.deployment.management;
      const ledger = await grantsOf(sim.world.dynamodb, {
        account: config.managementAccountId,
        region: config.region,
        name: names(config).management.grantTable,
      });
      const subjects = sim.world.sns.published.map((p) => p.subject ?? "");
      return { outcome: outcomeOf(sim, id, ledger), found: toldOnlyWhatIsConfirmed(sim), subjects };
    };

    it("a minute's creation: the check removes what it made, confirms it gone, and says so", async () => {
      const { outcome, found, subjects } = await play(60_000);
      assert.deepEqual([...outcome.violations, ...found], []);
      assert.equal(outcome.assignmentsLeft, 0);
      assert.ok(
        subjects.some((s) => s.startsWith("JIT access removed as it was granted")),
        subjects.join("; "),
      );
    });

    it("a creation longer than the check waits: 'may have been granted', then the end's verified removal", async () => {
      const { outcome, found, subjects } = await play(150_000);
      assert.deepEqual([...outcome.violations, ...found], []);
      assert.equal(outcome.assignmentsLeft, 0);
      assert.ok(
        subjects.some((s) => s.startsWith("JIT access may have been granted")),
        subjects.join("; "),
      );
      assert.ok(
        subjects.some((s) => s.startsWith("JIT access revoked")),
        subjects.join("; "),
      );
    });
  });

  describe("stopped with Type Complete by an administrator, under each reading of what Complete does", () => {
    const readings = [
      ["stop-complete-refused", "the stop is refused and the grant runs its full hour"],
      ["baseline", "Complete runs the cleanup, as a cancellation does: the access is removed at once"],
      ["stop-complete-skips-cleanup", "the execution ends bare; the check and grant's schedule still ends the access"],
    ] as const;
    for (const [variantName, what] of readings) {
      it(`${variantName}: ${what}`, async () => {
        const scenario = SCENARIOS.find((sc) => sc.name === "stopped-complete-by-administrator")!;
        const run = await runScenario(scenario, await exampleDeployment(), [], variantNamed(variantName));
        const { outcome, sim } = run;
        assert.deepEqual(outcome.violations, []);
        assert.equal(outcome.assignmentsLeft, 0);
        const stop = sim.world.calls.find((c) => c.api === "StopAutomationExecution")!;
        const [created, deleted] = sim.world.ssoAdmin.history;
        const held = deleted.at - created.at;
        if (variantName === "baseline") {
          assert.equal(stop.error, undefined);
          assert.ok(held < 60_000, `removed ${held / 1000} s after it was assigned`);
          assert.ok(eventTypes(run).includes("Error"));
        } else {
          assert.equal(
            stop.error?.code,
            variantName === "stop-complete-refused" ? "InvalidAutomationStatusUpdateException" : undefined,
          );
          assert.ok(Math.abs(held - 3600_000) < 60_000, `held ${held / 1000} s, not the approved hour`);
        }
      });
    }
  });

  it("grant failed: the workflow answers 'not granted', the requester is told, and nothing is revoked", async () => {
    const run = await play("grant-failed");
    assert.equal(run.outcome.changeRequest, "Success");
    assert.equal(run.outcome.grant?.status, "Success", "Identity Center's refusal is the workflow's answer");
    assert.equal(run.outcome.granted, false);
    assert.ok(subjects(run).includes("JIT access not granted: AWSAdministratorAccess on 777788889999"));
    assert.ok(!subjects(run).some((s) => s.includes("NOT revoked")));
  });

  it("revoke failed once: security is alerted at once, and the reconciler removes the access within minutes", async () => {
    const run = await play("revoke-failed");
    const { outcome, sim } = run;
    assert.equal(outcome.grant?.status, "Success");
    const alerted = outcome.notifications.findIndex((n) => n.subject.startsWith("JIT access NOT revoked"));
    const revoked = outcome.notifications.findIndex((n) => n.subject.startsWith("JIT access revoked late"));
    assert.ok(alerted >= 0 && revoked > alerted, subjects(run).join("; "));
    const [created, deleted] = sim.world.ssoAdmin.history;
    const late = deleted.at - created.at - 3600_000;
    const { reconcileMinutes } = sim.deployment.management.config;
    assert.ok(late > 0 && late < 2 * reconcileMinutes * 60_000, `removed ${late / 1000} s late`);
  });

  it("below the minimum approvals: the request waits its approval timeout (24 h), expires, and nothing is granted", async () => {
    const run = await play("below-minimum-approvals");
    assert.equal(run.outcome.changeRequest, "TimedOut");
    assert.equal(run.outcome.granted, false);
    assert.deepEqual(grantOf(run), []);
  });

  it("invalid parameters: the screen refuses the change request as it is raised, with the form's rule", async () => {
    const run = await play("invalid-parameters");
    assert.equal(run.outcome.changeRequest, "Cancelled");
    assert.deepEqual(eventTypes(run), ["RequestRejected"]);
    assert.match(run.sim.world.sns.published[0].message, /Duration must be a whole number of hours from 1 to 12/);
  });

  it("invalid parameters past a screen that is down: the runbook never starts and the management account alerts", async () => {
    const run = await play("invalid-parameters", "changeManager", SCREEN_DOWN);
    assert.equal(run.outcome.changeRequest, "Failed");
    assert.equal(run.outcome.runbook, undefined);
    assert.deepEqual(grantOf(run), []);
    assert.ok(subjects(run).includes("JIT access request refused: invalid parameters"));
  });
});
