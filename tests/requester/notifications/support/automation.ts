/**
 * Runs one document with the simulator's Automation engine (tools/sim/automation), its API calls answered by a
 * function of the test's: the notification document tests drive the same engine the simulator uses.
 */
import { AssertionError } from "node:assert";
import { stringify } from "yaml";
import { parseDocument } from "../../../../tools/sim/automation/document";
import { AutomationEngine, type EngineHost } from "../../../../tools/sim/automation/engine";
import { AwsError } from "../../../../tools/sim/aws";
import { VirtualClock } from "../../../../tools/sim/clock";
import { Ids } from "../../../../tools/sim/ids";
import { Timeline } from "../../../../tools/sim/timeline";
import { BASELINE } from "../../../../tools/sim/variants";

export { select } from "../../../../tools/sim/automation/values";

/** Answers an API call, or throws to fail it. */
export type FakeAws = (service: string, api: string, params: Record<string, unknown>) => unknown;

export interface Publication {
  step: string;
  eventType: unknown;
  subject: string;
  message: string;
}

export interface Run {
  status: string;
  steps: string[];
  published: Publication[];
}

export class RefusedToStart extends Error {}

const RUNS_AS = {
  account: "444455556666",
  region: "eu-west-1",
  roleArn: "arn:aws:iam::444455556666:role/test",
  sessionName: "test",
};

export async function runAutomation(
  content: unknown,
  values: Readonly<Record<string, string>>,
  aws: FakeAws,
): Promise<Run> {
  const published: Publication[] = [];
  const assertions: AssertionError[] = [];
  const host: EngineHost = {
    clock: new VirtualClock(),
    behaviour: BASELINE,
    ids: new Ids("document-test"),
    timeline: new Timeline(),
    async callAws(service, api, input, _caller, site) {
      let response: unknown;
      try {
        response = aws(service, api, input);
      } catch (err) {
        if (err instanceof AssertionError) assertions.push(err);
        throw new AwsError(err instanceof Error ? err.message : String(err), "the test's fake refused the call");
      }
      if (service === "sns" && api === "Publish") {
        const attributes = input.MessageAttributes as Record<string, { StringValue: unknown }>;
        published.push({
          step: site.step,
          eventType: attributes.EventType.StringValue,
          subject: String(input.Subject),
          message: String(input.Message),
        });
      }
      return response;
    },
    isApprover: () => false,
    recordedApprover: () => {
      throw new Error("the notification document has no approval step");
    },
    stepStarting: () => {},
    runChangeRequestRunbooks: async () => "Success",
    executionEnded: () => {},
  };
  const engine = new AutomationEngine(host);
  const document = {
    ...RUNS_AS,
    name: "document-under-test",
    documentType: "Automation" as const,
    content: parseDocument(stringify(content)),
    tags: {},
  };
  const parameters = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [v]]));
  let started: ReturnType<AutomationEngine["start"]>;
  try {
    started = engine.start(document, parameters, RUNS_AS);
  } catch (err) {
    if (err instanceof AwsError) throw new RefusedToStart(err.message);
    throw err;
  }
  await host.clock.run();
  if (assertions.length > 0) throw assertions[0];
  return { status: started.status, steps: started.steps.map((s) => s.StepName), published };
}
