/**
 * An in-process stand-in for the Pulumi engine and the AWS provider: `pulumi.runtime.setMocks` with mocks that
 * answer like the provider would (ARNs of the right shape for the stack's account and region, physical names,
 * StackReference outputs), and a record of every resource the program declares.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_SESSION_DURATION } from "../shared/accessWindow";
import { permissionSetOfRoleNameRegex } from "../shared/identityCenter";
import { partitionOf } from "../shared/naming";
import { reservedSsoRoleArn } from "./sim/identities";

export interface MockedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** What the mocks answered: the inputs plus the provider's computed attributes (ARNs, physical names). */
  state?: Record<string, unknown>;
  /** Resource options the plan shows because they change what `pulumi destroy` does. */
  options?: { retainOnDelete?: boolean; protect?: boolean };
}

export interface MockContext {
  accountId: string;
  region: string;
  /** Outputs of other stacks, by stack name, for StackReferences. */
  stackOutputs?: Record<string, Record<string, unknown>>;
}

const hash = (text: string, length: number) => createHash("sha256").update(text).digest("hex").slice(0, length);

/** The provider's computed attributes for the resource types this program declares. */
function computed(type: string, name: string, inputs: Record<string, unknown>, ctx: MockContext) {
  const p = partitionOf(ctx.region);
  const { accountId: account, region } = ctx;
  const physical = typeof inputs.name === "string" ? inputs.name : `${name}-${hash(name, 7)}`;
  switch (type) {
    case "aws:iam/role:Role":
      return {
        name: physical,
        arn: `arn:${p}:iam::${account}:role/${physical}`,
        uniqueId: `AROA${hash(physical, 17).toUpperCase()}`,
      };
    case "aws:iam/policy:Policy":
      return { name: physical, arn: `arn:${p}:iam::${account}:policy/${physical}` };
    case "aws:sns/topic:Topic":
      return { name: physical, arn: `arn:${p}:sns:${region}:${account}:${physical}` };
    case "aws:sns/topicSubscription:TopicSubscription":
      return {
        arn: `${inputs.topic}:${hash(name, 8)}-${hash(`${name}/1`, 4)}-${hash(`${name}/2`, 4)}-${hash(`${name}/3`, 4)}-${hash(`${name}/4`, 12)}`,
      };
    case "aws:cloudwatch/eventBus:EventBus":
      return { name: physical, arn: `arn:${p}:events:${region}:${account}:event-bus/${physical}` };
    case "aws:cloudwatch/eventRule:EventRule": {
      const bus =
        typeof inputs.eventBusName === "string" && inputs.eventBusName !== "default" ? `${inputs.eventBusName}/` : "";
      return { name: physical, arn: `arn:${p}:events:${region}:${account}:rule/${bus}${physical}` };
    }
    case "aws:lambda/function:Function":
      return { name: physical, arn: `arn:${p}:lambda:${region}:${account}:function:${physical}` };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { name: physical, arn: `arn:${p}:logs:${region}:${account}:log-group:${physical}` };
    case "aws:ssm/document:Document":
      // A new document's first version is its default and its latest (API_CreateDocument, API_DocumentDescription).
      return {
        name: physical,
        arn: `arn:${p}:ssm:${region}:${account}:document/${physical}`,
        defaultVersion: "1",
        latestVersion: "1",
      };
    case "aws:scheduler/scheduleGroup:ScheduleGroup":
      return { name: physical, arn: `arn:${p}:scheduler:${region}:${account}:schedule-group/${physical}` };
    case "aws:scheduler/schedule:Schedule": {
      const group = typeof inputs.groupName === "string" ? inputs.groupName : "default";
      return { name: physical, arn: `arn:${p}:scheduler:${region}:${account}:schedule/${group}/${physical}` };
    }
    case "aws:sqs/queue:Queue":
      return {
        name: physical,
        arn: `arn:${p}:sqs:${region}:${account}:${physical}`,
        url: `https://sqs.${region}.amazonaws.com/${account}/${physical}`,
      };
    case "aws:dynamodb/table:Table":
      return { name: physical, arn: `arn:${p}:dynamodb:${region}:${account}:table/${physical}` };
    case "aws:ssoadmin/permissionSet:PermissionSet": {
      const instance = String(inputs.instanceArn).split("/")[1];
      return { arn: `arn:${p}:sso:::permissionSet/${instance}/ps-${hash(physical, 16)}` };
    }
    default:
      return {};
  }
}

/** The ARN the mocked provider gives a permission set of `instanceArn`: stable for its name. */
export function permissionSetArn(instanceArn: string, name: string): string {
  const [, partition] = instanceArn.split(":");
  return `arn:${partition}:sso:::permissionSet/${instanceArn.split("/")[1]}/ps-${hash(name, 16)}`;
}

/**
 * The session duration of the permission sets the organization has before the stack is deployed (the requestable sets
 * the plan looks up, which the simulated Identity Center holds): Identity Center's default, one hour.
 */
export const EXISTING_SET_SESSION_DURATION = DEFAULT_SESSION_DURATION;

/** Installs the mocks for one stack evaluation (the runtime is process-global: one stack per process). */
export function installMocks(ctx: MockContext, project: string, stack: string): MockedResource[] {
  const resources: MockedResource[] = [];
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = (args.inputs ?? {}) as Record<string, unknown>;
        const entry: MockedResource = { type: args.type, name: args.name, inputs };
        resources.push(entry);
        if (args.type === "pulumi:pulumi:StackReference") {
          const outputs = ctx.stackOutputs?.[args.name];
          if (!outputs) throw new Error(`no outputs of stack ${args.name} were given to the mocks`);
          return { id: args.name, state: { name: args.name, outputs } };
        }
        const state = { ...inputs, ...computed(args.type, args.name, inputs, ctx) };
        entry.state = state;
        return { id: String(state.name ?? args.name), state };
      },
      call(args) {
        switch (args.token) {
          case "aws:index/getCallerIdentity:getCallerIdentity":
            return {
              accountId: ctx.accountId,
              arn: `arn:${partitionOf(ctx.region)}:iam::${ctx.accountId}:role/deployer`,
              userId: "AROAEXAMPLE:deployer",
            };
          case "aws:index/getRegion:getRegion":
            return { name: ctx.region, region: ctx.region };
          case "aws:index/getPartition:getPartition":
            return { partition: partitionOf(ctx.region), dnsSuffix: "amazonaws.com" };
          case "aws:iam/getRoles:getRoles": {
            // The role IAM Identity Center made for the permission set the name's pattern names (the approve set,
            // assigned to the requester account before the requester stack is deployed).
            const set = permissionSetOfRoleNameRegex(String(args.inputs.nameRegex ?? ""));
            const arns = set ? [reservedSsoRoleArn(ctx.accountId, ctx.region, set)] : [];
            return { ...args.inputs, arns, names: arns.map((a) => a.split("/").pop()) };
          }
          case "aws:ssoadmin/getPermissionSet:getPermissionSet":
            return {
              ...args.inputs,
              arn: permissionSetArn(String(args.inputs.instanceArn), String(args.inputs.name)),
              sessionDuration: EXISTING_SET_SESSION_DURATION,
            };
          default:
            return args.inputs;
        }
      },
    },
    project,
    stack,
    false,
  );
  recordResourceOptions(resources);
  return resources;
}

/** The mock monitor drops resource options; read the two the plan reports from the registration requests. */
function recordResourceOptions(resources: MockedResource[]) {
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, cb: unknown): unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const retainOnDelete = req.getRetainondelete?.() === true;
    const protect = req.getProtect?.() === true;
    const result = register(req, cb);
    if (retainOnDelete || protect) {
      const entry = resources.findLast((r) => r.name === req.getName() && r.type === req.getType());
      if (entry) entry.options = { ...(retainOnDelete && { retainOnDelete }), ...(protect && { protect }) };
    }
    return result;
  };
}

interface RegisterRequest {
  getName(): string;
  getType(): string;
  getRetainondelete?(): boolean;
  getProtect?(): boolean;
}
