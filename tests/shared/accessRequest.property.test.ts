/**
 * Issue 6, inputs: every user-controlled value of an access request, generated hostile a thousand times per
 * parameter, through the checks the form and the management workflow apply (Automation's allowedPattern, under each
 * reading of how it is applied: Java's find or matches, or JavaScript's search), the request event the runbook builds by interpolation, and the grant rule's input transformer. Nothing is
 * accepted unless it is valid, and no accepted value changes the structure of the event or of the parameters.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parse } from "yaml";
import { names } from "../../shared/naming";
import type { DocumentContent } from "../../tools/sim/automation/document";
import { interpolate, type PatternSemantics, resolveParameters } from "../../tools/sim/automation/values";
import { AwsError } from "../../tools/sim/aws";
import type { PlannedResource } from "../../tools/sim/deployment";
import { transformInput } from "../../tools/sim/services/inputTransformer";
import type { SimulatedDeployment } from "../../tools/sim/setup";
import { hostile, oracles, validValues } from "../support/hostileInput";
import { exampleDeployment } from "../tools/sim/support/deployment";

const RUNS = 1000;
const RUNBOOK_EXECUTION = "0c1d2e3f-4a5b-4c6d-8e7f-901234567890";

function documentContent(resources: readonly PlannedResource[], name: string): DocumentContent {
  const r = resources.find((x) => x.type === "aws:ssm/document:Document" && x.inputs.name === name);
  if (!r) throw new Error(`no document ${name}`);
  return parse(String(r.inputs.content)) as DocumentContent;
}

const SEMANTICS: readonly PatternSemantics[] = ["java-find", "java-matches", "javascript-search"];

/** Whether Automation accepts the parameters: the same answer however it applies allowedPattern, or the test fails. */
function accepts(content: DocumentContent, parameters: Record<string, string>): boolean {
  const given = Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, [v]]));
  const answers = SEMANTICS.map((semantics) => {
    try {
      resolveParameters(content, given, semantics);
      return true;
    } catch (err) {
      if (err instanceof AwsError && err.code === "InvalidAutomationExecutionParametersException") return false;
      throw err;
    }
  });
  assert.ok(
    answers.every((a) => a === answers[0]),
    `${JSON.stringify(parameters)}: ${SEMANTICS.map((s, i) => `${s} ${answers[i] ? "accepts" : "refuses"}`).join(", ")}`,
  );
  return answers[0];
}

describe("access request inputs, generated hostile (fast-check, 1,000 per parameter)", () => {
  let deployment: SimulatedDeployment;
  let runbook: DocumentContent;
  let grant: DocumentContent;
  let transformer: { inputPaths?: Record<string, string>; inputTemplate: string };
  let valid: Record<string, string>;
  let parameters: Record<string, { arbitrary: fc.Arbitrary<string>; oracle: (s: string) => boolean }>;

  before(async () => {
    deployment = await exampleDeployment();
    const n = names(deployment.management.config);
    runbook = documentContent(deployment.requester.stack.resources, n.requester.requestRunbook);
    grant = documentContent(deployment.management.stack.resources, n.management.grantDocument);
    const target = deployment.management.stack.resources.find(
      (r) => r.type === "aws:cloudwatch/eventTarget:EventTarget" && r.inputs.rule === n.management.grantRule,
    );
    transformer = target?.inputs.inputTransformer as typeof transformer;
    const { requestablePermissionSets: sets, maxDuration } = deployment.management.config;
    parameters = {
      AccountId: { arbitrary: hostile(validValues.accountId), oracle: oracles.accountId },
      PermissionSet: { arbitrary: hostile(validValues.oneOf(sets)), oracle: oracles.oneOf(sets) },
      Duration: {
        arbitrary: hostile(validValues.wholeNumberUpTo(maxDuration)),
        oracle: oracles.wholeNumberUpTo(maxDuration),
      },
      RequestingUser: { arbitrary: hostile(validValues.userName), oracle: oracles.userName },
      Justification: { arbitrary: hostile(validValues.plainText(10, 500)), oracle: oracles.plainText(10, 500) },
    };
    valid = {
      AccountId: "777788889999",
      PermissionSet: sets[0],
      Duration: "1",
      DurationUnit: deployment.management.config.durationUnit,
      RequestingUser: "alice",
      Justification: "INC-4711: restart the payment service",
    };
  });

  /** The event the runbook sends, built as Automation builds it: by interpolating into the Detail text. */
  function requestEvent(form: Record<string, string>) {
    const scope = new Map<string, unknown>(Object.entries(form));
    scope.set("automation:EXECUTION_ID", RUNBOOK_EXECUTION);
    const send = runbook.mainSteps.find((s) => s.inputs.Api === "PutEvents")!;
    const [entry] = (interpolate(send.inputs, scope) as { Entries: { Detail: string; Source: string }[] }).Entries;
    return entry;
  }

  for (const name of ["AccountId", "PermissionSet", "Duration", "RequestingUser", "Justification"]) {
    it(`${name}: the form accepts a value only if it is valid, and the management workflow agrees`, () => {
      let accepted = 0;
      fc.assert(
        fc.property(parameters[name].arbitrary, (value) => {
          const form = { ...valid, [name]: value };
          const byForm = accepts(runbook, form);
          assert.equal(
            byForm,
            parameters[name].oracle(value),
            `the form ${byForm ? "accepted" : "refused"} ${JSON.stringify(value)}`,
          );
          assert.equal(accepts(grant, { ...form, RequesterExecutionId: RUNBOOK_EXECUTION }), byForm);
          if (byForm) accepted++;
        }),
        { numRuns: RUNS },
      );
      assert.ok(accepted > RUNS / 10 && accepted < RUNS, `${accepted} of ${RUNS} generated values were valid`);
    });

    it(`${name}: an accepted value travels as data, never as structure, to the grant workflow's parameters`, () => {
      fc.assert(
        fc.property(parameters[name].arbitrary, (value) => {
          const form = { ...valid, [name]: value };
          fc.pre(accepts(runbook, form));
          const entry = requestEvent(form);
          const detail = JSON.parse(entry.Detail);
          assert.deepEqual(detail, { ...form, RequesterExecutionId: RUNBOOK_EXECUTION });
          const envelope = { version: "0", account: deployment.requester.stack.account, source: entry.Source, detail };
          const started = JSON.parse(transformInput(transformer, envelope));
          assert.deepEqual(
            started,
            Object.fromEntries(Object.entries(detail).map(([k, v]) => [k, [v]])),
            "the grant workflow starts with exactly the request's fields",
          );
        }),
        { numRuns: RUNS },
      );
    });
  }
});
