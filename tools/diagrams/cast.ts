/**
 * Who is who in a simulated run, for the sequence diagram: each API call's caller and callee as a participant. People
 * are their Identity Center sessions; a runbook's calls are its execution's (matched by the role it runs as and the
 * step running at the time); a rule target's calls are the event bus that delivered them (found from the planned
 * targets); a function's calls are the function's, including those it makes with a role it assumed. Names and groups
 * come from the plan, not from this file.
 */

import type { Execution } from "../sim/automation/execution";
import type { CallRecord } from "../sim/cloudTrail";
import type { PlannedResource } from "../sim/deployment";
import { identityCenterUser } from "../sim/identities";
import type { Simulation } from "../sim/setup";
import { componentOf } from "./components";
import { humanize, lines, mermaidText } from "./mermaid";
import { arnTarget } from "./resourceGraph";

export interface Participant {
  id: string;
  kind: "actor" | "participant";
  /** Mermaid-safe text, lines joined with <br/>. */
  label: string;
  /** The account whose box it is drawn in, if any. */
  account?: string;
  /** A service acting on someone's behalf (a rule target, Change Manager): its calls are drawn as deliveries. */
  delivers?: boolean;
  /** Where it stands among the others, lowest first: the request's path, then Identity Center, functions, topics. */
  rank?: number;
}

/** Mermaid's sequence grammar reads these words as keywords wherever a name could stand (in any case). */
export const SEQUENCE_KEYWORDS = [
  "participant",
  "actor",
  "create",
  "destroy",
  "box",
  "loop",
  "rect",
  "opt",
  "alt",
  "else",
  "par",
  "and",
  "critical",
  "option",
  "break",
  "end",
  "links",
  "link",
  "properties",
  "details",
  "over",
  "note",
  "activate",
  "deactivate",
  "title",
  "acctitle",
  "accdescr",
  "sequencediagram",
  "autonumber",
  "off",
];

const CHANGE_MANAGER_ROLE = "/aws-service-role/changemanagement.ssm.amazonaws.com/";
const EVENTS_PRINCIPAL = "/service-principal/events.amazonaws.com";

export class Cast {
  private readonly byKey = new Map<string, Participant>();
  private readonly ids = new Set<string>();
  private readonly resources: { account: string; resource: PlannedResource }[];
  private readonly base: string;

  constructor(private readonly sim: Simulation) {
    const { management, requester } = sim.deployment;
    this.resources = [management.stack, requester.stack].flatMap((s) =>
      s.resources.map((resource) => ({ account: s.account, resource })),
    );
    this.base = `${management.config.namePrefix}-${management.config.environment}-`;
  }

  /** Every participant met so far, by rank, then in the order first met. */
  all(): Participant[] {
    return [...this.byKey.values()].sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  }

  /** Who made `call`. */
  caller(call: CallRecord): Participant {
    const assumedBy = this.assumer(call);
    if (assumedBy) return this.caller(assumedBy);
    const user = identityCenterUser(call.caller);
    if (user) return this.person(user.userName);
    const execution = this.executionAt(call);
    if (execution) return this.document(execution.document.name, execution.document.account);
    const role = call.caller.roleArn;
    if (role.includes(CHANGE_MANAGER_ROLE)) return this.changeManager(call.caller.account);
    const bus = this.deliveringBus(call);
    if (bus) return bus;
    const fn = this.resources.find(
      (r) => r.resource.type === "aws:lambda/function:Function" && r.resource.inputs.role === role,
    );
    if (fn) return this.function(String(fn.resource.inputs.name), fn.account);
    const name = role.slice(role.lastIndexOf("/") + 1);
    return this.get(`role:${role}`, name, {
      kind: "participant",
      label: mermaidText(name),
      account: call.caller.account,
    });
  }

  /** The AssumeRole call that opened the session `call` was made with, if it was opened that way. */
  private assumer(call: CallRecord): CallRecord | undefined {
    const { roleArn, sessionName } = call.caller;
    return this.sim.world.calls.find(
      (c) =>
        c.api === "AssumeRole" &&
        !c.error &&
        c.at <= call.at &&
        c.input.RoleArn === roleArn &&
        c.input.RoleSessionName === sessionName,
    );
  }

  /**
   * Whose API `call` is, when that is a participant of the diagram: Identity Center, a topic, a bus, a function, a
   * runbook or Change Manager, or (for a person's work) the account. Undefined for services drawn only as lookups.
   */
  callee(call: CallRecord): Participant | undefined {
    const input = call.input;
    const inAccount = call.caller.account;
    switch (`${call.service}:${call.api}`) {
      case "sns:Publish":
        return this.topic(String(input.TopicArn));
      case "events:PutEvents": {
        const entries = (input.Entries as { EventBusName?: string }[] | undefined) ?? [];
        const bus = entries[0]?.EventBusName ?? "default";
        const target = bus.startsWith("arn:") ? arnTarget(bus) : undefined;
        return this.bus(target?.name ?? bus, target?.account ?? inAccount);
      }
      case "lambda:Invoke": {
        const name = String(input.FunctionName);
        const target = name.startsWith("arn:") ? arnTarget(name) : undefined;
        return this.function(target?.name ?? name, target?.account ?? inAccount);
      }
      case "ssm:StartChangeRequestExecution":
        return this.changeManager(inAccount);
      case "ssm:StartAutomationExecution":
        return this.document(String(input.DocumentName), inAccount);
      case "ssm:CreateAssociation":
        return this.document(String(input.Name), inAccount);
      case "ssm:SendAutomationSignal":
      case "ssm:StopAutomationExecution":
      case "ssm:GetAutomationExecution": {
        const x = this.sim.world.engine.executions.get(String(input.AutomationExecutionId));
        return x ? this.document(x.document.name, x.document.account) : undefined;
      }
      default:
        break;
    }
    if (call.service === "sso-admin" || call.service === "identitystore") return this.identityCenter();
    if (identityCenterUser(call.caller)) return this.account(inAccount);
    return undefined;
  }

  /** A person, with their part in the example organization. */
  person(userName: string): Participant {
    const { requester, approvers } = this.sim.org;
    const part =
      userName === requester.userName ? "requester" : approvers.some((a) => a.userName === userName) ? "approver" : "";
    const label = part ? lines(mermaidText(userName), `(${part})`) : mermaidText(userName);
    return this.get(`person:${userName}`, userName, { kind: "actor", label });
  }

  subscribers(): Participant {
    return this.get("subscribers", "Subscribers", {
      kind: "participant",
      label: lines("Topic", "subscribers"),
      rank: 4,
    });
  }

  /** A runbook's participant, or Change Manager for the change template. */
  document(name: string, account: string): Participant {
    const record = this.sim.world.documents.all().find((d) => d.name === name && d.account === account);
    if (record?.documentType === "Automation.ChangeTemplate") return this.changeManager(account);
    const requestRunbook = this.template(account)?.content.executableRunBooks?.some((b) => b.name === name);
    const component = componentOf(
      this.resources.filter((r) => r.account === account).map((r) => r.resource),
      "aws:ssm/document:Document",
      name,
    );
    const role = requestRunbook ? "Request runbook" : component ? humanize(component.type) : "Runbook";
    return this.get(`document:${account}:${name}`, this.short(name), {
      kind: "participant",
      label: lines(role, mermaidText(name)),
      account,
    });
  }

  private changeManager(account: string): Participant {
    const template = this.template(account);
    return this.get(`changeManager:${account}`, "ChangeManager", {
      kind: "participant",
      label: template ? lines("Change Manager", mermaidText(template.name)) : "Change Manager",
      account,
      delivers: true,
    });
  }

  private template(account: string) {
    return this.sim.world.documents
      .all()
      .find((d) => d.account === account && d.documentType === "Automation.ChangeTemplate");
  }

  private bus(name: string, account: string): Participant {
    const label = name === "default" ? lines("EventBridge", "default bus") : lines("Event bus", mermaidText(name));
    const id = name === "default" ? `DefaultBus${account}` : `Bus${this.short(name)}`;
    return this.get(`bus:${account}:${name}`, id, { kind: "participant", label, account, delivers: true });
  }

  private topic(arn: string): Participant {
    const target = arnTarget(arn);
    const name = target?.name ?? arn;
    return this.get(`topic:${arn}`, `Topic${this.short(name)}`, {
      kind: "participant",
      label: lines("SNS topic", mermaidText(name)),
      account: target?.account,
      rank: 3,
    });
  }

  private function(name: string, account: string): Participant {
    return this.get(`function:${account}:${name}`, `Fn${this.short(name)}`, {
      kind: "participant",
      label: lines("Lambda function", mermaidText(name)),
      account,
      rank: 2,
    });
  }

  private identityCenter(): Participant {
    return this.get("identityCenter", "IdentityCenter", {
      kind: "participant",
      label: lines("IAM", "Identity Center"),
      account: this.sim.org.managementAccount,
      rank: 1,
    });
  }

  private account(id: string): Participant {
    const workload = this.sim.org.workloadAccount;
    const name = id === workload.id ? ` (${mermaidText(workload.name)})` : "";
    return this.get(`account:${id}`, `Account${id}`, {
      kind: "participant",
      label: lines("AWS account", `${id}${name}`),
      rank: 5,
    });
  }

  /** The execution that made `call`: one running as the caller's role, preferably in a step that names the API. */
  private executionAt(call: CallRecord): Execution | undefined {
    const t = call.at;
    const running = (start: Date, end?: Date) =>
      start.getTime() <= t && (end?.getTime() ?? Number.POSITIVE_INFINITY) >= t;
    const candidates = [...this.sim.world.engine.executions.values()].filter(
      (x) => x.runAs.roleArn === call.caller.roleArn && running(x.startTime, x.endTime),
    );
    const inStep = candidates.find((x) =>
      x.steps.some((s) => {
        if (!running(s.ExecutionStartTime, s.ExecutionEndTime)) return false;
        const step = x.content.mainSteps.find((d) => d.name === s.StepName);
        return (
          step !== undefined &&
          (JSON.stringify(step.inputs).includes(call.api) || step.action === "aws:invokeLambdaFunction")
        );
      }),
    );
    return inStep ?? candidates[0];
  }

  /** The bus whose rule target made `call` (started a runbook or invoked a function), from the planned targets. */
  private deliveringBus(call: CallRecord): Participant | undefined {
    const role = call.caller.roleArn;
    if (call.caller.sessionName !== "EventBridge" && !role.endsWith(EVENTS_PRINCIPAL)) return undefined;
    const called = String(call.input.DocumentName ?? call.input.FunctionName ?? "");
    const calledName = called.startsWith("arn:") ? arnTarget(called)?.name : called;
    const target = this.resources.find(({ resource: r }) => {
      if (r.type !== "aws:cloudwatch/eventTarget:EventTarget") return false;
      const byRole = r.inputs.roleArn === role || (r.inputs.roleArn === undefined && role.endsWith(EVENTS_PRINCIPAL));
      return byRole && arnTarget(String(r.inputs.arn))?.name === calledName;
    });
    if (!target) return this.bus("default", call.caller.account);
    return this.bus(String(target.resource.inputs.eventBusName ?? "default"), target.account);
  }

  /** A physical name without the deployment's `<prefix>-<environment>-`, in CamelCase: `GrantAccess`. */
  private short(name: string): string {
    const bare = name.startsWith(this.base) ? name.slice(this.base.length) : name;
    return bare
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join("");
  }

  private get(key: string, idBase: string, fields: Omit<Participant, "id">): Participant {
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const participant = { id: this.uniqueId(idBase), ...fields };
    this.byKey.set(key, participant);
    return participant;
  }

  /** An id Mermaid reads as one name: letters and digits, not a keyword, not used before. */
  private uniqueId(base: string): string {
    let id = base.replace(/[^A-Za-z0-9]/g, "");
    if (!/^[A-Za-z]/.test(id) || SEQUENCE_KEYWORDS.includes(id.toLowerCase())) id = `Id${id}`;
    let unique = id;
    for (let n = 2; this.ids.has(unique); n++) unique = `${id}${n}`;
    this.ids.add(unique);
    return unique;
  }
}
