import assert from "node:assert/strict";
import { checkDocument } from "../../../shared/ssm/check";
import { apiStep, located, rawAutomation } from "./support/documents";

const referenceFindings = (content: unknown) =>
  checkDocument(content, "Automation").filter((f) => f.rule.startsWith("reference"));

/** A step that reads `text` in an input. */
const reader = (text: string, extra: Record<string, unknown> = {}) =>
  apiStep("Read", { inputs: { Service: "sts", Api: "GetCallerIdentity", Text: text }, ...extra });

const describeAccount = (extra: Record<string, unknown> = {}) =>
  apiStep("Describe_Account", {
    inputs: { Service: "organizations", Api: "DescribeAccount", AccountId: "{{AccountId}}" },
    outputs: [{ Name: "AccountName", Selector: "$.Account.Name", Type: "String" }],
    ...extra,
  });

describe("document checker: references", () => {
  it("resolves parameters, built-ins, declared outputs and the built-in outputs of a Lambda step, with or without spaces", () => {
    const content = rawAutomation([
      describeAccount(),
      {
        name: "Invoke",
        action: "aws:invokeLambdaFunction",
        inputs: { FunctionName: "f", Payload: '{"a":"{{ AccountId }}"}' },
      },
      reader(
        "{{AccountId}} {{ Describe_Account.AccountName }} {{Invoke.Payload}} {{ Invoke.StatusCode }} {{ automation:EXECUTION_ID }} {{global:REGION}}",
      ),
    ]);
    assert.deepEqual(referenceFindings(content), []);
  });

  it("reports a reference to an unknown parameter, with where it is", () => {
    const found = referenceFindings(rawAutomation([reader("account {{ AcountId }}")]));
    assert.deepEqual(located(found), [{ severity: "error", rule: "reference", step: "Read" }]);
    assert.equal(
      found[0].message,
      "inputs.Text refers to {{ AcountId }}, but it is not a parameter, a variable, a built-in or a step output",
    );
  });

  it("reports a reference to an output the step does not declare", () => {
    const found = referenceFindings(rawAutomation([describeAccount(), reader("{{ Describe_Account.AccountId }}")]));
    assert.deepEqual(located(found), [{ severity: "error", rule: "reference", step: "Read" }]);
    assert.equal(
      found[0].message,
      "inputs.Text refers to {{ Describe_Account.AccountId }}, but step Describe_Account declares no output AccountId (it has: AccountName)",
    );
  });

  it("reports an output of a step that does not exist, and an undeclared variable", () => {
    const found = referenceFindings(rawAutomation([reader("{{ Resolve_User.UserId }} {{ variable:Granted }}")]));
    assert.deepEqual(
      found.map((f) => f.message),
      [
        "inputs.Text refers to {{ Resolve_User.UserId }}, but there is no step Resolve_User (nor a parameter of that name)",
        "inputs.Text refers to {{ variable:Granted }}, but no variable Granted is declared",
      ],
    );
  });

  it("checks the top-level outputs and assumeRole too", () => {
    const content = rawAutomation([describeAccount()], {
      assumeRole: "{{ Describe_Account.AccountName }}",
      outputs: ["Describe_Account.AccountName", "Describe_Account.Missing"],
    });
    assert.deepEqual(
      referenceFindings(content).map((f) => f.message),
      [
        "assumeRole refers to {{ Describe_Account.AccountName }}, but the role is assumed before any step runs",
        "outputs[1] refers to {{ Describe_Account.Missing }}, but step Describe_Account declares no output Missing (it has: AccountName)",
      ],
    );
  });

  it("warns when a step reads an output of a step a branch may have skipped", () => {
    const content = rawAutomation([
      {
        name: "Choose",
        action: "aws:branch",
        inputs: {
          Choices: [{ NextStep: "Read", Variable: "{{ AccountId }}", StringEquals: "111111111111" }],
          Default: "Describe_Account",
        },
      },
      describeAccount(),
      reader("{{ Describe_Account.AccountName }}"),
    ]);
    const found = referenceFindings(content);
    assert.deepEqual(located(found), [{ severity: "warning", rule: "reference-may-be-unset", step: "Read" }]);
    assert.equal(
      found[0].message,
      "inputs.Text reads {{ Describe_Account.AccountName }}, but some path reaches Read without Describe_Account having succeeded",
    );
  });

  it("warns when the producing step may have failed and the execution continued", () => {
    const content = rawAutomation([
      describeAccount({ onFailure: "Continue" }),
      reader("{{ Describe_Account.AccountName }}"),
    ]);
    assert.deepEqual(located(referenceFindings(content)), [
      { severity: "warning", rule: "reference-may-be-unset", step: "Read" },
    ]);
  });

  it("does not warn when the producer's failure leaves by another path", () => {
    const content = rawAutomation([
      describeAccount({ onFailure: "step:Failed" }),
      reader("{{ Describe_Account.AccountName }}", { isEnd: true }),
      apiStep("Failed"),
    ]);
    assert.deepEqual(referenceFindings(content), []);
  });
});
