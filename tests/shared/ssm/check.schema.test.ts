import assert from "node:assert/strict";
import { checkDocument } from "../../../shared/ssm/check";
import { apiStep, located, rawAutomation } from "./support/documents";

const schemaFindings = (content: unknown, type: "Automation" | "Automation.ChangeTemplate" = "Automation") =>
  checkDocument(content, type).filter((f) => f.rule === "schema");

describe("document checker: schema shape (AWS's Automation schema, extended)", () => {
  it("accepts a well-formed document", () => {
    assert.deepEqual(schemaFindings(rawAutomation([apiStep("Call")])), []);
  });

  it("reports an unknown action, with the step and the instance path", () => {
    const findings = schemaFindings(rawAutomation([{ name: "Call", action: "aws:teleport", inputs: {} }]));
    assert.deepEqual(located(findings), [{ severity: "error", rule: "schema", step: "Call" }]);
    assert.match(findings[0].message, /^\/mainSteps\/0\/action must be equal to one of the allowed values/);
  });

  it("reports a step without inputs", () => {
    const findings = schemaFindings(rawAutomation([{ name: "Call", action: "aws:executeAwsApi" }]));
    assert.deepEqual(
      findings.map((f) => f.message),
      ["/mainSteps/0 must have required property 'inputs'"],
    );
  });

  it("requires Service and Api of aws:executeAwsApi", () => {
    const findings = schemaFindings(rawAutomation([{ name: "Call", action: "aws:executeAwsApi", inputs: {} }]));
    assert.deepEqual(
      findings.map((f) => f.message),
      [
        "/mainSteps/0/inputs must have required property 'Service'",
        "/mainSteps/0/inputs must have required property 'Api'",
      ],
    );
  });

  it("checks the inputs of aws:waitForAwsResourceProperty (the shipped schema misspells the action)", () => {
    const wait = { name: "Wait", action: "aws:waitForAwsResourceProperty", inputs: { Service: "sso-admin", Api: "X" } };
    assert.deepEqual(
      schemaFindings(rawAutomation([wait])).map((f) => f.message),
      [
        "/mainSteps/0/inputs must have required property 'PropertySelector'",
        "/mainSteps/0/inputs must have required property 'DesiredValues'",
      ],
    );
  });

  it("reports an unknown top-level field by name", () => {
    const findings = schemaFindings(rawAutomation([apiStep("Call")], { mainStep: [] }));
    assert.deepEqual(
      findings.map((f) => f.message),
      ["/ must NOT have additional properties: mainStep"],
    );
  });

  it("accepts onCancel Abort or step:Name, and nothing else", () => {
    const ok = rawAutomation([apiStep("A", { onCancel: "step:B" }), apiStep("B", { onCancel: "Abort" })]);
    assert.deepEqual(schemaFindings(ok), []);
    const continued = schemaFindings(rawAutomation([apiStep("A", { onCancel: "Continue" })]));
    assert.deepEqual(located(continued), [{ severity: "error", rule: "schema", step: "A" }]);
    assert.match(continued[0].message, /^\/mainSteps\/0\/onCancel must match pattern/);
  });

  it("accepts declared variables and aws:updateVariable", () => {
    const content = rawAutomation(
      [{ name: "Set", action: "aws:updateVariable", inputs: { Name: "variable:Granted", Value: "true" } }],
      { variables: { Granted: { type: "String", default: "false", description: "Whether access was granted." } } },
    );
    assert.deepEqual(schemaFindings(content), []);
  });

  it("reports a variable of an unknown type", () => {
    const content = rawAutomation([apiStep("Call")], { variables: { Granted: { type: "Text", default: "" } } });
    assert.deepEqual(
      schemaFindings(content).map((f) => f.message),
      [
        "/variables/Granted/type must be equal to one of the allowed values: String, StringList, Boolean, Integer, MapList, StringMap",
      ],
    );
  });

  describe("change templates", () => {
    const template = {
      schemaVersion: "0.3",
      description: "Request access.",
      templateInformation: "### Request temporary access",
      emergencyChange: false,
      autoApprovable: false,
      executableRunBooks: [{ name: "idc-jit-dev-request", version: "$DEFAULT" }],
      mainSteps: [
        {
          name: "Approve",
          action: "aws:approve",
          inputs: {
            Message: "Approve the request.",
            EnhancedApprovals: { Approvers: [{ type: "SSOGroup", approver: "Approvers", minRequiredApprovals: 1 }] },
          },
        },
      ],
    };

    it("accepts the change template fields and Change Manager approvers, without assumeRole", () => {
      assert.deepEqual(schemaFindings(template, "Automation.ChangeTemplate"), []);
    });

    it("rejects the change template fields in a plain Automation document", () => {
      const messages = schemaFindings(template, "Automation").map((f) => f.message);
      assert.deepEqual(messages.sort(), [
        "/ must NOT have additional properties: autoApprovable",
        "/ must NOT have additional properties: emergencyChange",
        "/ must NOT have additional properties: executableRunBooks",
        "/ must NOT have additional properties: templateInformation",
        "/mainSteps/0/inputs must have required property 'Approvers'",
      ]);
    });
  });
});
