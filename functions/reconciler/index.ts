/**
 * The reconciler (DESIGN.md §10; issue 14's design, item 6): a scheduled function that
 * (a) ends every open grant past its end, through the end function's module in process, and says so (./overdue.ts);
 * (b) sweeps every assignment of the requestable permission sets: a user's assignment is explained by an open grant
 *     holding its access lock, any assignment by the standing-access list; the assignment of a grant the ledger closed
 *     is removed and alerted on; anything else is alerted on, never removed (./sweep.ts, ./explain.ts);
 * (c) reports what EventBridge and Scheduler could not deliver: requests and ends in the dead-letter queues
 *     (./deadLetters.ts);
 * (d) checks the notification topic's subscribers: gone, unconfirmed, removable by anyone, or unknown
 *     (./subscriptions.ts).
 * Every AWS call counts against a budget per run (./budget.ts); the sweep keeps a cursor in the ledger table, so it
 * goes on where the last run stopped. Safe to run twice at once: every ledger change is conditional, a lease keeps two
 * runs from removing the same assignment together, and an alert's mark is taken before it is sent (./marks.ts).
 */
import { randomUUID } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SchedulerClient } from "@aws-sdk/client-scheduler";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { endGrant } from "../endAccess";
import { deleteAssignment, type InvocationTime, isAssigned, RESERVED_MS } from "../identityCenter/assignments";
import { dynamoLedger } from "../ledger";
import { counted, newBudget } from "./budget";
import { reportDeadLetters } from "./deadLetters";
import { endOverdue } from "./overdue";
import { type Assignment, newReport, type Removal, type Run, type RunReport } from "./run";
import type { ReconcilerSettings } from "./settings";
import { checkSubscriptions } from "./subscriptions";
import { sweep } from "./sweep";

export type { RunReport } from "./run";
export { RECONCILER_ENV, type ReconcilerSettings, reconcilerSettings } from "./settings";

export interface ReconcilerClients {
  ssoAdmin: SSOAdminClient;
  sns: Pick<SNSClient, "send">;
  dynamodb: Pick<DynamoDBClient, "send">;
  /** For the end function, which deletes an ended grant's schedule. */
  scheduler: Pick<SchedulerClient, "send">;
  /** The dead-letter queues' reader. */
  sqs: Pick<SQSClient, "send">;
}

/** The Lambda context's part the reconciler reads; `now` is the ledger's clock (Date.now unless given). */
export interface ReconcilerContext extends InvocationTime {
  awsRequestId?: string;
  now?: () => number;
}

export async function reconcile(
  clients: ReconcilerClients,
  settings: ReconcilerSettings,
  context: ReconcilerContext,
): Promise<RunReport> {
  const budget = newBudget(settings.callBudget);
  const c = {
    ssoAdmin: counted(clients.ssoAdmin, budget),
    sns: counted(clients.sns, budget),
    dynamodb: counted(clients.dynamodb, budget),
    scheduler: counted(clients.scheduler, budget),
    sqs: counted(clients.sqs, budget),
  };
  const now = context.now ?? (() => Date.now());
  const remaining = context.getRemainingTimeInMillis();
  const deadline = Date.now() + remaining - RESERVED_MS;
  const owner = `reconciler-${context.awsRequestId ?? randomUUID()}`;
  const marks = { dynamodb: c.dynamodb, tableName: settings.tableName };
  const run: Run = {
    settings,
    ledger: dynamoLedger({ dynamodb: c.dynamodb, tableName: settings.tableName, now }),
    removal: removal(c, settings),
    ssoAdmin: c.ssoAdmin,
    marks,
    alerts: {
      notifier: { sns: c.sns, topicArn: settings.topicArn },
      marks,
      owner,
      now,
      quietMs: settings.alertQuietHours * 3600_000,
    },
    budget,
    owner,
    now,
    deadline,
    leaseUntil: now() + remaining,
    report: newReport(),
  };
  try {
    await endOverdue(run);
    // Before the sweep, which may spend the rest of the budget: a lost request is told of within one interval.
    await reportDeadLetters(run, c.sqs);
    await checkSubscriptions(run, c.sns);
    await sweep(run);
  } finally {
    run.report.calls = budget.spent;
  }
  return run.report;
}

/** The end function's module, with the run's counted clients: the same removal and absence check as every end. */
function removal(c: ReconcilerClients, settings: ReconcilerSettings): Removal {
  const { instanceArn, tableName, schedule, sessionRevoker } = settings;
  const endSettings = { instanceArn, tableName, schedule, ...(sessionRevoker && { sessionRevoker }) };
  return {
    endGrant: (requestId, note, deadline) => endGrant(c, endSettings, requestId, "reconciler", note, deadline),
    // The end function's own two steps (functions/identityCenter/assignments.ts): delete and follow the request, then
    // list every page; whatever the deletion answered, the listing decides.
    removeAssignment: async (a: Assignment, deadline) => {
      const access = { userId: a.principalId, accountId: a.accountId, permissionSetArn: a.permissionSetArn };
      const deletion = await deleteAssignment(c.ssoAdmin, settings.instanceArn, access, deadline);
      if (deletion.status === "IN_PROGRESS") return "pending";
      return (await isAssigned(c.ssoAdmin, settings.instanceArn, access, deadline)) ? "present" : "removed";
    },
  };
}
