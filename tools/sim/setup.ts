/**
 * A simulated world with both stacks deployed into the example organization, from the plan `npm start` wrote
 * (out/plan/<stack>/resources.json) or from stacks planned in this process (./planned.ts).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { type RequestForm, splitStoredConfig } from "../../shared/config/common";
import { type ManagementConfig, readManagementConfig } from "../../shared/config/management";
import { type RequesterConfig, readRequesterConfig } from "../../shared/config/requester";
import { names } from "../../shared/naming";
import { engineConfig, ROOT } from "../evaluate";
import { deployStack, type PlannedResource, type PlannedStack } from "./deployment";
import { type FunctionPackages, packagesOfPlanDir } from "./functionCode";
import { servicePrincipal } from "./identities";
import { assignSolutionPermissionSets, type Organization, populateOrganization } from "./organization";
import { People } from "./people";
import { World, type WorldOptions } from "./world";

export const EXAMPLE_STACKS = { management: "management-dev", requester: "requester-dev" } as const;

/** The example stacks of each request form: dev raises requests in Change Manager, sandbox with the runbook itself. */
export const FORM_STACKS: Readonly<Record<RequestForm, { management: string; requester: string }>> = {
  changeManager: EXAMPLE_STACKS,
  automation: { management: "management-sandbox", requester: "requester-sandbox" },
};

export interface SimulatedDeployment {
  management: { config: ManagementConfig; stack: PlannedStack };
  requester: { config: RequesterConfig; stack: PlannedStack };
}

export interface Simulation {
  world: World;
  org: Organization;
  people: People;
  deployment: SimulatedDeployment;
}

export function side<C extends ManagementConfig | RequesterConfig>(
  config: C,
  resources: readonly PlannedResource[],
  functionPackages: FunctionPackages,
) {
  const account = config.side === "management" ? config.managementAccountId : config.requesterAccountId;
  return { config, stack: { account, region: config.region, resources, functionPackages } };
}

/** The example stacks as `npm start` planned them, each function with the code it wrote for it. */
export function plannedDeployment(
  root = path.join(ROOT, "out", "plan"),
  stacks: { management: string; requester: string } = EXAMPLE_STACKS,
): SimulatedDeployment {
  const read = (stack: string): [PlannedResource[], FunctionPackages] => {
    const dir = path.join(root, stack);
    try {
      const resources = JSON.parse(readFileSync(path.join(dir, "resources.json"), "utf8")) as PlannedResource[];
      return [resources, packagesOfPlanDir(dir, resources)];
    } catch (err) {
      throw new Error(
        `cannot read the plan in ${dir} (run npm start first): ${err instanceof Error ? err.message : err}`,
      );
    }
  };
  return {
    management: side(
      readManagementConfig(splitStoredConfig(engineConfig(stacks.management))),
      ...read(stacks.management),
    ),
    requester: side(readRequesterConfig(splitStoredConfig(engineConfig(stacks.requester))), ...read(stacks.requester)),
  };
}

/**
 * Builds the world: the organization and its people, both stacks deployed, and the permission set sync run once
 * (as its schedule would before anyone asks), so the grant workflow can resolve names.
 */
export async function simulate(deployment: SimulatedDeployment, options: WorldOptions = {}): Promise<Simulation> {
  const world = new World(options);
  const { config } = deployment.management;
  world.owesGrantEnds({
    account: config.managementAccountId,
    region: config.region,
    name: names(config).management.grantTable,
  });
  const org = populateOrganization(world, deployment.management.config, deployment.requester.config);
  deployStack(world, deployment.management.stack);
  assignSolutionPermissionSets(world, org);
  deployStack(world, deployment.requester.stack);
  const sync = deployment.management.stack.resources.find((r) => r.name === "permission-set-sync-function");
  if (sync) {
    const scheduler = servicePrincipal("events.amazonaws.com", org.managementAccount, org.region);
    // Run the clock while the function runs: its SDK clients wait on it to retry a throttled call.
    const invoked = world.callAws("lambda", "Invoke", { FunctionName: String(sync.inputs.name) }, scheduler);
    await world.run();
    await invoked;
  }
  await world.run();
  world.timeline.entries.length = 0;
  world.calls.length = 0;
  return { world, org, people: new People(world, org, deployment.requester.config.requestForm), deployment };
}
