/**
 * Change Manager as the simulator needs it: a change request is an execution of the change template (its
 * aws:approve steps wait for the template's approvers, or are skipped when auto-approved); once the template's steps
 * succeed and the scheduled time has come, each runbook is started through a State Manager association (which checks
 * its parameters, so a bad value fails there, as CloudTrail shows it) and the change request ends as its runbooks do.
 */

import type { DocumentRegistry } from "../automation/documents";
import type { AutomationEngine } from "../automation/engine";
import type { ChangeRequestDetails, Execution, ExecutionStatus } from "../automation/execution";
import { type ApiInput, AwsError, type Caller, requireString } from "../aws";
import { Interrupted, type VirtualClock } from "../clock";
import type { Ids } from "../ids";
import type { AwsBehaviour } from "../variants";

export const CHANGE_MANAGER_ROLE_NAME =
  "aws-service-role/changemanagement.ssm.amazonaws.com/AWSServiceRoleForSystemsManagerChangeManagement";

export interface ChangeManagerHost {
  readonly clock: VirtualClock;
  readonly ids: Ids;
  /** How AWS behaves where it documents nothing (../variants.ts). */
  readonly behaviour: AwsBehaviour;
  callAws(service: string, api: string, input: ApiInput, caller: Caller): Promise<unknown>;
}

/** How long a change request stays open after its runbook succeeded, under changeRequestClose minutes-later. */
export const CLOSE_LAG_MS = 5 * 60_000;

const invalid = (message: string) => new AwsError("ValidationException", message);

export class ChangeManager {
  constructor(
    private readonly host: ChangeManagerHost,
    private readonly engine: AutomationEngine,
    private readonly documents: DocumentRegistry,
  ) {}

  /** StartChangeRequestExecution. */
  start(input: ApiInput, caller: Caller): Execution {
    const template = this.documents.get(caller.account, caller.region, requireString(input, "DocumentName"));
    if (template.documentType !== "Automation.ChangeTemplate")
      throw invalid(`${template.name} is not a change template`);
    const content = template.content;
    const runbooks = (input.Runbooks ?? []) as ChangeRequestDetails["runbooks"];
    if (runbooks.length === 0) throw invalid("Runbooks must name at least one runbook");
    for (const runbook of runbooks) {
      if (!content.executableRunBooks?.some((r) => r.name === runbook.DocumentName)) {
        throw invalid(`${runbook.DocumentName} is not one of the template's executable runbooks`);
      }
    }
    const autoApprove = input.AutoApprove === true;
    if (autoApprove && content.autoApprovable !== true) throw invalid(`${template.name} is not auto-approvable`);
    const scheduled = input.ScheduledTime === undefined ? undefined : new Date(String(input.ScheduledTime));
    if (scheduled && Number.isNaN(scheduled.getTime())) throw invalid("ScheduledTime is not a date");
    // ChangeRequestName is optional (API_StartChangeRequestExecution: "Required: No").
    if (input.ChangeRequestName !== undefined) requireString(input, "ChangeRequestName");
    const changeRequest: ChangeRequestDetails = {
      name: input.ChangeRequestName as string | undefined,
      runbooks: runbooks.map((r) => ({ ...r, Parameters: r.Parameters ?? {} })),
      autoApprove,
      scheduledTime: scheduled,
      opsItemId: `oi-${this.host.ids.hex(12)}`,
      runbookExecutionIds: [],
      associationIds: [],
    };
    return this.engine.start(template, (input.Parameters ?? {}) as Record<string, unknown>, caller, { changeRequest });
  }

  newAssociationId(): string {
    return this.host.ids.uuid();
  }

  /** After the template's steps succeeded: runs the runbooks in order; the change request ends as they do. */
  async runRunbooks(x: Execution): Promise<ExecutionStatus> {
    const change = x.changeRequest!;
    const service = this.serviceCaller(x);
    try {
      if (change.scheduledTime) {
        await this.host.clock.sleep(change.scheduledTime.getTime() - this.host.clock.now(), x.cancel.signal);
      }
    } catch (err) {
      if (err instanceof Interrupted) return "Cancelled";
      throw err;
    }
    for (const runbook of change.runbooks) {
      let associationId: string;
      try {
        const created = (await this.host.callAws(
          "ssm",
          "CreateAssociation",
          { Name: runbook.DocumentName, Parameters: runbook.Parameters },
          service,
        )) as { AssociationDescription: { AssociationId: string } };
        associationId = created.AssociationDescription.AssociationId;
      } catch (err) {
        if (!(err instanceof AwsError)) throw err;
        x.failureMessage = `the runbook ${runbook.DocumentName} could not start: ${err.message}`;
        return "Failed";
      }
      const { account, region } = x.document;
      const document = this.documents.get(account, region, runbook.DocumentName, runbook.DocumentVersion);
      const run = this.engine.start(document, runbook.Parameters, service, { parentId: x.id, associationId });
      change.runbookExecutionIds.push(run.id);
      change.associationIds.push(associationId);
      // Whether cancelling the change request stops its running runbook is the changeRequestCancel dimension
      // (../variants.ts): Change Manager's documentation says nothing of a runbook already started.
      const stop = () => {
        if (!["Success", "Failed", "TimedOut", "Cancelled", "Cancelling"].includes(run.status))
          this.engine.stop(run.id);
      };
      const stopsRunbook = this.host.behaviour.changeRequestCancel === "stops-runbook";
      if (stopsRunbook) x.cancel.signal.addEventListener("abort", stop, { once: true });
      // Left running, the runbook goes on alone; the change request ends Cancelled at once.
      const status = await (stopsRunbook ? run.done : Promise.race([run.done, cancelled(x)]));
      x.cancel.signal.removeEventListener("abort", stop);
      if (!stopsRunbook && x.cancel.signal.aborted) return "Cancelled";
      if (status !== "Success") {
        x.failureMessage = `the runbook ${runbook.DocumentName} ended ${status}`;
        return status;
      }
    }
    // How soon the change request itself closes is the changeRequestClose dimension (../variants.ts); while it is
    // open it may still be cancelled.
    if (this.host.behaviour.changeRequestClose === "minutes-later") {
      try {
        await this.host.clock.sleep(CLOSE_LAG_MS, x.cancel.signal);
      } catch (err) {
        if (err instanceof Interrupted) return "Cancelled";
        throw err;
      }
    }
    return "Success";
  }

  private serviceCaller(x: Execution): Caller {
    const { account, region } = x.document;
    return {
      account,
      region,
      roleArn: `arn:aws:iam::${account}:role/${CHANGE_MANAGER_ROLE_NAME}`,
      sessionName: "ChangeManager",
    };
  }
}

/** Resolves Cancelled once the change request is cancelled (its runbook may be left running). */
function cancelled(x: Execution): Promise<ExecutionStatus> {
  return new Promise((resolve) => {
    if (x.cancel.signal.aborted) resolve("Cancelled");
    else x.cancel.signal.addEventListener("abort", () => resolve("Cancelled"), { once: true });
  });
}
