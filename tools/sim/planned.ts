/**
 * Both example stacks planned in this process under the mocks, each with config overrides, for scenarios that need
 * a config the example stacks do not have (and for the fault sweep, which must not depend on `npm start`). Each
 * function carries the archive Pulumi would upload for it: the simulator runs that code, not functions/.
 */
import { managementStack } from "../../management";
import { requesterStack } from "../../requester";
import { type RequestForm, splitStoredConfig } from "../../shared/config/common";
import { readManagementConfig } from "../../shared/config/management";
import { readRequesterConfig } from "../../shared/config/requester";
import { configWith, evaluate, type Overrides } from "../evaluate";
import { packagesOfPlan } from "./functionCode";
import { FORM_STACKS, type SimulatedDeployment, side } from "./setup";

let planned = 0;

export async function planDeployment(
  overrides: { management?: Overrides; requester?: Overrides } = {},
  form: RequestForm = "changeManager",
): Promise<SimulatedDeployment> {
  const stacks = FORM_STACKS[form];
  const managementConfig = configWith(stacks.management, overrides.management);
  const management = readManagementConfig(splitStoredConfig(managementConfig));
  const m = await evaluate({ stack: `sim-management-${++planned}`, config: managementConfig }, () =>
    managementStack(management),
  );
  const requesterConfig = configWith(stacks.requester, overrides.requester);
  const requester = readRequesterConfig(splitStoredConfig(requesterConfig));
  const r = await evaluate(
    {
      stack: `sim-requester-${planned}`,
      config: requesterConfig,
      stackOutputs: { [requesterConfig["jit:managementStack"]]: m.outputs },
    },
    () => requesterStack(requester),
  );
  return {
    management: side(management, m.resources, await packagesOfPlan(m.resources)),
    requester: side(requester, r.resources, await packagesOfPlan(r.resources)),
  };
}
