/**
 * Issue 6, inputs, end to end: hostile values submitted through Change Manager in the simulated organization. A value
 * is either refused before any runbook runs (by the runbook's association, as in AWS), or reaches the grant workflow
 * unchanged as exactly the parameter it was given as; never anything else.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { names } from "../../../shared/naming";
import { AwsError } from "../../../tools/sim/aws";
import { identityCenterSession } from "../../../tools/sim/identities";
import { EXAMPLE_REQUEST } from "../../../tools/sim/scenarios";
import { type Simulation, simulate } from "../../../tools/sim/setup";
import { hostile, oracles, validValues } from "../../support/hostileInput";
import { exampleDeployment } from "./support/deployment";

/**
 * Each run submits a request in one long-lived world. `npm test` runs a slice, 200 per parameter; `npm run fuzz` runs
 * the whole, 1000 (`SIMULATED_FUZZ_RUNS` sets how many).
 */
const RUNS = Number(process.env.SIMULATED_FUZZ_RUNS ?? 200);

type Field = "AccountId" | "PermissionSet" | "Duration" | "RequestingUser" | "Justification";
const FORM_FIELD: Record<Field, keyof typeof EXAMPLE_REQUEST | "requestingUser"> = {
  AccountId: "accountId",
  PermissionSet: "permissionSet",
  Duration: "duration",
  RequestingUser: "requestingUser",
  Justification: "justification",
};

describe(`access request inputs through the simulated organization (fast-check, ${RUNS} per parameter)`, () => {
  for (const field of Object.keys(FORM_FIELD) as Field[]) {
    it(`${field}: refused before any runbook runs, or given to the grant workflow exactly as typed`, async () => {
      const deployment = await exampleDeployment();
      const sim: Simulation = await simulate(deployment, { seed: `fuzz-${field}` });
      const { grantDocument, endDocument } = names(deployment.management.config).management;
      const { requestablePermissionSets: sets, maxDuration } = deployment.management.config;
      const arbitraries: Record<Field, [fc.Arbitrary<string>, (s: string) => boolean]> = {
        AccountId: [hostile(validValues.accountId), oracles.accountId],
        PermissionSet: [hostile(validValues.oneOf(sets)), oracles.oneOf(sets)],
        Duration: [hostile(validValues.wholeNumberUpTo(maxDuration)), oracles.wholeNumberUpTo(maxDuration)],
        RequestingUser: [hostile(validValues.userName), oracles.userName],
        Justification: [hostile(validValues.plainText(10, 500)), oracles.plainText(10, 500)],
      };
      const [arbitrary, oracle] = arbitraries[field];
      let granted = 0;
      await fc.assert(
        fc.asyncProperty(arbitrary, async (value) => {
          const { world, people, org } = sim;
          const request = { ...EXAMPLE_REQUEST, [FORM_FIELD[field]]: value };
          let id: string;
          try {
            id = await people.request(org.requester, request, { autoApprove: true });
          } catch (err) {
            assert.ok(err instanceof AwsError, String(err));
            assert.equal(oracle(value), false, `Change Manager refused a valid value: ${err.message}`);
            return;
          }
          await world.run(world.clock.now() + 60_000);
          const change = world.engine.get(id);
          const runbook = change.changeRequest?.runbookExecutionIds[0];
          const grants = world
            .executionsOf(grantDocument)
            .filter((x) => runbook !== undefined && x.parameters.RequesterExecutionId?.[0] === runbook);
          if (!oracle(value)) {
            assert.equal(runbook, undefined, `a runbook ran for ${JSON.stringify(value)}`);
            assert.equal(change.status, "Failed");
            assert.deepEqual(grants, []);
            return;
          }
          assert.equal(grants.length, 1, `${grants.length} grant workflows for ${JSON.stringify(value)}`);
          assert.deepEqual(grants[0].parameters[field], [value]);
          granted++;
          // Ends the grant early as an operator's jit revoke does (the end-of-grant workflow, Cause operator), so the
          // world does not carry every earlier grant to its end. (A valid value can still name no real account or
          // user; nothing was granted then, and the end finds nothing to end.)
          await world.run(world.clock.now() + 60_000);
          const operator = identityCenterSession(
            org.managementAccount,
            org.region,
            "AWSAdministratorAccess",
            "operator",
          );
          await world.callAws(
            "ssm",
            "StartAutomationExecution",
            { DocumentName: endDocument, Parameters: { RequestId: [runbook], Cause: ["operator"] } },
            operator,
          );
          await world.run(world.clock.now() + 120_000);
          assert.equal(world.ssoAdmin.assignments().length, 0, "the grant ended early was revoked");
        }),
        { numRuns: RUNS },
      );
      assert.deepEqual(sim.world.events.failedInvocations, []);
      assert.deepEqual(sim.world.backgroundErrors, []);
      assert.ok(granted > 0, "some generated values were valid");
    });
  }
});
