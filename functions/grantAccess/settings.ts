/**
 * The settings of the functions that grant and end access (functions/grantAccess/, functions/endAccess/): one JSON
 * environment variable each, read and checked when the function starts (as functions/requestCheck/index.ts reads its
 * own), and the clients they are given.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { patterns } from "../../shared/patterns";
import { type EndScheduleSettings, endScheduleSettings, type Scheduler } from "../grantSchedule";
import type { SsoAdmin } from "../identityCenter/assignments";
import { dynamoLedger } from "../ledger";
import type { GrantLedger } from "../ledger/types";

/** `{ "instanceArn": ..., "tableName": ..., "schedule": { "groupName", "roleArn", "deadLetterArn", "documentName" } }` */
export interface GrantFunctionSettings {
  /** The IAM Identity Center instance the assignments are made in. */
  instanceArn: string;
  /** The grant ledger's DynamoDB table. */
  tableName: string;
  /** Where the grants' end schedules are made. */
  schedule: EndScheduleSettings;
}

export interface GrantFunctionClients {
  ssoAdmin: SsoAdmin;
  scheduler: Scheduler;
  dynamodb: Pick<DynamoDBClient, "send">;
}

/** The settings in the environment variable `variable`; an error names the variable, the field and its rule. */
export function grantFunctionSettings(
  env: Record<string, string | undefined>,
  variable: string,
): GrantFunctionSettings {
  const raw = env[variable];
  if (raw === undefined) throw new Error(`environment variable ${variable} is required`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new Error(`environment variable ${variable} is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`environment variable ${variable} must be a JSON object`);
  }
  const { instanceArn, tableName, schedule } = parsed as Record<string, unknown>;
  if (typeof instanceArn !== "string" || !patterns.identityCenterInstanceArn.test(instanceArn)) {
    throw new Error(`${variable}.instanceArn must be ${patterns.identityCenterInstanceArn.rule}`);
  }
  if (typeof tableName !== "string" || !patterns.dynamoTableName.test(tableName)) {
    throw new Error(`${variable}.tableName must be ${patterns.dynamoTableName.rule}`);
  }
  return { instanceArn, tableName, schedule: endScheduleSettings(schedule, `${variable}.schedule`) };
}

export const ledgerOf = (clients: GrantFunctionClients, settings: GrantFunctionSettings): GrantLedger =>
  dynamoLedger({ dynamodb: clients.dynamodb, tableName: settings.tableName });
