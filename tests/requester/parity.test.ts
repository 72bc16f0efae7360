/**
 * Every resource of the AWS sample's requester template (seed/IAM-Identity-Center-JIT-access-with-SSM-Requester-
 * Account.yaml, 23 resources) and its counterpart here, checked against the plan of the config variant that declares
 * it: the example config (web and CLI), or chat-only mode on Slack or Microsoft Teams for the chat resources.
 */
import assert from "node:assert/strict";
import type { Overrides, Plan } from "../support/plan";
import {
  CHATBOT_APPROVER_ROLE,
  CHATBOT_REQUESTER_ROLE,
  requesterPlanFor,
  SLACK_CHAT,
  TEAMS_CHAT_WITH_APPROVER_CHANNEL,
} from "./fixtures";

type Variant = "web" | "slack" | "teams";

const VARIANTS: Record<Variant, Overrides> = {
  web: {},
  slack: SLACK_CHAT,
  teams: TEAMS_CHAT_WITH_APPROVER_CHANNEL,
};

interface Counterpart {
  type: string;
  name: string;
  /** The config variant that declares it; the example config when absent. */
  variant?: Variant;
  /** Why the counterpart differs from the sample's resource, where it does. */
  note?: string;
}

const DOCUMENT = "aws:ssm/document:Document";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const SLACK = "aws-native:chatbot:SlackChannelConfiguration";
const TEAMS = "aws-native:chatbot:MicrosoftTeamsChannelConfiguration";

const notificationRule = (event: string): Counterpart[] => [
  {
    type: RULE,
    name: `request-notifications-${event}`,
    note: "only successful calls",
  },
  {
    type: TARGET,
    name: `request-notifications-${event}-target`,
    note: "forwards the record, as it is, to the management bus, whose request notifier reads the change request and notifies",
  },
];

/**
 * The sample's feedback channel, which the runbook waited on for the grant: ours ends once it has sent the request,
 * so that change requests waiting on their runbooks cannot fill the account's Automation quota; the grant, a refusal
 * and the end reach the requester by notification.
 */
const FEEDBACK_CHANNEL_DROPPED = "the request runbook ends once it has sent the request, and waits for no feedback";
/**
 * The sample's notification document, which ran as an Automation execution in the requester account for each event:
 * the management side's request notifier (a function) notifies instead, and needs no role or document here.
 */
const NOTIFIER_MOVED = "the management side's request notifier notifies from the forwarded CloudTrail record";
const DROPPED: Record<string, string> = {
  NotificationsSSMDocument: NOTIFIER_MOVED,
  RequestNotificationSSMRole: NOTIFIER_MOVED,
  JITExecutionFeedbackEventBus: FEEDBACK_CHANNEL_DROPPED,
  JITExecutionFeedbackEventBusPolicy: FEEDBACK_CHANNEL_DROPPED,
  JITExecutionFeedbackRule: FEEDBACK_CHANNEL_DROPPED,
  JITExecutionFeedbackDocument: FEEDBACK_CHANNEL_DROPPED,
};

const SAMPLE_REQUESTER_RESOURCES: Record<string, Counterpart[]> = {
  ChangeManagerTemplate: [
    {
      type: DOCUMENT,
      name: "change-manager-template",
      note: "YAML rather than JSON; named from the prefix and environment; the chat approver is the approver role's name",
    },
  ],
  AutomationDocumentForChangeManager: [
    {
      type: DOCUMENT,
      name: "change-manager-runbook",
      note: "YAML; anchored patterns shared with the management side; asks for a justification; permission sets and the longest duration come from the management stack's outputs",
    },
  ],
  SSMServiceLinkedRole: [
    {
      type: "aws:iam/serviceLinkedRole:ServiceLinkedRole",
      name: "service-linked-roles-ssm",
      note: "retained on delete",
    },
  ],
  ChangeManagerServiceLinkedRole: [
    {
      type: "aws:iam/serviceLinkedRole:ServiceLinkedRole",
      name: "service-linked-roles-changeManager",
      note: "retained on delete",
    },
  ],
  RequestRole: [
    { type: ROLE, name: "change-manager-request-role" },
    { type: ROLE_POLICY, name: "change-manager-request-role-policy" },
  ],
  JITEventRuleRole: [
    {
      type: ROLE,
      name: "request-notifications-events-role",
      note: "trusted only for its own rules (aws:SourceArn)",
    },
    { type: ROLE_POLICY, name: "request-notifications-events-role-policy" },
  ],
  RequestCreatedEventRule: notificationRule("RequestCreated"),
  RequestApprovedEventRule: notificationRule("RequestApproved"),
  RequestRejectedEventRule: notificationRule("RequestRejected"),
  RequestCanceledEventRule: notificationRule("RequestCancelled"),
  InvalidParametersEventRule: [
    { type: RULE, name: "request-notifications-invalid-request-forward" },
    { type: TARGET, name: "request-notifications-invalid-request-forward-target" },
  ],
  ChatbotRequesterRole: [
    { type: ROLE, name: "chat-requester-role", variant: "slack" },
    { type: ROLE_POLICY, name: "chat-requester-role-policy", variant: "slack" },
    {
      type: "aws:iam/policy:Policy",
      name: "chat-requester-guardrail",
      variant: "slack",
      note: "new: the role's policy as the channel's guardrail",
    },
  ],
  ChatbotApproverRole: [
    { type: ROLE, name: "chat-approver-role", variant: "slack" },
    { type: ROLE_POLICY, name: "chat-approver-role-policy", variant: "slack" },
    {
      type: "aws:iam/policy:Policy",
      name: "chat-approver-guardrail",
      variant: "slack",
      note: "new: the role's policy as the channel's guardrail",
    },
  ],
  TeamsConfigurationMainChannel: [
    { type: TEAMS, name: "chat-requester-channel", variant: "teams", note: "aws-native, with a guardrail" },
  ],
  TeamsConfigurationApproverChannel: [
    { type: TEAMS, name: "chat-approver-channel", variant: "teams", note: "aws-native, with a guardrail" },
  ],
  SlackConfigurationMainChannel: [
    { type: SLACK, name: "chat-requester-channel", variant: "slack", note: "aws-native, with a guardrail" },
  ],
  SlackConfigurationApproverChannel: [
    {
      type: SLACK,
      name: "chat-approver-channel",
      variant: "slack",
      note: "acts with the approver role; the sample's Slack approver channel uses the requester role",
    },
  ],
};

describe("parity with the sample's requester template", () => {
  const plans = {} as Record<Variant, Plan>;
  before(async () => {
    for (const variant of Object.keys(VARIANTS) as Variant[])
      plans[variant] = await requesterPlanFor(VARIANTS[variant]);
  });

  it("accounts for all 23 of the sample's resources: a counterpart for each, or the reason it has none", () => {
    assert.equal(Object.keys(SAMPLE_REQUESTER_RESOURCES).length + Object.keys(DROPPED).length, 23);
    for (const sample of Object.keys(DROPPED)) assert.ok(!(sample in SAMPLE_REQUESTER_RESOURCES), sample);
    for (const [sample, counterparts] of Object.entries(SAMPLE_REQUESTER_RESOURCES)) {
      assert.ok(counterparts.length > 0, sample);
    }
  });

  for (const [sample, counterparts] of Object.entries(SAMPLE_REQUESTER_RESOURCES)) {
    const where = counterparts[0].variant ? ` (${counterparts[0].variant} chat)` : "";
    it(`has a counterpart for ${sample}${where}: ${counterparts.map((c) => c.name).join(", ")}`, () => {
      for (const c of counterparts) plans[c.variant ?? "web"].one(c.type, c.name);
    });
  }

  it("declares no chat resource in web and CLI mode, as the sample declares none without Chatbot", () => {
    const chatCounterparts = Object.values(SAMPLE_REQUESTER_RESOURCES)
      .flat()
      .filter((c) => c.variant);
    for (const c of chatCounterparts) {
      assert.equal(plans.web.ofType(c.type).filter((r) => r.name === c.name).length, 0, c.name);
    }
  });

  describe("where ours differs", () => {
    it("the Slack approver channel acts with the approver role (the sample's uses the requester role)", () => {
      assert.equal(plans.slack.one(SLACK, "chat-approver-channel").inputs.iamRoleArn, CHATBOT_APPROVER_ROLE);
      assert.equal(plans.slack.one(SLACK, "chat-requester-channel").inputs.iamRoleArn, CHATBOT_REQUESTER_ROLE);
    });

    it("the Teams channels act with the same roles as the Slack ones", () => {
      assert.equal(plans.teams.one(TEAMS, "chat-approver-channel").inputs.iamRoleArn, CHATBOT_APPROVER_ROLE);
      assert.equal(plans.teams.one(TEAMS, "chat-requester-channel").inputs.iamRoleArn, CHATBOT_REQUESTER_ROLE);
    });

    it("every document, the change template included, is YAML (the sample's change template is JSON)", () => {
      const documents = plans.web.ofType(DOCUMENT);
      // The template, its runbook, and the end-access document.
      assert.equal(documents.length, 3);
      for (const d of documents) assert.equal(d.inputs.documentFormat, "YAML", d.name);
    });

    it("the request event rules forward each record as it is: no input transformer, no Automation", () => {
      for (const event of ["RequestCreated", "RequestApproved", "RequestRejected", "RequestCancelled"]) {
        const target = plans.web.one(TARGET, `request-notifications-${event}-target`);
        assert.equal(target.inputs.inputTransformer, undefined, event);
        assert.match(String(target.inputs.arn), /:event-bus\/idc-jit-dev-access-requests$/, event);
      }
    });

    it("the service-linked roles stay when the stack is destroyed", () => {
      for (const r of plans.web.ofType("aws:iam/serviceLinkedRole:ServiceLinkedRole")) {
        assert.equal(r.options?.retainOnDelete, true, r.name);
      }
    });
  });
});
