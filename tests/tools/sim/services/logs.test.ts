/**
 * The CloudWatch Logs fake answering the CloudTrail summary's Logs Insights query over CloudTrail records shaped as
 * the CloudTrail User Guide's record contents describe them: only the grant's user, account, permission set, time
 * window, write calls and successful calls count. The query text comes from the handler itself (summaryQuery).
 */
import assert from "node:assert/strict";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import type { SNSClient } from "@aws-sdk/client-sns";
import {
  parseSummaryEvent,
  type SummarySettings,
  sendCloudTrailSummary,
  summaryQuery,
  summaryWindow,
} from "../../../../functions/cloudTrailSummary";
import { type ApiInput, AwsError, type Caller, type ServiceFake } from "../../../../tools/sim/aws";
import { START_TIME, VirtualClock } from "../../../../tools/sim/clock";
import { Ids } from "../../../../tools/sim/ids";
import { type LogRecord, LogsFake } from "../../../../tools/sim/services/logs";
import { OrganizationsFake } from "../../../../tools/sim/services/organizations";
import { CLOUDTRAIL_LOG_GROUP, MANAGEMENT, REGION, REQUESTER, roleArn, TOPIC } from "../../../management/iam/fixtures";
import { awsError } from "../support/aws";

const WORKLOAD = "777788889999";
const SUMMARY_ROLE: Caller = {
  account: MANAGEMENT,
  region: REGION,
  roleArn: roleArn(MANAGEMENT, "idc-jit-dev-cloudtrail-summary"),
  sessionName: "idc-jit-dev-cloudtrail-summary",
};
const EVENT = parseSummaryEvent({
  accountId: WORKLOAD,
  permissionSet: "AWSAdministratorAccess",
  userName: "alice",
  duration: "2",
  executionId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
});
const SETTINGS: SummarySettings = {
  logGroupName: CLOUDTRAIL_LOG_GROUP,
  topicArn: TOPIC,
  waitSeconds: 3600,
  durationUnit: "hours",
  pollIntervalMs: 3000,
  queryTimeoutMs: 600_000,
};
/** The summary runs after the grant (2 h), the wait for open sessions (1 h) and a little more. */
const NOW = START_TIME + 3 * 3600_000 + 60_000;
const WINDOW = summaryWindow(EVENT, SETTINGS, NOW);

interface Call {
  at: number;
  user?: string;
  account?: string;
  permissionSet?: string;
  eventSource?: string;
  eventName?: string;
  readOnly?: boolean;
  errorCode?: string;
  sourceIPAddress?: string;
}

/** A CloudTrail record of a call made through an Identity Center permission set's role. */
function trailRecord(c: Call): LogRecord {
  const account = c.account ?? WORKLOAD;
  const user = c.user ?? "alice";
  const role = `AWSReservedSSO_${c.permissionSet ?? "AWSAdministratorAccess"}_0123456789abcdef`;
  const record = {
    eventVersion: "1.09",
    userIdentity: {
      type: "AssumedRole",
      principalId: `AROAEXAMPLEID0123456:${user}`,
      arn: `arn:aws:sts::${account}:assumed-role/${role}/${user}`,
      accountId: account,
      sessionContext: { sessionIssuer: { type: "Role", arn: `arn:aws:iam::${account}:role/aws-reserved/${role}` } },
    },
    eventTime: new Date(c.at).toISOString().replace(/\.\d+Z$/, "Z"),
    eventSource: c.eventSource ?? "s3.amazonaws.com",
    eventName: c.eventName ?? "CreateBucket",
    awsRegion: REGION,
    sourceIPAddress: c.sourceIPAddress ?? "198.51.100.7",
    readOnly: c.readOnly ?? false,
    ...(c.errorCode && { errorCode: c.errorCode, errorMessage: "denied" }),
    eventType: "AwsApiCall",
    recipientAccountId: account,
  };
  return { timestamp: c.at, message: JSON.stringify(record) };
}

const inWindow = (minutes: number) => WINDOW.startTime * 1000 + minutes * 60_000;

/** Records that count, and records that each fail one clause of the query. */
const RECORDS: LogRecord[] = [
  trailRecord({ at: inWindow(10) }),
  trailRecord({ at: inWindow(20) }),
  trailRecord({ at: inWindow(30), eventSource: "ec2.amazonaws.com", eventName: "RunInstances" }),
  trailRecord({ at: WINDOW.startTime * 1000, eventSource: "iam.amazonaws.com", eventName: "CreateRole" }),
  trailRecord({ at: WINDOW.startTime * 1000 - 1, eventName: "DeleteBucket" }),
  trailRecord({ at: WINDOW.endTime * 1000 + 1000, eventName: "DeleteBucket" }),
  trailRecord({ at: inWindow(40), user: "bob", eventName: "DeleteBucket" }),
  trailRecord({ at: inWindow(40), user: "alice2", eventName: "DeleteBucket" }),
  trailRecord({ at: inWindow(40), account: REQUESTER, eventName: "DeleteBucket" }),
  trailRecord({ at: inWindow(40), permissionSet: "AWSAdministratorAccess_Extra", eventName: "DeleteBucket" }),
  trailRecord({ at: inWindow(40), readOnly: true, eventName: "ListBuckets" }),
  trailRecord({ at: inWindow(40), errorCode: "AccessDenied", eventName: "DeleteBucket" }),
  { timestamp: inWindow(40), message: "not a CloudTrail record" },
];

function setUp() {
  const clock = new VirtualClock(NOW);
  const logs = new LogsFake(clock, new Ids("logs-test"));
  logs.createLogGroup(MANAGEMENT, REGION, CLOUDTRAIL_LOG_GROUP);
  logs.putEvents(CLOUDTRAIL_LOG_GROUP, RECORDS);
  const call = (api: string, input: ApiInput, caller = SUMMARY_ROLE) => logs.call(api, input, caller);
  const start = async (input: ApiInput = {}) =>
    (
      (await call("StartQuery", {
        logGroupName: CLOUDTRAIL_LOG_GROUP,
        ...WINDOW,
        queryString: summaryQuery(EVENT),
        limit: 10_000,
        ...input,
      })) as { queryId: string }
    ).queryId;
  const results = (queryId: string, caller = SUMMARY_ROLE) =>
    call("GetQueryResults", { queryId }, caller) as Promise<{
      status: string;
      results: { field: string; value: string }[][];
      statistics: { recordsMatched: number; recordsScanned: number };
    }>;
  return { clock, logs, call, start, results };
}

const simulatorLimit = (pattern: RegExp) => (err: unknown) =>
  !(err instanceof AwsError) && pattern.test(String(err)) && /cannot interpret/.test(String(err));

describe("CloudWatch Logs fake", () => {
  describe("the CloudTrail summary query", () => {
    it("is Running on the first poll and Complete on the next", async () => {
      const { start, results } = setUp();
      const queryId = await start();
      const first = await results(queryId);
      assert.equal(first.status, "Running");
      assert.deepEqual(first.results, []);
      assert.equal((await results(queryId)).status, "Complete");
    });

    it("counts only the user's successful write calls through the permission set, in the account and window", async () => {
      const { start, results } = setUp();
      const queryId = await start();
      await results(queryId);
      const done = await results(queryId);
      const rows = done.results.map((row) => Object.fromEntries(row.map((f) => [f.field, f.value])));
      assert.deepEqual(rows[0], {
        event: "s3.amazonaws.com:CreateBucket",
        sourceIPAddress: "198.51.100.7",
        awsRegion: REGION,
        eventCount: "2",
      });
      assert.deepEqual(
        rows
          .slice(1)
          .map((r) => `${r.event}=${r.eventCount}`)
          .sort(),
        ["ec2.amazonaws.com:RunInstances=1", "iam.amazonaws.com:CreateRole=1"],
      );
      assert.deepEqual(Object.keys(rows[0]), ["event", "sourceIPAddress", "awsRegion", "eventCount"]);
      assert.equal(done.statistics.recordsMatched, 4);
      assert.equal(done.statistics.recordsScanned, RECORDS.length - 2);
    });

    it("keeps the rows of each source IP address and region apart", async () => {
      const { logs, start, results } = setUp();
      logs.putEvents(CLOUDTRAIL_LOG_GROUP, [trailRecord({ at: inWindow(50), sourceIPAddress: "203.0.113.9" })]);
      const queryId = await start();
      await results(queryId);
      const rows = (await results(queryId)).results;
      const createBucket = rows.filter((row) => row.some((f) => f.value === "s3.amazonaws.com:CreateBucket"));
      assert.equal(createBucket.length, 2);
    });

    it("stops at the StartQuery limit", async () => {
      const { start, results } = setUp();
      const queryId = await start({ limit: 1 });
      await results(queryId);
      assert.equal((await results(queryId)).results.length, 1);
    });

    it("answers the handler itself, end to end, with the account name from Organizations", async () => {
      const { clock, logs } = setUp();
      const orgs = new OrganizationsFake(new Ids("orgs"));
      const root = orgs.createOrganization(MANAGEMENT);
      orgs.createAccount(MANAGEMENT, "management", root);
      orgs.createAccount(WORKLOAD, "workloads-prod", root);
      const published: { Message?: string }[] = [];
      const clients = {
        logs: sdkClient(logs) as unknown as CloudWatchLogsClient,
        organizations: sdkClient(orgs) as unknown as OrganizationsClient,
        sns: {
          send: async (command: { input: { Message?: string } }) => {
            published.push(command.input);
            return { MessageId: "m-1" };
          },
        } as unknown as SNSClient,
      };
      const deps = { now: () => clock.now(), sleep: (ms: number) => clock.sleep(ms) };

      const summary = sendCloudTrailSummary(EVENT, clients, SETTINGS, deps);
      await clock.run();
      assert.deepEqual(await summary, {
        rows: 3,
        shownRows: 3,
        messageBytes: Buffer.byteLength(published[0].Message ?? ""),
      });
      const message = published[0].Message ?? "";
      assert.match(message, /Account: {9}workloads-prod \(777788889999\)/);
      assert.match(message, /2 {2}198\.51\.100\.7 {2}eu-west-1 {2}s3\.amazonaws\.com:CreateBucket/);
      assert.doesNotMatch(message, /DeleteBucket|ListBuckets/);
    });
  });

  describe("queries it cannot interpret", () => {
    for (const [what, query, why] of [
      ["a query without stats", "fields @timestamp, @message | sort @timestamp desc", /exactly one stats/],
      ["another aggregate function", "stats avg(bytes) by eventName", /expected count/],
      [
        "a function in a filter",
        "filter strcontains(eventName, 'Create') | stats count(*) by eventName",
        /strcontains/,
      ],
      ["parse with a regular expression", "parse @message /(?<user>\\w+)/ | stats count(*) by user", /glob patterns/],
      ["an unknown command", "dedup eventName | stats count(*) by eventName", /dedup/],
      ["a sort without an order", "stats count(*) as n by eventName | sort n", /asc or desc/],
    ] as const) {
      it(`fails loudly on ${what} instead of answering unfiltered data`, async () => {
        const { call } = setUp();
        await assert.rejects(
          call("StartQuery", { logGroupName: CLOUDTRAIL_LOG_GROUP, ...WINDOW, queryString: query }),
          simulatorLimit(why),
        );
      });
    }

    it("reports a glob parse whose names do not match its wildcards as a MalformedQueryException", async () => {
      const { call } = setUp();
      const queryString = "parse userIdentity.principalId '*:*' as user | stats count(*) by user";
      await assert.rejects(
        call("StartQuery", { logGroupName: CLOUDTRAIL_LOG_GROUP, ...WINDOW, queryString }),
        awsError("MalformedQueryException"),
      );
    });
  });

  describe("API errors", () => {
    it("needs exactly one way of naming the log groups", async () => {
      const { start } = setUp();
      await assert.rejects(start({ logGroupNames: [CLOUDTRAIL_LOG_GROUP] }), awsError("InvalidParameterException"));
      await assert.rejects(start({ logGroupName: undefined }), awsError("InvalidParameterException"));
    });

    it("accepts a log group ARN among logGroupIdentifiers", async () => {
      const { start } = setUp();
      const arn = `arn:aws:logs:${REGION}:${MANAGEMENT}:log-group:${CLOUDTRAIL_LOG_GROUP}`;
      assert.match(await start({ logGroupName: undefined, logGroupIdentifiers: [arn] }), /^[0-9a-f-]{36}$/);
    });

    it("answers ResourceNotFoundException for a log group the caller's account and region do not have", async () => {
      const { start } = setUp();
      await assert.rejects(start({ logGroupName: "aws-controltower/Missing" }), awsError("ResourceNotFoundException"));
      const requester: Caller = { ...SUMMARY_ROLE, account: REQUESTER, roleArn: roleArn(REQUESTER, "r") };
      await assert.rejects(
        setUp().call(
          "StartQuery",
          { logGroupName: CLOUDTRAIL_LOG_GROUP, ...WINDOW, queryString: "stats count(*) by x" },
          requester,
        ),
        awsError("ResourceNotFoundException"),
      );
    });

    it("rejects an end before the start and a limit out of range", async () => {
      const { start } = setUp();
      await assert.rejects(start({ endTime: WINDOW.startTime - 1 }), awsError("InvalidParameterException"));
      await assert.rejects(start({ limit: 0 }), awsError("InvalidParameterException"));
    });

    it("answers ResourceNotFoundException for an unknown query id, and for another account's query", async () => {
      const { start, results } = setUp();
      await assert.rejects(results("00000000-0000-0000-0000-000000000000"), awsError("ResourceNotFoundException"));
      const queryId = await start();
      await assert.rejects(
        results(queryId, { ...SUMMARY_ROLE, account: REQUESTER }),
        awsError("ResourceNotFoundException"),
      );
    });

    it("stops a running query, which then reports Cancelled, and cannot stop a finished one", async () => {
      const { call, start, results } = setUp();
      const running = await start();
      assert.deepEqual(await call("StopQuery", { queryId: running }), { success: true });
      assert.equal((await results(running)).status, "Cancelled");
      const finished = await start();
      await results(finished);
      await results(finished);
      assert.deepEqual(await call("StopQuery", { queryId: finished }), { success: false });
    });
  });

  it("refuses APIs it does not implement", async () => {
    const { call } = setUp();
    await assert.rejects(call("FilterLogEvents", {}), /does not implement FilterLogEvents/);
  });
});

/** An SDK v3 client stand-in: sends each command to the fake under the command's API name, as the summary role. */
function sdkClient(fake: ServiceFake) {
  return {
    send: (command: { input: ApiInput }) =>
      fake.call(command.constructor.name.replace(/Command$/, ""), command.input, SUMMARY_ROLE),
  };
}
