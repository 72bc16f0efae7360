export type Side = "management" | "requester";

export const SOLUTION = "identity-center-jit";

/** The tag the CLI searches by to find the Change Manager template (and its runbook). */
export const changeTemplateComponentTag = { key: "Component", value: `${SOLUTION}-change-template` } as const;

/** The tags every taggable resource of a stack carries. */
export function standardTags(side: Side, environment: string): Record<string, string> {
  return { Solution: SOLUTION, Environment: environment, Side: side, ManagedBy: "pulumi" };
}
