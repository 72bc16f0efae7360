/**
 * The contract between the two sides. The management stack never reads the requester stack: it derives every
 * requester name and ARN it needs. The requester stack reads the management stack's outputs. Here both are evaluated
 * (the requester's StackReference fed with the management stack's outputs) and every name or ARN one side uses for
 * the other is compared with what the other side actually declares, so a change to naming on one side fails here.
 */
import assert from "node:assert/strict";
import { requestedDurationUnit } from "../shared/accessRequest";
import { DURATION_UNITS } from "../shared/config/common";
import type { PolicyDocument, Statement } from "../shared/iam";
import { REQUEST_EVENT_TYPES } from "../shared/requestEvents";
import type { MockedResource } from "../tools/mocks";
import { type DocumentContent, type Plan, planManagement, planRequester, type StepContent } from "./support/plan";
import { CHAT_MANAGEMENT, SLACK_CHAT } from "./support/variants";

const REQUESTER = "444455556666";

function arnOf(plan: Plan, resource: MockedResource): string {
  const arn = plan.outputsOf(resource).arn;
  assert.equal(typeof arn, "string", `${resource.type} ${resource.name} has no ARN`);
  return arn as string;
}

function step(doc: DocumentContent, name: string): StepContent {
  const found = doc.mainSteps.find((s) => s.name === name);
  assert.ok(found, `no step ${name}`);
  return found;
}

function statement(policy: PolicyDocument, sid: string): Statement {
  const found = policy.Statement.find((s) => s.Sid === sid);
  assert.ok(found, `no statement ${sid} in ${JSON.stringify(policy)}`);
  return found;
}

const list = (value: unknown) => (Array.isArray(value) ? value : [value]);

/** The role ARNs a resource policy admits through its aws:PrincipalArn condition. */
function admittedRoles(policy: PolicyDocument): string[] {
  return policy.Statement.flatMap((s) => list(s.Condition?.ArnEquals?.["aws:PrincipalArn"]) as string[]);
}

function putEventsEntry(doc: DocumentContent, stepName: string): Record<string, string> {
  return (step(doc, stepName).inputs.Entries as Record<string, string>[])[0];
}

describe("the contract between the management and requester stacks", () => {
  let management: Plan;
  let requester: Plan;
  let grant: DocumentContent;
  let runbook: DocumentContent;

  before(async () => {
    management = await planManagement({ "jit:chatbotUserRoles": true });
    ({ requester } = await planRequester({}, management));
    grant = management.document("idc-jit-dev-grant-access");
    runbook = requester.document(
      String(requester.one("aws:ssm/document:Document", "change-manager-runbook").inputs.name),
    );
  });

  describe("requests, from the requester's runbook to the management bus", () => {
    it("the runbook sends to the bus the management stack declares, with the role its policy allows to", () => {
      const bus = arnOf(management, management.one("aws:cloudwatch/eventBus:EventBus", "request-bus-bus"));
      assert.equal(putEventsEntry(runbook, "Send_Request_To_Management").EventBusName, bus);
      const requestRole = requester.role("idc-jit-dev-request").policy;
      assert.deepEqual(list(statement(requestRole, "SendRequest").Resource), [bus]);
    });

    it("the management bus admits exactly the runbook's role, the end-access document's role and the role that forwards records", () => {
      const busPolicy = management.jsonInput(
        management.one("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "request-bus-policy"),
        "policy",
      );
      const forward = requester.one(
        "aws:cloudwatch/eventTarget:EventTarget",
        "request-notifications-invalid-request-forward-target",
      );
      const endAccess = requester.document(
        String(requester.one("aws:ssm/document:Document", "end-request-document").inputs.name),
      );
      assert.deepEqual(
        admittedRoles(busPolicy).sort(),
        [runbook.assumeRole, endAccess.assumeRole, forward.inputs.roleArn].sort(),
      );
      const declared = requester.ofType("aws:iam/role:Role").map((r) => arnOf(requester, r));
      for (const arn of admittedRoles(busPolicy)) assert.ok(declared.includes(arn), `${arn} is not a requester role`);
    });

    it("the grant rule matches the event the runbook sends, from the requester account", () => {
      const entry = putEventsEntry(runbook, "Send_Request_To_Management");
      const rule = management.one("aws:cloudwatch/eventRule:EventRule", "grant-workflow-rule");
      assert.deepEqual(JSON.parse(String(rule.inputs.eventPattern)), {
        source: [entry.Source],
        "detail-type": [entry.DetailType],
        account: [REQUESTER],
      });
    });

    it("every field the runbook sends is a field the grant rule reads, and becomes a grant workflow parameter", () => {
      const sent = Object.keys(JSON.parse(putEventsEntry(runbook, "Send_Request_To_Management").Detail));
      const target = management.one("aws:cloudwatch/eventTarget:EventTarget", "grant-workflow-rule-target");
      const read = Object.values((target.inputs.inputTransformer as { inputPaths: Record<string, string> }).inputPaths);
      // The engine hands maps over with their keys sorted; compare the sets of fields.
      assert.deepEqual(read.map((path) => path.replace("$.detail.", "")).sort(), [...sent].sort());
      assert.deepEqual(Object.keys(grant.parameters ?? {}), sent);
    });

    it("the form checks each field exactly as the grant workflow checks it again on arrival", () => {
      // AutomationAssumeRole is declared for the console only (tools/sim/variants.ts consoleRunbookParameters) and
      // is not sent: the test above proves the management side never sees it.
      const form = Object.entries(runbook.parameters ?? {}).filter(([field]) => field !== "AutomationAssumeRole");
      for (const [field, spec] of form) {
        const workflow = grant.parameters?.[field];
        assert.ok(workflow, `the grant workflow has no parameter ${field}`);
        if (field === "DurationUnit") {
          // The form offers the unit the stacks were deployed with; the workflow takes every unit, or none (an older
          // runbook's), so that a request raised before the unit changed reaches the check, which refuses it with its
          // reason.
          assert.equal(workflow.allowedPattern, requestedDurationUnit.source, field);
          const offered = (spec.allowedValues ?? []) as string[];
          assert.ok(offered.length > 0, "the form offers a unit");
          for (const unit of offered) {
            assert.ok((DURATION_UNITS as readonly string[]).includes(unit), unit);
            assert.ok(requestedDurationUnit.test(unit), unit);
          }
        } else {
          assert.equal(spec.allowedPattern, workflow.allowedPattern, field);
          assert.deepEqual(spec.allowedValues, workflow.allowedValues, field);
        }
      }
    });

    it("refused requests are forwarded to the management bus, whose alert rule expects them from the requester account", () => {
      const forward = requester.one(
        "aws:cloudwatch/eventTarget:EventTarget",
        "request-notifications-invalid-request-forward-target",
      );
      assert.equal(forward.inputs.arn, management.outputs.requestBusArn);
      const alert = management.one("aws:cloudwatch/eventRule:EventRule", "invalid-request-alert-rule");
      const forwarded = JSON.parse(
        String(
          requester.one("aws:cloudwatch/eventRule:EventRule", "request-notifications-invalid-request-forward").inputs
            .eventPattern,
        ),
      );
      const expected = JSON.parse(String(alert.inputs.eventPattern));
      assert.deepEqual(expected.account, [REQUESTER]);
      for (const key of ["eventSource", "eventName", "errorCode"])
        assert.deepEqual(forwarded.detail[key], expected.detail[key], key);
    });
  });

  describe("early ends, from the requester account to the end-of-grant workflow", () => {
    it("the end request rule matches the event the end-access document sends, and reads its fields", () => {
      const endAccess = requester.document(
        String(requester.one("aws:ssm/document:Document", "end-request-document").inputs.name),
      );
      const entry = putEventsEntry(endAccess, "Send_End_Request_To_Management");
      const bus = arnOf(management, management.one("aws:cloudwatch/eventBus:EventBus", "request-bus-bus"));
      assert.equal(entry.EventBusName, bus);
      assert.deepEqual(requester.role("idc-jit-dev-end-request").policy.Statement[0].Resource, bus);
      const rule = management.one("aws:cloudwatch/eventRule:EventRule", "end-requests-end-request");
      assert.deepEqual(JSON.parse(String(rule.inputs.eventPattern)), {
        source: [entry.Source],
        "detail-type": [entry.DetailType],
        account: [REQUESTER],
      });
      const detail = JSON.parse(entry.Detail) as Record<string, string>;
      assert.deepEqual(Object.keys(detail).sort(), ["EndExecutionId", "Reason", "RequestId"]);
    });

    it("the reader role the end function reads who asked with trusts the end function's role", () => {
      const reader = requester.role("idc-jit-dev-request-reader");
      const endFunctionRole = arnOf(
        management,
        management.byPhysicalName("aws:iam/role:Role", "idc-jit-dev-end-access"),
      );
      const trusted = reader.trust.Statement.flatMap((st) => list((st.Principal as { AWS?: unknown }).AWS));
      assert.ok(trusted.includes(endFunctionRole), `${endFunctionRole} is not trusted by the reader role`);
    });
  });

  describe("the outcome, from the grant workflow to the requester", () => {
    it("the grant workflow writes nothing to the requester account: every outcome goes to the management topic", () => {
      assert.deepEqual(
        grant.mainSteps.filter((s) => s.inputs.Api === "PutEvents").map((s) => s.name),
        [],
      );
      const topic = arnOf(management, management.one("aws:sns/topic:Topic", "notifications-topic"));
      const publishers = grant.mainSteps.filter((s) => s.inputs.Api === "Publish");
      assert.ok(publishers.length >= 5);
      for (const s of publishers) assert.equal(s.inputs.TopicArn, topic, s.name);
    });

    it("the runbook waits for nothing: it sends the request and ends", () => {
      assert.deepEqual(
        runbook.mainSteps.map((s) => [s.name, s.isEnd]),
        [["Send_Request_To_Management", true]],
      );
    });
  });

  describe("request events, from the requester account to the management side's notifier", () => {
    const forwardingRules = () =>
      REQUEST_EVENT_TYPES.map((type) => ({
        type,
        rule: requester.one("aws:cloudwatch/eventRule:EventRule", `request-notifications-${type}`),
        target: requester.one("aws:cloudwatch/eventTarget:EventTarget", `request-notifications-${type}-target`),
      }));

    it("each request event's record goes to the management bus, by the role its policy admits", () => {
      const busPolicy = management.jsonInput(
        management.one("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "request-bus-policy"),
        "policy",
      );
      for (const { type, target } of forwardingRules()) {
        assert.equal(target.inputs.arn, management.outputs.requestBusArn, type);
        assert.ok(admittedRoles(busPolicy).includes(String(target.inputs.roleArn)), type);
      }
    });

    it("the notifier's rule takes every record they forward, from the requester account only", () => {
      const notifier = JSON.parse(
        String(management.one("aws:cloudwatch/eventRule:EventRule", "request-notifier-rule").inputs.eventPattern),
      );
      assert.deepEqual(notifier.account, [REQUESTER]);
      for (const { type, rule } of forwardingRules()) {
        const forwarded = JSON.parse(String(rule.inputs.eventPattern));
        assert.deepEqual(forwarded.source, notifier.source, type);
        assert.ok(notifier.detail.eventName.includes(forwarded.detail.eventName[0]), type);
        assert.deepEqual(forwarded.detail.errorCode, notifier.detail.errorCode, type);
      }
    });

    it("the reader role the notifier reads change requests with trusts the notifier's role", () => {
      const reader = requester.role("idc-jit-dev-request-reader");
      const notifierRole = arnOf(
        management,
        management.byPhysicalName("aws:iam/role:Role", "idc-jit-dev-request-notifier"),
      );
      const trusted = reader.trust.Statement.flatMap((st) => list((st.Principal as { AWS?: unknown }).AWS));
      assert.ok(trusted.includes(notifierRole), `${notifierRole} is not trusted by the reader role`);
    });

    it("nothing in the requester account publishes to the management topic, which has no policy for it", () => {
      const topic = management.one("aws:sns/topic:Topic", "notifications-topic");
      const policies = management.ofType("aws:sns/topicPolicy:TopicPolicy");
      assert.ok(!policies.some((p) => p.inputs.arn === topic.state?.arn));
      for (const d of requester.ofType("aws:ssm/document:Document")) {
        const steps = requester.document(String(d.inputs.name)).mainSteps;
        assert.deepEqual(
          steps.filter((st) => st.inputs?.Api === "Publish").map((st) => st.name),
          [],
          String(d.inputs.name),
        );
      }
    });
  });

  it("the requester side's delivery alarms publish to the delivery alarm topic the management side deploys", () => {
    const topic = management.one("aws:sns/topic:Topic", "delivery-alarms-topic");
    const alarms = requester.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.ok(alarms.length > 0);
    for (const alarm of alarms) assert.deepEqual(alarm.inputs.alarmActions, [topic.state?.arn], alarm.name);
  });

  describe("the permission sets, in the management account, for the requester account's form", () => {
    it("open the change template the requester declares, and may raise requests with it and its runbook", () => {
      const template = String(requester.one("aws:ssm/document:Document", "change-manager-template").inputs.name);
      const runbookName = String(requester.one("aws:ssm/document:Document", "change-manager-runbook").inputs.name);
      const request = management.one("aws:ssoadmin/permissionSet:PermissionSet", "permission-sets-request");
      assert.match(String(request.inputs.relayState), new RegExp(`templateName=${template}$`));
      const inline = management.jsonInput(
        management.one(
          "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
          "permission-sets-request-policy",
        ),
        "inlinePolicy",
      );
      const resources = list(statement(inline, "CreateChangeRequest").Resource) as string[];
      assert.ok(resources.includes(`arn:aws:ssm:eu-west-1:${REQUESTER}:document/${template}`));
      assert.ok(resources.includes(`arn:aws:ssm:eu-west-1:${REQUESTER}:document/${runbookName}`));
    });

    it("let chat users pass exactly the chat roles the requester declares in chat-only mode", async () => {
      const chatManagement = await planManagement(CHAT_MANAGEMENT);
      const { requester: chat } = await planRequester(SLACK_CHAT, chatManagement);
      const declared = (physical: string) => arnOf(chat, chat.byPhysicalName("aws:iam/role:Role", physical));
      const passed = (logical: string) => {
        const inline = chatManagement.jsonInput(
          chatManagement.one("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy", logical),
          "inlinePolicy",
        );
        return list(statement(inline, "PassChatRole").Resource);
      };
      assert.deepEqual(passed("permission-sets-request-policy"), [declared("idc-jit-dev-chatbot-requester")]);
      assert.deepEqual(passed("permission-sets-approve-policy"), [declared("idc-jit-dev-chatbot-approver")]);
    });
  });
});
