/**
 * After a grant ends, summarises the write calls the user made with it, from CloudTrail's CloudWatch Logs log group,
 * and publishes the summary to the notification topic (the sample's GetCloudTrailLogsLambda).
 */
import {
  type CloudWatchLogsClient,
  GetQueryResultsCommand,
  type ResultField,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { DescribeAccountCommand, type OrganizationsClient } from "@aws-sdk/client-organizations";
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { DURATION_UNITS, type DurationUnit } from "../shared/config/common";
import { EVENT_TYPE_ATTRIBUTE, type EventType } from "../shared/events";
import { Pattern, patterns, wholeNumberUpTo } from "../shared/patterns";

export const CLOUD_TRAIL_SUMMARY_ENV = {
  logGroupName: "LOG_GROUP_NAME",
  topicArn: "TOPIC_ARN",
  waitSeconds: "WAIT_SECONDS",
  durationUnit: "DURATION_UNIT",
} as const;

/** SNS allows 256 KiB for the message and its attributes together; 8 KiB stays free for the attributes. */
export const MAX_MESSAGE_BYTES = 256 * 1024 - 8 * 1024;
/** The most rows a Logs Insights query returns. */
export const QUERY_LIMIT = 10_000;
/** CloudTrail delivers to CloudWatch Logs within minutes; the window starts this much earlier to be sure. */
const MARGIN_SECONDS = 300;
const MAX_WAIT_SECONDS = 43_200;

const durationPattern = wholeNumberUpTo(1440, "a whole number from 1 to 1440");
const waitSecondsPattern = wholeNumberUpTo(MAX_WAIT_SECONDS, `a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}`);
const topicArnPattern = new Pattern(
  "^arn:aws(-[a-z]{1,5}){0,3}:sns:[a-z0-9-]+:\\d{12}:[a-zA-Z0-9_-]{1,256}(\\.fifo)?$",
  "an SNS topic ARN",
);

export interface SummaryEvent {
  accountId: string;
  permissionSet: string;
  userName: string;
  duration: string;
  executionId: string;
  /**
   * How long after the grant's end the summary was sent, in seconds (the schedule the end function makes says the wait
   * it used: functions/summarySchedule/). Absent (a schedule made before it said): the WAIT_SECONDS setting.
   */
  waitSeconds?: string;
}

export interface SummarySettings {
  logGroupName: string;
  topicArn: string;
  waitSeconds: number;
  durationUnit: DurationUnit;
  pollIntervalMs: number;
  queryTimeoutMs: number;
}

export interface SummaryClients {
  logs: CloudWatchLogsClient;
  sns: SNSClient;
  organizations: OrganizationsClient;
}

export interface SummaryDeps {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export interface SummaryResult {
  rows: number;
  shownRows: number;
  messageBytes: number;
}

const isWaitSeconds = (value: string) => value === "0" || waitSecondsPattern.test(value);

const eventFields: Record<Exclude<keyof SummaryEvent, "waitSeconds">, Pattern> = {
  accountId: patterns.accountId,
  permissionSet: patterns.permissionSetName,
  userName: patterns.userName,
  duration: durationPattern,
  executionId: patterns.automationExecutionId,
};

/** Every field ends up inside a Logs Insights query, so each must match its pattern before anything else happens. */
export function parseSummaryEvent(event: unknown): SummaryEvent {
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    throw new Error(
      "the event must be an object with the fields accountId, permissionSet, userName, duration, executionId",
    );
  }
  const record = event as Record<string, unknown>;
  const parsed: Partial<SummaryEvent> = {};
  for (const [field, pattern] of Object.entries(eventFields) as [keyof typeof eventFields, Pattern][]) {
    const value = record[field];
    if (typeof value !== "string" || !pattern.test(value)) {
      throw new Error(`event field ${field} must be ${pattern.rule}`);
    }
    parsed[field] = value;
  }
  const wait = record.waitSeconds;
  if (wait !== undefined) {
    if (typeof wait !== "string" || !isWaitSeconds(wait)) {
      throw new Error(`event field waitSeconds must be ${waitSecondsPattern.rule} (a string), or absent`);
    }
    parsed.waitSeconds = wait;
  }
  return parsed as SummaryEvent;
}

export function summarySettings(env: Record<string, string | undefined>): SummarySettings {
  const names = CLOUD_TRAIL_SUMMARY_ENV;
  const wait = required(env, names.waitSeconds, waitSecondsPattern.rule);
  if (!isWaitSeconds(wait)) {
    throw new Error(`environment variable ${names.waitSeconds} must be ${waitSecondsPattern.rule}`);
  }
  const unit = required(env, names.durationUnit, `one of ${DURATION_UNITS.join(", ")}`);
  if (!(DURATION_UNITS as readonly string[]).includes(unit)) {
    throw new Error(`environment variable ${names.durationUnit} must be one of ${DURATION_UNITS.join(", ")}`);
  }
  return {
    logGroupName: matching(env, names.logGroupName, patterns.logGroupName),
    topicArn: matching(env, names.topicArn, topicArnPattern),
    waitSeconds: Number(wait),
    durationUnit: unit as DurationUnit,
    pollIntervalMs: 3000,
    queryTimeoutMs: 600_000,
  };
}

function required(env: Record<string, string | undefined>, name: string, rule: string): string {
  const value = env[name];
  if (value === undefined) throw new Error(`environment variable ${name} is required: ${rule}`);
  return value;
}

function matching(env: Record<string, string | undefined>, name: string, pattern: Pattern): string {
  const value = required(env, name, pattern.rule);
  if (!pattern.test(value)) throw new Error(`environment variable ${name} must be ${pattern.rule}`);
  return value;
}

/**
 * Write calls in the account made through this permission set's role by this user. The role is
 * `AWSReservedSSO_<permission set>_<suffix>`; matching the suffix as "no underscore" keeps a set named `Admin` from
 * matching the sessions of a set named `Admin_Extra`.
 */
export function summaryQuery(e: SummaryEvent): string {
  const role = `AWSReservedSSO_${escapeRegex(e.permissionSet)}_[^_\\/]+`;
  return [
    `filter userIdentity.accountId = '${e.accountId}'`,
    `| filter userIdentity.arn like /assumed-role\\/${role}\\//`,
    "| parse userIdentity.principalId ':*' as identityCenterUser",
    `| filter identityCenterUser = '${e.userName}' and readOnly = 0 and not ispresent(errorCode)`,
    "| fields concat(eventSource, ':', eventName) as event",
    "| stats count(*) as eventCount by event, sourceIPAddress, awsRegion",
    "| sort eventCount desc",
  ].join("\n");
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

const UNIT_SECONDS: Record<DurationUnit, number> = { hours: 3600, minutes: 60 };

/** The query window in epoch seconds: the whole grant, the wait after it (the event's, else the setting), a margin. */
export function summaryWindow(
  e: SummaryEvent,
  settings: Pick<SummarySettings, "durationUnit" | "waitSeconds">,
  nowMs: number,
): { startTime: number; endTime: number } {
  const endTime = Math.floor(nowMs / 1000);
  const wait = e.waitSeconds === undefined ? settings.waitSeconds : Number(e.waitSeconds);
  const span = Number(e.duration) * UNIT_SECONDS[settings.durationUnit] + wait + MARGIN_SECONDS;
  return { startTime: endTime - span, endTime };
}

const defaultDeps: SummaryDeps = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export async function sendCloudTrailSummary(
  event: unknown,
  clients: SummaryClients,
  settings: SummarySettings,
  deps: SummaryDeps = defaultDeps,
): Promise<SummaryResult> {
  const e = parseSummaryEvent(event);
  const window = summaryWindow(e, settings, deps.now());
  const results = await runQuery(clients.logs, settings, summaryQuery(e), window, deps);
  const accountName = await lookUpAccountName(clients.organizations, e.accountId);
  const { message, shownRows } = renderMessage(e, settings.durationUnit, accountName, window, results.map(toRow));

  const eventType: EventType = "CloudTrailSummary";
  await clients.sns.send(
    new PublishCommand({
      TopicArn: settings.topicArn,
      Subject: `JIT CloudTrail summary: ${e.permissionSet} on ${e.accountId}`,
      Message: message,
      MessageAttributes: { [EVENT_TYPE_ATTRIBUTE]: { DataType: "String", StringValue: eventType } },
    }),
  );
  return { rows: results.length, shownRows, messageBytes: Buffer.byteLength(message, "utf8") };
}

async function runQuery(
  logs: CloudWatchLogsClient,
  settings: SummarySettings,
  queryString: string,
  window: { startTime: number; endTime: number },
  deps: SummaryDeps,
): Promise<ResultField[][]> {
  const { queryId } = await logs.send(
    new StartQueryCommand({ logGroupName: settings.logGroupName, ...window, queryString, limit: QUERY_LIMIT }),
  );
  if (queryId === undefined) throw new Error("StartQuery returned no query id");
  const started = deps.now();
  for (;;) {
    const out = await logs.send(new GetQueryResultsCommand({ queryId }));
    if (out.status === "Complete") return out.results ?? [];
    if (out.status !== "Scheduled" && out.status !== "Running") {
      throw new Error(`Logs Insights query ${queryId} ended with status ${out.status ?? "(none)"}`);
    }
    if (deps.now() - started >= settings.queryTimeoutMs) {
      await logs.send(new StopQueryCommand({ queryId })).catch((err) => console.warn(`StopQuery failed: ${err}`));
      throw new Error(`Logs Insights query ${queryId} did not complete within ${settings.queryTimeoutMs} ms`);
    }
    await deps.sleep(settings.pollIntervalMs);
  }
}

async function lookUpAccountName(organizations: OrganizationsClient, accountId: string): Promise<string> {
  try {
    const out = await organizations.send(new DescribeAccountCommand({ AccountId: accountId }));
    return out.Account?.Name ?? accountId;
  } catch (err) {
    console.warn(`DescribeAccount ${accountId} failed, showing the account id only: ${err}`);
    return accountId;
  }
}

interface Row {
  count: string;
  sourceIp: string;
  region: string;
  event: string;
}

function toRow(fields: ResultField[]): Row {
  const value = (name: string) => fields.find((f) => f.field === name)?.value ?? "";
  return {
    count: value("eventCount"),
    sourceIp: value("sourceIPAddress"),
    region: value("awsRegion"),
    event: value("event"),
  };
}

const utc = (seconds: number) => new Date(seconds * 1000).toISOString();
const byteLength = (text: string) => Buffer.byteLength(text, "utf8");

function renderMessage(
  e: SummaryEvent,
  unit: DurationUnit,
  accountName: string,
  window: { startTime: number; endTime: number },
  rows: Row[],
): { message: string; shownRows: number } {
  const unitText = e.duration === "1" ? unit.slice(0, -1) : unit;
  const account = accountName === e.accountId ? e.accountId : `${accountName} (${e.accountId})`;
  const head = [
    "IAM Identity Center just-in-time access: CloudTrail summary",
    "",
    `User:            ${e.userName}`,
    `Account:         ${account}`,
    `Permission set:  ${e.permissionSet}`,
    `Duration:        ${e.duration} ${unitText}`,
    `Window start:    ${utc(window.startTime)}`,
    `Window end:      ${utc(window.endTime)}`,
    `Execution id:    ${e.executionId}`,
    "",
    "Read-only events, data events and failed API calls are not included.",
    ...(rows.length >= QUERY_LIMIT
      ? [`The query stopped at its limit of ${QUERY_LIMIT} rows; there may be more.`]
      : []),
    "",
  ];
  if (rows.length === 0)
    return { message: [...head, "No events were recorded in the time period.", ""].join("\n"), shownRows: 0 };

  const [titles, ...lines] = table([
    { count: "Count", sourceIp: "Source IP", region: "Region", event: "Event" },
    ...rows,
  ]);
  return fitRows(`${[...head, titles].join("\n")}\n`, lines);
}

/** Lines of a fixed-width table; the count is right-aligned, the last column is not padded. */
function table(rows: Row[]): string[] {
  const width = (key: keyof Row) => Math.max(...rows.map((r) => r[key].length));
  const [count, sourceIp, region] = [width("count"), width("sourceIp"), width("region")];
  return rows.map((r) =>
    `${r.count.padStart(count)}  ${r.sourceIp.padEnd(sourceIp)}  ${r.region.padEnd(region)}  ${r.event}`.trimEnd(),
  );
}

/** The head and as many whole rows as fit in MAX_MESSAGE_BYTES, with a note of how many did not. */
function fitRows(head: string, lines: string[]): { message: string; shownRows: number } {
  const all = head + lines.map((line) => `${line}\n`).join("");
  if (byteLength(all) <= MAX_MESSAGE_BYTES) return { message: all, shownRows: lines.length };

  const note = (dropped: number) =>
    `\n${dropped} of ${lines.length} rows not shown: the message size limit was reached.\n`;
  const budget = MAX_MESSAGE_BYTES - byteLength(note(lines.length));
  let size = byteLength(head);
  let shown = 0;
  while (shown < lines.length && size + byteLength(lines[shown]) + 1 <= budget) {
    size += byteLength(lines[shown]) + 1;
    shown++;
  }
  const message =
    head +
    lines
      .slice(0, shown)
      .map((line) => `${line}\n`)
      .join("") +
    note(lines.length - shown);
  return { message, shownRows: shown };
}
