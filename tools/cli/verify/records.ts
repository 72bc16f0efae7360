/**
 * Reading the records of one access request across both accounts: its runbook and grant workflow (found by their
 * parameters, never by a link AWS might not record), the canary assignment in IAM Identity Center, and the
 * organization trail's records in CloudWatch Logs.
 */

import { type CloudWatchLogsClient, GetQueryResultsCommand, StartQueryCommand } from "@aws-sdk/client-cloudwatch-logs";
import { type DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { type AutomationExecution, DescribeAutomationExecutionsCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { ListAccountAssignmentsCommand, type SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { grantKey, LEDGER_KEY } from "../../../shared/grantLedger";
import { patterns } from "../../../shared/patterns";
import { CliFailure } from "../errors";
import { execution } from "../executions";

/**
 * The newest execution of `documentName` started at or after `since` whose parameter `name` is `value`: how the
 * self-test finds the runbook of its change request (by its unique justification) and the grant workflow of a runbook
 * (by RequesterExecutionId), whatever links AWS records between them.
 */
export async function findExecution(
  ssm: SSMClient,
  documentName: string,
  match: { name: string; value: string },
  since: number,
): Promise<AutomationExecution | undefined> {
  let NextToken: string | undefined;
  do {
    const page = await ssm.send(
      new DescribeAutomationExecutionsCommand({
        Filters: [
          { Key: "DocumentNamePrefix", Values: [documentName] },
          // A second before, as the filter compares whole seconds.
          { Key: "StartTimeAfter", Values: [new Date(since - 1000).toISOString()] },
        ],
        NextToken,
      }),
    );
    for (const meta of page.AutomationExecutionMetadataList ?? []) {
      if (meta.DocumentName !== documentName || !meta.AutomationExecutionId) continue;
      const x = await execution(ssm, meta.AutomationExecutionId);
      if (x.Parameters?.[match.name]?.[0] === match.value) return x;
    }
    NextToken = page.NextToken || undefined;
  } while (NextToken);
  return undefined;
}

/** An account assignment of one permission set to one user, as the grant workflow makes it. */
export interface AssignmentTarget {
  InstanceArn: string;
  TargetId: string;
  TargetType: "AWS_ACCOUNT";
  PermissionSetArn: string;
  PrincipalType: "USER";
  PrincipalId: string;
}

/**
 * The target the grant of request `requestId` assigns, from its grant ledger item (its user id, permission set ARN and
 * account): the grant workflow hands none of them on in its step outputs. Undefined when the ledger holds no grant.
 */
export async function ledgerTarget(
  dynamodb: DynamoDBClient,
  table: string,
  requestId: string,
): Promise<AssignmentTarget | undefined> {
  const { Item: item } = await dynamodb.send(
    new GetItemCommand({ TableName: table, Key: { [LEDGER_KEY]: { S: grantKey(requestId) } }, ConsistentRead: true }),
  );
  const permissionSetArn = item?.permissionSetArn?.S;
  const userId = item?.userId?.S;
  const account = item?.accountId?.S;
  // arn:<partition>:sso:::permissionSet/<instance id>/<set id> belongs to arn:<partition>:sso:::instance/<instance id>.
  const parts = /^(arn:[a-z-]+:sso:::)permissionSet\/(ssoins-[0-9a-f]+)\/ps-[0-9a-f]+$/.exec(permissionSetArn ?? "");
  if (!parts || !userId || !permissionSetArn || !account) return undefined;
  return {
    InstanceArn: `${parts[1]}instance/${parts[2]}`,
    TargetId: account,
    TargetType: "AWS_ACCOUNT",
    PermissionSetArn: permissionSetArn,
    PrincipalType: "USER",
    PrincipalId: userId,
  };
}

/** Whether the assignment exists now (ListAccountAssignments of the set on the account). */
export async function assigned(ssoAdmin: SSOAdminClient, target: AssignmentTarget): Promise<boolean> {
  let NextToken: string | undefined;
  do {
    const page = await ssoAdmin.send(
      new ListAccountAssignmentsCommand({
        InstanceArn: target.InstanceArn,
        AccountId: target.TargetId,
        PermissionSetArn: target.PermissionSetArn,
        NextToken,
      }),
    );
    if (
      (page.AccountAssignments ?? []).some((a) => a.PrincipalType === "USER" && a.PrincipalId === target.PrincipalId)
    ) {
      return true;
    }
    NextToken = page.NextToken || undefined;
  } while (NextToken);
  return false;
}

export interface TrailWindow {
  logs: CloudWatchLogsClient;
  logGroupName: string;
  /** Epoch milliseconds. */
  from: number;
  to: number;
  sleep(ms: number): Promise<void>;
}

/** The rows (field -> value) a Logs Insights query over the trail's log group returns. */
async function trailQuery(window: TrailWindow, queryString: string): Promise<Record<string, string>[]> {
  const { logs } = window;
  const { queryId } = await logs.send(
    new StartQueryCommand({
      logGroupName: window.logGroupName,
      startTime: Math.floor(window.from / 1000) - 60,
      endTime: Math.ceil(window.to / 1000) + 60,
      queryString,
      limit: 100,
    }),
  );
  if (!queryId) throw new CliFailure("CloudWatch Logs StartQuery returned no query id");
  for (let polls = 0; polls < 60; polls++) {
    const answer = await logs.send(new GetQueryResultsCommand({ queryId }));
    if (answer.status === "Complete") {
      return (answer.results ?? []).map((row) => Object.fromEntries(row.map((f) => [f.field ?? "", f.value ?? ""])));
    }
    if (answer.status !== "Running" && answer.status !== "Scheduled") {
      throw new CliFailure(`the trail query ended ${answer.status}`);
    }
    await window.sleep(1000);
  }
  throw new CliFailure("the trail query did not complete within a minute");
}

/** StartChangeRequestExecution's requestParameters, for the change request `id`. */
export async function changeRequestStart(
  window: TrailWindow,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  // The id goes into the query text: only an execution id's own characters may.
  if (!patterns.automationExecutionId.test(id)) throw new CliFailure(`${JSON.stringify(id)} is not an execution id`);
  const rows = await trailQuery(
    window,
    `filter eventName = "StartChangeRequestExecution" and responseElements.automationExecutionId = "${id}" | stats count(*) as records by @message`,
  );
  for (const row of rows) {
    try {
      const record = JSON.parse(row["@message"]) as { requestParameters?: Record<string, unknown> };
      if (record.requestParameters) return record.requestParameters;
    } catch {
      // Not a CloudTrail record.
    }
  }
  return undefined;
}

/** The calls CloudTrail recorded as throttled during the window, as `source:eventName` (with how many). */
export async function throttledCalls(window: TrailWindow): Promise<string[]> {
  const rows = await trailQuery(
    window,
    "filter errorCode like /Throttl/ | stats count(*) as calls by eventSource, eventName",
  );
  return rows.map((r) => `${r.eventSource.split(".")[0]}:${r.eventName} (${r.calls})`);
}
