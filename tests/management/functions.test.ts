/**
 * The inline functions as Lambda would run them: the serialized closure CallbackFunction uploads, loaded as a module
 * and invoked with the function's environment, against mocked AWS APIs.
 */
import assert from "node:assert/strict";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { CloudWatchLogsClient, GetQueryResultsCommand, StartQueryCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DescribeAccountCommand, ListParentsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  AutomationExecutionNotFoundException,
  GetAutomationExecutionCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import {
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListPermissionSetsCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type * as pulumi from "@pulumi/pulumi";
import { mockClient } from "aws-sdk-client-mock";
import { type Plan, planManagement } from "../support/plan";

const Module = require("node:module") as {
  new (id: string): { paths: string[]; exports: Record<string, unknown>; _compile(code: string, file: string): void };
  _nodeModulePaths(dir: string): string[];
};

async function archiveOf(plan: Plan, logicalName: string): Promise<Record<string, string>> {
  const fn = plan.one("aws:lambda/function:Function", logicalName);
  const assets = (await (fn.inputs.code as pulumi.asset.AssetArchive).assets) as Record<
    string,
    pulumi.asset.StringAsset
  >;
  return Object.fromEntries(await Promise.all(Object.entries(assets).map(async ([file, a]) => [file, await a.text])));
}

/** Loads the uploaded handler module, resolving packages as the Lambda runtime would from the bundled SDK. */
function loadHandler(code: string): (event: unknown, context: unknown) => Promise<unknown> {
  const file = path.join(__dirname, "__index.js");
  const m = new Module(file);
  m.paths = Module._nodeModulePaths(path.resolve(__dirname, "..", ".."));
  m._compile(code, file);
  return m.exports.handler as (event: unknown, context: unknown) => Promise<unknown>;
}

async function withEnvironment<T>(plan: Plan, logicalName: string, run: () => Promise<T>): Promise<T> {
  const env = (
    plan.one("aws:lambda/function:Function", logicalName).inputs.environment as { variables: Record<string, string> }
  ).variables;
  const saved = { ...process.env };
  Object.assign(process.env, env, {
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
  });
  try {
    return await run();
  } finally {
    process.env = saved;
  }
}

const UPLOADED = [
  "permission-set-sync-function",
  "cloudtrail-summary-function",
  "request-check-function",
  "end-of-grant-function-function",
  "reconciler-function",
  "request-notifier-function",
];

describe("the inline functions as uploaded", () => {
  let plan: Plan;
  before(async () => {
    plan = await planManagement();
  });

  it("every function of the stack is checked below", () => {
    const planned = plan.resources.filter((r) => r.type === "aws:lambda/function:Function").map((r) => r.name);
    assert.deepEqual(planned.sort(), [...UPLOADED].sort());
  });

  for (const name of UPLOADED) {
    it(`${name}: the archive is the serialized handler alone, requiring only Node built-ins and the runtime's AWS SDK`, async () => {
      const files = await archiveOf(plan, name);
      assert.deepEqual(Object.keys(files), ["__index.js"]);
      const code = files["__index.js"];
      // Our own modules serialized by value; a package captured by value (one of megabytes) would break this.
      assert.ok(Buffer.byteLength(code) < 192 * 1024, `${name} is ${Buffer.byteLength(code)} bytes`);
      const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      assert.ok(required.length > 0);
      for (const id of required) {
        const sdk = /^(@aws-sdk\/client-[a-z-]+)(\/dist-cjs\/index\.js)?$/.exec(id);
        assert.ok(builtinModules.includes(id.replace(/^node:/, "")) || sdk, `${name} requires ${id}`);
        if (sdk?.[2]) assert.equal(require(`${sdk[1]}/package.json`).main, "./dist-cjs/index.js");
      }
    });
  }

  it("the permission set sync writes the configured sets' parameters when Lambda invokes it", async () => {
    const sso = mockClient(SSOAdminClient);
    const ssm = mockClient(SSMClient);
    try {
      const instance = "arn:aws:sso:::instance/ssoins-68047a3b2c1d9e0f";
      sso
        .on(ListPermissionSetsCommand)
        .resolves({ PermissionSets: [`${instance.replace("instance", "permissionSet")}/ps-aaaaaaaaaaaaaaaa`] });
      sso.on(DescribePermissionSetCommand).resolves({ PermissionSet: { Name: "ViewOnlyAccess" } });
      ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
      ssm.on(PutParameterCommand).resolves({});
      const handler = loadHandler((await archiveOf(plan, "permission-set-sync-function"))["__index.js"]);
      const warn = console.warn;
      console.warn = () => {};
      const result = await withEnvironment(plan, "permission-set-sync-function", () => handler({}, {})).finally(() => {
        console.warn = warn;
      });
      assert.deepEqual(result, {
        written: ["ViewOnlyAccess"],
        unchanged: [],
        deleted: [],
        missing: ["AWSAdministratorAccess", "AWSPowerUserAccess", "JitVerifyCanary", "NetworkAdministrator"],
      });
      assert.equal(
        ssm.commandCalls(PutParameterCommand)[0].args[0].input.Name,
        "/idc-jit/dev/permission-sets/ViewOnlyAccess",
      );
    } finally {
      sso.restore();
      ssm.restore();
    }
  });

  it("the CloudTrail summary publishes a CloudTrailSummary notification when the workflow invokes it", async () => {
    const logs = mockClient(CloudWatchLogsClient);
    const sns = mockClient(SNSClient);
    const organizations = mockClient(OrganizationsClient);
    try {
      logs.on(StartQueryCommand).resolves({ queryId: "q-1" });
      logs.on(GetQueryResultsCommand).resolves({ status: "Complete", results: [] });
      organizations.on(DescribeAccountCommand).resolves({ Account: { Name: "Production" } });
      sns.on(PublishCommand).resolves({ MessageId: "m-1" });
      const handler = loadHandler((await archiveOf(plan, "cloudtrail-summary-function"))["__index.js"]);
      const event = {
        accountId: "210987654321",
        permissionSet: "AWSReadOnlyAccess",
        userName: "jane.doe@example.com",
        duration: "2",
        executionId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
      };
      await withEnvironment(plan, "cloudtrail-summary-function", () => handler(event, {}));
      const published = sns.commandCalls(PublishCommand)[0].args[0].input;
      assert.equal(published.TopicArn, "arn:aws:sns:eu-west-1:111122223333:idc-jit-dev-notifications");
      assert.equal(published.MessageAttributes?.EventType.StringValue, "CloudTrailSummary");
      assert.match(String(published.Message), /Production/);
    } finally {
      logs.restore();
      sns.restore();
      organizations.restore();
    }
  });
  it("the request check turns away a request whose runbook the requester account does not have, as uploaded", async () => {
    const sts = mockClient(STSClient);
    const ssm = mockClient(SSMClient);
    // The ledger holds nothing for the request; the account sits under the root.
    const dynamodb = mockClient(DynamoDBClient);
    const organizations = mockClient(OrganizationsClient);
    try {
      dynamodb.on(GetItemCommand).resolves({});
      organizations.on(ListParentsCommand).resolves({ Parents: [{ Id: "r-ab12", Type: "ROOT" }] });
      const expiration = new Date("2026-11-25T10:00:00Z");
      sts.on(AssumeRoleCommand).resolves({
        Credentials: { AccessKeyId: "ASIAREADER", SecretAccessKey: "s", SessionToken: "t", Expiration: expiration },
      });
      ssm
        .on(GetAutomationExecutionCommand)
        .rejects(new AutomationExecutionNotFoundException({ message: "not found", $metadata: {} }));
      // Where the check writes its reason for the grant workflow, if it does.
      ssm.on(PutParameterCommand).resolves({});
      const handler = loadHandler((await archiveOf(plan, "request-check-function"))["__index.js"]);
      const runbook = "8c5f7a2e-1b3d-4e6f-9a0b-2c4d6e8f0a1b";
      const event = {
        AccountId: "210987654321",
        PermissionSet: "AWSReadOnlyAccess",
        Duration: "2",
        DurationUnit: "hours",
        Justification: "INC-4711 look at the logs",
        RequestingUser: "alice",
        RequesterExecutionId: runbook,
        GrantExecutionId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
      };
      const answer = await withEnvironment(plan, "request-check-function", () => handler(event, {}));
      assert.match(String(answer), /^Rejected\b/);
      assert.equal(
        ssm.commandCalls(GetAutomationExecutionCommand)[0].args[0].input.AutomationExecutionId,
        runbook,
        "the check read the runbook the event names",
      );
      assert.match(String(sts.commandCalls(AssumeRoleCommand)[0].args[0].input.RoleArn), /:role\/.*request-reader/);
    } finally {
      sts.restore();
      ssm.restore();
      dynamodb.restore();
      organizations.restore();
    }
  });

  it("the request notifier notifies a forwarded approval, reading the change request as the reader role, as uploaded", async () => {
    const sts = mockClient(STSClient);
    const ssm = mockClient(SSMClient);
    const sns = mockClient(SNSClient);
    const organizations = mockClient(OrganizationsClient);
    try {
      sts.on(AssumeRoleCommand).resolves({
        Credentials: { AccessKeyId: "ASIAREADER", SecretAccessKey: "s", SessionToken: "t", Expiration: new Date() },
      });
      const changeRequest = "8c5f7a2e-1b3d-4e6f-9a0b-2c4d6e8f0a1b";
      ssm.on(GetAutomationExecutionCommand).resolves({
        AutomationExecution: {
          AutomationExecutionId: changeRequest,
          DocumentName: "idc-jit-dev-access-request",
          AutomationSubtype: "ChangeRequest",
          OpsItemId: "oi-0123456789ab",
          Runbooks: [
            { DocumentName: "idc-jit-dev-request-access", Parameters: { PermissionSet: ["AWSReadOnlyAccess"] } },
          ],
        },
      });
      organizations.on(DescribeAccountCommand).resolves({ Account: { Name: "workloads" } });
      sns.on(PublishCommand).resolves({ MessageId: "m-1" });
      const handler = loadHandler((await archiveOf(plan, "request-notifier-function"))["__index.js"]);
      const event = {
        source: "aws.ssm",
        "detail-type": "AWS API Call via CloudTrail",
        account: "444455556666",
        detail: {
          eventSource: "ssm.amazonaws.com",
          eventName: "SendAutomationSignal",
          requestParameters: { automationExecutionId: changeRequest, signalType: "Approve" },
        },
      };
      const answer = await withEnvironment(plan, "request-notifier-function", () => handler(event, {}));
      assert.deepEqual(answer, { notified: "RequestApproved", messageId: "m-1" });
      assert.match(String(sts.commandCalls(AssumeRoleCommand)[0].args[0].input.RoleArn), /:role\/.*request-reader/);
      assert.match(String(sns.commandCalls(PublishCommand)[0].args[0].input.TopicArn), /:idc-jit-dev-notifications$/);
    } finally {
      sts.restore();
      ssm.restore();
      sns.restore();
      organizations.restore();
    }
  });
});

describe("the session revoker as uploaded (jit:revokeOpenSessions)", () => {
  const name = "session-revoker-function-function";
  let plan: Plan;
  before(async () => {
    plan = await planManagement({ "jit:revokeOpenSessions": true });
  });

  it("is the serialized handler alone, and writes the deny and provisions when Scheduler invokes it", async () => {
    const files = await archiveOf(plan, name);
    assert.deepEqual(Object.keys(files), ["__index.js"]);
    const sso = mockClient(SSOAdminClient);
    const dynamodb = mockClient(DynamoDBClient);
    try {
      sso.on(GetInlinePolicyForPermissionSetCommand).resolves({ InlinePolicy: "" });
      sso.on(PutInlinePolicyToPermissionSetCommand).resolves({});
      sso
        .on(ProvisionPermissionSetCommand)
        .resolves({ PermissionSetProvisioningStatus: { RequestId: "p-1", Status: "SUCCEEDED" } });
      dynamodb.on(PutItemCommand).resolves({});
      dynamodb.on(DeleteItemCommand).resolves({});
      const handler = loadHandler(files["__index.js"]);
      const event = {
        requestId: "0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        userId: "9a67e2b1c3-0123abcd-4567-89ab-cdef-0123456789ab",
        accountId: "777788889999",
        permissionSetArn: "arn:aws:sso:::permissionSet/ssoins-68047a3b2c1d9e0f/ps-aaaaaaaaaaaaaaaa",
        revokedAt: Math.floor(Date.now() / 1000),
      };
      const context = { getRemainingTimeInMillis: () => 60_000 };
      const log = console.log;
      console.log = () => {};
      await withEnvironment(plan, name, () => handler(event, context)).finally(() => {
        console.log = log;
      });
      const written = JSON.parse(
        String(sso.commandCalls(PutInlinePolicyToPermissionSetCommand)[0].args[0].input.InlinePolicy),
      );
      assert.equal(written.Statement[0].Condition.StringEquals["identitystore:userId"], event.userId);
      assert.equal(sso.commandCalls(ProvisionPermissionSetCommand)[0].args[0].input.TargetId, event.accountId);
      assert.equal(dynamodb.commandCalls(PutItemCommand)[0].args[0].input.TableName, "idc-jit-dev-grant-ledger");
    } finally {
      sso.restore();
      dynamodb.restore();
    }
  });
});
