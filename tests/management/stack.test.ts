import assert from "node:assert/strict";
import { type DocumentContent, type Plan, planManagement, type StepContent } from "../support/plan";
import { grantsInMinutes } from "../support/variants";

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
    it("is named for the environment and admits only the requester's two sending roles", () => {
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
        `arn:aws:ssm:eu-west-1:${MANAGEMENT}:automation-definition/idc-jit-dev-grant-access:$LATEST`,
      );
      assert.deepEqual(target.inputs.inputTransformer, {
        inputPaths: {
          AccountId: "$.detail.AccountId",
          PermissionSet: "$.detail.PermissionSet",
          Duration: "$.detail.Duration",
          RequestingUser: "$.detail.RequestingUser",
          Justification: "$.detail.Justification",
          RequesterExecutionId: "$.detail.RequesterExecutionId",
        },
        inputTemplate:
          '{"AccountId":[<AccountId>],"PermissionSet":[<PermissionSet>],"Duration":[<Duration>],"RequestingUser":[<RequestingUser>],"Justification":[<Justification>],"RequesterExecutionId":[<RequesterExecutionId>]}',
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
        "RequestingUser",
        "Justification",
        "RequesterExecutionId",
      ]);
      // Each ends with $ then a lookahead that nothing follows (shared/patterns.ts, END_OF_INPUT).
      assert.equal(p.AccountId.allowedPattern, "^\\d{12}$(?![\\s\\S])");
      assert.deepEqual(p.PermissionSet.allowedValues, [
        "AWSAdministratorAccess",
        "AWSPowerUserAccess",
        "AWSReadOnlyAccess",
        "JitVerifyCanary",
        "NetworkAdministrator",
      ]);
      assert.equal(p.Duration.allowedPattern, "^([1-9]|1[0-1]|12)$(?![\\s\\S])");
      assert.equal(p.RequestingUser.allowedPattern, "^[a-zA-Z0-9._@+~-]{3,128}$(?![\\s\\S])");
      assert.equal(p.RequesterExecutionId.allowedPattern, "^[a-zA-Z0-9-]{36}$(?![\\s\\S])");
    });

    it("creates the jit verify canary (jit:verify) with no permissions at all, and lets the workflow assign it", () => {
      const canary = plan.one("aws:ssoadmin/permissionSet:PermissionSet", "verify-canary");
      assert.equal(canary.inputs.name, "JitVerifyCanary");
      assert.equal(canary.inputs.sessionDuration, "PT1H");
      const attached = [
        ...plan.ofType("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"),
        ...plan.ofType("aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment"),
        ...plan.ofType("aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment"),
        ...plan.ofType("aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment"),
      ].filter((r) => r.inputs.permissionSetArn === canary.state?.arn);
      assert.deepEqual(attached, [], "nothing is attached to the canary");
      assert.equal(plan.outputs.verifyPermissionSet, "JitVerifyCanary");
    });

    it("checks the request, resolves, notifies, grants and waits, sleeps, then revokes and waits, in that order", () => {
      assert.deepEqual(stepNames(doc).slice(0, 20), [
        "Check_Request",
        "Is_Request_Eligible",
        "Describe_Identity_Center_Instance",
        "Resolve_User",
        "Resolve_Permission_Set",
        "Describe_Account",
        "Notify_Access_Being_Assigned",
        "Create_Account_Assignment",
        "Wait_For_Assignment",
        "Verify_Assignment",
        "Send_Granted_Feedback",
        "Notify_Access_Granted",
        "Wait_For_Duration",
        "Revoke_Account_Assignment",
        "Wait_For_Revocation",
        "Verify_Revocation",
        "Send_Revoked_Feedback",
        "Notify_Access_Revoked",
        "Wait_For_Session_Expiry",
        "Send_CloudTrail_Summary",
      ]);
    });

    it("first asks the request check about every field of the request, and goes on only when it answers Eligible", () => {
      // The answer is one word, as JSON text or bare; a refusal's reason is read from Parameter Store; anything that
      // is not the check's answer fails the request.
      assert.deepEqual(step(doc, "Check_Request").inputs, {
        FunctionName: "idc-jit-dev-request-check",
        InvocationType: "RequestResponse",
        LogType: "None",
        InputPayload: {
          AccountId: "{{ AccountId }}",
          PermissionSet: "{{ PermissionSet }}",
          Duration: "{{ Duration }}",
          RequestingUser: "{{ RequestingUser }}",
          Justification: "{{ Justification }}",
          RequesterExecutionId: "{{ RequesterExecutionId }}",
          GrantExecutionId: "{{ automation:EXECUTION_ID }}",
        },
      });
      const answered = (...tokens: string[]) =>
        tokens.flatMap((t) =>
          [t, `"${t}"`].map((StringEquals) => ({ StringEquals, Variable: "{{ Check_Request.Payload }}" })),
        );
      assert.deepEqual(step(doc, "Is_Request_Eligible").inputs, {
        Choices: [
          { NextStep: "Describe_Identity_Center_Instance", Or: answered("Eligible") },
          { NextStep: "Read_Check_Reason", Or: answered("Rejected", "Ignored") },
        ],
        Default: "Notify_Request_Failed",
      });
      assert.deepEqual(step(doc, "Read_Check_Reason").inputs, {
        Service: "ssm",
        Api: "GetParameter",
        Name: "/idc-jit/dev/check-reasons/{{ automation:EXECUTION_ID }}",
      });
    });

    it("looks the user up by user name with GetUserId in the instance's identity store", () => {
      assert.deepEqual(step(doc, "Resolve_User").inputs, {
        Service: "identitystore",
        Api: "GetUserId",
        IdentityStoreId: "{{ Describe_Identity_Center_Instance.IdentityStoreId }}",
        AlternateIdentifier: { UniqueAttribute: { AttributePath: "userName", AttributeValue: "{{ RequestingUser }}" } },
      });
    });

    it("refuses to grant when the AccessBeingAssigned notification cannot be sent", () => {
      const notify = step(doc, "Notify_Access_Being_Assigned");
      assert.equal(notify.onFailure, "step:Notify_Request_Failed");
      assert.deepEqual(notify.inputs.MessageAttributes, {
        EventType: { DataType: "String", StringValue: "AccessBeingAssigned" },
      });
    });

    it("grants with CreateAccountAssignment and waits for Identity Center to report SUCCEEDED", () => {
      assert.deepEqual(step(doc, "Create_Account_Assignment").inputs, {
        Service: "sso-admin",
        Api: "CreateAccountAssignment",
        InstanceArn: "arn:aws:sso:::instance/ssoins-68047a3b2c1d9e0f",
        TargetType: "AWS_ACCOUNT",
        TargetId: "{{ AccountId }}",
        PrincipalType: "USER",
        PermissionSetArn: "{{ Resolve_Permission_Set.PermissionSetArn }}",
        PrincipalId: "{{ Resolve_User.UserId }}",
      });
      const wait = step(doc, "Wait_For_Assignment");
      assert.equal(wait.action, "aws:waitForAwsResourceProperty");
      assert.equal(wait.inputs.AccountAssignmentCreationRequestId, "{{ Create_Account_Assignment.RequestId }}");
      assert.deepEqual(wait.inputs.DesiredValues, ["SUCCEEDED", "FAILED"]);
      assert.deepEqual(step(doc, "Verify_Assignment").inputs.DesiredValues, ["SUCCEEDED"]);
    });

    it("sleeps for the approved duration in hours, and revokes early on failure or cancellation", () => {
      const sleep = step(doc, "Wait_For_Duration");
      assert.deepEqual(sleep.inputs, { Duration: "PT{{ Duration }}H" });
      // The cleanup asks for the removal first, then reports and tells the requester, then waits for the deletion.
      assert.equal(sleep.onFailure, "step:Cleanup_Revoke");
      assert.equal(sleep.onCancel, "step:Cleanup_Revoke");
      const cleanup = doc.mainSteps.slice(doc.mainSteps.findIndex((s) => s.name === "Cleanup_Revoke"));
      assert.deepEqual(
        cleanup.slice(0, 4).map((s) => s.name),
        ["Cleanup_Revoke", "Notify_Grant_Interrupted", "Send_Interrupted_Feedback", "Cleanup_Wait_For_Revocation"],
      );
    });

    it("reads the permission set ARN from the sync function's parameters", () => {
      assert.equal(step(doc, "Resolve_Permission_Set").inputs.Name, "/idc-jit/dev/permission-sets/{{ PermissionSet }}");
    });

    it("tells the requester's waiting runbook through its feedback bus", () => {
      const feedback = step(doc, "Send_Granted_Feedback").inputs.Entries as Record<string, string>[];
      assert.equal(
        feedback[0].EventBusName,
        `arn:aws:events:eu-west-1:${REQUESTER}:event-bus/idc-jit-dev-access-feedback`,
      );
      assert.equal(feedback[0].Source, "identity-center-jit.management");
      assert.deepEqual(JSON.parse(feedback[0].Detail), {
        executionId: "{{ RequesterExecutionId }}",
        signal: "Approve",
        comment: "Access granted",
      });
    });

    it("waits the configured seconds after the revocation, then starts the CloudTrail summary without waiting for it", () => {
      assert.deepEqual(step(doc, "Wait_For_Session_Expiry").inputs, { Duration: "PT3600S" });
      const summary = step(doc, "Send_CloudTrail_Summary");
      assert.equal(summary.inputs.FunctionName, "idc-jit-dev-cloudtrail-summary");
      assert.equal(summary.inputs.InvocationType, "Event");
      assert.deepEqual(summary.inputs.InputPayload, {
        accountId: "{{ AccountId }}",
        permissionSet: "{{ PermissionSet }}",
        userName: "{{ RequestingUser }}",
        duration: "{{ Duration }}",
        executionId: "{{ automation:EXECUTION_ID }}",
      });
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
            '["AWSAdministratorAccess","AWSPowerUserAccess","AWSReadOnlyAccess","JitVerifyCanary","NetworkAdministrator"]',
        },
      });
      const summary = plan.one("aws:lambda/function:Function", "cloudtrail-summary-function");
      assert.deepEqual(summary.inputs.environment, {
        variables: {
          LOG_GROUP_NAME: "aws-controltower/CloudTrailLogs",
          TOPIC_ARN: `arn:aws:sns:eu-west-1:${MANAGEMENT}:idc-jit-dev-notifications`,
          WAIT_SECONDS: "3600",
          DURATION_UNIT: "hours",
        },
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

  it("keeps the Organizations resource policy when the stack is destroyed", () => {
    const policy = plan.one("aws:organizations/resourcePolicy:ResourcePolicy", "organizations-access-policy");
    assert.deepEqual(policy.options, { retainOnDelete: true });
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
      invalidRequestAlertDocumentName: "idc-jit-dev-invalid-request-alert",
      requestablePermissionSets: [
        "AWSAdministratorAccess",
        "AWSPowerUserAccess",
        "AWSReadOnlyAccess",
        "JitVerifyCanary",
        "NetworkAdministrator",
      ],
      maxDuration: 12,
      durationUnit: "hours",
      mostApprovals: 1,
      chatbotUserRoles: false,
      permissionSets: {
        request: "RequestAWSAccountAccess",
        requestNoApproval: "RequestAccountAccessNoApproval",
        approve: "ApproveAWSAccountAccess",
      },
      verifyPermissionSet: "JitVerifyCanary",
      organizationsPolicy: plan.jsonInput(
        plan.one("aws:organizations/resourcePolicy:ResourcePolicy", "organizations-access-policy"),
        "content",
      ),
    });
  });
});

describe("the management stack, in other config variants", () => {
  it("without the CloudTrail summary: no function, and the workflow ends at the AccessRevoked notification", async () => {
    const plan = await planManagement({ "jit:cloudTrailSummary": { enabled: false } });
    assert.deepEqual(
      plan
        .ofType("aws:lambda/function:Function")
        .map((f) => f.inputs.name)
        .sort(),
      ["idc-jit-dev-permission-set-sync", "idc-jit-dev-request-check"],
    );
    const doc = plan.document("idc-jit-dev-grant-access");
    assert.ok(!stepNames(doc).includes("Send_CloudTrail_Summary"));
    assert.equal(step(doc, "Notify_Access_Revoked").nextStep, "End");
    assert.equal(step(doc, "Notify_Access_Revoked").onFailure, "step:End");
    const workflow = plan.role("idc-jit-dev-grant-workflow").policy;
    assert.ok(!JSON.stringify(workflow).includes("cloudtrail-summary"), "no invoke of a summary function");
  });

  it("with the summary and no wait: no sleep before the summary", async () => {
    const plan = await planManagement({ "jit:cloudTrailSummary": { enabled: true, waitSeconds: 0 } });
    const names = stepNames(plan.document("idc-jit-dev-grant-access"));
    assert.ok(!names.includes("Wait_For_Session_Expiry"));
    assert.equal(names[names.indexOf("Notify_Access_Revoked") + 1], "Send_CloudTrail_Summary");
  });

  it("in minutes, for trying the revocation out: the sleep and the duration pattern follow the unit", async () => {
    const plan = await planManagement(grantsInMinutes("90m"));
    const doc = plan.document("idc-jit-dev-grant-access");
    assert.deepEqual(step(doc, "Wait_For_Duration").inputs, { Duration: "PT{{ Duration }}M" });
    const pattern = new RegExp(String(doc.parameters?.Duration.allowedPattern));
    assert.ok(pattern.test("90") && pattern.test("1") && !pattern.test("91") && !pattern.test("0"));
  });

  it("without the Organizations policy: none is created, and the statement to merge by hand is an output", async () => {
    const plan = await planManagement({ "jit:organizationsResourcePolicy": false });
    assert.equal(plan.ofType("aws:organizations/resourcePolicy:ResourcePolicy").length, 0);
    assert.deepEqual((plan.outputs.organizationsPolicy as { Statement: { Action: string[] }[] }).Statement[0].Action, [
      "organizations:DescribeAccount",
    ]);
  });

  it("without subscribers: the topic has no subscriptions", async () => {
    const plan = await planManagement({ "jit:notifications": [] });
    assert.equal(plan.ofType("aws:sns/topicSubscription:TopicSubscription").length, 0);
  });

  it("in GovCloud: every ARN carries the aws-us-gov partition and console links the GovCloud console", async () => {
    const plan = await planManagement({
      "aws:region": "us-gov-west-1",
      "jit:identityCenterInstanceArn": "arn:aws-us-gov:sso:::instance/ssoins-68047a3b2c1d9e0f",
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
    assert.equal(step(doc, "Resolve_Permission_Set").inputs.Name, "/acme-jit/prod/permission-sets/{{ PermissionSet }}");
  });
});
