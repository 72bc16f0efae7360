import type { FaultKind } from "./sim/faults";
import { planDeployment } from "./sim/planned";
import { runScenario, SCENARIOS } from "./sim/scenarios";
import { variantNamed } from "./sim/variants";

async function main() {
  const [name, variant, ...specs] = process.argv.slice(2);
  const d = await planDeployment();
  const faults = specs
    .filter((s) => s !== "-t")
    .map((s) => {
      const [kind, step] = s.split("@");
      return { document: "idc-jit-dev-grant-access", step, kind: kind as FaultKind };
    });
  const run = await runScenario(SCENARIOS.find((s) => s.name === name)!, d, faults, variantNamed(variant));
  const { notifications, ...rest } = run.outcome;
  console.log(
    JSON.stringify(
      { ...rest, notifications: notifications.map((n) => `${n.at.slice(11, 19)} ${n.eventType}: ${n.subject}`) },
      null,
      1,
    ),
  );
  if (specs.includes("-t"))
    for (const e of run.sim.world.timeline.entries)
      if (e.actor.includes("grant") || e.kind === "fault")
        console.log(new Date(e.at).toISOString().slice(11, 19), e.kind, e.actor, e.what);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
