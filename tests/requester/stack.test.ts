import assert from "node:assert/strict";
import { requestedDurationUnit } from "../../shared/accessRequest";
import type { PolicyDocument } from "../../shared/iam";
import { patterns } from "../../shared/patterns";
import type { MockedResource } from "../../tools/mocks";
import type { DocumentContent, Plan } from "../support/plan";
import {
  APPROVER_GROUP_ID,
  CHANGE_TEMPLATE,
  CHATBOT_APPROVER_ROLE,
  CHATBOT_APPROVER_ROLE_NAME,
  CHATBOT_REQUESTER_ROLE,
  CHATBOT_REQUESTER_ROLE_NAME,
  EVENTS_ROLE,
  EVENTS_ROLE_NAME,
  evaluateRejected,
  FEEDBACK_BUS_NAME,
  FORM_FIELDS,
  FORWARD_RULE,
  GRANT_DOCUMENT,
  managementPlanFor,
  NARROW_MANAGEMENT,
  NOTIFICATION_RULES,
  ONLY_CHANGE_MANAGER_SERVICE_LINKED_ROLE,
  REQUEST_BUS,
  REQUEST_ROLE,
  REQUEST_ROLE_NAME,
  REQUEST_RUNBOOK,
  REQUESTER,
  type RejectedEvaluation,
  requesterPlanFor,
  SLACK_CHAT,
  TAGS,
  TEAMS_CHANNEL_ID,
  TEAMS_CHAT,
  TEAMS_TEAM_ID,
  TEAMS_TENANT_ID,
  WITHOUT_AUTO_APPROVAL,
  WITHOUT_SERVICE_LINKED_ROLES,
} from "./fixtures";

const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const SLACK = "aws-native:chatbot:SlackChannelConfiguration";
const TEAMS = "aws-native:chatbot:MicrosoftTeamsChannelConfiguration";
const SERVICE_LINKED_ROLE = "aws:iam/serviceLinkedRole:ServiceLinkedRole";
const MANAGED_POLICY = "aws:iam/policy:Policy";

interface Approver {
  type: string;
  approver: string;
  minRequiredApprovals: number;
}

/** The change template's approvers, from its one aws:approve step. */
function templateApprovers(plan: Plan): Approver[] {
  const doc = plan.document(CHANGE_TEMPLATE);
  assert.equal(doc.mainSteps.length, 1);
  const approval = doc.mainSteps[0];
  assert.equal(approval.action, "aws:approve");
  return (approval.inputs.EnhancedApprovals as { Approvers: Approver[] }).Approvers;
}

const rule = (plan: Plan, name: string) => plan.byPhysicalName(RULE, name);

/** The rule's one target that starts a document (a cancelled or rejected request's rule also forwards its record). */
function targetOf(plan: Plan, ruleName: string): MockedResource {
  const targets = plan.ofType(TARGET).filter((t) => t.inputs.rule === ruleName && t.inputs.targetId !== "end-request");
  assert.equal(targets.length, 1, `rule ${ruleName} has ${targets.length} targets`);
  return targets[0];
}

interface InputTransformer {
  inputPaths: Record<string, string>;
  inputTemplate: string;
}

const chatResources = (plan: Plan) =>
  plan.resources.filter(
    (r) =>
      r.type.startsWith("aws-native:") ||
      r.type === "pulumi:providers:aws-native" ||
      r.type === MANAGED_POLICY ||
      /chatbot/.test(String(r.inputs.name ?? "")),
  );

describe("the requester stack, in web and CLI mode (the example config)", () => {
  let plan: Plan;
  let management: Plan;
  before(async () => {
    management = await managementPlanFor();
    plan = await requesterPlanFor();
  });

  it("names every named resource from the prefix and the environment", () => {
    const named = plan.resources.filter((r) => r.type.startsWith("aws:") && typeof r.inputs.name === "string");
    assert.ok(named.length >= 12, `${named.length} named`);
    for (const r of named) assert.match(String(r.inputs.name), /^idc-jit-dev-/, `${r.type} ${r.name}`);
  });

  it("tags every taggable resource with the solution, environment and side", () => {
    const taggable = plan.resources.filter((r) => r.type.startsWith("aws:") && "tags" in r.inputs);
    assert.ok(taggable.length >= 14, `${taggable.length} taggable`);
    for (const r of taggable.filter((r) => r.inputs.name !== CHANGE_TEMPLATE)) {
      assert.deepEqual(r.inputs.tags, TAGS, `${r.type} ${r.name}`);
    }
  });

  it("attaches no managed policy to any role: every role has exactly its one inline policy", () => {
    assert.equal(plan.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
    const roles = plan.ofType("aws:iam/role:Role");
    assert.deepEqual(
      roles.map((r) => r.inputs.name).sort(),
      [
        REQUEST_ROLE_NAME,
        EVENTS_ROLE_NAME,
        "idc-jit-dev-request-reader",
        "idc-jit-dev-request-refuser",
        "idc-jit-dev-end-request",
      ].sort(),
    );
    for (const role of roles) {
      assert.equal(role.inputs.managedPolicyArns, undefined);
      plan.role(String(role.inputs.name));
    }
  });

  it("reads the management stack named by jit:managementStack", () => {
    const [reference] = plan.ofType("pulumi:pulumi:StackReference");
    assert.equal(reference.name, "acme/identity-center-jit/management-dev");
  });

  describe("change template", () => {
    let template: MockedResource;
    let doc: DocumentContent;
    before(() => {
      template = plan.byPhysicalName("aws:ssm/document:Document", CHANGE_TEMPLATE);
      doc = plan.document(CHANGE_TEMPLATE);
    });

    it("is a YAML Automation.ChangeTemplate named idc-jit-dev-access-request", () => {
      assert.equal(template.inputs.documentType, "Automation.ChangeTemplate");
      assert.equal(template.inputs.documentFormat, "YAML");
      assert.equal(doc.schemaVersion, "0.3");
    });

    it("carries the Component tag the CLI finds it by, besides the standard tags", () => {
      assert.deepEqual(template.inputs.tags, { ...TAGS, Component: "identity-center-jit-change-template" });
    });

    it("is auto-approvable as configured (jit:autoApprovable: true), and never an emergency change", () => {
      assert.equal(doc.autoApprovable, true);
      assert.equal(doc.emergencyChange, false);
    });

    it("runs only the request runbook, at its default version", () => {
      assert.deepEqual(doc.executableRunBooks, [{ name: REQUEST_RUNBOOK, version: "$DEFAULT" }]);
    });

    it("is approved by the Identity Center approver group, with the configured number of approvals", () => {
      assert.deepEqual(templateApprovers(plan), [
        { type: "SSOGroup", approver: APPROVER_GROUP_ID, minRequiredApprovals: 1 },
      ]);
    });

    it("lets a pending request expire after jit:approvalTimeout hours (24 unless set)", () => {
      assert.equal(doc.mainSteps[0].timeoutSeconds, 24 * 3600);
    });
  });

  describe("request runbook", () => {
    let doc: DocumentContent;
    let grant: DocumentContent;
    before(() => {
      doc = plan.document(REQUEST_RUNBOOK);
      grant = management.document(GRANT_DOCUMENT);
    });

    it("is a YAML Automation document that runs as the request role", () => {
      const runbook = plan.byPhysicalName("aws:ssm/document:Document", REQUEST_RUNBOOK);
      assert.equal(runbook.inputs.documentType, "Automation");
      assert.equal(runbook.inputs.documentFormat, "YAML");
      assert.equal(doc.assumeRole, REQUEST_ROLE);
    });

    it("asks for the six form fields, and not for the execution id it adds itself", () => {
      assert.deepEqual(Object.keys(doc.parameters ?? {}), [...FORM_FIELDS, "AutomationAssumeRole"]);
    });

    it("declares the AutomationAssumeRole the console may pass, optional and anchored, and runs with its own role", () => {
      const spec = doc.parameters?.AutomationAssumeRole;
      assert.equal(spec?.default, "");
      assert.equal(spec?.allowedPattern, patterns.automationAssumeRole.source);
      assert.match(String(spec?.allowedPattern), /^\^.*\$\(\?!\[\\s\\S\]\)$/);
      assert.doesNotMatch(String(doc.assumeRole), /AutomationAssumeRole/);
    });

    for (const field of FORM_FIELDS.filter((f) => f !== "DurationUnit")) {
      it(`checks ${field} exactly as the management grant document checks it again on arrival`, () => {
        const mine = doc.parameters?.[field] ?? {};
        const theirs = grant.parameters?.[field] ?? {};
        assert.equal(mine.type, "String");
        assert.equal(mine.type, theirs.type);
        assert.deepEqual(mine.allowedPattern, theirs.allowedPattern);
        assert.deepEqual(mine.allowedValues, theirs.allowedValues);
        assert.ok(mine.allowedPattern !== undefined || mine.allowedValues !== undefined, `${field} is unchecked`);
      });
    }

    it("offers only the management stack's duration unit, which the grant document admits with any other so that the check can refuse it with a reason", () => {
      assert.deepEqual(doc.parameters?.DurationUnit.allowedValues, ["hours"]);
      assert.equal(doc.parameters?.DurationUnit.default, undefined);
      assert.equal(grant.parameters?.DurationUnit.allowedValues, undefined);
      assert.equal(grant.parameters?.DurationUnit.allowedPattern, requestedDurationUnit.source);
    });

    it("offers the management stack's requestable permission sets", () => {
      assert.deepEqual(doc.parameters?.PermissionSet.allowedValues, [
        "AWSAdministratorAccess",
        "AWSPowerUserAccess",
        "JitVerifyCanary",
        "NetworkAdministrator",
        "ViewOnlyAccess",
      ]);
    });

    it("anchors every pattern at both ends", () => {
      for (const [field, spec] of Object.entries(doc.parameters ?? {})) {
        if (spec.allowedPattern === undefined) continue;
        // ^ first; $ then a lookahead that nothing follows, so Java's $ admits no trailing line terminator either.
        assert.match(String(spec.allowedPattern), /^\^.*\$\(\?!\[\\s\\S\]\)$/, field);
      }
    });

    it("sends the request to the management stack's request bus, as the event its grant rule starts on", () => {
      const send = doc.mainSteps[0];
      assert.equal(send.name, "Send_Request_To_Management");
      assert.equal(send.inputs.Service, "events");
      assert.equal(send.inputs.Api, "PutEvents");
      const [entry] = send.inputs.Entries as Record<string, string>[];
      assert.equal(entry.EventBusName, REQUEST_BUS);
      assert.equal(entry.EventBusName, management.outputs.requestBusArn);
      assert.equal(entry.Source, "identity-center-jit.requester");
      assert.equal(entry.DetailType, "AccessRequest");
      const grantRule = JSON.parse(
        String(management.one("aws:cloudwatch/eventRule:EventRule", "grant-workflow-rule").inputs.eventPattern),
      );
      assert.deepEqual(grantRule.source, [entry.Source]);
      assert.deepEqual(grantRule["detail-type"], [entry.DetailType]);
      assert.deepEqual(grantRule.account, [REQUESTER]);
    });

    it("fails the request unless EventBridge took the event (PutEvents reports a refused entry, not an error)", () => {
      const send = doc.mainSteps[0];
      assert.equal(send.action, "aws:assertAwsResourceProperty");
      assert.equal(send.inputs.PropertySelector, "$.FailedEntryCount");
      assert.deepEqual(send.inputs.DesiredValues, ["0"]);
      assert.equal(send.maxAttempts, 3);
    });

    it("sends every form field and its own execution id, the fields the management rule reads", () => {
      const [entry] = doc.mainSteps[0].inputs.Entries as Record<string, string>[];
      assert.deepEqual(JSON.parse(entry.Detail), {
        AccountId: "{{ AccountId }}",
        PermissionSet: "{{ PermissionSet }}",
        Duration: "{{ Duration }}",
        DurationUnit: "{{ DurationUnit }}",
        RequestingUser: "{{ RequestingUser }}",
        Justification: "{{ Justification }}",
        RequesterExecutionId: "{{ automation:EXECUTION_ID }}",
      });
      const grantTarget = management.one("aws:cloudwatch/eventTarget:EventTarget", "grant-workflow-rule-target");
      const paths = (grantTarget.inputs.inputTransformer as InputTransformer).inputPaths;
      assert.deepEqual(Object.keys(paths).sort(), Object.keys(JSON.parse(entry.Detail)).sort());
    });

    it("then ends: no execution of the requester account waits for the grant", () => {
      // The grant, a refusal and the end reach the requester by notification.
      assert.deepEqual(
        doc.mainSteps.map((s) => [s.name, s.action, s.isEnd]),
        [["Send_Request_To_Management", "aws:assertAwsResourceProperty", true]],
      );
    });
  });

  describe("request role", () => {
    it("is named idc-jit-dev-request and may only put events on the management request bus", () => {
      const { trust, policy } = plan.role("idc-jit-dev-request");
      assert.deepEqual(policy.Statement, [
        { Sid: "SendRequest", Effect: "Allow", Action: ["events:PutEvents"], Resource: REQUEST_BUS },
      ]);
      assert.deepEqual(trust.Statement[0].Principal, { Service: "ssm.amazonaws.com" });
    });
  });

  describe("feedback channel of earlier versions", () => {
    it("is gone: no bus, rule or document of it, and no bus policy in the requester account", () => {
      assert.equal(plan.ofType("aws:cloudwatch/eventBus:EventBus").length, 0);
      assert.equal(plan.ofType("aws:cloudwatch/eventBusPolicy:EventBusPolicy").length, 0);
      assert.ok(!plan.ofType("aws:ssm/document:Document").some((d) => d.inputs.name === FEEDBACK_BUS_NAME));
    });
  });

  describe("notification rules", () => {
    const patterns = {
      RequestCreated: {
        eventSource: ["ssm.amazonaws.com"],
        eventName: ["StartChangeRequestExecution"],
        errorCode: [{ exists: false }],
        requestParameters: { documentName: [CHANGE_TEMPLATE], autoApprove: [false, { exists: false }] },
      },
      RequestApproved: {
        eventSource: ["ssm.amazonaws.com"],
        eventName: ["SendAutomationSignal"],
        errorCode: [{ exists: false }],
        requestParameters: { signalType: ["Approve"] },
      },
      RequestRejected: {
        eventSource: ["ssm.amazonaws.com"],
        eventName: ["SendAutomationSignal"],
        errorCode: [{ exists: false }],
        requestParameters: { signalType: ["Reject"] },
      },
      RequestCancelled: {
        eventSource: ["ssm.amazonaws.com"],
        eventName: ["StopAutomationExecution"],
        errorCode: [{ exists: false }],
      },
    };

    it("are four rules, one per request event, named for it, on the default bus", () => {
      for (const name of Object.values(NOTIFICATION_RULES)) {
        assert.equal(rule(plan, name).inputs.eventBusName, undefined, name);
        assert.equal(targetOf(plan, name).inputs.eventBusName, undefined, name);
      }
    });

    it("forward each record, as it is, to the management bus by the events role: nothing runs here", () => {
      for (const name of Object.values(NOTIFICATION_RULES)) {
        const targets = plan.ofType(TARGET).filter((t) => t.inputs.rule === name);
        assert.equal(targets.length, 1, name);
        assert.equal(targets[0].inputs.arn, REQUEST_BUS, name);
        assert.equal(targets[0].inputs.roleArn, EVENTS_ROLE, name);
        assert.equal(targets[0].inputs.inputTransformer, undefined, name);
      }
      assert.deepEqual(
        plan
          .ofType("aws:ssm/document:Document")
          .map((d) => d.inputs.name)
          .filter((n) => String(n).includes("notification")),
        [],
      );
    });

    for (const [eventType, name] of Object.entries(NOTIFICATION_RULES)) {
      it(`${name} matches CloudTrail's record of the ${eventType} call`, () => {
        assert.deepEqual(JSON.parse(String(rule(plan, name).inputs.eventPattern)), {
          source: ["aws.ssm"],
          "detail-type": ["AWS API Call via CloudTrail"],
          detail: patterns[eventType as keyof typeof NOTIFICATION_RULES],
        });
      });
    }
  });

  describe("invalid-request forward rule", () => {
    it("matches CloudTrail's record of the request runbook refused for invalid parameters", () => {
      assert.deepEqual(JSON.parse(String(rule(plan, FORWARD_RULE).inputs.eventPattern)), {
        source: ["aws.ssm"],
        "detail-type": ["AWS API Call via CloudTrail"],
        detail: {
          eventSource: ["ssm.amazonaws.com"],
          eventName: ["CreateAssociation"],
          errorCode: ["InvalidParameters"],
          requestParameters: { name: [REQUEST_RUNBOOK] },
        },
      });
      assert.equal(rule(plan, FORWARD_RULE).inputs.eventBusName, undefined);
    });

    it("forwards the whole record to the management request bus with the events role", () => {
      const target = targetOf(plan, FORWARD_RULE);
      assert.equal(target.inputs.arn, REQUEST_BUS);
      assert.equal(target.inputs.roleArn, EVENTS_ROLE);
      assert.equal(target.inputs.inputTransformer, undefined);
      assert.equal(target.inputs.input, undefined);
    });
  });

  it("declares no chat resources", () => {
    assert.deepEqual(
      chatResources(plan).map((r) => `${r.type} ${r.name}`),
      [],
    );
    assert.equal(plan.outputs.chat, undefined);
  });

  it("keeps both service-linked roles when destroyed, one for Systems Manager and one for Change Manager", () => {
    const roles = plan.ofType(SERVICE_LINKED_ROLE);
    assert.deepEqual(
      roles.map((r) => r.inputs.awsServiceName),
      ["ssm.amazonaws.com", "changemanagement.ssm.amazonaws.com"],
    );
    for (const role of roles) assert.deepEqual(role.options, { retainOnDelete: true }, role.name);
  });

  it("exports the form's names and links, and the ARNs the other side and the operators need", () => {
    const changeManager = "https://eu-west-1.console.aws.amazon.com/systems-manager/change-manager?region=eu-west-1#";
    assert.deepEqual(plan.outputs, {
      requestForm: "changeManager",
      changeTemplateName: CHANGE_TEMPLATE,
      requestRunbookName: REQUEST_RUNBOOK,
      requestFormUrl: `${changeManager}/change-request/create?templateName=${CHANGE_TEMPLATE}`,
      pendingApprovalsUrl: `${changeManager}/dashboard/requests?status=PendingApproval`,
      requestRoleArn: REQUEST_ROLE,
      endAccessDocumentName: "idc-jit-dev-end-access",
      requestReaderRoleArn: "arn:aws:iam::444455556666:role/idc-jit-dev-request-reader",
      approvalMode: "webAndCli",
    });
  });
});

describe("the requester stack, reading a management stack that offers one permission set for at most 4 hours", () => {
  let plan: Plan;
  let management: Plan;
  before(async () => {
    management = await managementPlanFor(NARROW_MANAGEMENT);
    plan = await requesterPlanFor({}, NARROW_MANAGEMENT);
  });

  it("offers in the form only the permission set the management stack exports", () => {
    assert.deepEqual(management.outputs.requestablePermissionSets, ["AWSReadOnlyAccess"]);
    const parameters = plan.document(REQUEST_RUNBOOK).parameters ?? {};
    assert.deepEqual(parameters.PermissionSet.allowedValues, ["AWSReadOnlyAccess"]);
    assert.match(String(parameters.PermissionSet.description), /one of AWSReadOnlyAccess\.$/);
  });

  it("bounds the duration as the management grant document does", () => {
    const mine = plan.document(REQUEST_RUNBOOK).parameters?.Duration ?? {};
    const theirs = management.document(GRANT_DOCUMENT).parameters?.Duration ?? {};
    assert.equal(mine.allowedPattern, theirs.allowedPattern);
    assert.ok(new RegExp(String(mine.allowedPattern)).test("4"));
    assert.ok(!new RegExp(String(mine.allowedPattern)).test("5"));
  });

  it("waits neither for the grant nor for its end, however long the grant", () => {
    const runbook = plan.document(REQUEST_RUNBOOK);
    assert.deepEqual(
      runbook.mainSteps.map((s) => s.name),
      ["Send_Request_To_Management"],
    );
  });
});

describe("the requester stack, without auto-approval and with two approvals", () => {
  let plan: Plan;
  before(async () => {
    plan = await requesterPlanFor(WITHOUT_AUTO_APPROVAL);
  });

  it("declares a change template that is not auto-approvable", () => {
    assert.equal(plan.document(CHANGE_TEMPLATE).autoApprovable, false);
  });

  it("needs two approvals from the approver group", () => {
    assert.deepEqual(templateApprovers(plan), [
      { type: "SSOGroup", approver: APPROVER_GROUP_ID, minRequiredApprovals: 2 },
    ]);
  });
});

describe("the requester stack's service-linked roles", () => {
  it("are both left out when the account has them already", async () => {
    const plan = await requesterPlanFor(WITHOUT_SERVICE_LINKED_ROLES);
    assert.deepEqual(plan.ofType(SERVICE_LINKED_ROLE), []);
  });

  it("are declared one at a time: only Change Manager's when Systems Manager's exists", async () => {
    const plan = await requesterPlanFor(ONLY_CHANGE_MANAGER_SERVICE_LINKED_ROLE);
    const roles = plan.ofType(SERVICE_LINKED_ROLE);
    assert.deepEqual(
      roles.map((r) => r.inputs.awsServiceName),
      ["changemanagement.ssm.amazonaws.com"],
    );
    assert.deepEqual(roles[0].options, { retainOnDelete: true });
  });
});

/** The chat resources both chat variants share. */
function describeChatRoles(plan: () => Plan) {
  it("declares the chat requester and approver roles, trusted by AWS Chatbot", () => {
    for (const name of [CHATBOT_REQUESTER_ROLE_NAME, CHATBOT_APPROVER_ROLE_NAME]) {
      const { trust } = plan().role(name);
      assert.deepEqual(trust.Statement, [
        { Effect: "Allow", Principal: { Service: "chatbot.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
    }
  });

  it("declares one guardrail policy per chat role, equal to that role's own policy", () => {
    const guardrails = plan().ofType(MANAGED_POLICY);
    assert.deepEqual(guardrails.map((g) => g.inputs.name).sort(), [
      `${CHATBOT_APPROVER_ROLE_NAME}-guardrail`,
      `${CHATBOT_REQUESTER_ROLE_NAME}-guardrail`,
    ]);
    for (const role of [CHATBOT_REQUESTER_ROLE_NAME, CHATBOT_APPROVER_ROLE_NAME]) {
      const guardrail = plan().byPhysicalName(MANAGED_POLICY, `${role}-guardrail`);
      assert.deepEqual(plan().jsonInput<PolicyDocument>(guardrail, "policy"), plan().role(role).policy, role);
    }
  });

  it("is approved in Change Manager by the chat approver role, named by its role name, once", () => {
    assert.deepEqual(templateApprovers(plan()), [
      { type: "IamRole", approver: CHATBOT_APPROVER_ROLE_NAME, minRequiredApprovals: 1 },
    ]);
  });

  it("exports the chat roles and the aliases to paste into the channels", () => {
    const chat = plan().outputs.chat as { requesterRoleArn: string; approverRoleArn: string; aliases: object };
    assert.equal(chat.requesterRoleArn, CHATBOT_REQUESTER_ROLE);
    assert.equal(chat.approverRoleArn, CHATBOT_APPROVER_ROLE);
    assert.deepEqual(Object.keys(chat.aliases), ["requestAccess", "approveAccess", "rejectAccess", "endAccess"]);
    assert.equal(plan().outputs.approvalMode, "chatOnly");
  });

  it("gives an access-request alias that raises a change request from the template, whose runbook JSON names the runbook and all six form fields", () => {
    const { requestAccess } = (plan().outputs.chat as { aliases: Record<string, string> }).aliases;
    assert.ok(
      requestAccess.startsWith("@aws alias create access-request ssm start-change-request-execution "),
      requestAccess,
    );
    assert.match(requestAccess, / --document-name idc-jit-dev-access-request /);
    assert.match(requestAccess, / --region eu-west-1$/);
    const runbooks = /--runbooks '([^']*)'/.exec(requestAccess);
    assert.ok(runbooks, requestAccess);
    const parsed = JSON.parse(runbooks[1]) as { DocumentName: string; Parameters: Record<string, string[]> }[];
    assert.equal(parsed.length, 1);
    assert.equal(parsed[0].DocumentName, REQUEST_RUNBOOK);
    const declared = Object.keys(plan().document(REQUEST_RUNBOOK).parameters ?? {});
    for (const field of Object.keys(parsed[0].Parameters)) assert.ok(declared.includes(field), field);
    assert.deepEqual(Object.keys(parsed[0].Parameters), [...FORM_FIELDS]);
    for (const [field, value] of Object.entries(parsed[0].Parameters)) {
      assert.equal(value.length, 1, field);
      assert.match(value[0], /^\$[a-z]+$/, field);
    }
  });

  it("gives approve-access and reject-access aliases that signal the change request's execution", () => {
    const { approveAccess, rejectAccess } = (plan().outputs.chat as { aliases: Record<string, string> }).aliases;
    assert.equal(
      approveAccess,
      '@aws alias create approve-access ssm send-automation-signal --signal-type Approve --payload Comment="Approved in chat" --automation-execution-id $id --region eu-west-1',
    );
    assert.equal(
      rejectAccess,
      '@aws alias create reject-access ssm send-automation-signal --signal-type Reject --payload Comment="Rejected in chat" --automation-execution-id $id --region eu-west-1',
    );
  });

  it("gives an end-access alias that starts the end-access document with the request id and a reason", () => {
    const { endAccess } = (plan().outputs.chat as { aliases: Record<string, string> }).aliases;
    assert.equal(
      endAccess,
      `@aws alias create end-access ssm start-automation-execution --document-name idc-jit-dev-end-access --parameters '{"RequestId":["$id"],"Reason":["$reason"]}' --region eu-west-1`,
    );
  });

  it("declares its chat channels through an aws-native provider pinned to the stack's region and account", () => {
    const providers = plan().ofType("pulumi:providers:aws-native");
    assert.equal(providers.length, 1);
    assert.equal(providers[0].inputs.region, "eu-west-1");
    assert.deepEqual(JSON.parse(String(providers[0].inputs.allowedAccountIds)), [REQUESTER]);
  });
}

/** The guardrail policy documents a channel configuration names (needs the mocks to give managed policies ARNs). */
function guardrailsOf(plan: Plan, channel: MockedResource): PolicyDocument[] {
  const arns = channel.inputs.guardrailPolicies as string[];
  const policies = plan.ofType(MANAGED_POLICY);
  return arns.map((arn) => {
    const found = policies.find((p) => plan.outputsOf(p).arn === arn);
    assert.ok(found, `no guardrail policy has ARN ${arn}`);
    return plan.jsonInput<PolicyDocument>(found, "policy");
  });
}

const nativeTags = Object.entries(TAGS).map(([key, value]) => ({ key, value }));

describe("the requester stack, in chat-only mode on Slack with a separate approver channel", () => {
  let plan: Plan;
  before(async () => {
    plan = await requesterPlanFor(SLACK_CHAT);
  });

  describeChatRoles(() => plan);

  it("configures two Slack channels, and no Teams channel", () => {
    assert.deepEqual(
      plan.ofType(SLACK).map((c) => c.name),
      ["chat-requester-channel", "chat-approver-channel"],
    );
    assert.deepEqual(plan.ofType(TEAMS), []);
  });

  it("lets the requester channel act with the requester role, for everyone in it (the channel role)", () => {
    const channel = plan.one(SLACK, "chat-requester-channel");
    assert.equal(channel.inputs.configurationName, "idc-jit-dev-requester-channel");
    assert.equal(channel.inputs.slackWorkspaceId, "T01ABCDEFGH");
    assert.equal(channel.inputs.slackChannelId, "C0123ABCDEF");
    assert.equal(channel.inputs.iamRoleArn, CHATBOT_REQUESTER_ROLE);
    assert.equal(channel.inputs.userRoleRequired, false);
    assert.equal(channel.inputs.loggingLevel, "INFO");
    assert.deepEqual(channel.inputs.tags, nativeTags);
  });

  it("lets the approver channel act with the approver role, each member with their own linked role", () => {
    const channel = plan.one(SLACK, "chat-approver-channel");
    assert.equal(channel.inputs.configurationName, "idc-jit-dev-approver-channel");
    assert.equal(channel.inputs.slackWorkspaceId, "T01ABCDEFGH");
    assert.equal(channel.inputs.slackChannelId, "C0456GHIJKL");
    assert.equal(channel.inputs.iamRoleArn, CHATBOT_APPROVER_ROLE);
    assert.equal(channel.inputs.userRoleRequired, true);
    assert.deepEqual(channel.inputs.tags, nativeTags);
  });

  it("gives each channel one guardrail", () => {
    for (const channel of plan.ofType(SLACK)) {
      assert.equal((channel.inputs.guardrailPolicies as unknown[]).length, 1, channel.name);
    }
  });

  it("caps each channel with its own role's guardrail", () => {
    const requester = guardrailsOf(plan, plan.one(SLACK, "chat-requester-channel"));
    const approver = guardrailsOf(plan, plan.one(SLACK, "chat-approver-channel"));
    assert.deepEqual(requester, [plan.role(CHATBOT_REQUESTER_ROLE_NAME).policy]);
    assert.deepEqual(approver, [plan.role(CHATBOT_APPROVER_ROLE_NAME).policy]);
  });
});

describe("the requester stack, in chat-only mode on Microsoft Teams with one shared channel", () => {
  let plan: Plan;
  before(async () => {
    plan = await requesterPlanFor(TEAMS_CHAT);
  });

  describeChatRoles(() => plan);

  it("configures one Teams channel, and no Slack channel", () => {
    assert.deepEqual(
      plan.ofType(TEAMS).map((c) => c.name),
      ["chat-requester-channel"],
    );
    assert.deepEqual(plan.ofType(SLACK), []);
  });

  it("names the team, tenant and channel, with the requester role as the channel role and user roles required", () => {
    const channel = plan.one(TEAMS, "chat-requester-channel");
    assert.equal(channel.inputs.configurationName, "idc-jit-dev-requester-channel");
    assert.equal(channel.inputs.teamId, TEAMS_TEAM_ID);
    assert.equal(channel.inputs.teamsTenantId, TEAMS_TENANT_ID);
    assert.equal(channel.inputs.teamsChannelId, TEAMS_CHANNEL_ID);
    assert.equal(channel.inputs.iamRoleArn, CHATBOT_REQUESTER_ROLE);
    assert.equal(channel.inputs.userRoleRequired, true);
    assert.equal(channel.inputs.loggingLevel, "INFO");
    assert.deepEqual(channel.inputs.tags, nativeTags);
  });

  // Approvers in the shared channel act with the chat approver role linked as their user role, and Chatbot caps every
  // role used in a channel by the channel's guardrails: the shared channel needs the approver's guardrail too.
  it("lets approvers approve in the shared channel: its guardrails are both roles' policies", () => {
    const guardrails = guardrailsOf(plan, plan.one(TEAMS, "chat-requester-channel"));
    assert.deepEqual(guardrails, [
      plan.role(CHATBOT_REQUESTER_ROLE_NAME).policy,
      plan.role(CHATBOT_APPROVER_ROLE_NAME).policy,
    ]);
    assert.ok(JSON.stringify(guardrails).includes("ssm:SendAutomationSignal"));
  });
});

describe("the requester stack, with config that disagrees with the management stack's outputs", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["its environment", { "jit:environment": "test" }, "jit:environment"],
    ["its region", { "aws:region": "eu-central-1" }, "aws:region"],
    ["its management account", { "jit:managementAccountId": "999988887777" }, "jit:managementAccountId"],
    ["its name prefix", { "jit:namePrefix": "other-jit" }, "jit:namePrefix"],
    // Chat-only mode against a management side in web mode without chat user roles: both disagreements are named.
    ["its approval mode and chat user roles", TEAMS_CHAT, "jit:approvalMode, jit:chat"],
  ];
  const results = new Map<string, RejectedEvaluation>();
  let unchanged: RejectedEvaluation;
  before(async function () {
    this.timeout(600_000);
    // Each in a process of its own, two at a time (one per core: all at once starve each other on a busy machine).
    const all = [{}, ...cases.map(([, overrides]) => overrides)];
    const settled: RejectedEvaluation[] = [];
    for (let i = 0; i < all.length; i += 2)
      settled.push(...(await Promise.all(all.slice(i, i + 2).map(evaluateRejected))));
    unchanged = settled[0];
    for (const [i, [what]] of cases.entries()) results.set(what, settled[i + 1]);
  });

  for (const [what, overrides, key] of cases) {
    it(`fails the evaluation when ${what} differs (${JSON.stringify(overrides)}), naming ${key}`, () => {
      const result = results.get(what);
      assert.equal(result?.outcome, "rejected", JSON.stringify(result));
      const keys = key.split(", ");
      assert.deepEqual(
        result?.issues?.map((i) => i.key),
        keys,
      );
      for (const k of keys) assert.match(String(result?.message), new RegExp(`${k.replace(".", "\\.")}: must`));
      assert.match(String(result?.message), /management stack/);
    });
  }

  it("evaluates the unchanged example config the same way without failing", () => {
    assert.equal(unchanged.outcome, "resolved", JSON.stringify(unchanged));
  });
});
