import assert from "node:assert/strict";
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { DescribeAccountCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import {
  CLOUD_TRAIL_SUMMARY_ENV,
  MAX_MESSAGE_BYTES,
  parseSummaryEvent,
  type SummaryDeps,
  type SummarySettings,
  sendCloudTrailSummary,
  summaryQuery,
  summarySettings,
  summaryWindow,
} from "../../functions/cloudTrailSummary";
import { EVENT_TYPE_ATTRIBUTE } from "../../shared/events";
import { patterns } from "../../shared/patterns";

const EVENT = {
  accountId: "111122223333",
  permissionSet: "AWSAdministratorAccess",
  userName: "alice@example.com",
  duration: "2",
  executionId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
};
const TOPIC = "arn:aws:sns:eu-west-1:444455556666:idc-jit-notifications";
const SETTINGS: SummarySettings = {
  logGroupName: "aws-controltower/CloudTrailLogs",
  topicArn: TOPIC,
  waitSeconds: 600,
  durationUnit: "hours",
  pollIntervalMs: 3000,
  queryTimeoutMs: 600_000,
};
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

const logsMock = mockClient(CloudWatchLogsClient);
const snsMock = mockClient(SNSClient);
const organizationsMock = mockClient(OrganizationsClient);
const clients = {
  logs: new CloudWatchLogsClient({ region: "eu-west-1" }),
  sns: new SNSClient({ region: "eu-west-1" }),
  organizations: new OrganizationsClient({ region: "us-east-1" }),
};

/** A clock that only moves when the handler sleeps, and a record of the sleeps. */
function fakeTime(): SummaryDeps & { sleeps: number[] } {
  let now = NOW;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

function row(count: number, sourceIp: string, region: string, event: string) {
  return [
    { field: "event", value: event },
    { field: "sourceIPAddress", value: sourceIp },
    { field: "awsRegion", value: region },
    { field: "eventCount", value: String(count) },
  ];
}

function givenQueryStatuses(...responses: Partial<GetQueryResultsCommandOutput>[]) {
  const stub = logsMock.on(GetQueryResultsCommand);
  for (const response of responses) stub.resolvesOnce(response);
}

const publishedInput = () => snsMock.commandCalls(PublishCommand)[0].args[0].input;

let warnings: string[];
const originalWarn = console.warn;

/** Registered inside each describe: hooks at the top level would also run around the other files' tests. */
function useMocks() {
  beforeEach(() => {
    logsMock.reset();
    snsMock.reset();
    organizationsMock.reset();
    logsMock.on(StartQueryCommand).resolves({ queryId: "query-1" });
    logsMock.on(StopQueryCommand).resolves({ success: true });
    snsMock.on(PublishCommand).resolves({ MessageId: "m-1" });
    organizationsMock.on(DescribeAccountCommand).resolves({ Account: { Id: EVENT.accountId, Name: "Production" } });
    warnings = [];
    console.warn = (...args: unknown[]) => warnings.push(args.join(" "));
  });

  afterEach(() => {
    console.warn = originalWarn;
  });
}

describe("parseSummaryEvent", () => {
  useMocks();

  it("accepts the payload the grant workflow sends", () => {
    assert.deepEqual(parseSummaryEvent({ ...EVENT, extra: "ignored" }), EVENT);
  });

  it("rejects a user name with a quote, naming the field and the rule", () => {
    assert.throws(
      () => parseSummaryEvent({ ...EVENT, userName: "alice' or userName like 'b" }),
      (err: Error) => err.message.includes("userName") && err.message.includes(patterns.userName.rule),
    );
  });

  it("rejects durations that are not whole numbers from 1 to 1440", () => {
    for (const duration of ["0", "1441", "01", "2.5", "-1", " 2", ""]) {
      assert.throws(() => parseSummaryEvent({ ...EVENT, duration }), /duration/, duration);
    }
    assert.throws(() => parseSummaryEvent({ ...EVENT, duration: 2 }), /duration/, "a number, not a string");
    assert.equal(parseSummaryEvent({ ...EVENT, duration: "1440" }).duration, "1440");
  });

  it("rejects each field that breaks its pattern or is missing", () => {
    const bad = {
      accountId: "11112222333",
      permissionSet: "Admin/../x",
      executionId: `${EVENT.executionId}'`,
    };
    for (const [field, value] of Object.entries(bad)) {
      assert.throws(() => parseSummaryEvent({ ...EVENT, [field]: value }), new RegExp(`event field ${field} must be`));
    }
    const { userName: _, ...withoutUser } = EVENT;
    assert.throws(() => parseSummaryEvent(withoutUser), /userName/);
  });

  it("rejects anything that is not an object", () => {
    for (const event of [null, "text", [EVENT], 42]) assert.throws(() => parseSummaryEvent(event), /must be an object/);
  });

  it("takes the wait the schedule used, a string of a whole number of seconds from 0 to 43200, when given", () => {
    for (const waitSeconds of ["0", "3600", "43200"]) {
      assert.equal(parseSummaryEvent({ ...EVENT, waitSeconds }).waitSeconds, waitSeconds);
    }
    for (const waitSeconds of ["43201", "-1", "01", "1.5", "", " 60", 3600, null]) {
      assert.throws(
        () => parseSummaryEvent({ ...EVENT, waitSeconds }),
        /^Error: event field waitSeconds must be a whole number of seconds from 0 to 43200 \(a string\), or absent$/,
        String(waitSeconds),
      );
    }
    assert.equal("waitSeconds" in parseSummaryEvent(EVENT), false);
  });
});

describe("summarySettings", () => {
  useMocks();

  const env = {
    [CLOUD_TRAIL_SUMMARY_ENV.logGroupName]: "aws-controltower/CloudTrailLogs",
    [CLOUD_TRAIL_SUMMARY_ENV.topicArn]: TOPIC,
    [CLOUD_TRAIL_SUMMARY_ENV.waitSeconds]: "0",
    [CLOUD_TRAIL_SUMMARY_ENV.durationUnit]: "minutes",
  };

  it("reads the environment and polls every 3 s for at most 10 minutes", () => {
    assert.deepEqual(summarySettings(env), {
      logGroupName: "aws-controltower/CloudTrailLogs",
      topicArn: TOPIC,
      waitSeconds: 0,
      durationUnit: "minutes",
      pollIntervalMs: 3000,
      queryTimeoutMs: 600_000,
    });
  });

  it("rejects bad values, naming the variable", () => {
    const cases: [string, string | undefined][] = [
      ["LOG_GROUP_NAME", "group with spaces"],
      ["TOPIC_ARN", "arn:aws:sqs:eu-west-1:444455556666:queue"],
      ["TOPIC_ARN", undefined],
      ["WAIT_SECONDS", "-1"],
      ["WAIT_SECONDS", "43201"],
      ["WAIT_SECONDS", "ten"],
      ["DURATION_UNIT", "days"],
    ];
    for (const [name, value] of cases) {
      assert.throws(
        () => summarySettings({ ...env, [name]: value }),
        new RegExp(`environment variable ${name} `),
        name,
      );
    }
  });
});

describe("summaryQuery", () => {
  useMocks();

  it("counts the user's write calls through this permission set's role in the account", () => {
    assert.equal(
      summaryQuery(EVENT),
      [
        "filter userIdentity.accountId = '111122223333'",
        "| filter userIdentity.arn like /assumed-role\\/AWSReservedSSO_AWSAdministratorAccess_[^_\\/]+\\//",
        "| parse userIdentity.principalId ':*' as identityCenterUser",
        "| filter identityCenterUser = 'alice@example.com' and readOnly = 0 and not ispresent(errorCode)",
        "| fields concat(eventSource, ':', eventName) as event",
        "| stats count(*) as eventCount by event, sourceIPAddress, awsRegion",
        "| sort eventCount desc",
      ].join("\n"),
    );
  });

  it("matches the role sessions of this permission set, not of a set whose name extends it", () => {
    const query = summaryQuery({ ...EVENT, permissionSet: "Admin.Ops" });
    const literal = /like \/(.*)\/$/m.exec(query)![1];
    const role = new RegExp(literal);
    const arn = (roleName: string) => `arn:aws:sts::111122223333:assumed-role/${roleName}/alice@example.com`;
    assert.ok(role.test(arn("AWSReservedSSO_Admin.Ops_0123456789abcdef")));
    assert.ok(!role.test(arn("AWSReservedSSO_Admin.Ops_Extra_0123456789abcdef")));
    assert.ok(!role.test(arn("AWSReservedSSO_AdminxOps_0123456789abcdef")), "the dot is escaped");
  });
});

describe("summaryWindow", () => {
  useMocks();

  it("covers the grant in hours, the wait after it, and a 5 minute margin, in epoch seconds", () => {
    const window = summaryWindow(EVENT, { durationUnit: "hours", waitSeconds: 600 }, NOW + 999);
    assert.equal(window.endTime, NOW / 1000);
    assert.equal(window.endTime - window.startTime, 2 * 3600 + 600 + 300);
  });

  it("covers the wait the event says the schedule used, rather than the setting's", () => {
    const event = { ...EVENT, duration: "45", waitSeconds: "28800" };
    const window = summaryWindow(event, { durationUnit: "minutes", waitSeconds: 0 }, NOW);
    assert.deepEqual(window, { startTime: NOW / 1000 - (45 * 60 + 28_800 + 300), endTime: NOW / 1000 });
    const none = summaryWindow({ ...event, waitSeconds: "0" }, { durationUnit: "minutes", waitSeconds: 600 }, NOW);
    assert.equal(none.endTime - none.startTime, 45 * 60 + 300);
  });

  it("reads the duration in minutes when the deployment counts in minutes", () => {
    const window = summaryWindow({ ...EVENT, duration: "45" }, { durationUnit: "minutes", waitSeconds: 0 }, NOW);
    assert.deepEqual(window, { startTime: NOW / 1000 - (45 * 60 + 300), endTime: NOW / 1000 });
  });
});

describe("sendCloudTrailSummary", () => {
  useMocks();

  it("rejects a hostile event before calling any API", async () => {
    const event = { ...EVENT, userName: "x' | filter 1=1 | display '" };
    await assert.rejects(sendCloudTrailSummary(event, clients, SETTINGS, fakeTime()), /userName/);
    assert.equal(logsMock.calls().length + snsMock.calls().length + organizationsMock.calls().length, 0);
  });

  it("starts the query over the window and polls through Scheduled and Running until Complete", async () => {
    givenQueryStatuses(
      { status: "Scheduled" },
      { status: "Running" },
      { status: "Running" },
      { status: "Complete", results: [] },
    );
    const time = fakeTime();

    const result = await sendCloudTrailSummary(EVENT, clients, SETTINGS, time);

    assert.deepEqual(time.sleeps, [3000, 3000, 3000]);
    assert.equal(logsMock.commandCalls(GetQueryResultsCommand).length, 4);
    const start = logsMock.commandCalls(StartQueryCommand)[0].args[0].input;
    assert.deepEqual(start, {
      logGroupName: SETTINGS.logGroupName,
      ...summaryWindow(EVENT, SETTINGS, NOW),
      queryString: summaryQuery(EVENT),
      limit: 10_000,
    });
    assert.equal(result.rows, 0);
    assert.match(publishedInput().Message!, /No events were recorded in the time period\./);
  });

  it("throws, naming the status, when the query fails, and publishes nothing", async () => {
    givenQueryStatuses({ status: "Running" }, { status: "Failed" });
    await assert.rejects(sendCloudTrailSummary(EVENT, clients, SETTINGS, fakeTime()), /Failed/);
    assert.equal(snsMock.commandCalls(PublishCommand).length, 0);
  });

  it("stops the query and throws when it runs past the timeout", async () => {
    logsMock.on(GetQueryResultsCommand).resolves({ status: "Running" });
    const time = fakeTime();

    await assert.rejects(
      sendCloudTrailSummary(EVENT, clients, { ...SETTINGS, queryTimeoutMs: 10_000 }, time),
      /did not complete within 10000 ms/,
    );
    assert.deepEqual(logsMock.commandCalls(StopQueryCommand)[0].args[0].input, { queryId: "query-1" });
    assert.equal(time.sleeps.length, 4);
    assert.equal(snsMock.commandCalls(PublishCommand).length, 0);
  });

  it("publishes a table of the results with the event type attribute and a short subject", async () => {
    givenQueryStatuses({
      status: "Complete",
      results: [
        row(12, "203.0.113.7", "eu-west-1", "ec2.amazonaws.com:RunInstances"),
        row(3, "AWS Internal", "us-east-1", "iam.amazonaws.com:CreateRole"),
      ],
    });

    const result = await sendCloudTrailSummary(EVENT, clients, SETTINGS, fakeTime());

    const input = publishedInput();
    assert.equal(input.TopicArn, TOPIC);
    assert.equal(input.Subject, "JIT CloudTrail summary: AWSAdministratorAccess on 111122223333");
    assert.ok(input.Subject!.length < 100);
    assert.deepEqual(input.MessageAttributes, {
      [EVENT_TYPE_ATTRIBUTE]: { DataType: "String", StringValue: "CloudTrailSummary" },
    });
    const message = input.Message!;
    for (const expected of [
      "User:            alice@example.com",
      "Account:         Production (111122223333)",
      "Permission set:  AWSAdministratorAccess",
      "Duration:        2 hours",
      `Window end:      ${new Date(NOW).toISOString()}`,
      `Execution id:    ${EVENT.executionId}`,
      "Read-only events, data events and failed API calls are not included.",
      "Count  Source IP     Region     Event\n" +
        "   12  203.0.113.7   eu-west-1  ec2.amazonaws.com:RunInstances\n" +
        "    3  AWS Internal  us-east-1  iam.amazonaws.com:CreateRole\n",
    ]) {
      assert.ok(message.includes(expected), `message lacks ${JSON.stringify(expected)}:\n${message}`);
    }
    assert.deepEqual(result, { rows: 2, shownRows: 2, messageBytes: Buffer.byteLength(message) });
  });

  it("drops whole rows from the end to stay within MAX_MESSAGE_BYTES, and says how many", async () => {
    // Multi-byte characters make the byte length exceed the character count.
    const results = Array.from({ length: 10_000 }, (_, i) =>
      row(
        10_000 - i,
        `2001:db8::${i.toString(16)}`,
        "ap-southeast-2",
        `例え.amazonaws.com:Operation${i}WithAFairlyLongName`,
      ),
    );
    givenQueryStatuses({ status: "Complete", results });

    const result = await sendCloudTrailSummary(EVENT, clients, SETTINGS, fakeTime());

    const message = publishedInput().Message!;
    const bytes = Buffer.byteLength(message, "utf8");
    assert.ok(bytes <= MAX_MESSAGE_BYTES, `${bytes} bytes`);
    assert.ok(bytes > MAX_MESSAGE_BYTES - 200, "only as many rows are dropped as needed");
    assert.equal(result.messageBytes, bytes);
    assert.equal(result.rows, 10_000);
    assert.ok(result.shownRows > 0 && result.shownRows < 10_000);
    assert.equal((message.match(/:Operation\d+WithAFairlyLongName$/gm) ?? []).length, result.shownRows);
    assert.ok(message.includes(`Operation${result.shownRows - 1}WithAFairlyLongName\n`), "the first rows are kept");
    assert.match(message, new RegExp(`\\n${10_000 - result.shownRows} of 10000 rows not shown`));
    assert.match(message, /limit of 10000 rows/);
  });

  it("shows the account id alone when the account name cannot be looked up", async () => {
    organizationsMock.on(DescribeAccountCommand).rejects(new Error("AccessDeniedException"));
    givenQueryStatuses({ status: "Complete", results: [] });

    await sendCloudTrailSummary(EVENT, clients, SETTINGS, fakeTime());

    assert.match(publishedInput().Message!, /^Account: {9}111122223333$/m);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /DescribeAccount/);
  });
});
