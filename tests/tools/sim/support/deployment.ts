/** The example stacks planned once per test process, for every simulator test that needs a deployed world. */
import { parse, stringify } from "yaml";
import type { RequestForm } from "../../../../shared/config/common";
import type { DocumentContent } from "../../../../tools/sim/automation/document";
import { planDeployment } from "../../../../tools/sim/planned";
import type { SimulatedDeployment } from "../../../../tools/sim/setup";

const shared = new Map<RequestForm, Promise<SimulatedDeployment>>();

/** The example stacks of `form` (Change Manager's dev, or the Automation form's sandbox). */
export function exampleDeployment(form: RequestForm = "changeManager"): Promise<SimulatedDeployment> {
  if (!shared.has(form)) shared.set(form, planDeployment({}, form));
  return shared.get(form) as Promise<SimulatedDeployment>;
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
