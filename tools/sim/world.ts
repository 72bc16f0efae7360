/**
 * One simulated AWS: the virtual clock, every service fake, the Automation engine and Change Manager, wired the way
 * AWS wires them (CloudTrail events to EventBridge, rule targets starting executions or invoking functions). Every
 * API call goes through `callAws`, which records it, applies injected faults and emits its CloudTrail record.
 */

import { DocumentRegistry } from "./automation/documents";
import {
  AutomationEngine,
  type AutomationQuota,
  type CallSite,
  DEFAULT_AUTOMATION_QUOTA,
  type EngineHost,
  SIMULATOR_ERROR,
} from "./automation/engine";
import type { Execution, ExecutionStatus } from "./automation/execution";
import { type ApiInput, AwsError, type Caller, type ServiceFake, sessionArn } from "./aws";
import { VirtualClock } from "./clock";
import { type CallRecord, cloudTrailEvent, cloudTrailRecord, isDataEvent, isReadOnly } from "./cloudTrail";
import { type Fault, FaultInjector, FirstCallThrottle } from "./faults";
import { identityCenterUser, roleUniqueId, servicePrincipal, serviceSession } from "./identities";
import { Ids } from "./ids";
import { grantsOf, isOpen, type LedgerTable } from "./ledger";
import { ChangeManager } from "./services/changeManager";
import { DynamoDbFake } from "./services/dynamodb";
import { EventBridgeFake, type EventTargetSpec } from "./services/eventBridge";
import { IamFake } from "./services/iam";
import { IdentityStoreFake } from "./services/identityStore";
import { LambdaFake } from "./services/lambda";
import { LogsFake } from "./services/logs";
import { OrganizationsFake } from "./services/organizations";
import { PARAMETER_STORE_APIS, ParameterStoreFake } from "./services/parameterStore";
import { SchedulerFake } from "./services/scheduler";
import { SnsFake } from "./services/sns";
import { SqsFake } from "./services/sqs";
import { SsmFake } from "./services/ssm";
import { SsoAdminFake } from "./services/ssoAdmin";
import { StsFake } from "./services/sts";
import { Timeline, type TimelineEntry } from "./timeline";
import { type AwsBehaviour, BASELINE_VARIANT, behaviourOf, type Variant } from "./variants";

export interface WorldOptions {
  seed?: string;
  faults?: readonly Fault[];
  /** The reading of each AWS behaviour the simulator could not confirm (./variants.ts); the baseline if not given. */
  variant?: Variant;
  /**
   * The account setting /ssm/automation/throttling-retry-time-limit, in seconds (0 to 3,600); if not given, as the
   * variant reads its default (variant automationThrottlingRetry).
   */
  throttlingRetryTimeLimitSeconds?: number;
  /**
   * The Automation quotas per account and Region (./automation/engine.ts AutomationQuota): executions running at once
   * (AWS: 100) and waiting Pending (AWS: 1,000). Lower them to play a busy day.
   */
  automationQuota?: Partial<AutomationQuota>;
}

/** Where the organization's CloudTrail trail writes, so the CloudTrail summary can query it. */
export interface TrailLogGroup {
  account: string;
  region: string;
  name: string;
}

const SOURCE_IP = "198.51.100.24";
const USER_AGENTS: Record<string, string> = {
  person: "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0 (AWS console)",
  service: "ssm.amazonaws.com",
};

export class World implements EngineHost {
  readonly clock = new VirtualClock();
  readonly ids: Ids;
  readonly timeline = new Timeline();
  readonly calls: CallRecord[] = [];
  readonly documents = new DocumentRegistry();
  readonly engine: AutomationEngine;
  readonly changeManager: ChangeManager;
  readonly faults: FaultInjector;
  readonly throttle: FirstCallThrottle;
  readonly variant: Variant;
  /** How this world's AWS behaves where AWS documents nothing (./variants.ts). */
  readonly behaviour: AwsBehaviour;
  readonly throttlingRetryTimeLimitSeconds: number;
  readonly automationQuota: AutomationQuota;

  readonly events: EventBridgeFake;
  readonly sns: SnsFake;
  readonly ssoAdmin: SsoAdminFake;
  readonly identityStore: IdentityStoreFake;
  readonly organizations: OrganizationsFake;
  readonly parameters: ParameterStoreFake;
  readonly lambda: LambdaFake;
  readonly logs: LogsFake;
  readonly ssm: SsmFake;
  readonly sts: StsFake;
  readonly iam: IamFake;
  /** DynamoDB, answered by dynalite (./services/dynamodb.ts): read a table with `dynamodb.items(account, region, name)`. */
  readonly dynamodb: DynamoDbFake;
  /** EventBridge Scheduler: `scheduler.list(account, region)` lists the schedules, `scheduler.deliveries` what fired. */
  readonly scheduler: SchedulerFake;
  /** A minimal SQS (the schedules' dead-letter queue): `sqs.messages(queueArn)`. */
  readonly sqs: SqsFake;

  /** The deployed Lambda functions' names: their code's calls act as a role session of the same name. */
  readonly functionNames = new Set<string>();
  /** Role ARN → unique id, from the plan (what the rules' patterns were built with). */
  readonly roleIds = new Map<string, string>();
  /** Errors of the simulator itself, found while running (never a result of the documents under test). */
  readonly backgroundErrors: string[] = [];
  /** Broken rules seen as they happened (a "granted" message with no assignment behind it). */
  readonly observations: string[] = [];
  /** "NOT revoked" alarms raised while no assignment existed: untrue, though erring on the safe side. */
  readonly falseAlarms: string[] = [];
  trail?: TrailLogGroup;
  /** Set when the world ran out the keep-alive cap with grants still open in the ledger (a violation). */
  keepAliveExhausted?: string;
  private readonly services = new Map<string, ServiceFake>();

  constructor(options: WorldOptions = {}) {
    this.ids = new Ids(options.seed ?? "sim");
    this.variant = options.variant ?? BASELINE_VARIANT;
    this.behaviour = behaviourOf(this.variant);
    this.throttlingRetryTimeLimitSeconds =
      options.throttlingRetryTimeLimitSeconds ?? (this.behaviour.automationThrottlingRetry === "an-hour" ? 3600 : 0);
    this.automationQuota = { ...DEFAULT_AUTOMATION_QUOTA, ...options.automationQuota };
    this.engine = new AutomationEngine(this);
    this.changeManager = new ChangeManager(this, this.engine, this.documents);
    this.faults = new FaultInjector(
      options.faults ?? [],
      (id) => this.engine.stop(id),
      (api) => {
        const reason = "Received a 500 status error: the operation failed (injected)";
        if (api === "CreateAccountAssignment") this.ssoAdmin.failNextCreation(reason);
        else if (api === "DeleteAccountAssignment") this.ssoAdmin.failNextDeletion(reason);
        else if (api === "ProvisionPermissionSet") this.ssoAdmin.failNextProvisioning(reason);
        else throw new Error(`no Identity Center operation to fail behind ${api}`);
      },
    );
    this.events = new EventBridgeFake(
      this.clock,
      this.ids,
      (target, input) => this.deliver(target, input),
      () => this.behaviour.deliveryRetryBackoff,
      (queueArn, body, attributes, account) => this.deadLetter(queueArn, body, attributes, account),
    );
    this.sns = new SnsFake(this.clock, this.ids);
    this.ssoAdmin = new SsoAdminFake(this.clock, this.ids, () => this.behaviour);
    this.identityStore = new IdentityStoreFake(this.ids);
    this.ssoAdmin.usePrincipalDirectory(this.identityStore);
    this.organizations = new OrganizationsFake(this.ids);
    this.parameters = new ParameterStoreFake(this.clock);
    this.lambda = new LambdaFake(this.clock);
    this.logs = new LogsFake(this.clock, this.ids);
    this.ssm = new SsmFake(
      this.engine,
      this.documents,
      this.changeManager,
      this.parameters,
      PARAMETER_STORE_APIS,
      () => this.behaviour,
    );
    this.sts = new StsFake(this.clock, this.ids, (arn) => this.roleIds.get(arn) ?? roleUniqueId(arn));
    this.throttle = new FirstCallThrottle(
      () => this.behaviour.throttling === "first-call-throttled",
      (roleArn) => this.sts.hasRole(roleArn),
    );
    this.iam = new IamFake({ provisionedTo: (account) => this.ssoAdmin.permissionSetsProvisionedTo(account) });
    this.dynamodb = new DynamoDbFake(this.clock);
    this.sqs = new SqsFake(this.clock, this.ids);
    this.scheduler = new SchedulerFake({
      clock: this.clock,
      behaviour: () => this.behaviour,
      callAws: (service, api, input, caller) => this.callAws(service, api, input, caller),
      trustPolicyOf: (roleArn) => this.sts.trustPolicyOf(roleArn),
      queueUrlOf: (queueArn) => this.sqs.urlOf(queueArn),
      backgroundError: (message) => this.backgroundErrors.push(message),
    });
    for (const fake of [
      this.events,
      this.sns,
      this.ssoAdmin,
      this.identityStore,
      this.organizations,
      this.lambda,
      this.logs,
      this.ssm,
      this.sts,
      this.iam,
      this.dynamodb,
      this.sqs,
      this.scheduler,
    ]) {
      this.services.set(fake.service, fake);
    }
  }

  /** Makes one API call as `caller`: recorded, exposed to faults, and written to CloudTrail. */
  async callAws(service: string, api: string, input: ApiInput, caller: Caller, site?: CallSite): Promise<unknown> {
    const fake = this.services.get(service);
    if (!fake) throw new Error(`the simulator has no ${service} fake`);
    const record: CallRecord = {
      service,
      api,
      input,
      caller,
      roleUniqueId: this.roleIds.get(caller.roleArn) ?? roleUniqueId(caller.roleArn),
      at: this.clock.now(),
      eventId: this.ids.uuid(),
      sourceIpAddress: identityCenterUser(caller) ? SOURCE_IP : `${service}.amazonaws.com`,
      userAgent: identityCenterUser(caller) ? USER_AGENTS.person : USER_AGENTS.service,
    };
    this.calls.push(record);
    const line = this.traceCall(record);
    try {
      const injected =
        (site
          ? this.faults.beforeCall(site, api)
          : this.functionNames.has(caller.sessionName) &&
            this.faults.beforeFunctionCall(caller.sessionName, service, api, input)) ||
        this.throttle.beforeCall(caller.roleArn, service, api);
      if (injected) {
        this.timeline.add({
          at: record.at,
          kind: "fault",
          actor: actorOf(caller),
          what: `${service}:${api} ${injected.message}`,
        });
        throw injected;
      }
      const instead = site && this.faults.answerInstead(site, api, input);
      record.response = instead ?? (await fake.call(api, input, caller));
    } catch (err) {
      if (err instanceof AwsError) {
        record.error = err;
        line.what += ` -> ${err.code}`;
      }
      throw err;
    } finally {
      this.trace(record);
    }
    if (site) this.faults.afterCall(site);
    return record.response;
  }

  /**
   * A call to a service the simulator has no fake for (a granted user's work in the workload account): allowed and
   * recorded in CloudTrail only if `allowed`, denied otherwise.
   */
  recordActivity(caller: Caller, service: string, api: string, allowed: boolean): void {
    const record: CallRecord = {
      service,
      api,
      input: {},
      caller,
      roleUniqueId: this.roleIds.get(caller.roleArn) ?? roleUniqueId(caller.roleArn),
      at: this.clock.now(),
      eventId: this.ids.uuid(),
      sourceIpAddress: SOURCE_IP,
      userAgent: USER_AGENTS.person,
      ...(allowed ? { response: {} } : { error: new AwsError("AccessDenied", "no session for this account") }),
    };
    this.calls.push(record);
    const line = this.traceCall(record);
    if (record.error) line.what += ` -> ${record.error.code}`;
    this.trace(record);
  }

  private traceCall(record: CallRecord): TimelineEntry {
    const entry = {
      at: record.at,
      kind: "call" as const,
      actor: actorOf(record.caller),
      what: `${record.service}:${record.api}`,
    };
    this.timeline.add(entry);
    return entry;
  }

  private trace(record: CallRecord): void {
    const assigned = this.ssoAdmin.assignmentCount() > 0;
    const attributes = record.input.MessageAttributes as Record<string, { StringValue?: string }> | undefined;
    if (
      record.api === "Publish" &&
      !record.error &&
      attributes?.EventType?.StringValue === "AccessGranted" &&
      !assigned
    ) {
      this.observations.push(
        `"access granted" was published at ${this.clock.iso(record.at)} while no assignment existed`,
      );
    }
    const subject = String(record.input.Subject ?? "");
    if (record.api === "Publish" && !record.error && / NOT revoked: /.test(subject) && !assigned) {
      this.falseAlarms.push(`"${subject}" at ${this.clock.iso(record.at)}, with no assignment left`);
    }
    if (record.service === "sns" && record.api === "Publish" && !record.error) {
      const id = (record.response as { MessageId: string }).MessageId;
      const to = this.sns.deliveries.filter((d) => d.messageId === id).map((d) => d.endpoint);
      this.timeline.add({
        at: record.at,
        kind: "notification",
        actor: attributes?.EventType?.StringValue ?? "(no EventType)",
        what: `"${String(record.input.Subject)}" to ${to.length > 0 ? to.join(", ") : "nobody"}`,
      });
    }
    // Data events (item and message operations) reach neither the trail nor EventBridge unless a trail asks for
    // them, and the solution's does not (./cloudTrail.ts isDataEvent).
    if (isDataEvent(record.service, record.api)) return;
    if (this.trail) {
      const detail = cloudTrailRecord(record, this.behaviour);
      this.logs.putEvents(
        this.trail.name,
        [{ timestamp: record.at, message: JSON.stringify(detail) }],
        this.trail.account,
        this.trail.region,
      );
    }
    if (!isReadOnly(record.api))
      this.events.emit(record.caller.account, record.caller.region, cloudTrailEvent(record, this.behaviour));
  }

  /** EventBridge sends an undelivered event to the target's dead-letter queue as the events service principal. */
  private async deadLetter(
    queueArn: string,
    body: string,
    attributes: Record<string, string>,
    account: string,
  ): Promise<void> {
    await this.sendToQueue(
      queueArn,
      body,
      attributes,
      servicePrincipal("events.amazonaws.com", account, queueArn.split(":")[3]),
    );
  }

  /** A dead letter sent to a queue by `caller` (EventBridge's service principal, or a function's role for Lambda). */
  async sendToQueue(queueArn: string, body: string, attributes: Record<string, string>, caller: Caller): Promise<void> {
    const queueUrl = this.sqs.urlOf(queueArn);
    if (!queueUrl) throw new AwsError("AWS.SimpleQueueService.NonExistentQueue", `no queue ${queueArn}`);
    await this.callAws(
      "sqs",
      "SendMessage",
      {
        QueueUrl: queueUrl,
        MessageBody: body,
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([k, v]) => [k, { DataType: "String", StringValue: v }]),
        ),
      },
      caller,
    );
  }

  /** A rule's target: EventBridge assumes the target's role and starts the execution or invokes the function. */
  private async deliver(target: EventTargetSpec, input: string): Promise<void> {
    const [, , service, region] = target.arn.split(":");
    if (!target.roleArn && service !== "lambda") throw new Error(`target ${target.arn} has no role`);
    const caller = serviceSession(target.roleArn ?? target.arn, "EventBridge", region);
    if (service === "ssm") {
      // The target's ARN may name the version to run: a number, `$DEFAULT` or `$LATEST` ("Configure document version
      // ... You can choose a specific version, or use the latest version", "Run automations based on EventBridge
      // events", https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-cwe-target.html); without
      // one, the default version runs, as StartAutomationExecution runs it when DocumentVersion is absent.
      const definition = /automation-definition\/([^:]+)(?::([^:]+))?$/.exec(target.arn);
      if (!definition) throw new Error(`target ${target.arn} is not an automation definition`);
      const [, name, version] = definition;
      await this.callAws(
        service,
        "StartAutomationExecution",
        { DocumentName: name, ...(version && { DocumentVersion: version }), Parameters: JSON.parse(input) },
        caller,
      );
      return;
    }
    if (service === "lambda") {
      const events = servicePrincipal("events.amazonaws.com", target.arn.split(":")[4], region);
      await this.callAws(
        "lambda",
        "Invoke",
        { FunctionName: target.arn, InvocationType: "Event", Payload: input },
        events,
      );
      return;
    }
    throw new Error(`the simulator cannot deliver to ${target.arn}`);
  }

  /** The role session that credentials with `accessKeyId` (from AssumeRole) sign for, while they are valid. */
  sessionFor(accessKeyId: string): Caller {
    return this.sts.sessionFor(accessKeyId);
  }

  isApprover(caller: Caller, type: string, approver: string): boolean {
    switch (type) {
      case "SSOGroup": {
        const user = identityCenterUser(caller);
        return user !== undefined && this.identityStore.isUserInGroup(user.userName, approver);
      }
      case "SSOUser":
        return identityCenterUser(caller)?.userName === approver;
      case "IamRole":
        return caller.roleArn === approver || caller.roleArn.endsWith(`:role/${approver}`);
      default:
        throw new Error(`the simulator does not support approvers of type ${type}`);
    }
  }

  /**
   * How an aws:approve decision names the approver: AWS documents ApproverDecisions only as "the approval decision of
   * each approver" (automation-action-approve), so this is the approverIdentity dimension (./variants.ts): the session
   * ARN, the role's ARN alone, or an Identity Center user's Identity Store id.
   */
  recordedApprover(caller: Caller): string {
    switch (this.behaviour.approverIdentity) {
      case "session-arn":
        return sessionArn(caller);
      case "role-arn":
        return caller.roleArn;
      case "user-id": {
        const user = identityCenterUser(caller);
        return (user && this.identityStore.userIdOf(user.userName)) ?? sessionArn(caller);
      }
    }
  }

  stepStarting(x: Execution, step: { name: string }): void {
    this.faults.stepStarting(x, step.name);
  }

  runChangeRequestRunbooks(x: Execution): Promise<ExecutionStatus> {
    return this.changeManager.runRunbooks(x);
  }

  /** An execution the engine itself could not run (a simulator error, not a failure of the document) is reported. */
  executionEnded(x: Execution): void {
    if (x.failureMessage?.startsWith(SIMULATOR_ERROR))
      this.backgroundErrors.push(`${x.document.name}: ${x.failureMessage}`);
    // Automation's own event on the account's default bus ("Amazon EventBridge event examples for Systems Manager",
    // EC2 Automation Execution Status-change Notification); the simulator sends it once, when the execution ends.
    const { account, region, name } = x.document;
    this.events.emit(account, region, {
      source: "aws.ssm",
      "detail-type": "EC2 Automation Execution Status-change Notification",
      resources: [
        `arn:aws:ssm:${region}:${account}:automation-execution/${x.id}`,
        `arn:aws:ssm:${region}:${account}:automation-definition/${name}:1`,
      ],
      detail: {
        ExecutionId: x.id,
        Definition: name,
        DefinitionVersion: 1.0,
        Status: x.status,
        StartTime: x.startTime.toISOString(),
        EndTime: (x.endTime ?? new Date(this.clock.now())).toISOString(),
        Time: (x.endTime ?? new Date(this.clock.now())).getTime() - x.startTime.getTime(),
      },
    });
  }

  /**
   * Ends the world: frees what it holds outside itself (its tables on the process's shared DynamoDB server). A world
   * that was never disposed holds them until the process ends; nothing else needs disposing.
   */
  dispose(): Promise<void> {
    return this.dynamodb.dispose();
  }

  /**
   * Keeps the world running while the grant ledger `table` holds open grants: after the last ordinary timer, time goes
   * on from background timer to background timer (the reconciler's schedule) until every grant is closed, for at most
   * `capMs` of virtual time past the moment the world would have ended; past that the world ends and
   * `keepAliveExhausted` says which grants were still open. The ledger is read only when the world would end.
   */
  owesGrantEnds(table: LedgerTable, capMs = KEEP_ALIVE_CAP_MS): void {
    let since: number | undefined;
    this.clock.keepAlive = async () => {
      const open = (await grantsOf(this.dynamodb, table)).filter(isOpen);
      if (open.length === 0) {
        since = undefined;
        return false;
      }
      since ??= this.clock.now();
      if (this.clock.now() - since <= capMs) return true;
      this.keepAliveExhausted =
        `${open.length} grant(s) still open in the ledger ${capMs / 3_600_000} h after the world had nothing else ` +
        `to do: ${open.map((g) => `${g.requestId} (${g.state}, ends ${this.clock.iso(g.endsAt * 1000)})`).join(", ")}`;
      return false;
    };
  }

  /** Runs the world until nothing is left to do, or until virtual time `until`. */
  run(until?: number): Promise<number> {
    return this.clock.run(until);
  }

  executionsOf(documentName: string): Execution[] {
    return [...this.engine.executions.values()].filter((x) => x.document.name === documentName);
  }
}

/** How long past its last ordinary timer a world runs for grants the ledger still holds open: a day of virtual time. */
export const KEEP_ALIVE_CAP_MS = 24 * 3_600_000;

function actorOf(caller: Caller): string {
  const user = identityCenterUser(caller);
  if (user) return `${user.userName} (${user.permissionSet})`;
  return `${caller.roleArn.slice(caller.roleArn.lastIndexOf("/") + 1)}@${caller.account}`;
}
