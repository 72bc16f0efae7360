/**
 * Every EventBridge target that starts an Automation document, on both sides and in both request forms, names the
 * version the stack deployed: `$LATEST` (or `$DEFAULT`, or no version) would run whatever someone who may update the
 * document put there, as the document's role.
 */
import assert from "node:assert/strict";
import { REQUEST_FORMS } from "../../shared/config/common";
import { names } from "../../shared/naming";
import type { PlannedResource, PlannedStack } from "../../tools/sim/deployment";
import { exampleDeployment } from "../tools/sim/support/deployment";

const AUTOMATION_DEFINITION = /^arn:aws:ssm:[a-z0-9-]+:(\d{12}):automation-definition\/([^:]+)(?::([^:]+))?$/;

/** Each target of the stack that starts a document: the target, the document it names and the version named. */
function documentTargets(stack: PlannedStack) {
  return stack.resources
    .filter((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget")
    .flatMap((target) => {
      const found = AUTOMATION_DEFINITION.exec(String(target.inputs.arn));
      return found ? [{ target, account: found[1], document: found[2], version: found[3] }] : [];
    });
}

const deployedVersion = (document: PlannedResource) => document.state?.defaultVersion;

describe("rule targets that start Automation documents", () => {
  for (const form of REQUEST_FORMS) {
    for (const sideName of ["management", "requester"] as const) {
      it(`name the version the ${sideName} stack deployed, never $LATEST or $DEFAULT (${form} form)`, async () => {
        const deployment = await exampleDeployment(form);
        const { stack } = deployment[sideName];
        const targets = documentTargets(stack);
        for (const target of stack.resources.filter((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget")) {
          assert.doesNotMatch(String(target.inputs.arn), /\$LATEST|\$DEFAULT/, target.name);
        }
        for (const { target, account, document, version } of targets) {
          const planned = stack.resources.find(
            (r) => r.type === "aws:ssm/document:Document" && r.inputs.name === document,
          );
          assert.ok(planned, `${target.name} starts ${document}, which the stack does not deploy`);
          assert.equal(account, stack.account, target.name);
          assert.match(String(version), /^[1-9][0-9]*$/, `${target.name} names no version number`);
          assert.equal(version, deployedVersion(planned), `${target.name} names another version than deployed`);
        }
        const m = names(deployment.management.config).management;
        // The management side starts the grant, end and alert workflows from its rules; the requester side forwards
        // events to the management bus and starts no document from a rule.
        assert.deepEqual(
          [...new Set(targets.map((t) => t.document))].sort(),
          sideName === "management"
            ? [m.endDocument, m.grantDocument, m.alertDocument, m.changeAlertDocument].sort()
            : [],
        );
      });
    }
  }
});
