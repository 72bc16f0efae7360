/**
 * Every resource of the AWS sample's management template (seed/IAM-Identity-Center-JIT-access-with-SSM-Management-
 * Account.yaml, 26 resources) and its counterpart here, checked against the plan of the example stack.
 */
import assert from "node:assert/strict";
import { type Plan, planManagement } from "../support/plan";

interface Counterpart {
  type: string;
  name: string;
  /** Why the counterpart differs from the sample's resource, where it does. */
  note?: string;
}

const SAMPLE_MANAGEMENT_RESOURCES: Record<string, Counterpart[]> = {
  JITAccessEventBus: [{ type: "aws:cloudwatch/eventBus:EventBus", name: "request-bus-bus" }],
  JITAccessEventBusPolicy: [
    {
      type: "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
      name: "request-bus-policy",
      note: "admits the requester roles by aws:PrincipalArn, so it needs no second pass",
    },
  ],
  JITAccessEventRule: [
    { type: "aws:cloudwatch/eventRule:EventRule", name: "grant-workflow-rule" },
    { type: "aws:cloudwatch/eventTarget:EventTarget", name: "grant-workflow-rule-target" },
  ],
  JITAccessEventRole: [{ type: "aws:iam/role:Role", name: "grant-workflow-rule-role" }],
  JITAccessExecutionDocument: [{ type: "aws:ssm/document:Document", name: "grant-workflow-document" }],
  SystemsManagerExecutionRole: [{ type: "aws:iam/role:Role", name: "grant-workflow-role" }],
  PermissionSetRequestAWSAccountAccess: [
    { type: "aws:ssoadmin/permissionSet:PermissionSet", name: "permission-sets-request" },
    {
      type: "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
      name: "permission-sets-request-policy",
    },
  ],
  PermissionSetRequestAccountAccessNoApproval: [
    { type: "aws:ssoadmin/permissionSet:PermissionSet", name: "permission-sets-request-no-approval" },
    {
      type: "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
      name: "permission-sets-request-no-approval-policy",
    },
  ],
  PermissionSetApproveAWSAccountAccess: [
    { type: "aws:ssoadmin/permissionSet:PermissionSet", name: "permission-sets-approve" },
    {
      type: "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
      name: "permission-sets-approve-policy",
    },
  ],
  // The sample let the requester account's notification document name accounts; the request notifier runs in the
  // management account, which reads Organizations itself.
  OrganizationsResourcePolicy: [],
  PermissionSetNameToArnLambdaRole: [{ type: "aws:iam/role:Role", name: "permission-set-sync-role" }],
  PermissionSetNameToArnLambdaLogGroup: [
    { type: "aws:cloudwatch/logGroup:LogGroup", name: "permission-set-sync-logs" },
  ],
  PermissionSetNameToArnLambdaFunction: [
    {
      type: "aws:lambda/function:Function",
      name: "permission-set-sync-function",
      note: "TypeScript CallbackFunction; also deletes parameters of sets that are gone",
    },
  ],
  PermissionSetNameToArnLambdaPermission: [
    { type: "aws:lambda/permission:Permission", name: "permission-set-sync-schedule-permission" },
  ],
  PermissionSetNameToArnLambdaSchedule: [
    { type: "aws:cloudwatch/eventRule:EventRule", name: "permission-set-sync-schedule" },
    { type: "aws:cloudwatch/eventTarget:EventTarget", name: "permission-set-sync-schedule-target" },
  ],
  GetCloudTrailLogsRole: [{ type: "aws:iam/role:Role", name: "cloudtrail-summary-role" }],
  GetCloudTrailLogsLambda: [{ type: "aws:lambda/function:Function", name: "cloudtrail-summary-function" }],
  GetCloudTrailLambdaLogGroup: [{ type: "aws:cloudwatch/logGroup:LogGroup", name: "cloudtrail-summary-logs" }],
  NotificationTopic: [{ type: "aws:sns/topic:Topic", name: "notifications-topic" }],
  // Every publisher is in the management account now (the request notifier included): SNS's default policy suffices.
  NotificationTopicPolicy: [],
  // The sample's five fixed email slots are a list of any length: one subscription per subscriber.
  NotificationTopicSubscription01: [
    { type: "aws:sns/topicSubscription:TopicSubscription", name: "notifications-cloud-security@example.com" },
  ],
  NotificationTopicSubscription02: [
    { type: "aws:sns/topicSubscription:TopicSubscription", name: "notifications-jit-approvers@example.com" },
  ],
  NotificationTopicSubscription03: [
    {
      type: "aws:sns/topicSubscription:TopicSubscription",
      name: "notifications-jit-requests-channel@example.slack.com",
    },
  ],
  NotificationTopicSubscription04: [],
  NotificationTopicSubscription05: [],
  InvalidParametersEventRule: [
    { type: "aws:cloudwatch/eventRule:EventRule", name: "invalid-request-alert-rule" },
    {
      type: "aws:ssm/document:Document",
      name: "invalid-request-alert-document",
      note: "an EventBridge SNS target cannot set the EventType attribute every filtered subscription requires, so the sample's alert reached nobody; a one-step document publishes it as Error",
    },
  ],
};

describe("parity with the sample's management template", () => {
  let plan: Plan;
  before(async () => {
    plan = await planManagement();
  });

  it("accounts for all 26 of the sample's resources", () => {
    assert.equal(Object.keys(SAMPLE_MANAGEMENT_RESOURCES).length, 26);
  });

  for (const [sample, counterparts] of Object.entries(SAMPLE_MANAGEMENT_RESOURCES)) {
    if (counterparts.length === 0) continue;
    it(`has a counterpart for ${sample}: ${counterparts.map((c) => c.name).join(", ")}`, () => {
      for (const c of counterparts) plan.one(c.type, c.name);
    });
  }

  it("declares one subscription per configured subscriber, however many there are", async () => {
    const emails = Array.from({ length: 7 }, (_, i) => ({ email: `subscriber${i}@example.com` }));
    const many = await planManagement({ "jit:notifications": emails });
    const notifications = many
      .ofType("aws:sns/topicSubscription:TopicSubscription")
      .filter((s) => String(s.inputs.topic).endsWith(":idc-jit-dev-notifications"));
    assert.equal(notifications.length, 7);
  });
});
