/**
 * The main resources of one planned stack and how they connect, read from the resources' own inputs: which bus a
 * rule listens on, what each rule target starts and as which role, what each runbook calls (the ARNs in its steps'
 * inputs) and assumes, what a change template runs, what a function uses, what a topic delivers to. A connection to
 * an ARN in another account is a cross-account edge to a node standing for that resource.
 */
import { parse } from "yaml";
import type { DocumentContent } from "../sim/automation/document";
import type { PlannedResource, PlannedStack } from "../sim/deployment";

export type NodeKind =
  | "bus"
  | "rule"
  | "runbook"
  | "template"
  | "role"
  | "topic"
  | "subscription"
  | "function"
  | "permissionSet"
  | "table";

export interface GraphNode {
  id: string;
  kind: NodeKind;
  /** The physical name (an endpoint for a subscription). */
  name: string;
  /** A second line under the name, such as a rule's schedule. */
  detail?: string;
  /** The planned resource; absent for a resource of another account or the account's default bus. */
  resource?: PlannedResource;
  /** Set for a resource of another account. */
  account?: string;
}

export type EdgeStyle = "call" | "assumes" | "crossAccount";

export interface GraphEdge {
  from: string;
  to: string;
  labels: string[];
  style: EdgeStyle;
}

export interface ResourceGraph {
  account: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const KINDS: Record<string, NodeKind> = {
  "aws:cloudwatch/eventBus:EventBus": "bus",
  "aws:cloudwatch/eventRule:EventRule": "rule",
  "aws:iam/role:Role": "role",
  "aws:sns/topic:Topic": "topic",
  "aws:sns/topicSubscription:TopicSubscription": "subscription",
  "aws:lambda/function:Function": "function",
  "aws:ssoadmin/permissionSet:PermissionSet": "permissionSet",
  "aws:dynamodb/table:Table": "table",
};

/** The resource types drawn; everything else (policies, log groups, targets, which become edges) is left out. */
export function nodeKindOf(r: PlannedResource): NodeKind | undefined {
  if (r.type === "aws:ssm/document:Document") {
    return r.inputs.documentType === "Automation.ChangeTemplate" ? "template" : "runbook";
  }
  return KINDS[r.type];
}

/** How an edge from a step without an `Api` input reads, by the step's action. */
const ACTION_LABELS: Record<string, string> = { "aws:approve": "approver", "aws:invokeLambdaFunction": "Invoke" };

const ARN = /arn:aws[a-z-]*:(events|sns|lambda|ssm|iam):[a-z0-9-]*:(\d{12}):[A-Za-z0-9_/.:$+=,@-]+/g;

interface ArnTarget {
  kind: NodeKind;
  account: string;
  name: string;
}

/** What an ARN names, for the kinds drawn: `event-bus/x`, `automation-definition/x:$LATEST`, `function:x`, … */
export function arnTarget(arn: string): ArnTarget | undefined {
  const [, , service, , account, ...rest] = arn.split(":");
  const resource = rest.join(":");
  const after = (prefix: string) => (resource.startsWith(prefix) ? resource.slice(prefix.length) : undefined);
  const named = (kind: NodeKind, name: string | undefined) => (name ? { kind, account, name } : undefined);
  switch (service) {
    case "events":
      return named("bus", after("event-bus/"));
    case "ssm":
      return named("runbook", (after("automation-definition/") ?? after("document/"))?.split(":")[0]);
    case "lambda":
      return named("function", after("function:")?.split(":")[0]);
    case "sns":
      return named("topic", resource);
    case "iam":
      return named("role", after("role/")?.split("/").pop());
    default:
      return undefined;
  }
}

export function resourceGraph(stack: PlannedStack): ResourceGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  // In a stable order: the engine registers resources in an order that can change from one evaluation to the next.
  const resources = [...stack.resources].sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
  for (const r of resources) {
    const kind = nodeKindOf(r);
    if (!kind) continue;
    const name = String(r.inputs.name ?? r.inputs.endpoint ?? r.name);
    const schedule = r.inputs.scheduleExpression;
    nodes.push({
      id: `n${nodes.length + 1}`,
      kind,
      name,
      resource: r,
      detail: schedule ? String(schedule) : undefined,
    });
  }

  const sameKind = (a: NodeKind, b: NodeKind) => a === b || (a === "runbook" && b === "template");
  const find = (kind: NodeKind, name: string) =>
    nodes.find((n) => n.account === undefined && n.name === name && sameKind(kind, n.kind));
  /** The node an ARN names: one of the stack's, or one standing for another account's resource. */
  const resolve = (arn: string): GraphNode | undefined => {
    const target = arnTarget(arn);
    if (!target) return undefined;
    if (target.account === stack.account) return find(target.kind, target.name);
    const existing = nodes.find(
      (n) => n.account === target.account && n.kind === target.kind && n.name === target.name,
    );
    if (existing) return existing;
    const node: GraphNode = { id: `n${nodes.length + 1}`, ...target };
    nodes.push(node);
    return node;
  };
  const defaultBus = (): GraphNode => {
    const existing = nodes.find((n) => n.kind === "bus" && n.name === "default" && !n.resource);
    if (existing) return existing;
    const node: GraphNode = { id: `n${nodes.length + 1}`, kind: "bus", name: "default", detail: "AWS service events" };
    nodes.push(node);
    return node;
  };
  const connect = (from: GraphNode | undefined, to: GraphNode | undefined, label: string, style?: EdgeStyle) => {
    if (!from || !to || from === to) return;
    const kind: EdgeStyle = to.account !== undefined || from.account !== undefined ? "crossAccount" : (style ?? "call");
    const edge = edges.find((e) => e.from === from.id && e.to === to.id && e.style === kind);
    if (edge) {
      if (label && !edge.labels.includes(label)) edge.labels.push(label);
    } else {
      edges.push({ from: from.id, to: to.id, labels: label ? [label] : [], style: kind });
    }
  };
  const arnsIn = (value: unknown) => [...JSON.stringify(value ?? null).matchAll(ARN)].map((m) => m[0]);

  for (const node of [...nodes]) {
    const r = node.resource;
    if (!r) continue;
    switch (node.kind) {
      case "rule":
        if (r.inputs.eventPattern !== undefined) {
          const bus = r.inputs.eventBusName;
          connect(bus ? find("bus", String(bus)) : defaultBus(), node, "");
        }
        break;
      case "runbook":
      case "template": {
        const content = parse(String(r.inputs.content)) as DocumentContent;
        if (content.assumeRole) connect(node, resolve(content.assumeRole), "assumes", "assumes");
        for (const book of content.executableRunBooks ?? []) connect(node, find("runbook", book.name), "runs");
        for (const step of content.mainSteps ?? []) {
          const api =
            typeof step.inputs.Api === "string" ? step.inputs.Api : (ACTION_LABELS[step.action] ?? step.action);
          for (const arn of arnsIn(step.inputs)) connect(node, resolve(arn), api);
          if (step.action === "aws:invokeLambdaFunction") {
            connect(node, find("function", String(step.inputs.FunctionName)), "Invoke");
          }
        }
        break;
      }
      case "function": {
        connect(node, resolve(String(r.inputs.role)), "assumes", "assumes");
        const variables = (r.inputs.environment as { variables?: Record<string, string> } | undefined)?.variables;
        for (const [variable, value] of Object.entries(variables ?? {})) {
          for (const arn of arnsIn(value)) connect(node, resolve(arn), variable);
        }
        break;
      }
      case "subscription":
        connect(resolve(String(r.inputs.topic)), node, String(r.inputs.protocol ?? ""));
        break;
      default:
        break;
    }
  }

  for (const target of resources.filter((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget")) {
    const rule = find("rule", String(target.inputs.rule));
    connect(rule, resolve(String(target.inputs.arn)), "target");
    if (target.inputs.roleArn) connect(rule, resolve(String(target.inputs.roleArn)), "assumes", "assumes");
  }
  return { account: stack.account, nodes, edges };
}
