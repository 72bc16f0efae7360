import type { ResourceValidationArgs } from "@pulumi/policy";

/** A violation message that names the resource, so a report read on its own says what to fix. */
export const about = (args: Pick<ResourceValidationArgs, "name" | "type">, problem: string): string =>
  `${args.name} (${args.type}): ${problem}`;
