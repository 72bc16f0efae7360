import type { SideName } from "./config/common";

export const SOLUTION = "identity-center-jit";

/** The tag the CLI searches by to find the Change Manager template. */
export const changeTemplateComponentTag = { key: "Component", value: `${SOLUTION}-change-template` } as const;

/** The tags every taggable resource of a stack carries. */
export function standardTags(side: SideName, environment: string): Record<string, string> {
  return { Solution: SOLUTION, Environment: environment, Side: side, ManagedBy: "pulumi" };
}
