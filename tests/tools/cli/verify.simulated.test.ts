/**
 * `jit verify` against the simulated deployment of the example stacks, under every AWS behaviour variant: an
 * administrator (Alice, in the canary rule's group) signed in to the requester account, with an operator's
 * credentials for the management account. The self-test must grant and remove the canary, leave nothing behind, and
 * name the reading the variant plays for every dimension it can observe.
 */
import assert from "node:assert/strict";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { STSClient } from "@aws-sdk/client-sts";
import type { Clients } from "../../../tools/cli/context";
import type { VerifyReport } from "../../../tools/cli/verify/report";
import { readingsOf } from "../../../tools/cli/verify/report";
import type { Caller } from "../../../tools/sim/aws";
import { simulatedClient } from "../../../tools/sim/functions";
import { identityCenterSession } from "../../../tools/sim/identities";
import { type Simulation, simulate } from "../../../tools/sim/setup";
import { type AwsBehaviour, BASELINE_VARIANT, behaviourOf, VARIANTS, type Variant } from "../../../tools/sim/variants";
import { exampleDeployment } from "../sim/support/deployment";
import { type CliRun, runJit } from "./support/cli";

/**
 * The dimensions the self-test decides on its own, with the CLI's own requests (auto-approved, both fields sent).
 * The others need a real approval or a console request (--records), or are not provoked.
 */
const SELF_TEST_OBSERVES: readonly (keyof AwsBehaviour)[] = [
  "lambdaStringPayload",
  "runbookParentLink",
  "deleteMissingAssignment",
  "pace",
  "throttling",
];
/**
 * What the cancel probe meets: a runbook still running where Automation is slow (whether the cancel stops it), else
 * a runbook that has ended (whether its change request closed with it).
 */
const cancelProbeObserves = (behaviour: AwsBehaviour): keyof AwsBehaviour =>
  behaviour.pace === "slow" ? "changeRequestCancel" : "changeRequestClose";
/** What a real approval adds (--approver-profile). */
const APPROVAL_OBSERVES: readonly (keyof AwsBehaviour)[] = ["approverDecisions", "approverIdentity"];

/** Readings under which the workflows fail closed: jit verify must exit 1 and name them. */
const FAILS_CLOSED: Partial<AwsBehaviour> = { approverIdentity: "role-arn", runbookParentLink: "absent" };

function clientsOf(sim: Simulation, caller: Caller): Clients {
  return {
    ssm: simulatedClient(SSMClient, "ssm", sim.world, caller),
    sts: simulatedClient(STSClient, "sts", sim.world, caller),
    ssoAdmin: simulatedClient(SSOAdminClient, "sso-admin", sim.world, caller),
    logs: simulatedClient(CloudWatchLogsClient, "logs", sim.world, caller),
    dynamodb: simulatedClient(DynamoDBClient, "dynamodb", sim.world, caller),
    sns: simulatedClient(SNSClient, "sns", sim.world, caller),
  };
}

/** Runs `jit verify` (with `extra` flags) as Alice and the operator, driving the world until it returns. */
async function verify(
  sim: Simulation,
  extra: readonly string[] = [],
  json = true,
): Promise<{ run: CliRun; report: VerifyReport }> {
  const { org } = sim;
  const alice = sim.people.session(org.requester, org.solutionPermissionSets.requestNoApproval);
  const aliceToRequest = sim.people.session(org.requester, org.solutionPermissionSets.request);
  const operator = identityCenterSession(org.managementAccount, org.region, "AWSAdministratorAccess", "operator");
  const bob = sim.people.session(org.approvers[0], org.solutionPermissionSets.approve);
  const approving = extra.includes("--approver-profile");
  const requester = clientsOf(sim, approving ? aliceToRequest : alice);
  const argv = ["verify", "--management-profile", "management", ...(json ? ["--json"] : []), ...extra];
  const running = runJit(requester.ssm, argv, {
    profiles: {
      requester,
      management: clientsOf(sim, operator),
      approver: clientsOf(sim, bob),
    },
    now: () => sim.world.clock.now(),
    sleep: (ms) => sim.world.clock.sleep(ms),
  });
  await sim.world.run();
  const run = await running;
  return { run, report: json ? (JSON.parse(run.stdout) as VerifyReport) : ({} as VerifyReport) };
}

describe("jit verify against the simulated deployment", () => {
  const jitUser = process.env.JIT_USER;
  before(() => delete process.env.JIT_USER);
  after(() => {
    if (jitUser !== undefined) process.env.JIT_USER = jitUser;
  });

  for (const variant of VARIANTS) {
    describe(`under the variant ${variant.name}`, () => {
      const behaviour = behaviourOf(variant);
      /** The readings of `observed` dimensions under which the workflows fail closed, in this variant. */
      const closedAmong = (observed: readonly (keyof AwsBehaviour)[]) =>
        Object.entries(FAILS_CLOSED).filter(
          ([dimension, reading]) =>
            observed.includes(dimension as keyof AwsBehaviour) &&
            behaviour[dimension as keyof AwsBehaviour] === reading,
        );
      const closed = closedAmong(SELF_TEST_OBSERVES);
      const assertNamed = (run: CliRun, report: VerifyReport, failing: [string, unknown][]) => {
        assert.equal(run.code, 1, "exits 1");
        for (const [dimension, reading] of failing) {
          assert.ok(
            report.failures.some((f) => f.startsWith(`${dimension} is ${reading}: `)),
            JSON.stringify(report.failures),
          );
        }
        assert.match(run.stderr, /^jit: verify failed: /m);
      };

      it(`names the reading of every dimension it observes${closed.length ? ", and exits 1 naming the one that fails closed" : ", and passes"}, leaving nothing assigned`, async () => {
        const sim = await simulate(await exampleDeployment(), { variant });
        const { run, report } = await verify(sim, ["--profile", "requester", "--interval", "5"]);
        assertReadings(
          report,
          behaviour,
          [...SELF_TEST_OBSERVES, cancelProbeObserves(behaviour)].filter((d) => !closesBefore(variant, d)),
        );
        assert.equal(sim.world.ssoAdmin.assignments().length, 0, "nothing is left assigned");
        if (closed.length === 0) {
          assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(report.failures)}`);
          assert.deepEqual(report.failures, []);
          assert.deepEqual(
            report.checks.map((c) => [c.what, c.ok]),
            [
              ["grant", true],
              ["removal", true],
              ["cancel probe", true],
            ],
          );
        } else {
          assertNamed(run, report, closed);
        }
      });

      it("with a real approval, names how AWS records the decision and the approver", async () => {
        const sim = await simulate(await exampleDeployment(), { variant });
        const { run, report } = await verify(sim, [
          "--profile",
          "requester",
          "--approver-profile",
          "approver",
          "--no-cancel-probe",
        ]);
        if (behaviour.runbookParentLink === "absent") {
          // The request is refused before anything is granted; the approval is on record all the same.
          assert.equal(report.checks[0].ok, false);
        }
        assertReadings(report, behaviour, APPROVAL_OBSERVES);
        assert.equal(sim.world.ssoAdmin.assignments().length, 0, "nothing is left assigned");
        const failing = closedAmong([...APPROVAL_OBSERVES, "runbookParentLink"]);
        if (failing.length > 0) assertNamed(run, report, failing);
        else assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(report.failures)}`);
      });
    });
  }

  it("prints, as text, its progress, a line per behaviour with its reading and evidence, and the verdict", async () => {
    const sim = await simulate(await exampleDeployment());
    const { run } = await verify(sim, ["--profile", "requester"], false);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^raised change request [0-9a-f-]{36} \(auto-approved\): first-deployment self-test$/m);
    assert.match(run.stdout, /^ok +grant: the grant workflow [0-9a-f-]{36} assigned JitVerifyCanary on 444455556666/m);
    assert.match(run.stdout, /^ok +removal: /m);
    for (const [dimension, reading] of Object.entries({
      lambdaStringPayload: "json-text",
      approverIdentity: "not observed",
    })) {
      assert.match(run.stdout, new RegExp(`^ {2}${dimension} +${reading}$`, "m"));
    }
    assert.match(run.stdout, /needs: a real approval/);
    assert.match(run.stdout, /^jit verify passed: /m);
  });

  describe("with the Automation form (the request runbook is the form)", () => {
    const CANARY = ["--permission-set", "JitVerifyCanarySandbox"];
    const CHANGE_MANAGER_ONLY = [
      "runbookParentLink",
      "consoleRunbookParameters",
      "changeRequestRecord",
      "changeRequestCancel",
      "changeRequestClose",
    ];

    it("grants and removes the canary through the runbook, cancels the probe by stopping the runbook, and passes", async () => {
      const sim = await simulate(await exampleDeployment("automation"));
      const { run, report } = await verify(sim, ["--profile", "requester", ...CANARY]);
      assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(report.failures)}`);
      assert.equal(report.form, "automation");
      assert.equal(report.requestId, report.runbookExecutionId, "the request is the runbook execution");
      assert.deepEqual(
        report.checks.map((c) => [c.what, c.ok]),
        [
          ["grant", true],
          ["removal", true],
          ["cancel probe", true],
        ],
      );
      assertReadings(report, behaviourOf(BASELINE_VARIANT), ["lambdaStringPayload", "deleteMissingAssignment"]);
      for (const dimension of CHANGE_MANAGER_ONLY) {
        const finding = report.findings.find((f) => f.dimension === dimension);
        assert.equal(finding?.reading, undefined);
        assert.match(finding?.evidence ?? "", /does not apply to the Automation form/);
      }
      assert.equal(sim.world.ssoAdmin.assignments().length, 0, "nothing is left assigned");
      assert.equal(sim.world.calls.filter((c) => c.api === "StartChangeRequestExecution").length, 0);
    });

    it("with a real approval (bob signals the runbook), names how AWS records the decision and the approver", async () => {
      const sim = await simulate(await exampleDeployment("automation"));
      const { run, report } = await verify(sim, [
        "--profile",
        "requester",
        "--approver-profile",
        "approver",
        "--no-cancel-probe",
        ...CANARY,
      ]);
      assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(report.failures)}`);
      assertReadings(report, behaviourOf(BASELINE_VARIANT), APPROVAL_OBSERVES);
      assert.equal(sim.world.ssoAdmin.assignments().length, 0, "nothing is left assigned");
    });

    it("reads back a request raised on the Automation console (--records <runbook execution id>)", async () => {
      const sim = await simulate(await exampleDeployment("automation"));
      const { org } = sim;
      const id = await sim.people.request(
        org.requester,
        {
          accountId: org.requesterAccount,
          permissionSet: "JitVerifyCanarySandbox",
          duration: "1",
          justification: "jit verify: a canary request raised in the console",
        },
        { autoApprove: true },
      );
      await sim.world.run(sim.world.clock.now() + 5 * 60_000);
      const { run, report } = await verify(sim, ["--profile", "requester", "--records", id]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(report.mode, "records");
      assert.equal(report.form, "automation");
      assert.equal(report.runbookExecutionId, id);
      assert.ok(report.grantExecutionId, "finds the grant workflow the runbook started");
      assertReadings(report, behaviourOf(BASELINE_VARIANT), ["lambdaStringPayload"]);
    });
  });

  for (const name of ["baseline", "console-adds-assume-role", "record-omits-auto-approve", "record-omits-name"]) {
    it(`reads back a request raised in the console (--records) under ${name}: its runbook's parameters and CloudTrail's record`, async () => {
      const variant = VARIANTS.find((v) => v.name === name) as Variant;
      const sim = await simulate(await exampleDeployment(), { variant });
      const { org } = sim;
      const id = await sim.people.request(
        org.requester,
        {
          accountId: org.requesterAccount,
          permissionSet: "JitVerifyCanary",
          duration: "1",
          justification: "jit verify: a canary request raised in the console",
        },
        // Only a request sent without AutoApprove can show CloudTrail leaving it out; an approver then approves it.
        { autoApprove: name !== "record-omits-auto-approve" },
      );
      await sim.world.run(sim.world.clock.now() + 60_000);
      if (name === "record-omits-auto-approve") await sim.people.approve(org.approvers[0], id);
      await sim.world.run(sim.world.clock.now() + 5 * 60_000);
      const { run, report } = await verify(sim, ["--profile", "requester", "--records", id]);
      assertReadings(report, behaviourOf(variant), ["consoleRunbookParameters", "changeRequestRecord"]);
      assert.equal(report.mode, "records");
      assert.equal(report.requestId, id);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(
        sim.world.calls.filter((c) => c.api === "StartChangeRequestExecution").length,
        1,
        "--records raises nothing",
      );
    });
  }
});

/** Whether the variant ends the request before `dimension` can show (a request refused before any grant). */
function closesBefore(variant: Variant, dimension: keyof AwsBehaviour): boolean {
  const refused = behaviourOf(variant).runbookParentLink === "absent";
  return (
    refused && ["deleteMissingAssignment", "pace", "changeRequestCancel", "changeRequestClose"].includes(dimension)
  );
}

function assertReadings(report: VerifyReport, behaviour: AwsBehaviour, dimensions: readonly (keyof AwsBehaviour)[]) {
  const shown = readingsOf(report);
  assert.deepEqual(
    Object.fromEntries(dimensions.map((d) => [d, shown[d]])),
    Object.fromEntries(dimensions.map((d) => [d, behaviour[d]])),
    JSON.stringify(report.findings, null, 1),
  );
}
