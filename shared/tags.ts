import type { SideName } from "./config/common";

export const SOLUTION = "identity-center-jit";

/** The tag the CLI searches by to find the Change Manager template. */
export const changeTemplateComponentTag = { key: "Component", value: `${SOLUTION}-change-template` } as const;

/** The tag the CLI finds the Automation form by (the request runbook people start themselves). */
export const requestFormComponentTag = { key: "Component", value: `${SOLUTION}-request-form` } as const;

/** The tags every taggable resource of a stack carries. */
export function standardTags(side: SideName, environment: string): Record<string, string> {
  return { Solution: SOLUTION, Environment: environment, Side: side, ManagedBy: "pulumi" };
}
