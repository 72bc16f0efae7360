import assert from "node:assert/strict";
import { validSettings } from "../../functions/reconciler/settings";
import { CANARY_DENY_ALL } from "../../management/permissionSets";
import type { DocumentContent as SimDocument } from "../../tools/sim/automation/document";
import { type PatternSemantics, resolveParameters } from "../../tools/sim/automation/values";
import { matchesPattern } from "../../tools/sim/services/eventPattern";
import { type InputTransformer, transformInput } from "../../tools/sim/services/inputTransformer";
import { allowing, decide } from "../support/iam";
import { type DocumentContent, type Plan, planManagement, type StepContent } from "../support/plan";
import { grantsInMinutes } from "../support/variants";

/** An access request's detail as the requester runbook sends it. */
const REQUEST_DETAIL: Record<string, string> = {
  AccountId: "777788889999",
  PermissionSet: "AWSAdministratorAccess",
  Duration: "2",
  DurationUnit: "hours",
  RequestingUser: "alice",
  Justification: "Restart the stuck deployment of the payments service",
  RequesterExecutionId: "7d3f1c2a-5b6e-4f80-9a1b-2c3d4e5f6a7b",
};

const MANAGEMENT = "111122223333";
const REQUESTER = "444455556666";

function step(doc: DocumentContent, name: string): StepContent {
  const found = doc.mainSteps.find((s) => s.name === name);
  assert.ok(found, `document has no step ${name}`);
  return found;
}

const stepNames = (doc: DocumentContent) => doc.mainSteps.map((s) => s.name);

describe("the management stack, with the example config", () => {
  let plan: Plan;
  before(async () => {
    plan = await planManagement();
  });

  it("names every named resource from the prefix and the environment", () => {
    const named = plan.resources.filter((r) => typeof r.inputs.name === "string" && r.type.startsWith("aws:"));
    const exempt = new Set(["aws:ssoadmin/permissionSet:PermissionSet", "aws:cloudwatch/logGroup:LogGroup"]);
    for (const r of named.filter((r) => !exempt.has(r.type))) {
      assert.match(String(r.inputs.name), /^idc-jit-dev-/, `${r.type} ${r.name}`);
    }
    for (const logGroup of plan.ofType("aws:cloudwatch/logGroup:LogGroup")) {
      assert.match(String(logGroup.inputs.name), /^\/aws\/lambda\/idc-jit-dev-/);
    }
  });

  it("tags every taggable resource with the solution, environment and side", () => {
    const taggable = plan.resources.filter((r) => "tags" in r.inputs);
    assert.ok(taggable.length > 20);
    for (const r of taggable) {
      assert.deepEqual(r.inputs.tags, {
        Solution: "identity-center-jit",
        Environment: "dev",
        Side: "management",
        ManagedBy: "pulumi",
      });
    }
  });

  it("attaches no managed policy to any role: every role has exactly its one inline policy", () => {
    assert.equal(plan.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
    for (const role of plan.ofType("aws:iam/role:Role")) {
      assert.equal(role.inputs.managedPolicyArns, undefined);
      plan.role(String(role.inputs.name));
    }
  });

  describe("request bus", () => {
    it("is named for the environment and admits only the requester's three sending roles", () => {
      assert.equal(
        plan.one("aws:cloudwatch/eventBus:EventBus", "request-bus-bus").inputs.name,
        "idc-jit-dev-access-requests",
      );
      const policy = plan.jsonInput(
        plan.one("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "request-bus-policy"),
        "policy",
      );
      assert.deepEqual(policy.Statement, [
        {
          Sid: "RequesterRolesPutEvents",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${REQUESTER}:root` },
          Action: ["events:PutEvents"],
          Resource: `arn:aws:events:eu-west-1:${MANAGEMENT}:event-bus/idc-jit-dev-access-requests`,
          Condition: {
            ArnEquals: {
              "aws:PrincipalArn": [
                `arn:aws:iam::${REQUESTER}:role/idc-jit-dev-request`,
                `arn:aws:iam::${REQUESTER}:role/idc-jit-dev-end-request`,
                `arn:aws:iam::${REQUESTER}:role/idc-jit-dev-requester-events`,
              ],
            },
          },
        },
      ]);
    });

    it("starts the grant workflow only for access requests from the requester account", () => {
      const rule = plan.one("aws:cloudwatch/eventRule:EventRule", "grant-workflow-rule");
      assert.equal(rule.inputs.eventBusName, "idc-jit-dev-access-requests");
      assert.deepEqual(JSON.parse(String(rule.inputs.eventPattern)), {
        source: ["identity-center-jit.requester"],
        "detail-type": ["AccessRequest"],
        account: [REQUESTER],
      });
    });

    it("passes each request field to the workflow as an unquoted placeholder, so EventBridge escapes it", () => {
      const target = plan.one("aws:cloudwatch/eventTarget:EventTarget", "grant-workflow-rule-target");
      assert.equal(
        target.inputs.arn,
        `arn:aws:ssm:eu-west-1:${MANAGEMENT}:automation-definition/idc-jit-dev-grant-access:1`,
      );
      assert.deepEqual(target.inputs.inputTransformer, {
        inputPaths: {
          AccountId: "$.detail.AccountId",
          PermissionSet: "$.detail.PermissionSet",
          Duration: "$.detail.Duration",
          DurationUnit: "$.detail.DurationUnit",
          RequestingUser: "$.detail.RequestingUser",
          Justification: "$.detail.Justification",
          RequesterExecutionId: "$.detail.RequesterExecutionId",
        },
        inputTemplate:
          '{"AccountId":[<AccountId>],"PermissionSet":[<PermissionSet>],"Duration":[<Duration>],"DurationUnit":[<DurationUnit>],"RequestingUser":[<RequestingUser>],"Justification":[<Justification>],"RequesterExecutionId":[<RequesterExecutionId>]}',
      });
    });
  });

  describe("early end rules", () => {
    it("start the end-of-grant workflow with Cause requested for an end request from the requester account", () => {
      const rule = plan.one("aws:cloudwatch/eventRule:EventRule", "end-requests-end-request");
      assert.equal(rule.inputs.name, "idc-jit-dev-end-request");
      assert.equal(rule.inputs.eventBusName, "idc-jit-dev-access-requests");
      assert.deepEqual(JSON.parse(String(rule.inputs.eventPattern)), {
        source: ["identity-center-jit.requester"],
        "detail-type": ["AccessEndRequest"],
        account: [REQUESTER],
      });
      const target = plan.one("aws:cloudwatch/eventTarget:EventTarget", "end-requests-end-request-target");
      assert.equal(
        target.inputs.arn,
        `arn:aws:ssm:eu-west-1:${MANAGEMENT}:automation-definition/idc-jit-dev-end-access:1`,
      );
      assert.deepEqual(target.inputs.inputTransformer, {
        inputPaths: { RequestId: "$.detail.RequestId", EndRequestExecutionId: "$.detail.EndExecutionId" },
        inputTemplate:
          '{"RequestId":[<RequestId>],"Cause":["requested"],"EndRequestExecutionId":[<EndRequestExecutionId>]}',
      });
    });

    it("start it for the forwarded record of a cancelled or rejected change request, naming the change request", () => {
      const rule = plan.one("aws:cloudwatch/eventRule:EventRule", "end-requests-change-request-ended");
      assert.equal(rule.inputs.name, "idc-jit-dev-change-request-ended");
      assert.deepEqual(JSON.parse(String(rule.inputs.eventPattern)), {
        source: ["aws.ssm"],
        "detail-type": ["AWS API Call via CloudTrail"],
        account: [REQUESTER],
        region: ["eu-west-1"],
        detail: {
          eventSource: ["ssm.amazonaws.com"],
          errorCode: [{ exists: false }],
          $or: [
            { eventName: ["StopAutomationExecution"] },
            { eventName: ["SendAutomationSignal"], requestParameters: { signalType: ["Reject"] } },
          ],
        },
      });
      // What reaches the rule: every request event the requester side forwards. Only a stop and a rejection match.
      const pattern = JSON.parse(String(rule.inputs.eventPattern));
      const record = (detail: Record<string, unknown>) => ({
        source: "aws.ssm",
        "detail-type": "AWS API Call via CloudTrail",
        account: REQUESTER,
        region: "eu-west-1",
        detail: { eventSource: "ssm.amazonaws.com", ...detail },
      });
      const signal = (signalType?: string) =>
        record({ eventName: "SendAutomationSignal", requestParameters: signalType ? { signalType } : null });
      assert.ok(matchesPattern(pattern, record({ eventName: "StopAutomationExecution" })));
      assert.ok(matchesPattern(pattern, signal("Reject")));
      for (const other of [signal("Approve"), signal(), record({ eventName: "StartChangeRequestExecution" })])
        assert.ok(!matchesPattern(pattern, other), JSON.stringify(other));
      const target = plan.one("aws:cloudwatch/eventTarget:EventTarget", "end-requests-change-request-ended-target");
      assert.deepEqual(target.inputs.inputTransformer, {
        inputPaths: { ChangeRequestId: "$.detail.requestParameters.automationExecutionId" },
        inputTemplate: '{"RequestId":[<ChangeRequestId>],"Cause":["requested"],"ChangeRequestId":[<ChangeRequestId>]}',
      });
    });
  });

  describe("grant workflow document", () => {
    let doc: DocumentContent;
    before(() => {
      doc = plan.document("idc-jit-dev-grant-access");
    });

    it("runs as the workflow role", () => {
      assert.equal(doc.assumeRole, `arn:aws:iam::${MANAGEMENT}:role/idc-jit-dev-grant-workflow`);
    });

    it("takes the request's fields as parameters, each checked by an anchored pattern or a list of values", () => {
      const p = doc.parameters ?? {};
      assert.deepEqual(Object.keys(p), [
        "AccountId",
        "PermissionSet",
        "Duration",
        "DurationUnit",
        "RequestingUser",
        "Justification",
        "RequesterExecutionId",
      ]);
      // Each ends with $ then a lookahead that nothing follows (shared/patterns.ts, END_OF_INPUT).
      assert.equal(p.AccountId.allowedPattern, "^\\d{12}$(?![\\s\\S])");
      assert.deepEqual(p.PermissionSet.allowedValues, [
        "AWSAdministratorAccess",
        "AWSPowerUserAccess",
        "JitVerifyCanary",
        "NetworkAdministrator",
        "ViewOnlyAccess",
      ]);
      assert.equal(p.Duration.allowedPattern, "^([1-9]|1[0-1]|12)$(?![\\s\\S])");
      // Any unit the solution knows, or none: the check refuses one other than jit:durationUnit, and the requester is
      // told why.
      assert.equal(p.DurationUnit.allowedPattern, "^(hours|minutes)?$(?![\\s\\S])");
      assert.equal(p.DurationUnit.allowedValues, undefined);
      assert.equal(p.RequestingUser.allowedPattern, "^[a-zA-Z0-9._@+~-]{3,128}$(?![\\s\\S])");
      assert.equal(p.RequesterExecutionId.allowedPattern, "^[a-zA-Z0-9-]{36}$(?![\\s\\S])");
    });

    it("starts for a request in any known unit and for one from an older runbook that sends none, so the check can say why it refuses it", () => {
      const target = plan.one("aws:cloudwatch/eventTarget:EventTarget", "grant-workflow-rule-target");
      const start = (detail: Record<string, string>, semantics: PatternSemantics) =>
        resolveParameters(
          doc as SimDocument,
          JSON.parse(transformInput(target.inputs.inputTransformer as InputTransformer, { detail })),
          semantics,
        ).get("DurationUnit");
      const { DurationUnit: _, ...olderRequest } = REQUEST_DETAIL;
      for (const semantics of ["java-find", "java-matches", "javascript-search"] as const) {
        assert.equal(start({ ...REQUEST_DETAIL, DurationUnit: "minutes" }, semantics), "minutes", semantics);
        assert.equal(start(olderRequest, semantics), "", `${semantics}: an older runbook's request`);
        for (const bad of ["days", "hours\n", "hourss", "Hours"]) {
          assert.throws(() => start({ ...REQUEST_DETAIL, DurationUnit: bad }, semantics), /DurationUnit/, bad);
        }
      }
    });

    it("creates the jit verify canary (jit:verify) denying everything, and lets the workflow assign it", () => {
      const canary = plan.one("aws:ssoadmin/permissionSet:PermissionSet", "verify-canary");
      assert.equal(canary.inputs.name, "JitVerifyCanary");
      assert.equal(canary.inputs.sessionDuration, "PT1H");
      const attached = [
        ...plan.ofType("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"),
        ...plan.ofType("aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment"),
        ...plan.ofType("aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment"),
        ...plan.ofType("aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment"),
      ].filter((r) => r.inputs.permissionSetArn === canary.state?.arn);
      assert.deepEqual(
        attached.map((r) => [r.type, JSON.parse(String(r.inputs.inlinePolicy))]),
        [["aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy", CANARY_DENY_ALL]],
        "only the deny-all policy is attached to the canary: a policy attached out of band grants nothing",
      );

      assert.equal(plan.outputs.verifyPermissionSet, "JitVerifyCanary");
    });

    it("keeps the canary harmless when administrator access is attached to it out of band (IAM simulation)", async () => {
      const canary = plan.one("aws:ssoadmin/permissionSet:PermissionSet", "verify-canary");
      const inline = plan
        .ofType("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy")
        .find((r) => r.inputs.permissionSetArn === canary.state?.arn);
      const session =
        "arn:aws:iam::777788889999:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_JitVerifyCanary_0a1b";
      for (const [action, resource] of [
        ["s3:GetObject", "arn:aws:s3:::audit-logs/2026/12/03/trail.json.gz"],
        ["iam:CreateRole", "arn:aws:iam::777788889999:role/backdoor"],
        ["sso:CreateAccountAssignment", "arn:aws:sso:::instance/ssoins-1234567890abcdef"],
      ]) {
        const decision = await decide({
          principal: session,
          action,
          resource,
          resourceAccount: "777788889999",
          identityPolicies: [JSON.parse(String(inline?.inputs.inlinePolicy)), allowing(["*"])],
        });
        assert.equal(decision, "ExplicitlyDenied", `${action} with AdministratorAccess attached`);
      }
    });

    it("checks and grants in one step, then reports, and never sleeps", () => {
      assert.deepEqual(stepNames(doc).slice(0, 3), ["Check_And_Grant", "Is_Access_Granted", "Notify_Access_Granted"]);
      assert.equal(step(doc, "Notify_Access_Granted").nextStep, "End");
      assert.deepEqual(
        doc.mainSteps.filter((s) => s.action === "aws:sleep").map((s) => [s.name, s.inputs.Duration]),
        [["End", "PT0S"]],
      );
    });

    const answered = (step: string, ...tokens: string[]) =>
      tokens.flatMap((t) => [t, `"${t}"`].map((StringEquals) => ({ StringEquals, Variable: `{{ ${step}.Payload }}` })));

    it("asks the check, which grants, about every field of the request, and reports by its answer", () => {
      // The answer is one word, as JSON text or bare; a refusal's reason is read from Parameter Store; anything that
      // is not the check's answer hands whatever it recorded over to the end-of-grant workflow.
      assert.deepEqual(step(doc, "Check_And_Grant").inputs, {
        FunctionName: "idc-jit-dev-request-check",
        InvocationType: "RequestResponse",
        LogType: "None",
        InputPayload: {
          AccountId: "{{ AccountId }}",
          PermissionSet: "{{ PermissionSet }}",
          Duration: "{{ Duration }}",
          DurationUnit: "{{ DurationUnit }}",
          RequestingUser: "{{ RequestingUser }}",
          Justification: "{{ Justification }}",
          RequesterExecutionId: "{{ RequesterExecutionId }}",
          GrantExecutionId: "{{ automation:EXECUTION_ID }}",
        },
      });
      assert.deepEqual(step(doc, "Is_Access_Granted").inputs, {
        Choices: [
          { NextStep: "Notify_Access_Granted", Or: answered("Check_And_Grant", "Granted") },
          { NextStep: "Notify_Access_Not_Granted", Or: answered("Check_And_Grant", "NotGranted") },
          { NextStep: "Notify_Access_Removed", Or: answered("Check_And_Grant", "Removed") },
          { NextStep: "Hand_Over_Unconfirmed_Grant", Or: answered("Check_And_Grant", "MayBeGranted") },
          { NextStep: "Notify_Access_Extended", Or: answered("Check_And_Grant", "Extended") },
          { NextStep: "Read_Check_Reason", Or: answered("Check_And_Grant", "Rejected", "Ignored") },
        ],
        Default: "Hand_Over_Grant",
      });
      assert.deepEqual(step(doc, "Read_Check_Reason").inputs, {
        Service: "ssm",
        Api: "GetParameter",
        Name: "/idc-jit/dev/check-reasons/{{ automation:EXECUTION_ID }}",
      });
    });

    it("hands the request over when the check and grant fails or is cancelled, and gives it time to assign", () => {
      const check = step(doc, "Check_And_Grant");
      assert.equal(check.onFailure, "step:Hand_Over_Grant");
      assert.equal(check.onCancel, "step:Hand_Over_Grant");
      assert.equal(check.maxAttempts, 3);
      assert.equal(check.timeoutSeconds, 300);
    });

    it("reports an extension to the subscribers, and assigns nothing", () => {
      const notify = step(doc, "Notify_Access_Extended");
      assert.deepEqual(notify.inputs.MessageAttributes, {
        EventType: { DataType: "String", StringValue: "AccessGranted" },
      });
      assert.equal(notify.nextStep, "End");
    });

    it("hands a failed grant over to the end-of-grant workflow with Cause failure and its own execution id", () => {
      const handOver = step(doc, "Hand_Over_Grant");
      assert.deepEqual(handOver.inputs, {
        Service: "ssm",
        Api: "StartAutomationExecution",
        DocumentName: "idc-jit-dev-end-access",
        Parameters: {
          RequestId: ["{{ RequesterExecutionId }}"],
          Cause: ["failure"],
          GrantExecutionId: ["{{ automation:EXECUTION_ID }}"],
        },
      });
      assert.equal(handOver.nextStep, "Notify_Request_Failed");
      assert.equal(handOver.onFailure, "step:Notify_Hand_Over_Failed");
      assert.equal(step(doc, "Notify_Request_Failed").nextStep, "End");
    });

    it("says 'nothing was granted' only when nothing was assigned, 'removed' once confirmed, else 'may have been granted'", () => {
      const message = (name: string) => String(step(doc, name).inputs.Message);
      assert.match(message("Notify_Access_Not_Granted"), /nothing was granted/);
      assert.match(message("Notify_Access_Removed"), /the access was removed, and its removal is confirmed/);
      assert.doesNotMatch(message("Notify_Access_Removed"), /nothing was granted/);
      // An unconfirmed removal goes through the end-of-grant workflow's verified removal, as a failure does.
      const handOver = step(doc, "Hand_Over_Unconfirmed_Grant");
      assert.deepEqual(handOver.inputs, step(doc, "Hand_Over_Grant").inputs);
      assert.equal(handOver.nextStep, "Notify_Access_May_Be_Granted");
      assert.equal(handOver.onFailure, "step:Notify_Hand_Over_Unconfirmed_Failed");
      assert.match(message("Notify_Access_May_Be_Granted"), /it may have been granted, and may still be held/);
      assert.match(message("Notify_Access_May_Be_Granted"), /AccessRevoked once its removal is confirmed/);
      assert.match(
        String(step(doc, "Notify_Access_May_Be_Granted").inputs.Subject),
        /^JIT access may have been granted/,
      );
      assert.equal(step(doc, "Notify_Access_May_Be_Granted").nextStep, "End");
    });

    it("sends nothing to the requester account: every outcome is a notification", () => {
      assert.deepEqual(
        doc.mainSteps.filter((s) => s.inputs.Api === "PutEvents").map((s) => s.name),
        [],
      );
    });

    it("keeps every notification subject within SNS's 100 characters for the longest values the parameters admit", () => {
      const longest: Record<string, string> = {
        "{{ AccountId }}": "0".repeat(12),
        "{{ PermissionSet }}": "x".repeat(32),
        "{{ Duration }}": "12",
        "{{ RequestingUser }}": "u".repeat(128),
      };
      for (const s of doc.mainSteps.filter((s) => s.inputs.Api === "Publish")) {
        let subject = String(s.inputs.Subject);
        for (const [ref, value] of Object.entries(longest)) subject = subject.replaceAll(ref, value);
        assert.doesNotMatch(subject, /\{\{/, `${s.name} subject interpolates an unbounded value`);
        assert.ok(subject.length < 100, `${s.name} subject can reach ${subject.length} characters`);
      }
    });
  });

  describe("end-of-grant workflow document", () => {
    let doc: DocumentContent;
    before(() => {
      doc = plan.document("idc-jit-dev-end-access");
    });

    it("runs as its own role, and takes the request id, a cause, the handing-over execution and who asked", () => {
      assert.equal(doc.assumeRole, `arn:aws:iam::${MANAGEMENT}:role/idc-jit-dev-end-access-workflow`);
      const p = doc.parameters ?? {};
      assert.deepEqual(Object.keys(p), [
        "RequestId",
        "Cause",
        "GrantExecutionId",
        "EndRequestExecutionId",
        "ChangeRequestId",
      ]);
      assert.equal(p.RequestId.allowedPattern, "^[a-zA-Z0-9-]{36}$(?![\\s\\S])");
      assert.deepEqual(p.Cause.allowedValues, [
        "schedule",
        "requester",
        "approver",
        "changeRequest",
        "operator",
        "reconciler",
        "failure",
        "requested",
      ]);
      for (const optional of ["GrantExecutionId", "EndRequestExecutionId", "ChangeRequestId"]) {
        assert.equal(p[optional].default, "");
        assert.equal(p[optional].allowedPattern, "^([a-zA-Z0-9-]{36})?$(?![\\s\\S])");
      }
    });

    it("ends through the end function, and reports only an end it confirmed, or an assignment still there", () => {
      assert.deepEqual(step(doc, "End_Access").inputs.InputPayload, {
        RequestId: "{{ RequestId }}",
        Cause: "{{ Cause }}",
        GrantExecutionId: "{{ GrantExecutionId }}",
        EndRequestExecutionId: "{{ EndRequestExecutionId }}",
        ChangeRequestId: "{{ ChangeRequestId }}",
      });
      const answered = (...tokens: string[]) =>
        tokens.flatMap((t) =>
          [t, `"${t}"`].map((StringEquals) => ({ StringEquals, Variable: "{{ End_Access.Payload }}" })),
        );
      assert.deepEqual(step(doc, "Is_Access_Ended").inputs, {
        Choices: [
          { NextStep: "Find_Revoked_Grant", Or: answered("Ended") },
          { NextStep: "End", Or: answered("AlreadyEnded", "NotYet") },
          { NextStep: "Find_Revoke_Failed_Grant", Or: answered("NotRemoved") },
          {
            NextStep: "Notify_End_Refused",
            Or: ["Refused", '"Refused'].map((StartsWith) => ({ StartsWith, Variable: "{{ End_Access.Payload }}" })),
          },
        ],
        Default: "Find_End_Failed_Grant",
      });
      assert.deepEqual(step(doc, "Notify_Access_Revoked").inputs.MessageAttributes, {
        EventType: { DataType: "String", StringValue: "AccessRevoked" },
      });
      assert.match(String(step(doc, "Notify_Revoke_Failed").inputs.Subject), /^JIT access NOT revoked: /);
    });

    it("finds the grant under the request id first, and notifies without its details when it is not there", () => {
      // An end asked for by a cancelled change request names the change request, which the function resolved.
      for (const prefix of ["Revoked", "Revoke_Failed", "End_Failed"]) {
        const find = step(doc, `Find_${prefix}_Grant`);
        assert.equal(find.action, "aws:assertAwsResourceProperty");
        assert.equal(find.inputs.PropertySelector, "$.Item.requestId.S");
        assert.deepEqual(find.inputs.DesiredValues, ["{{ RequestId }}"]);
        const plain = prefix === "Revoked" ? "Notify_Access_Revoked_Plain" : `Notify_${prefix}_Plain`;
        assert.equal(find.onFailure, `step:${plain}`);
      }
    });

    it("reads whose access ended from the ledger's grant item", () => {
      assert.deepEqual(step(doc, "Read_Revoked_Grant").inputs, {
        Service: "dynamodb",
        Api: "GetItem",
        TableName: "idc-jit-dev-grant-ledger",
        Key: { pk: { S: "grant#{{ RequestId }}" } },
        ConsistentRead: true,
      });
    });

    it("notifies a refused early end as an Error naming who asked and why, and ends", () => {
      const refused = step(doc, "Notify_End_Refused");
      assert.equal(refused.inputs.Subject, "JIT access end refused");
      assert.deepEqual(refused.inputs.MessageAttributes, { EventType: { DataType: "String", StringValue: "Error" } });
      assert.match(String(refused.inputs.Message), /\{\{ End_Access\.Payload \}\}/);
      assert.equal(refused.nextStep, "End");
    });

    it("fails the execution after an alarm, unless the ledger says the grant has ended meanwhile", () => {
      const confirm = step(doc, "Confirm_Grant_Ended");
      assert.equal(confirm.action, "aws:assertAwsResourceProperty");
      assert.deepEqual(confirm.inputs.DesiredValues, ["ended"]);
      assert.equal(step(doc, "Notify_Revoke_Failed").nextStep, "Confirm_Grant_Ended");
      assert.equal(step(doc, "Notify_End_Failed").nextStep, "Confirm_Grant_Ended");
    });

    it("never sleeps: the CloudTrail summary is the end function's to schedule", () => {
      assert.deepEqual(
        doc.mainSteps.filter((s) => s.action === "aws:sleep").map((s) => [s.name, s.inputs.Duration]),
        [["End", "PT0S"]],
      );
      assert.ok(!stepNames(doc).includes("Send_CloudTrail_Summary"));
      assert.equal(step(doc, "Notify_Access_Revoked").nextStep, "End");
    });

    it("keeps every notification subject within SNS's 100 characters for the longest values the ledger holds", () => {
      for (const s of doc.mainSteps.filter((s) => s.inputs.Api === "Publish")) {
        const subject = String(s.inputs.Subject)
          .replace(/\{\{ Read_\w+_Grant\.AccountId \}\}/g, "0".repeat(12))
          .replace(/\{\{ Read_\w+_Grant\.PermissionSet \}\}/g, "x".repeat(32));
        assert.doesNotMatch(subject, /\{\{/, `${s.name} subject interpolates an unbounded value`);
        assert.ok(subject.length < 100, `${s.name} subject can reach ${subject.length} characters`);
      }
    });
  });

  describe("notifications", () => {
    it("creates the topic and subscribes each subscriber to its event types only", () => {
      assert.equal(plan.one("aws:sns/topic:Topic", "notifications-topic").inputs.name, "idc-jit-dev-notifications");
      const approvers = plan.one(
        "aws:sns/topicSubscription:TopicSubscription",
        "notifications-jit-approvers@example.com",
      );
      assert.equal(approvers.inputs.protocol, "email");
      assert.equal(approvers.inputs.endpoint, "jit-approvers@example.com");
      assert.equal(approvers.inputs.filterPolicyScope, "MessageAttributes");
      assert.deepEqual(JSON.parse(String(approvers.inputs.filterPolicy)), {
        EventType: [
          "RequestCreated",
          "RequestCancelled",
          "AccessBeingAssigned",
          "AccessRevoked",
          "CloudTrailSummary",
          "Error",
        ],
      });
    });

    it("alerts on requests refused for invalid parameters through a document that sets the Error event type", () => {
      const rule = plan.one("aws:cloudwatch/eventRule:EventRule", "invalid-request-alert-rule");
      assert.deepEqual(JSON.parse(String(rule.inputs.eventPattern)), {
        source: ["aws.ssm"],
        account: [REQUESTER],
        detail: {
          eventSource: ["ssm.amazonaws.com"],
          eventName: ["CreateAssociation"],
          errorCode: ["InvalidParameters"],
        },
      });
      const doc = plan.document("idc-jit-dev-invalid-request-alert");
      assert.deepEqual(step(doc, "Notify_Invalid_Request").inputs.MessageAttributes, {
        EventType: { DataType: "String", StringValue: "Error" },
      });
    });
  });

  describe("permission sets", () => {
    it("creates the three sets with their relay state pages and session duration", () => {
      const sets = Object.fromEntries(
        plan
          .ofType("aws:ssoadmin/permissionSet:PermissionSet")
          .filter((r) => r.name.startsWith("permission-sets-"))
          .map((r) => [String(r.inputs.name), r.inputs]),
      );
      assert.deepEqual(Object.keys(sets).sort(), [
        "ApproveAWSAccountAccess",
        "RequestAWSAccountAccess",
        "RequestAccountAccessNoApproval",
      ]);
      const form =
        "https://eu-west-1.console.aws.amazon.com/systems-manager/change-manager?region=eu-west-1#/change-request/create?templateName=idc-jit-dev-access-request";
      assert.equal(sets.RequestAWSAccountAccess.relayState, form);
      assert.equal(sets.RequestAccountAccessNoApproval.relayState, form);
      assert.equal(
        sets.ApproveAWSAccountAccess.relayState,
        "https://eu-west-1.console.aws.amazon.com/systems-manager/change-manager?region=eu-west-1#/dashboard/requests?status=PendingApproval",
      );
      for (const set of Object.values(sets)) {
        assert.equal(set.sessionDuration, "PT8H");
        assert.equal(set.instanceArn, "arn:aws:sso:::instance/ssoins-68047a3b2c1d9e0f");
      }
    });
  });

  describe("inline functions", () => {
    it("run on Node.js 22 on arm64 with their own role, log group and environment", () => {
      const sync = plan.one("aws:lambda/function:Function", "permission-set-sync-function");
      assert.equal(sync.inputs.runtime, "nodejs22.x");
      assert.deepEqual(sync.inputs.architectures, ["arm64"]);
      assert.equal(sync.inputs.role, `arn:aws:iam::${MANAGEMENT}:role/idc-jit-dev-permission-set-sync`);
      assert.deepEqual(sync.inputs.loggingConfig, {
        logFormat: "Text",
        logGroup: "/aws/lambda/idc-jit-dev-permission-set-sync",
      });
      assert.deepEqual(sync.inputs.environment, {
        variables: {
          INSTANCE_ARN: "arn:aws:sso:::instance/ssoins-68047a3b2c1d9e0f",
          PARAMETER_PATH: "/idc-jit/dev/permission-sets/",
          PERMISSION_SET_NAMES:
            '["AWSAdministratorAccess","AWSPowerUserAccess","JitVerifyCanary","NetworkAdministrator","ViewOnlyAccess"]',
        },
      });
      const summary = plan.one("aws:lambda/function:Function", "cloudtrail-summary-function");
      assert.deepEqual(summary.inputs.environment, {
        variables: {
          LOG_GROUP_NAME: "aws-controltower/CloudTrailLogs",
          TOPIC_ARN: `arn:aws:sns:eu-west-1:${MANAGEMENT}:idc-jit-dev-notifications`,
          WAIT_SECONDS: "3600",
          // The end-of-grant workflow passes the grant's approved minutes, read from the ledger.
          DURATION_UNIT: "minutes",
        },
      });
      const settings = {
        instanceArn: "arn:aws:sso:::instance/ssoins-68047a3b2c1d9e0f",
        tableName: "idc-jit-dev-grant-ledger",
        schedule: {
          groupName: "idc-jit-dev-grants",
          roleArn: `arn:aws:iam::${MANAGEMENT}:role/idc-jit-dev-end-schedule`,
          deadLetterArn: `arn:aws:sqs:eu-west-1:${MANAGEMENT}:idc-jit-dev-end-dead-letters`,
          documentName: "idc-jit-dev-end-access",
        },
      };
      // The request check grants what it lets through: the same settings, and where it announces an assignment.
      const check = plan.one("aws:lambda/function:Function", "request-check-function");
      const checkSettings = JSON.parse(
        String((check.inputs.environment as { variables: Record<string, string> }).variables.JIT_REQUEST_CHECK),
      );
      assert.deepEqual(
        {
          instanceArn: checkSettings.instanceArn,
          tableName: checkSettings.tableName,
          schedule: checkSettings.schedule,
        },
        settings,
      );
      assert.deepEqual(checkSettings.announcement, {
        topicArn: `arn:aws:sns:eu-west-1:${MANAGEMENT}:idc-jit-dev-notifications`,
        accountId: MANAGEMENT,
        region: "eu-west-1",
      });
      assert.equal(check.inputs.timeout, 240);
      const end = plan.one("aws:lambda/function:Function", "end-of-grant-function-function");
      // The end function also reads who asked for an early end, in the requester account.
      const endRequests = {
        requesterAccountId: REQUESTER,
        readerRoleArn: `arn:aws:iam::${REQUESTER}:role/idc-jit-dev-request-reader`,
        changeTemplateName: "idc-jit-dev-access-request",
        runbookName: "idc-jit-dev-request-access",
        requestForm: "changeManager",
        endAccessDocumentName: "idc-jit-dev-end-access",
        requestPermissionSets: ["RequestAWSAccountAccess", "RequestAccountAccessNoApproval"],
        approvePermissionSet: "ApproveAWSAccountAccess",
        chatApproverRoleName: "idc-jit-dev-chatbot-approver",
        // An approver's end counts only from the approver groups the rules name.
        approverGroups: ["9067a1b2c3-1234abcd-12ab-34cd-56ef-1234567890ab"],
        identityStoreId: "d-93671a2b3c",
      };
      // And when and whom the summary's schedule invokes (functions/summarySchedule/): at least an hour after the
      // removal, and no sooner than the granted set's sessions expire (each set's session duration, as the deployment
      // read it: the mocked Identity Center's sets have its default, one hour).
      const cloudTrailSummary = {
        functionArn: `arn:aws:lambda:eu-west-1:${MANAGEMENT}:function:idc-jit-dev-cloudtrail-summary`,
        waitSeconds: 3600,
        sessionMinutes: {
          AWSAdministratorAccess: 60,
          AWSPowerUserAccess: 60,
          JitVerifyCanary: 60,
          NetworkAdministrator: 60,
          ViewOnlyAccess: 60,
        },
      };
      assert.deepEqual(end.inputs.environment, {
        variables: { JIT_END_ACCESS: JSON.stringify({ ...settings, endRequests, cloudTrailSummary }) },
      });
      for (const logGroup of plan.ofType("aws:cloudwatch/logGroup:LogGroup")) {
        assert.equal(logGroup.inputs.retentionInDays, 30);
      }
    });

    it("runs the permission set sync every 15 minutes", () => {
      const schedule = plan.one("aws:cloudwatch/eventRule:EventRule", "permission-set-sync-schedule");
      assert.equal(schedule.inputs.scheduleExpression, "rate(15 minutes)");
      const permission = plan.one("aws:lambda/permission:Permission", "permission-set-sync-schedule-permission");
      assert.equal(permission.inputs.principal, "events.amazonaws.com");
      assert.equal(
        permission.inputs.sourceArn,
        `arn:aws:events:eu-west-1:${MANAGEMENT}:rule/idc-jit-dev-permission-set-sync`,
      );
    });
  });

  it("declares no Organizations resource policy: the request notifier names accounts from this account", () => {
    assert.deepEqual(plan.ofType("aws:organizations/resourcePolicy:ResourcePolicy"), []);
  });

  it("exports what the requester stack reads", () => {
    assert.deepEqual(plan.outputs, {
      managementAccountId: MANAGEMENT,
      region: "eu-west-1",
      environment: "dev",
      namePrefix: "idc-jit",
      requestBusArn: `arn:aws:events:eu-west-1:${MANAGEMENT}:event-bus/idc-jit-dev-access-requests`,
      topicArn: `arn:aws:sns:eu-west-1:${MANAGEMENT}:idc-jit-dev-notifications`,
      grantDocumentName: "idc-jit-dev-grant-access",
      grantWorkflowRoleArn: `arn:aws:iam::${MANAGEMENT}:role/idc-jit-dev-grant-workflow`,
      requestCheckRoleArn: `arn:aws:iam::${MANAGEMENT}:role/idc-jit-dev-request-check`,
      grantTableName: "idc-jit-dev-grant-ledger",
      endDocumentName: "idc-jit-dev-end-access",
      endWorkflowRoleArn: `arn:aws:iam::${MANAGEMENT}:role/idc-jit-dev-end-access-workflow`,
      endFunctionName: "idc-jit-dev-end-access",
      reconcilerFunctionName: "idc-jit-dev-reconciler",
      scheduleGroupName: "idc-jit-dev-grants",
      endDeadLetterQueueArn: `arn:aws:sqs:eu-west-1:${MANAGEMENT}:idc-jit-dev-end-dead-letters`,
      invalidRequestAlertDocumentName: "idc-jit-dev-invalid-request-alert",
      requestablePermissionSets: [
        "AWSAdministratorAccess",
        "AWSPowerUserAccess",
        "JitVerifyCanary",
        "NetworkAdministrator",
        "ViewOnlyAccess",
      ],
      maxDuration: 12,
      durationUnit: "hours",
      mostApprovals: 1,
      approvalsBySet: {
        AWSAdministratorAccess: 1,
        AWSPowerUserAccess: 1,
        JitVerifyCanary: 0,
        NetworkAdministrator: 1,
        ViewOnlyAccess: 0,
      },
      approvalMode: "webAndCli",
      requestForm: "changeManager",
      approvalTimeout: 24,
      approvalReminder: 4,
      approvePermissionSet: "ApproveAWSAccountAccess",
      chatbotUserRoles: false,
      permissionSets: {
        request: "RequestAWSAccountAccess",
        requestNoApproval: "RequestAccountAccessNoApproval",
        approve: "ApproveAWSAccountAccess",
      },
      verifyPermissionSet: "JitVerifyCanary",
    });
  });
});

describe("the management stack, in other config variants", () => {
  describe("the effective access window (a grant, plus its set's session duration for sessions open when it ends)", () => {
    it("reads each requestable set's session duration at deployment and gives them to the request notifier", async () => {
      const plan = await planManagement();
      const notifier = plan.one("aws:lambda/function:Function", "request-notifier-function");
      const env = (notifier.inputs.environment as { variables: Record<string, string> }).variables;
      // The mocked Identity Center's sets have its default session, one hour; the canary the stack makes has PT1H.
      assert.deepEqual(JSON.parse(env.JIT_REQUEST_NOTIFIER).sessionMinutes, {
        AWSAdministratorAccess: 60,
        AWSPowerUserAccess: 60,
        JitVerifyCanary: 60,
        NetworkAdministrator: 60,
        ViewOnlyAccess: 60,
      });
    });

    it("accepts a jit:maxAccessWindow every rule's longest grant plus its sets' sessions fits in", async () => {
      // The example's longest: engineers-view-only, 12h of ViewOnlyAccess whose session lasts an hour (refused under
      // 12h: tests/management/requestableSets.test.ts, the check itself, as the mocks end the process on a throw).
      const plan = await planManagement({ "jit:maxAccessWindow": "13h" });
      assert.equal(plan.ofType("aws:lambda/function:Function").length, 6);
    });
  });

  it("without the CloudTrail summary: no summary function, and the end workflow ends at the AccessRevoked notification", async () => {
    const plan = await planManagement({ "jit:cloudTrailSummary": { enabled: false } });
    assert.deepEqual(
      plan
        .ofType("aws:lambda/function:Function")
        .map((f) => f.inputs.name)
        .sort(),
      [
        "idc-jit-dev-end-access",
        "idc-jit-dev-permission-set-sync",
        "idc-jit-dev-reconciler",
        "idc-jit-dev-request-check",
        "idc-jit-dev-request-notifier",
      ],
    );
    const doc = plan.document("idc-jit-dev-end-access");
    assert.ok(!stepNames(doc).includes("Send_CloudTrail_Summary"));
    assert.equal(step(doc, "Notify_Access_Revoked").nextStep, "End");
    assert.equal(step(doc, "Notify_Access_Revoked").onFailure, "step:End");
    for (const role of ["idc-jit-dev-grant-workflow", "idc-jit-dev-end-access-workflow"]) {
      const policy = plan.role(role).policy;
      assert.ok(!JSON.stringify(policy).includes("cloudtrail-summary"), `${role} invokes no summary function`);
    }
  });

  it("with the summary and no least wait: still scheduled by the end function, for the sessions to expire", async () => {
    const plan = await planManagement({ "jit:cloudTrailSummary": { enabled: true, waitSeconds: 0 } });
    const doc = plan.document("idc-jit-dev-end-access");
    assert.ok(!stepNames(doc).includes("Send_CloudTrail_Summary"));
    assert.equal(step(doc, "Notify_Access_Revoked").nextStep, "End");
    assert.ok(!JSON.stringify(plan.role("idc-jit-dev-end-access-workflow").policy).includes("cloudtrail-summary"));
    const end = plan.one("aws:lambda/function:Function", "end-of-grant-function-function");
    const raw = (end.inputs.environment as { variables: Record<string, string> }).variables.JIT_END_ACCESS;
    const summary = JSON.parse(raw).cloudTrailSummary;
    assert.equal(summary.functionArn, `arn:aws:lambda:eu-west-1:${MANAGEMENT}:function:idc-jit-dev-cloudtrail-summary`);
    assert.equal(summary.waitSeconds, 0);
    assert.equal(summary.sessionMinutes.AWSAdministratorAccess, 60);
  });

  it("in minutes, for trying the end out: the duration pattern follows the unit", async () => {
    const plan = await planManagement(grantsInMinutes("90m"));
    const doc = plan.document("idc-jit-dev-grant-access");
    const pattern = new RegExp(String(doc.parameters?.Duration.allowedPattern));
    assert.ok(pattern.test("90") && pattern.test("1") && !pattern.test("91") && !pattern.test("0"));
  });

  it("gives the reconciler the requestable sets and the standing access by ARN, as its settings check them", async () => {
    const standing = {
      principalType: "GROUP",
      principalId: "9067a1b2c3-1234abcd-12ab-34cd-56ef-1234567890ab",
      permissionSet: "AWSAdministratorAccess",
      accountId: "*",
    };
    const plan = await planManagement({ "jit:standingAccess": [standing] });
    const fn = plan.one("aws:lambda/function:Function", "reconciler-function");
    const raw = (fn.inputs.environment as { variables: Record<string, string> }).variables.JIT_RECONCILER;
    const settings = validSettings(JSON.parse(raw));
    assert.equal(settings.tableName, "idc-jit-dev-grant-ledger");
    assert.deepEqual(Object.keys(settings.permissionSets), [
      "AWSAdministratorAccess",
      "AWSPowerUserAccess",
      "JitVerifyCanary",
      "NetworkAdministrator",
      "ViewOnlyAccess",
    ]);
    assert.deepEqual(settings.standingAccess, [
      {
        principalType: "GROUP",
        principalId: standing.principalId,
        permissionSetArn: settings.permissionSets.AWSAdministratorAccess,
        accountId: "*",
      },
    ]);
  });

  it("runs the reconciler every jit:reconcileMinutes in the solution's schedule group", async () => {
    const plan = await planManagement({ "jit:reconcileMinutes": 1 });
    const schedule = plan.one("aws:scheduler/schedule:Schedule", "reconciler-schedule");
    assert.equal(schedule.inputs.scheduleExpression, "rate(1 minute)");
    assert.equal(schedule.inputs.groupName, "idc-jit-dev-grants");
  });

  it("refuses the retired jit:organizationsResourcePolicy, saying what to do instead", async () => {
    await assert.rejects(
      planManagement({ "jit:organizationsResourcePolicy": false }),
      /jit:organizationsResourcePolicy: is no longer used: the request notifier names accounts/,
    );
  });

  it("without subscribers: the topic has no subscriptions", async () => {
    const plan = await planManagement({ "jit:notifications": [] });
    assert.equal(plan.ofType("aws:sns/topicSubscription:TopicSubscription").length, 0);
  });

  it("in GovCloud: every ARN carries the aws-us-gov partition and console links the GovCloud console", async () => {
    const plan = await planManagement({
      "aws:region": "us-gov-west-1",
      "jit:identityCenterInstanceArn": "arn:aws-us-gov:sso:::instance/ssoins-68047a3b2c1d9e0f",
      "jit:guardrails": { managementDeployRoleArn: "arn:aws-us-gov:iam::111122223333:role/jit-management-deploy" },
    });
    const text = JSON.stringify(plan.resources.map((r) => r.inputs));
    const arns = text.match(/arn:[a-z-]+:/g) ?? [];
    assert.ok(arns.length > 20);
    for (const arn of arns) assert.equal(arn, "arn:aws-us-gov:");
    const set = plan.one("aws:ssoadmin/permissionSet:PermissionSet", "permission-sets-approve");
    assert.match(String(set.inputs.relayState), /^https:\/\/console\.amazonaws-us-gov\.com\//);
  });

  it("with another prefix, environment and permission set names: names follow the config", async () => {
    const plan = await planManagement({
      "jit:namePrefix": "acme-jit",
      "jit:environment": "prod",
      "jit:solutionPermissionSets": {
        request: "JitRequest",
        requestNoApproval: "JitRequestAuto",
        approve: "JitApprove",
      },
    });
    assert.equal(
      plan.outputs.requestBusArn,
      `arn:aws:events:eu-west-1:${MANAGEMENT}:event-bus/acme-jit-prod-access-requests`,
    );
    assert.deepEqual(
      plan
        .ofType("aws:ssoadmin/permissionSet:PermissionSet")
        .filter((r) => r.name !== "verify-canary")
        .map((r) => r.inputs.name),
      ["JitRequest", "JitRequestAuto", "JitApprove"],
    );
    const doc = plan.document("acme-jit-prod-grant-access");
    assert.equal(
      step(doc, "Read_Check_Reason").inputs.Name,
      "/acme-jit/prod/check-reasons/{{ automation:EXECUTION_ID }}",
    );
    assert.equal(step(doc, "Hand_Over_Grant").inputs.DocumentName, "acme-jit-prod-end-access");
  });
});
