/**
 * The code Lambda would run, for every function of every planned config variant: the closure serializer carried
 * every value it captured faithfully (tools/closureCheck.ts), and the uploaded module loads as the Node.js runtime
 * loads it and answers.
 */
import assert from "node:assert/strict";
import { type CheckedClosure, formatDegradations, watchSerializations } from "../../tools/closureCheck";
import type { ApiInput } from "../../tools/sim/aws";
import { VirtualClock } from "../../tools/sim/clock";
import { packagesOfPlan } from "../../tools/sim/functionCode";
import { Ids } from "../../tools/sim/ids";
import { uploadedHandler } from "../../tools/sim/uploadedFunction";
import { PLANNED_STACKS } from "../policy/plannedStacks";
import { type Overrides, type Plan, planManagement } from "../support/plan";
import { CHAT_MANAGEMENT, grantsInMinutes } from "../support/variants";

const FUNCTION = "aws:lambda/function:Function";

/** The planned stacks that have functions (all management stacks), with their config, by PLANNED_STACKS' labels. */
const WITH_FUNCTIONS: Record<string, Overrides> = {
  "management-dev": {},
  "management-dev with chat user roles": CHAT_MANAGEMENT,
  "management-dev with grants in minutes, up to a day": grantsInMinutes("1440m"),
  "management-dev cutting open sessions (jit:revokeOpenSessions)": { "jit:revokeOpenSessions": true },
};

describe("the uploaded code of every function of every planned stack", () => {
  const planned: { label: string; plan: Plan; closures: CheckedClosure[] }[] = [];
  before(async function () {
    this.timeout(300_000);
    for (const [label, overrides] of Object.entries(WITH_FUNCTIONS)) {
      // Planned here, with the check inside the serializer: shared plans may have been serialized unwatched.
      const watch = watchSerializations();
      try {
        planned.push({ label, plan: await planManagement(overrides), closures: watch.closures });
      } finally {
        watch.stop();
      }
    }
  });

  it("covers every planned stack that has functions", async function () {
    this.timeout(300_000);
    for (const { label, plan } of PLANNED_STACKS) {
      const functions = (await plan()).ofType(FUNCTION).length;
      assert.equal(label in WITH_FUNCTIONS, functions > 0, `${label} has ${functions} functions`);
    }
  });

  it("the closure serializer degrades no value any function captures", async () => {
    for (const { label, plan, closures } of planned) {
      const packages = await packagesOfPlan(plan.resources);
      for (const [name, files] of Object.entries(packages)) {
        const checked = closures.filter((c) => c.text === files["__index.js"]);
        assert.equal(checked.length, 1, `${label}: ${name}'s code was not serialized under the check`);
        assert.deepEqual(
          formatDegradations(checked, () => `${label}: ${name}`),
          [],
        );
      }
    }
  });

  it("every function loads as the Node.js runtime loads it, and answers an empty event", async () => {
    for (const { label, plan } of planned) {
      const packages = await packagesOfPlan(plan.resources);
      for (const r of plan.ofType(FUNCTION)) {
        const name = String(r.inputs.name);
        const calls: string[] = [];
        const runtime = {
          clock: new VirtualClock(),
          ids: new Ids(name),
          // Every AWS call answers nothing, as for an empty account.
          callAws: async (service: string, api: string, _input: ApiInput) => {
            calls.push(`${service}:${api}`);
            return {};
          },
          sessionFor: () => {
            throw new Error("no AssumeRole credentials were handed out");
          },
          writeLog: () => {},
        };
        const handler = uploadedHandler(
          {
            name,
            account: "111122223333",
            region: "eu-west-1",
            handler: String(r.inputs.handler),
            files: packages[name],
            environment: (r.inputs.environment as { variables: Record<string, string> }).variables,
            runtime: String(r.inputs.runtime),
            timeoutSeconds: Number(r.inputs.timeout),
            role: { account: "111122223333", region: "eu-west-1", roleArn: String(r.inputs.role), sessionName: name },
          },
          runtime,
        );
        // An answer, or the function's own refusal of the event: never a load error or a broken value.
        const answered = await handler({}).then(
          (result) => ({ result }),
          (err: Error) => ({ refused: err.name, message: err.message }),
        );
        const where = `${label}: ${name} answered ${JSON.stringify(answered)} after ${calls.join(", ") || "no calls"}`;
        if ("refused" in answered) assert.equal(answered.refused, "Error", where);
        else assert.notEqual(answered.result, undefined, where);
      }
    }
  });
});
