/**
 * Runs a policy's validateResource the way the policy pack server does (@pulumi/policy server.js, analyze): with the
 * ResourceValidationArgs it builds from the engine's request, props behind the same unknown-value proxy, and a
 * notApplicable that throws.
 */
import type { ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import type { Resource, Unwrap } from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import type { Plan } from "../support/plan";

/** A resource as the plan records it (and as the engine passes it): its type, logical name and inputs. */
export interface PlannedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** The resource options the plan records (tools/mocks.ts). */
  options?: { protect?: boolean };
}

class NotApplicable extends Error {}

const pulumiTypeOf = (resourceClass: unknown): string | undefined =>
  (resourceClass as { __pulumiType?: string }).__pulumiType;

export function validationArgs(resource: PlannedResource): ResourceValidationArgs {
  const { type, name } = resource;
  const props = unknownCheckingProxy(resource.inputs) as Record<string, unknown>;
  const isType = (resourceClass: unknown) => pulumiTypeOf(resourceClass) === type;
  return {
    type,
    props,
    urn: `urn:pulumi:test::identity-center-jit::${type}::${name}`,
    name,
    opts: {
      protect: resource.options?.protect === true,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    stackTags: new Map(),
    isType,
    asType: <TResource extends Resource, TArgs>(resourceClass: {
      new (name: string, args: TArgs, ...rest: never[]): TResource;
    }) => (isType(resourceClass) ? (props as Unwrap<NonNullable<TArgs>>) : undefined),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

export interface Outcome {
  violations: string[];
  /** Whether any of the policy's validations applied to the resource's type. */
  applicable: boolean;
}

export async function validate(policy: ResourceValidationPolicy, resource: PlannedResource): Promise<Outcome> {
  const validations: ResourceValidation[] = [policy.validateResource ?? []].flat();
  const violations: string[] = [];
  let applicable = false;
  for (const validation of validations) {
    try {
      await validation(validationArgs(resource), (message) => violations.push(message));
      applicable = true;
    } catch (e) {
      if (!(e instanceof NotApplicable)) throw e;
    }
  }
  return { violations, applicable };
}

/** Every violation the policy reports across a plan's resources. */
export async function planViolations(policy: ResourceValidationPolicy, plan: Plan): Promise<string[]> {
  const outcomes = await Promise.all(plan.resources.map((r) => validate(policy, r)));
  return outcomes.flatMap((o) => o.violations);
}

/** A copy of a planned resource with some inputs replaced (a deliberately bad variant of it). */
export function variant(resource: PlannedResource, inputs: Record<string, unknown>): PlannedResource {
  return { ...resource, inputs: { ...structuredClone(resource.inputs), ...inputs } };
}

/** A copy of a resource whose JSON input `key` (a policy document) is rewritten by `edit`. */
export function withJson<T>(resource: PlannedResource, key: string, edit: (doc: T) => void): PlannedResource {
  const doc = JSON.parse(String(resource.inputs[key])) as T;
  edit(doc);
  return variant(resource, { [key]: JSON.stringify(doc) });
}

/** A copy of an SSM document resource whose YAML content is rewritten by `edit`. */
export function withContent<T>(resource: PlannedResource, edit: (content: T) => void): PlannedResource {
  const content = parse(String(resource.inputs.content)) as T;
  edit(content);
  return variant(resource, { content: stringify(content) });
}
