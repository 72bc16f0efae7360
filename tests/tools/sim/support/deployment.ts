/** The example stacks planned once per test process, for every simulator test that needs a deployed world. */
import { parse, stringify } from "yaml";
import type { DocumentContent } from "../../../../tools/sim/automation/document";
import { planDeployment } from "../../../../tools/sim/planned";
import type { SimulatedDeployment } from "../../../../tools/sim/setup";

let shared: Promise<SimulatedDeployment> | undefined;

export function exampleDeployment(): Promise<SimulatedDeployment> {
  shared ??= planDeployment();
  return shared;
}

/** The deployment with one planned document's content changed by `edit` (a deliberately broken variant). */
export async function withDocument(
  physicalName: string,
  edit: (content: DocumentContent) => void,
  side: "management" | "requester" = "management",
): Promise<SimulatedDeployment> {
  const base = await exampleDeployment();
  const resources = base[side].stack.resources.map((r) => {
    if (r.type !== "aws:ssm/document:Document" || r.inputs.name !== physicalName) return r;
    const content = parse(String(r.inputs.content)) as DocumentContent;
    edit(content);
    return { ...r, inputs: { ...r.inputs, content: stringify(content) } };
  });
  return { ...base, [side]: { ...base[side], stack: { ...base[side].stack, resources } } };
}
