/**
 * What people do, as the API calls the console (or the CLI) makes for them with their Identity Center sessions:
 * raise an access request in Change Manager, approve or reject it, cancel it, and use the access once granted.
 */
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
  /** The user name typed into the form; the requester's own unless a scenario says otherwise. */
  requestingUser?: string;
}

export class People {
  constructor(
    private readonly world: World,
    private readonly org: Organization,
  ) {}

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

  /** Raises a change request from the template; returns its execution id. */
  async request(
    person: Person,
    request: AccessRequest,
    options: { autoApprove?: boolean; bare?: boolean } = {},
  ): Promise<string> {
    const sets = this.org.solutionPermissionSets;
    const input = this.changeRequestInput(this.changeTemplate, person.userName, request, options);
    const response = (await this.act(
      person,
      options.autoApprove ? sets.requestNoApproval : sets.request,
      "StartChangeRequestExecution",
      input,
    )) as { AutomationExecutionId: string };
    return response.AutomationExecutionId;
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
            AccountId: [request.accountId],
            PermissionSet: [request.permissionSet],
            Duration: [request.duration],
            RequestingUser: [request.requestingUser ?? userName],
            Justification: [request.justification],
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
