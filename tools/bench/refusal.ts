/**
 * How soon the requester of a request no rule could grant is told (issue 13's "refuse early"): from the call that
 * raised it to the refusal's publication, in virtual time, through each form; and whether any approver was asked.
 */
import { REQUEST_FORMS, type RequestForm } from "../../shared/config/common";
import { runScenario, SCENARIOS } from "../sim/scenarios";
import { FORM_STACKS, plannedDeployment } from "../sim/setup";

export interface RefusalTime {
  form: RequestForm;
  /** Seconds of virtual time from the request to the refusal; undefined if none was published. */
  seconds: number | undefined;
  /** Notifications other than the refusal (an approver asked, a cancellation notice). */
  others: number;
}

export async function refusalTimes(): Promise<RefusalTime[]> {
  const scenario = SCENARIOS.find((s) => s.name === "refused-before-approval");
  if (!scenario) throw new Error("no scenario refused-before-approval");
  const times: RefusalTime[] = [];
  for (const form of REQUEST_FORMS) {
    const { sim } = await runScenario(scenario, plannedDeployment(undefined, FORM_STACKS[form]));
    const raised = sim.world.calls.find((c) =>
      ["StartChangeRequestExecution", "StartAutomationExecution"].includes(c.api),
    );
    const refusal = sim.world.sns.published.find((p) => p.subject?.startsWith("Refused"));
    const seconds = raised && refusal ? (Date.parse(refusal.time) - raised.at) / 1000 : undefined;
    times.push({ form, seconds, others: sim.world.sns.published.length - (refusal ? 1 : 0) });
  }
  return times;
}
