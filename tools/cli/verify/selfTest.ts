/**
 * `jit verify`'s self-test, run by an administrator signed in through the access portal: it requests the canary
 * permission set (which grants nothing) through the same path as `jit request`, waits for the grant, confirms the
 * assignment, ends it the way an operator does (`jit revoke`: the end-of-grant workflow, Cause operator), or lets it
 * run out (its end schedule starts the same workflow), confirms the removal, provokes the two behaviours that are safe to
 * provoke with the canary, and reads back the records.
 */
import { type AutomationExecution, StopAutomationExecutionCommand } from "@aws-sdk/client-ssm";
import {
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
} from "@aws-sdk/client-sso-admin";
import { hasEnded } from "../../../shared/automationStatus";
import { REQUEST_RUNBOOK_STEPS } from "../../../shared/events";
import { identityCenterSession } from "../../../shared/identityCenter";
import { requestAccess } from "../commands/request";
import { revokeGrant } from "../commands/revoke";
import type { Clients } from "../context";
import { CliFailure, UsageError } from "../errors";
import { execution, waitsForApproval } from "../executions";
import { findForm, readForm } from "../form";
import { callerArn } from "../identity";
import { sendDecision } from "../signal";
import { changeRequestCancel, changeRequestClose, deleteMissingAssignment, type MissingDeletion } from "./measures";
import { endDocumentOf, grantDocumentOf, ledgerTableOf } from "./names";
import { findingsOf, GRANT_STEPS, type RequestRecords } from "./readBack";
import type { Finding } from "./readings";
import { type AssignmentTarget, assigned, findExecution, ledgerTarget } from "./records";
import { buildReport, type Check, type VerifyReport } from "./report";

export interface VerifyOptions {
  /** The account the canary is requested on; by default the account the requester credentials sign in to. */
  account?: string;
  permissionSet: string;
  template?: string;
  grantDocument?: string;
  trailLogGroup: string;
  /** End the grant with `jit revoke` (default) or let its shortest duration run out. */
  end: "revoke" | "expire";
  cancelProbe: boolean;
  timeoutMs: number;
  intervalMs: number;
}

export interface VerifyDeps {
  requester: Clients;
  management: Clients;
  /** An approver's clients: then the canary request waits for, and gets, a real approval. */
  approver?: Clients;
  now(): number;
  sleep(ms: number): Promise<void>;
  progress(line: string): void;
}

const done = (x: AutomationExecution) => hasEnded(x.AutomationExecutionStatus);
const stepSucceeded = (x: AutomationExecution, name: string) =>
  (x.StepExecutions ?? []).some((s) => s.StepName === name && s.StepStatus === "Success");

export async function selfTest(deps: VerifyDeps, options: VerifyOptions): Promise<VerifyReport> {
  const { requester, management } = deps;
  const deadline = deps.now() + options.timeoutMs;
  const checks: Check[] = [];
  const check = (what: string, ok: boolean, detail: string) => {
    checks.push({ what, ok, detail });
    deps.progress(`${ok ? "ok  " : "FAIL"}  ${what}: ${detail}`);
    return ok;
  };
  /** Polls `probe` until it gives a value, or fails naming `what` once the run's time is up. */
  const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (deps.now() >= deadline) throw new CliFailure(`timed out waiting for ${what} (--timeout)`);
      await deps.sleep(options.intervalMs);
    }
  };

  // Who runs it, on which side.
  const caller = await callerArn(requester.sts);
  const session = identityCenterSession(caller);
  if (!session) {
    throw new UsageError(
      `jit verify runs as an IAM Identity Center user signed in to the requester account with a request permission set; you are ${caller}`,
    );
  }
  const managementCaller = await callerArn(management.sts);
  const managementAccount = managementCaller.split(":")[4];
  if (managementAccount === session.account) {
    throw new UsageError(
      `--management-profile signs in to ${managementAccount}, the account you raise requests from: give a profile for the management account (where IAM Identity Center and the grant workflow are)`,
    );
  }
  const account = options.account ?? session.account;

  const form = await readForm(requester.ssm, await findForm(requester.ssm, options.template));
  const offered = form.parameters.PermissionSet?.allowedValues ?? [];
  if (!offered.includes(options.permissionSet)) {
    throw new CliFailure(
      `the form does not offer the canary permission set ${options.permissionSet} (it offers ${offered.join(", ")}): set jit:verify in the management stack's config, deploy both stacks, and try again (or name the canary with --permission-set)`,
    );
  }
  const grantDocument = options.grantDocument ?? grantDocumentOf(form.name);
  const endDocument = endDocumentOf(grantDocument);
  const ledgerTable = ledgerTableOf(grantDocument);
  if (!endDocument || !ledgerTable) {
    throw new UsageError(`the grant workflow document ${grantDocument} names no end-of-grant document or grant ledger`);
  }
  const startedAt = deps.now();

  /** Raises a canary request (approved by the approver if there is one); returns it with its runbook and grant. */
  const raise = async (purpose: string): Promise<{ id: string; runbook: AutomationExecution }> => {
    const stamp = new Date(deps.now()).toISOString();
    const reason = `jit verify ${stamp}: ${purpose} with the canary permission set, which grants nothing`;
    const raised = await requestAccess(
      requester,
      {
        account,
        permissionSet: options.permissionSet,
        duration: "1",
        reason,
        autoApprove: !deps.approver,
        template: form.name,
      },
      deps.now(),
    );
    const { id } = raised;
    const what = form.kind === "automation" ? "access request" : "change request";
    deps.progress(`raised ${what} ${id} (${deps.approver ? "to be approved" : "auto-approved"}): ${purpose}`);
    if (deps.approver) {
      await waitFor(`the ${what} to wait for approval`, async () => {
        const x = await execution(requester.ssm, id);
        if (done(x)) throw new CliFailure(`the ${what} ${id} ended ${x.AutomationExecutionStatus} before approval`);
        return waitsForApproval(x) ? x : undefined;
      });
      await sendDecision(deps.approver.ssm, id, "Approve", "jit verify: the canary grants nothing");
    }
    // The Automation form's request is the runbook itself.
    if (form.kind === "automation") return { id, runbook: await execution(requester.ssm, id) };
    const runbook = await waitFor(`the runbook of change request ${id}`, async () => {
      const cr = await execution(requester.ssm, id);
      const found = await findExecution(
        requester.ssm,
        form.runbookName,
        { name: "Justification", value: reason },
        startedAt,
      );
      if (!found && done(cr)) {
        throw new CliFailure(
          `the change request ${id} ended ${cr.AutomationExecutionStatus} without running its runbook`,
        );
      }
      return found;
    });
    return { id, runbook };
  };
  const grantOf = (runbookId: string) =>
    findExecution(management.ssm, grantDocument, { name: "RequesterExecutionId", value: runbookId }, startedAt);

  // 1. The canary request, granted.
  const first = await raise("first-deployment self-test");
  const runbookId = first.runbook.AutomationExecutionId ?? "";
  let grant = await waitFor("the grant workflow in the management account", () => grantOf(runbookId));
  const grantId = grant.AutomationExecutionId ?? "";
  grant = await waitFor("the grant", async () => {
    const x = await execution(management.ssm, grantId);
    return stepSucceeded(x, GRANT_STEPS.granted) || done(x) ? x : undefined;
  });
  const target = await ledgerTarget(management.dynamodb, ledgerTable, runbookId);
  const granted = check(
    "grant",
    stepSucceeded(grant, GRANT_STEPS.granted) && target !== undefined && (await assigned(management.ssoAdmin, target)),
    stepSucceeded(grant, GRANT_STEPS.granted)
      ? `the grant workflow ${grantId} assigned ${options.permissionSet} on ${account}, and IAM Identity Center lists the assignment`
      : await notGranted(requester, grant, first.runbook),
  );

  // 2. Its end, and the removal.
  let cancellation: { stoppedAt: number; endedAt: number } | undefined;
  let missing: MissingDeletion | undefined;
  if (granted && target) {
    let stoppedAt: number | undefined;
    if (options.end === "revoke") {
      stoppedAt = deps.now();
      const revoked = await revokeGrant(management.ssm, grantId, endDocument);
      deps.progress(`revoking: started the end-of-grant workflow ${revoked.endExecutionId}, as jit revoke does`);
    } else {
      deps.progress(`letting the grant run out (duration 1 of the deployment's unit)`);
    }
    const endOf = () => findExecution(management.ssm, endDocument, { name: "RequestId", value: runbookId }, startedAt);
    const found = await waitFor("the end-of-grant workflow", endOf);
    const endId = found.AutomationExecutionId ?? "";
    const ended = await waitFor("the end-of-grant workflow to end", async () => {
      const x = await execution(management.ssm, endId);
      return done(x) ? x : undefined;
    });
    if (stoppedAt !== undefined) cancellation = { stoppedAt, endedAt: ended.ExecutionEndTime?.getTime() ?? deps.now() };
    const removed = !(await assigned(management.ssoAdmin, target));
    check(
      "removal",
      removed,
      removed
        ? `the end-of-grant workflow ${endId} ended ${ended.AutomationExecutionStatus} and IAM Identity Center no longer lists the assignment`
        : `the end-of-grant workflow ${endId} ended ${ended.AutomationExecutionStatus} but the canary assignment is still there: remove it in IAM Identity Center`,
    );
    if (removed) missing = await deleteMissing(deps, management, target, waitFor);
  }

  // 3. A second canary request, cancelled as soon as its runbook runs.
  const cancelFindings = options.cancelProbe
    ? await cancelProbe(deps, raise, grantOf, ledgerTable, waitFor, check)
    : [changeRequestCancel({ skipped: "not probed (--no-cancel-probe)" })];

  // 4. The records of the first request.
  const records: RequestRecords = {
    request: await execution(requester.ssm, first.id),
    runbook: await execution(requester.ssm, runbookId),
    grant,
  };
  const findings: Finding[] = await findingsOf(records, {
    raisedBy: "self-test",
    sent: { autoApprove: true, name: true },
    trail: { logs: management.logs, logGroupName: options.trailLogGroup, sleep: deps.sleep },
    now: deps.now(),
    cancellation,
  });
  findings.push(deleteMissingAssignment(missing), ...cancelFindings);
  return buildReport(
    {
      mode: "self-test",
      form: form.kind,
      requestId: first.id,
      runbookExecutionId: runbookId,
      grantExecutionId: grantId,
      checks,
    },
    findings,
  );
}

/** Why the grant workflow ended without granting: its status, the check's answer, and the runbook's failure. */
async function notGranted(
  requester: Clients,
  grant: AutomationExecution,
  runbook: AutomationExecution,
): Promise<string> {
  const answer = (grant.StepExecutions ?? []).find((s) => s.StepName === GRANT_STEPS.check)?.Outputs?.Payload?.[0];
  const settled = await execution(requester.ssm, runbook.AutomationExecutionId ?? "");
  return [
    `the grant workflow ${grant.AutomationExecutionId} ended ${grant.AutomationExecutionStatus} without granting`,
    answer === undefined ? undefined : `the request check answered ${answer}`,
    grant.FailureMessage ? `its failure: ${grant.FailureMessage}` : undefined,
    settled.FailureMessage ? `the runbook says: ${settled.FailureMessage}` : undefined,
  ]
    .filter(Boolean)
    .join("; ");
}

type WaitFor = <T>(what: string, probe: () => Promise<T | undefined>) => Promise<T>;

/** DeleteAccountAssignment of the canary assignment once it is gone: refused at once, or accepted and how it ends. */
async function deleteMissing(
  deps: VerifyDeps,
  management: Clients,
  target: AssignmentTarget,
  waitFor: WaitFor,
): Promise<MissingDeletion> {
  let requestId: string | undefined;
  try {
    const answer = await management.ssoAdmin.send(new DeleteAccountAssignmentCommand(target));
    requestId = answer.AccountAssignmentDeletionStatus?.RequestId;
  } catch (err) {
    const { name, message } = err instanceof Error ? err : { name: "Error", message: String(err) };
    return { refused: `${name}: ${message}` };
  }
  if (!requestId) return { status: "no request id" };
  const status = await waitFor("the deletion of the missing assignment", async () => {
    const { AccountAssignmentDeletionStatus: s } = await management.ssoAdmin.send(
      new DescribeAccountAssignmentDeletionStatusCommand({
        InstanceArn: target.InstanceArn,
        AccountAssignmentDeletionRequestId: requestId,
      }),
    );
    return s?.Status === "IN_PROGRESS" ? undefined : s;
  });
  deps.progress(`deleting the missing canary assignment again: ${status.Status}`);
  return { status: status.Status ?? "", reason: status.FailureReason };
}

/** How long the cancel probe watches the runbook after cancelling its change request. */
const CANCEL_WATCH_MS = 60_000;

/**
 * A second canary request, its change request cancelled as soon as its runbook is seen. The runbook sends and ends
 * within seconds, so the cancel meets one of two things: a runbook still running (does the cancel stop it:
 * changeRequestCancel), or a runbook that has ended (has the change request closed with it, refusing the cancel:
 * changeRequestClose). Whatever it granted is then ended, and the canary must be gone.
 */
async function cancelProbe(
  deps: VerifyDeps,
  raise: (purpose: string) => Promise<{ id: string; runbook: AutomationExecution }>,
  grantOf: (runbookId: string) => Promise<AutomationExecution | undefined>,
  ledgerTable: string,
  waitFor: WaitFor,
  check: (what: string, ok: boolean, detail: string) => boolean,
): Promise<Finding[]> {
  const { requester, management } = deps;
  const second = await raise("cancel probe: cancelled at once");
  const runbookId = second.runbook.AutomationExecutionId ?? "";
  const cancelledAt = deps.now();
  let runbook = await execution(requester.ssm, runbookId);
  const endedBefore = done(runbook);
  let findings: Finding[];
  try {
    await requester.ssm.send(new StopAutomationExecutionCommand({ AutomationExecutionId: second.id, Type: "Cancel" }));
    if (endedBefore) {
      findings = [changeRequestClose({ cancelAccepted: true, runbookStatus: runbook.AutomationExecutionStatus ?? "" })];
    } else {
      while (deps.now() - cancelledAt < CANCEL_WATCH_MS) {
        runbook = await execution(requester.ssm, runbookId);
        if (["Cancelled", "Cancelling"].includes(runbook.AutomationExecutionStatus ?? "") || done(runbook)) break;
        await deps.sleep(
          deps.now() - cancelledAt + 5_000 > CANCEL_WATCH_MS ? CANCEL_WATCH_MS - (deps.now() - cancelledAt) : 5_000,
        );
      }
      findings = [
        changeRequestCancel({
          runbookStatus: runbook.AutomationExecutionStatus ?? "",
          waitedMs: deps.now() - cancelledAt,
        }),
      ];
    }
  } catch (err) {
    // The change request closed with its runbook, before the cancel.
    if ((err as { name?: string }).name !== "InvalidAutomationStatusUpdateException") throw err;
    runbook = await execution(requester.ssm, runbookId);
    findings = [changeRequestClose({ cancelAccepted: false, runbookStatus: runbook.AutomationExecutionStatus ?? "" })];
  }
  // Whatever the cancelled request led to, nothing of it may stay.
  const sent = stepSucceeded(runbook, REQUEST_RUNBOOK_STEPS.send);
  const grant = sent ? await waitFor("the cancelled request's grant workflow", () => grantOf(runbookId)) : undefined;
  if (grant?.AutomationExecutionId) {
    const grantId = grant.AutomationExecutionId;
    const ended = await waitFor("the cancelled request's grant workflow to end", async () => {
      const x = await execution(management.ssm, grantId);
      return done(x) ? x : undefined;
    });
    // Granted all the same: end it as jit revoke does, and wait for the end.
    if (stepSucceeded(ended, GRANT_STEPS.granted)) {
      const revoked = await revokeGrant(management.ssm, grantId);
      await waitFor("the cancelled request's end-of-grant workflow", async () => {
        const x = await execution(management.ssm, revoked.endExecutionId);
        return done(x) ? x : undefined;
      });
    }
    const target = await ledgerTarget(management.dynamodb, ledgerTable, runbookId);
    const left = target !== undefined && (await assigned(management.ssoAdmin, target));
    check(
      "cancel probe",
      !left,
      left
        ? `the cancelled request's grant workflow ${grantId} ended ${ended.AutomationExecutionStatus} and left the canary assigned: remove it in IAM Identity Center`
        : `the cancelled request's grant workflow ${grantId} ended ${ended.AutomationExecutionStatus} with nothing assigned`,
    );
  } else {
    check("cancel probe", true, "the cancelled request never reached the management account");
  }
  return findings;
}
