/** Evaluates the management stack under the mocks for a config variant, and queries what it declared. */
import { parse } from "yaml";
import { managementStack } from "../../management";
import { requesterStack } from "../../requester";
import { splitStoredConfig } from "../../shared/config/common";
import { readManagementConfig } from "../../shared/config/management";
import { readRequesterConfig } from "../../shared/config/requester";
import type { PolicyDocument } from "../../shared/iam";
import { configWith, evaluate, type Overrides } from "../../tools/evaluate";
import type { MockedResource } from "../../tools/mocks";
import { CHAT_MANAGEMENT } from "./variants";

export { configWith, type Overrides };

export class Plan {
  constructor(
    readonly resources: MockedResource[],
    readonly outputs: Record<string, unknown>,
  ) {}

  ofType(type: string): MockedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource of `type` whose logical name is `name` (throws if there is not exactly one). */
  one(type: string, name: string): MockedResource {
    const found = this.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
    return found[0];
  }

  /** The resource of `type` whose physical name (`inputs.name`) is `physical`. */
  byPhysicalName(type: string, physical: string): MockedResource {
    const found = this.ofType(type).filter((r) => r.inputs.name === physical);
    if (found.length !== 1) throw new Error(`expected one ${type} with name ${physical}, found ${found.length}`);
    return found[0];
  }

  /** An SSM document's content, parsed from the YAML given to aws.ssm.Document. */
  document(physical: string): DocumentContent {
    return parse(String(this.byPhysicalName("aws:ssm/document:Document", physical).inputs.content));
  }

  /** A role's trust policy and its inline policy, by the role's physical name. */
  role(physical: string): { trust: PolicyDocument; policy: PolicyDocument } {
    const role = this.byPhysicalName("aws:iam/role:Role", physical);
    const inline = this.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name === `${role.name}-policy`);
    if (inline.length !== 1) throw new Error(`role ${physical} has ${inline.length} inline policies`);
    return {
      trust: JSON.parse(String(role.inputs.assumeRolePolicy)),
      policy: JSON.parse(String(inline[0].inputs.policy)),
    };
  }

  /** What the provider answered for a resource: its inputs and computed attributes such as `arn`. */
  outputsOf(resource: MockedResource): Record<string, unknown> {
    return resource.state ?? {};
  }

  /** A JSON policy input of a resource (`policy`, `content`, `inlinePolicy`, ...). */
  jsonInput<T = PolicyDocument>(resource: MockedResource, key: string): T {
    return JSON.parse(String(resource.inputs[key])) as T;
  }
}

export interface DocumentContent {
  schemaVersion: string;
  description: string;
  assumeRole?: string;
  parameters?: Record<string, Record<string, unknown>>;
  mainSteps: StepContent[];
  [key: string]: unknown;
}

export interface StepContent {
  name: string;
  action: string;
  inputs: Record<string, unknown>;
  onFailure?: string;
  onCancel?: string;
  nextStep?: string;
  isEnd?: boolean;
  isCritical?: boolean;
  outputs?: { Name: string; Selector: string; Type: string }[];
  [key: string]: unknown;
}

let evaluations = 0;

/** Evaluates the management side of the example `management-dev` stack with `overrides`. */
export async function planManagement(overrides: Overrides = {}): Promise<Plan> {
  const config = configWith("management-dev", overrides);
  const { resources, outputs } = await evaluate({ stack: `management-test-${++evaluations}`, config }, () =>
    managementStack(readManagementConfig(splitStoredConfig(config))),
  );
  return new Plan(resources, outputs);
}

/** The ARN AWS gives a role of this plan, from its account, path and name (as the mocks do). */
export function roleArnOf(plan: Plan, physical: string): string {
  const role = plan.byPhysicalName("aws:iam/role:Role", physical);
  const arn = plan.outputsOf(role).arn;
  if (typeof arn !== "string") throw new Error(`role ${physical} has no ARN`);
  return arn;
}

/**
 * Evaluates the requester side of the example `requester-dev` stack with `overrides`, its StackReference answered
 * with the outputs of the management side evaluated with `managementOverrides` (or with `management`'s outputs).
 */
export async function planRequester(
  overrides: Overrides = {},
  management: Plan | Overrides = {},
): Promise<{ requester: Plan; management: Plan }> {
  const managementPlan = management instanceof Plan ? management : await planManagement(management);
  const config = configWith("requester-dev", overrides);
  const { resources, outputs } = await evaluate(
    {
      stack: `requester-test-${++evaluations}`,
      config,
      stackOutputs: { [config["jit:managementStack"]]: managementPlan.outputs },
    },
    () => requesterStack(readRequesterConfig(splitStoredConfig(config))),
  );
  return { requester: new Plan(resources, outputs), management: managementPlan };
}

const shared = new Map<string, Promise<unknown>>();

function once<T>(key: string, evaluation: () => Promise<T>): Promise<T> {
  let result = shared.get(key) as Promise<T> | undefined;
  if (!result) {
    result = evaluation();
    shared.set(key, result);
  }
  return result;
}

/** The management plan for a config variant, evaluated once per process and shared by every test file. */
export function sharedManagementPlan(overrides: Overrides = {}): Promise<Plan> {
  return once(`management ${JSON.stringify(overrides)}`, () => planManagement(overrides));
}

/**
 * The requester plan for a config variant, evaluated once per process, its StackReference answered by the shared
 * management plan of `management` (by default, for a chat variant, a management side that lets people link chat
 * identities, as chat user roles need).
 */
export function sharedRequesterPlan(
  overrides: Overrides = {},
  management: Overrides = "jit:chat" in overrides ? CHAT_MANAGEMENT : {},
): Promise<Plan> {
  const key = `requester ${JSON.stringify([overrides, Object.keys(overrides)])} ${JSON.stringify(management)}`;
  return once(key, async () => (await planRequester(overrides, await sharedManagementPlan(management))).requester);
}
