/**
 * Which component each planned resource belongs to. resources.json has no parent links, but every child's logical
 * name starts with its component's name (`grant-workflow-rule` in `grant-workflow`), so the longest component name
 * that prefixes a resource's name (followed by `-`) is its component. Components of the same name (a component and
 * the helper component it declares) are one group, named after the first.
 */
import type { PlannedResource } from "../sim/deployment";
import { shortType } from "./mermaid";

export interface ComponentGroup {
  /** The component's logical name, which its children's names start with. */
  name: string;
  /** The component's type without its package: `GrantWorkflow`. */
  type: string;
  resources: PlannedResource[];
}

export const isComponent = (r: PlannedResource) => r.type.startsWith("jit:");

export function componentGroups(resources: readonly PlannedResource[]): {
  groups: ComponentGroup[];
  ungrouped: PlannedResource[];
} {
  const groups: ComponentGroup[] = [];
  for (const r of resources.filter(isComponent)) {
    if (!groups.some((g) => g.name === r.name)) groups.push({ name: r.name, type: shortType(r.type), resources: [] });
  }
  const byLength = [...groups].sort((a, b) => b.name.length - a.name.length);
  const ungrouped: PlannedResource[] = [];
  for (const r of resources) {
    if (isComponent(r) || r.type.startsWith("pulumi:")) continue;
    const group = byLength.find((g) => r.name === g.name || r.name.startsWith(`${g.name}-`));
    if (group) group.resources.push(r);
    else ungrouped.push(r);
  }
  return { groups, ungrouped };
}

/** The component a resource of `type` named (physically) `physicalName` belongs to, if any. */
export function componentOf(
  resources: readonly PlannedResource[],
  type: string,
  physicalName: string,
): ComponentGroup | undefined {
  return componentGroups(resources).groups.find((g) =>
    g.resources.some((r) => r.type === type && r.inputs.name === physicalName),
  );
}
