/**
 * What people do, as the API calls the console (or the CLI) makes for them with their Identity Center sessions:
 * raise an access request in Change Manager, approve or reject it, cancel it, and use the access once granted.
 */
import type { RequestForm } from "../../shared/config/common";
import { REQUEST_RUNBOOK_STEPS } from "../../shared/events";
import { AUTO_APPROVE_PARAMETER } from "../../shared/requestForm";
import { requestFormComponentTag } from "../../shared/tags";
import type { SsmDocumentRecord } from "./automation/document";
import { type ApiInput, AwsError, type Caller } from "./aws";
import { identityCenterSession } from "./identities";
import type { Organization, Person } from "./organization";
import type { World } from "./world";

export interface AccessRequest {
  accountId: string;
  permissionSet: string;
  duration: string;
  justification: string;
  /** The duration's unit chosen on the form; the one the form offers unless a scenario says otherwise. */
  durationUnit?: string;
  /** The user name typed into the form; the requester's own unless a scenario says otherwise. */
  requestingUser?: string;
}

/**
 * The form's values for `request`, raised by `userName`, as the runbook's parameters: the duration's unit is the one
 * the runbook offers (its DurationUnit's allowed value, which the form lists), unless the request names one.
 */
function formParameters(
  userName: string,
  request: AccessRequest,
  runbook: SsmDocumentRecord,
): Record<string, string[]> {
  const offered = runbook.content.parameters?.DurationUnit?.allowedValues?.map(String) ?? [];
  const unit = request.durationUnit ?? offered[0];
  return {
    AccountId: [request.accountId],
    PermissionSet: [request.permissionSet],
    Duration: [request.duration],
    ...(unit !== undefined && { DurationUnit: [unit] }),
    RequestingUser: [request.requestingUser ?? userName],
    Justification: [request.justification],
  };
}

export class People {
  constructor(
    private readonly world: World,
    private readonly org: Organization,
    /** The form the requester side deployed: Change Manager's change template, or the request runbook itself. */
    readonly form: RequestForm = "changeManager",
  ) {}

  /** The request runbook people start themselves (the Automation form), found by its Component tag as the CLI finds it. */
  get requestRunbook() {
    const { key, value } = requestFormComponentTag;
    const runbooks = this.world.documents.all().filter((d) => d.tags?.[key] === value);
    if (runbooks.length !== 1)
      throw new Error(`expected one request runbook tagged ${key}=${value}, found ${runbooks.length}`);
    return runbooks[0];
  }

  /** The change template people request access with, found as the CLI finds it: the one Change Manager document. */
  get changeTemplate() {
    const templates = this.world.documents.all().filter((d) => d.documentType === "Automation.ChangeTemplate");
    if (templates.length !== 1) throw new Error(`expected one change template, found ${templates.length}`);
    return templates[0];
  }

  session(person: Person, permissionSet: string, account = this.org.requesterAccount): Caller {
    return identityCenterSession(account, this.org.region, permissionSet, person.userName);
  }

  private act(person: Person, permissionSet: string, api: string, input: ApiInput): Promise<unknown> {
    const caller = this.session(person, permissionSet);
    this.world.timeline.add({
      at: this.world.clock.now(),
      kind: "action",
      actor: person.userName,
      what: `${api} ${summary(input)}`,
    });
    return this.world.callAws("ssm", api, input, caller);
  }

  /**
   * A decision on a change request (approve, reject, cancel). The request may have ended before the person acts
   * (under a variant where the request fails closed, a scenario's later steps find it ended): the console then shows
   * AWS's refusal, which is recorded and returned rather than thrown.
   */
  private async decide(person: Person, permissionSet: string, api: string, input: ApiInput): Promise<unknown> {
    try {
      return await this.act(person, permissionSet, api, input);
    } catch (err) {
      const ended = ["InvalidAutomationStatusUpdateException", "InvalidAutomationSignalException"];
      if (!(err instanceof AwsError && ended.includes(err.code))) throw err;
      this.world.timeline.add({
        at: this.world.clock.now(),
        kind: "action",
        actor: person.userName,
        what: `${api} refused: ${err.message}`,
      });
      return err;
    }
  }

  /**
   * Raises a request with the deployed form (a change request from the template, or a run of the request runbook);
   * returns the request's execution id. `signedInWith` is the permission set the person signs in with (the request
   * set, or the no-approval set when asking to skip approval, unless given).
   */
  async request(
    person: Person,
    request: AccessRequest,
    options: { autoApprove?: boolean; bare?: boolean; signedInWith?: string } = {},
  ): Promise<string> {
    const sets = this.org.solutionPermissionSets;
    const permissionSet = options.signedInWith ?? (options.autoApprove ? sets.requestNoApproval : sets.request);
    const { api, input } = this.requestCall(person.userName, request, options);
    const response = (await this.act(person, permissionSet, api, input)) as { AutomationExecutionId: string };
    return response.AutomationExecutionId;
  }

  /** The call the deployed form makes to raise `request` for `userName`, and its input. */
  requestCall(
    userName: string,
    request: AccessRequest,
    options: { autoApprove?: boolean; bare?: boolean } = {},
  ): { api: string; input: ApiInput } {
    return this.form === "automation"
      ? { api: "StartAutomationExecution", input: this.runbookInput(userName, request, options) }
      : {
          api: "StartChangeRequestExecution",
          input: this.changeRequestInput(this.changeTemplate, userName, request, options),
        };
  }

  /** What the Automation console's "Execute automation" page sends for `request` (the runbook's own parameters). */
  runbookInput(userName: string, request: AccessRequest, options: { autoApprove?: boolean } = {}): ApiInput {
    return {
      DocumentName: this.requestRunbook.name,
      Parameters: {
        ...formParameters(userName, request, this.requestRunbook),
        ...(options.autoApprove && { [AUTO_APPROVE_PARAMETER]: ["true"] }),
      },
    };
  }

  /**
   * What the console's form sends to StartChangeRequestExecution for `request`, raised by `userName`. AWS does not
   * document what the console adds or leaves out (../variants.ts): under consoleRunbookParameters `adds-assume-role`
   * it passes the runbook an empty AutomationAssumeRole; under changeRequestRecord `omits-auto-approve` it sends no
   * AutoApprove unless the requester asked for it, and under `omits-name` no ChangeRequestName. `bare` sends neither
   * (as a script calling the API might, whatever the console does).
   */
  changeRequestInput(
    template: SsmDocumentRecord,
    userName: string,
    request: AccessRequest,
    options: { autoApprove?: boolean; bare?: boolean } = {},
  ): ApiInput {
    const runbook = template.content.executableRunBooks?.[0]?.name;
    if (!runbook) throw new Error(`${template.name} names no runbook`);
    const aws = this.world.behaviour;
    const autoApprove = options.autoApprove === true;
    const sendsAutoApprove = autoApprove || (!options.bare && aws.changeRequestRecord !== "omits-auto-approve");
    const sendsName = !options.bare && aws.changeRequestRecord !== "omits-name";
    return {
      DocumentName: template.name,
      ...(sendsName && { ChangeRequestName: `${userName} ${request.permissionSet} on ${request.accountId}` }),
      ...(sendsAutoApprove && { AutoApprove: autoApprove }),
      Runbooks: [
        {
          DocumentName: runbook,
          Parameters: {
            ...formParameters(userName, request, this.world.documents.get(template.account, template.region, runbook)),
            ...(aws.consoleRunbookParameters === "adds-assume-role" && { AutomationAssumeRole: [""] }),
          },
        },
      ],
    };
  }

  approve(approver: Person, changeRequestId: string): Promise<unknown> {
    return this.decide(approver, this.org.solutionPermissionSets.approve, "SendAutomationSignal", {
      AutomationExecutionId: changeRequestId,
      SignalType: "Approve",
      Payload: { Comment: ["Approved"] },
    });
  }

  reject(approver: Person, changeRequestId: string, comment: string): Promise<unknown> {
    return this.decide(approver, this.org.solutionPermissionSets.approve, "SendAutomationSignal", {
      AutomationExecutionId: changeRequestId,
      SignalType: "Reject",
      Payload: { Comment: [comment] },
    });
  }

  /** The requester withdraws their change request. */
  cancel(
    person: Person,
    changeRequestId: string,
    permissionSet = this.org.solutionPermissionSets.request,
  ): Promise<unknown> {
    return this.decide(person, permissionSet, "StopAutomationExecution", {
      AutomationExecutionId: changeRequestId,
      Type: "Cancel",
    });
  }

  /**
   * `person` asks to end the grant of `requestId` early (`jit end`, the chat alias or the console: the requester side's
   * end-access document `documentName`), signed in with `permissionSet`; returns the end-access execution's id.
   */
  async endAccess(
    person: Person,
    permissionSet: string,
    end: { documentName: string; requestId: string; reason: string },
  ): Promise<string> {
    const { documentName, requestId, reason } = end;
    const response = (await this.act(person, permissionSet, "StartAutomationExecution", {
      DocumentName: documentName,
      Parameters: { RequestId: [requestId], Reason: [reason] },
    })) as { AutomationExecutionId: string };
    return response.AutomationExecutionId;
  }

  /**
   * The user works in `accountId` with `permissionSet`: possible only while the assignment exists (the access portal
   * offers no session otherwise). Returns whether it was.
   */
  useAccess(person: Person, accountId: string, permissionSet: string, service: string, api: string): boolean {
    const arn = this.world.ssoAdmin.permissionSetArn(this.org.instanceArn, permissionSet);
    const allowed = this.world.ssoAdmin.hasAssignment({
      accountId,
      permissionSetArn: arn,
      principalType: "USER",
      principalId: person.userId,
    });
    const caller = identityCenterSession(accountId, this.org.region, permissionSet, person.userName);
    this.world.recordActivity(caller, service, api, allowed);
    this.world.timeline.add({
      at: this.world.clock.now(),
      kind: "action",
      actor: person.userName,
      what: `${service}:${api} in ${accountId} as ${permissionSet}: ${allowed ? "allowed" : "no access"}`,
    });
    return allowed;
  }
}

function summary(input: ApiInput): string {
  const id = input.AutomationExecutionId;
  if (typeof id === "string") return `${String(input.SignalType ?? input.Type ?? "")} ${id.slice(0, 8)}`.trim();
  return String(input.ChangeRequestName ?? "");
}

/** The request runbook's execution of a request: the runbook a change request started, or the request itself. */
export function requestRunbookId(world: World, requestId: string): string | undefined {
  const x = world.engine.get(requestId);
  return x.changeRequest ? x.changeRequest.runbookExecutionIds[0] : x.id;
}

/** Whether the request's runbook has begun to send it (approved, and past Change Manager's or its own approval). */
export function requestSending(world: World, requestId: string): boolean {
  const x = world.engine.get(requestId);
  return x.changeRequest
    ? x.changeRequest.runbookExecutionIds.length > 0
    : x.steps.some((s) => s.StepName === REQUEST_RUNBOOK_STEPS.send);
}
