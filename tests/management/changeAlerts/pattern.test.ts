/**
 * The management account's change alerts (management/changeAlerts/): which CloudTrail events of writes to the
 * solution's resources start the alert, matched by the simulator's EventBridge pattern matcher against the planned
 * rules' patterns, with CloudTrail's record shapes.
 */
import assert from "node:assert/strict";
import { matchesPattern, validatePattern } from "../../../tools/sim/services/eventPattern";
import { sharedManagementPlan as planFor } from "../../support/plan";
import { MANAGEMENT, REGION, roleArn } from "../iam/fixtures";

const DEPLOY_ROLE = roleArn(MANAGEMENT, "ci/jit-management-deploy");
const ADMIN_ROLE = roleArn(MANAGEMENT, "aws-reserved/sso.amazonaws.com/AWSReservedSSO_AWSAdministratorAccess_8ac1");

type Identity = Record<string, unknown>;

const roleSession = (arn: string, session = "someone"): Identity => ({
  type: "AssumedRole",
  arn: `arn:aws:sts::${MANAGEMENT}:assumed-role/${arn.split("/").pop()}/${session}`,
  sessionContext: { sessionIssuer: { type: "Role", arn, accountId: MANAGEMENT, userName: arn.split("/").pop() } },
});
const IAM_USER: Identity = { type: "IAMUser", arn: `arn:aws:iam::${MANAGEMENT}:user/ops`, userName: "ops" };
const ROOT: Identity = { type: "Root", arn: `arn:aws:iam::${MANAGEMENT}:root` };
const SCHEDULER: Identity = { type: "AWSService", invokedBy: "scheduler.amazonaws.com" };

function cloudTrailEvent(source: string, eventName: string, requestParameters: object, who: Identity) {
  return {
    source: `aws.${source}`,
    "detail-type": "AWS API Call via CloudTrail",
    account: MANAGEMENT,
    region: REGION,
    detail: {
      eventSource: `${source}.amazonaws.com`,
      eventName,
      userIdentity: who,
      requestParameters,
      eventID: "0b5f5c4a-1111-4222-8333-944445555666",
    },
  };
}

const WATCHES = ["definitions", "wiring", "state"];
const RULE = "aws:cloudwatch/eventRule:EventRule";

async function patterns(overrides: Record<string, unknown> = {}) {
  const plan = await planFor({ "jit:guardrails": { managementDeployRoleArn: DEPLOY_ROLE }, ...overrides });
  const base = `${overrides["jit:namePrefix"] ?? "idc-jit"}-${overrides["jit:environment"] ?? "dev"}`;
  const rule = (name: string) => JSON.parse(String(plan.byPhysicalName(RULE, `${base}-${name}`).inputs.eventPattern));
  const home = WATCHES.map((watch) => rule(`change-alert-${watch}`));
  return {
    plan,
    home,
    /** Whether some rule of the stack's Region starts the alert for `event`. */
    alerts: (event: unknown) => home.some((pattern) => matchesPattern(pattern, event)),
    forward: rule("change-alert-forward"),
  };
}

/** A write to each kind of resource the solution keeps in the management account. */
const SOLUTION_WRITES: [string, string, object][] = [
  ["ssm", "UpdateDocument", { name: "idc-jit-dev-grant-access", content: "..." }],
  ["ssm", "UpdateDocumentDefaultVersion", { name: "idc-jit-dev-end-access", documentVersion: "7" }],
  ["ssm", "PutParameter", { name: "/idc-jit/dev/permission-sets/ViewOnlyAccess", overwrite: true }],
  ["ssm", "DeleteParameters", { names: ["/idc-jit/dev/check-reasons/x"] }],
  ["lambda", "UpdateFunctionCode20150331v2", { functionName: "idc-jit-dev-request-check" }],
  [
    "lambda",
    "UpdateFunctionConfiguration20150331v2",
    { functionName: `arn:aws:lambda:${REGION}:${MANAGEMENT}:function:idc-jit-dev-end-access` },
  ],
  ["events", "DisableRule", { name: "idc-jit-dev-start-grant", eventBusName: "idc-jit-dev-access-requests" }],
  ["events", "RemoveTargets", { rule: "idc-jit-dev-change-alert", ids: ["1"] }],
  ["scheduler", "DeleteSchedule", { name: "grant-0123", groupName: "idc-jit-dev-grants" }],
  ["scheduler", "DeleteScheduleGroup", { name: "idc-jit-dev-grants" }],
  // Scheduler's members as its API spells them: AWS shows no sample record, so both spellings alert.
  ["scheduler", "UpdateSchedule", { Name: "grant-0123", GroupName: "idc-jit-dev-grants" }],
  ["events", "UpdateEventBus", { name: "idc-jit-dev-access-requests" }],
  ["dynamodb", "UpdateTable", { tableName: "idc-jit-dev-grant-ledger", deletionProtectionEnabled: false }],
  ["dynamodb", "DeleteTable", { tableName: `arn:aws:dynamodb:${REGION}:${MANAGEMENT}:table/idc-jit-dev-grant-ledger` }],
  ["lambda", "UpdateFunctionCode20150331v2", { functionName: `${MANAGEMENT}:function:idc-jit-dev-reconciler` }],
  [
    "events",
    "PutRule",
    {
      name: "forward-all",
      eventBusName: `arn:aws:events:${REGION}:${MANAGEMENT}:event-bus/idc-jit-dev-access-requests`,
    },
  ],
  [
    "sns",
    "SetTopicAttributes",
    { topicArn: `arn:aws:sns:${REGION}:${MANAGEMENT}:idc-jit-dev-notifications`, attributeName: "Policy" },
  ],
  [
    "sns",
    "Unsubscribe",
    { subscriptionArn: `arn:aws:sns:${REGION}:${MANAGEMENT}:idc-jit-dev-delivery-alarms:0b5f5c4a` },
  ],
  ["monitoring", "DisableAlarmActions", { alarmNames: ["idc-jit-dev-notifications-failed"] }],
  [
    "sqs",
    "SetQueueAttributes",
    { queueUrl: `https://sqs.${REGION}.amazonaws.com/${MANAGEMENT}/idc-jit-dev-end-dead-letters` },
  ],
];

const ROLE_WRITE = cloudTrailEvent(
  "iam",
  "PutRolePolicy",
  { roleName: "idc-jit-dev-grant-workflow", policyName: "x" },
  roleSession(ADMIN_ROLE),
);

describe("Change alerts in the management account", () => {
  it("are valid EventBridge patterns within the default quota of 2,048 characters, with the longest name prefix", async () => {
    const longest = { "jit:namePrefix": "p".repeat(16), "jit:environment": "e".repeat(10) };
    for (const { home, forward } of [await patterns(), await patterns(longest)]) {
      for (const pattern of [...home, forward]) {
        validatePattern(pattern);
        assert.ok(JSON.stringify(pattern).length <= 2048, `${JSON.stringify(pattern).length} characters`);
      }
    }
  });

  for (const [source, api, parameters] of SOLUTION_WRITES) {
    it(`alert on ${source} ${api} by an administrator, an IAM user or the root user, never by the deployer`, async () => {
      const { alerts } = await patterns();
      for (const who of [roleSession(ADMIN_ROLE), IAM_USER, ROOT, { arn: "arn:aws:iam::111122223333:root" }]) {
        assert.ok(alerts(cloudTrailEvent(source, api, parameters, who)), JSON.stringify(who));
      }
      assert.ok(!alerts(cloudTrailEvent(source, api, parameters, roleSession(DEPLOY_ROLE))));
    });
  }

  it("leave out the parameters and schedules the solution's own roles write, and AWS services acting on their own", async () => {
    const { alerts } = await patterns();
    const ownRole = roleSession(roleArn(MANAGEMENT, "idc-jit-dev-permission-set-sync"));
    const put = { name: "/idc-jit/dev/permission-sets/ViewOnlyAccess" };
    assert.ok(!alerts(cloudTrailEvent("ssm", "PutParameter", put, ownRole)));
    const done = { name: "grant-0123", groupName: "idc-jit-dev-grants" };
    assert.ok(!alerts(cloudTrailEvent("scheduler", "DeleteSchedule", done, SCHEDULER)));
    assert.ok(
      !alerts(
        cloudTrailEvent(
          "scheduler",
          "DeleteSchedule",
          done,
          roleSession(roleArn(MANAGEMENT, "idc-jit-dev-end-access")),
        ),
      ),
    );
  });

  it("alert on the solution's own roles writing anything else, and on a function given one of them", async () => {
    const { alerts } = await patterns();
    const ownRole = roleSession(roleArn(MANAGEMENT, "idc-jit-dev-permission-set-sync"));
    const code = { functionName: "idc-jit-dev-request-check" };
    assert.ok(alerts(cloudTrailEvent("lambda", "UpdateFunctionCode20150331v2", code, ownRole)));
    const borrowed = { functionName: "helper", role: roleArn(MANAGEMENT, "idc-jit-dev-permission-set-sync") };
    assert.ok(alerts(cloudTrailEvent("lambda", "CreateFunction20150331", borrowed, roleSession(ADMIN_ROLE))));
    assert.ok(
      !alerts(
        cloudTrailEvent("lambda", "CreateFunction20150331", { ...borrowed, role: ADMIN_ROLE }, roleSession(ADMIN_ROLE)),
      ),
    );
  });

  it("never alert on an event put on the bus by a caller, whatever it claims to be", async () => {
    const { alerts } = await patterns();
    const [source, api, parameters] = SOLUTION_WRITES[0];
    const forged = { ...cloudTrailEvent(source, api, parameters, roleSession(ADMIN_ROLE)), source: "forger" };
    assert.ok(!alerts(forged));
  });

  it("alert on a record whose identity lacks the fields the exemptions read", async () => {
    const { alerts } = await patterns();
    const [source, api, parameters] = SOLUTION_WRITES[0];
    assert.ok(
      alerts(
        cloudTrailEvent(source, api, parameters, {
          type: "AssumedRole",
          arn: "arn:aws:sts::111122223333:assumed-role/x/y",
        }),
      ),
    );
  });

  it("leave out other resources and read-only calls", async () => {
    const { alerts } = await patterns();
    const admin = roleSession(ADMIN_ROLE);
    assert.ok(!alerts(cloudTrailEvent("ssm", "UpdateDocument", { name: "team-runbook" }, admin)));
    assert.ok(!alerts(cloudTrailEvent("ssm", "PutParameter", { name: "/idc-jit/prod/x" }, admin)));
    assert.ok(!alerts(cloudTrailEvent("ssm", "GetDocument", { name: "idc-jit-dev-grant-access" }, admin)));
    const other = { functionName: "idc-jit-dev2-request-check" };
    assert.ok(!alerts(cloudTrailEvent("lambda", "UpdateFunctionCode20150331v2", other, admin)));
  });

  it("alert on the deployer's changes too when no deploying role is configured", async () => {
    const { alerts } = await patterns({ "jit:guardrails": undefined });
    for (const [source, api, parameters] of SOLUTION_WRITES) {
      assert.ok(alerts(cloudTrailEvent(source, api, parameters, roleSession(DEPLOY_ROLE))), api);
    }
  });

  it("hear IAM's changes to the solution's roles in US East (N. Virginia) and forward them to the stack's Region", async () => {
    const { plan, alerts, forward } = await patterns();
    assert.ok(matchesPattern(forward, ROLE_WRITE));
    assert.ok(alerts(ROLE_WRITE), "the forwarded event starts the alert");
    assert.ok(!matchesPattern(forward, cloudTrailEvent(...SOLUTION_WRITES[0], roleSession(ADMIN_ROLE))));
    const rule = plan.byPhysicalName(RULE, "idc-jit-dev-change-alert-forward");
    assert.equal(rule.inputs.region, "us-east-1");
    const [target] = plan
      .ofType("aws:cloudwatch/eventTarget:EventTarget")
      .filter((t) => t.inputs.rule === "idc-jit-dev-change-alert-forward");
    assert.equal(target.inputs.region, "us-east-1");
    assert.equal(target.inputs.arn, `arn:aws:events:${REGION}:${MANAGEMENT}:event-bus/default`);
  });

  it("need no forwarding when the stack is in US East (N. Virginia)", async () => {
    const plan = await planFor({ "aws:region": "us-east-1" });
    const forwards = plan.ofType(RULE).filter((r) => r.inputs.name === "idc-jit-dev-change-alert-forward");
    assert.equal(forwards.length, 0);
  });
});
