/**
 * Many active grants at once, for `npm run bench`: `n` grants of read-only access recorded and started in the ledger
 * through the ledger module the functions use (functions/ledger/, signed as the request check's role, which grants), each with its
 * Identity Center assignment made through the API, and no end schedule; then the world runs for `minutes` of virtual
 * time, in which only the reconciler (the uploaded function, on its rate schedule) works. What a grant costs at rest:
 * Automation executions alive, and whether the reconciler's sweep explains every assignment within its call budget.
 */

import { dynamoLedger } from "../../functions/ledger";
import type { RunReport } from "../../functions/reconciler/run";
import { names } from "../../shared/naming";
import type { Caller } from "../sim/aws";
import { identityCenterSession } from "../sim/identities";
import { grantsOf, isOpen } from "../sim/ledger";
import { READ_ONLY_REQUEST } from "../sim/scenarios";
import { type SimulatedDeployment, simulate } from "../sim/setup";

export interface LedgerScaleResult {
  grants: number;
  /** Grants the ledger held open when the run ended. */
  open: number;
  /** Automation executions alive at the end (none is needed for a grant at rest). */
  executionsAlive: number;
  reconcilerRuns: number;
  reconcilerErrors: number;
  /** Assignments the runs swept, and how many runs finished a sweep over every assignment. */
  swept: number;
  sweepsComplete: number;
  /** AWS calls per run, most. */
  callsPerRunMax: number;
  /** Notifications the reconciler sent (an unexplained assignment, an overdue grant). */
  alerts: string[];
  wallMs: number;
}

export async function ledgerScaleRun(
  deployment: SimulatedDeployment,
  n: number,
  minutes: number,
): Promise<LedgerScaleResult> {
  const started = Date.now();
  const sim = await simulate(deployment, { seed: `ledger-${n}` });
  const { world, org } = sim;
  const { config } = deployment.management;
  const n2 = names(config);
  const grantRole: Caller = {
    account: config.managementAccountId,
    region: config.region,
    roleArn: n2.arn.role(config.managementAccountId, n2.management.requestCheckRole),
    sessionName: n2.management.requestCheckFunction,
  };
  const dynamodb = {
    send: (command: { input: Record<string, unknown>; constructor: { name: string } }) =>
      world.callAws("dynamodb", command.constructor.name.replace(/Command$/, ""), command.input, grantRole),
  } as unknown as Parameters<typeof dynamoLedger>[0]["dynamodb"];
  const ledger = dynamoLedger({ dynamodb, tableName: n2.management.grantTable, now: () => world.clock.now() });
  const admin = identityCenterSession(org.managementAccount, org.region, "AWSAdministratorAccess", "operator");
  const permissionSetArn = world.ssoAdmin.permissionSetArn(org.instanceArn, READ_ONLY_REQUEST.permissionSet);
  const durationMinutes = 12 * 60;

  for (let i = 0; i < n; i++) {
    const userName = `engineer-${String(i).padStart(5, "0")}`;
    const userId = world.identityStore.createUser(org.identityStoreId, userName, `Engineer ${i}`);
    const requestId = world.ids.uuid();
    const result = await ledger.record({
      requestId,
      grantExecutionId: world.ids.uuid(),
      userName,
      userId,
      permissionSet: READ_ONLY_REQUEST.permissionSet,
      permissionSetArn,
      accountId: READ_ONLY_REQUEST.accountId,
      durationMinutes,
      approvers: [],
    });
    if (result.kind !== "recorded") throw new Error(`grant ${i} was not recorded: ${result.kind}`);
    const granting = await ledger.transition(result.grant, {
      from: ["checked"],
      to: "granting",
      cause: "grant",
      note: "bench",
    });
    await world.callAws(
      "sso-admin",
      "CreateAccountAssignment",
      {
        InstanceArn: org.instanceArn,
        TargetId: READ_ONLY_REQUEST.accountId,
        TargetType: "AWS_ACCOUNT",
        PermissionSetArn: permissionSetArn,
        PrincipalType: "USER",
        PrincipalId: userId,
      },
      admin,
    );
    const startedAt = world.clock.now();
    await ledger.transition(granting, {
      from: ["granting"],
      to: "active",
      cause: "grant",
      note: "bench",
      set: { startedAt, endsAt: Math.ceil(startedAt / 1000) + durationMinutes * 60 },
    });
  }
  world.calls.length = 0;
  const published = world.sns.published.length;
  const invoked = world.lambda.invocations.length;
  await world.run(world.clock.now() + minutes * 60_000);

  const table = { account: config.managementAccountId, region: config.region, name: n2.management.grantTable };
  const open = (await grantsOf(world.dynamodb, table)).filter(isOpen).length;
  const runs = world.lambda.invocations
    .slice(invoked)
    .filter((i) => i.functionArn.endsWith(n2.management.reconcilerFunction));
  const reports = runs.flatMap((r) => (r.result ? [r.result as RunReport] : []));
  const result = {
    grants: n,
    open,
    executionsAlive: [...world.engine.executions.values()].filter((x) => x.endTime === undefined).length,
    reconcilerRuns: runs.length,
    reconcilerErrors: runs.filter((r) => r.error).length,
    swept: reports.reduce((sum, r) => sum + r.swept, 0),
    sweepsComplete: reports.filter((r) => r.sweepComplete).length,
    callsPerRunMax: Math.max(0, ...reports.map((r) => r.calls)),
    alerts: world.sns.published.slice(published).map((p) => p.subject ?? ""),
    wallMs: Date.now() - started,
  };
  await world.dispose();
  return result;
}
