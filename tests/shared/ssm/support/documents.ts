/** Small documents for the checker's tests: typed steps serialized as the project does, or raw content. */
import { publishNotification } from "../../../../shared/documentSteps";
import type { Finding } from "../../../../shared/ssm/check";
import { defineParameters, type Flow, type Step } from "../../../../shared/ssm/model";
import { documentContent } from "../../../../shared/ssm/serialize";
import { executeAwsApi, waitForAwsResourceProperty } from "../../../../shared/ssm/steps";

export const ASSUME_ROLE = "arn:aws:iam::111111111111:role/idc-jit-dev-grant-workflow";
const TOPIC = "arn:aws:sns:eu-west-1:111111111111:idc-jit-dev-notifications";
const INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef";

export const parameters = defineParameters({
  AccountId: { type: "String", description: "The account." },
  PrincipalId: { type: "String", description: "The user." },
});

/** The content of an Automation document with these typed steps. */
export function automation(steps: readonly Step[]): Record<string, unknown> {
  return documentContent({ kind: "Automation", description: "Test.", assumeRole: ASSUME_ROLE, parameters, steps });
}

/** Raw Automation content, for what the typed model cannot express. */
export function rawAutomation(mainSteps: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: "0.3",
    description: "Test.",
    assumeRole: ASSUME_ROLE,
    parameters: { AccountId: { type: "String", description: "The account." } },
    mainSteps,
    ...extra,
  };
}

/** A raw step calling an API, with anything else merged in. */
export function apiStep(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, action: "aws:executeAwsApi", inputs: { Service: "sts", Api: "GetCallerIdentity" }, ...extra };
}

/** Findings reduced to what a test asserts on first: which rule fired where. */
export function located(findings: readonly Finding[]): { severity: string; rule: string; step?: string }[] {
  return findings.map(({ severity, rule, step }) => ({ severity, rule, step }));
}

export function errors(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === "error");
}

const assignment = { InstanceArn: INSTANCE, TargetType: "AWS_ACCOUNT", TargetId: parameters.refs.AccountId };
const principal = { PrincipalType: "USER", PrincipalId: parameters.refs.PrincipalId };

export function grantStep(name: string, flow?: Flow) {
  const params = { ...assignment, ...principal, PermissionSetArn: "arn:aws:sso:::permissionSet/ssoins-x/ps-x" };
  const outputs = { RequestId: ["String", "$.AccountAssignmentCreationStatus.RequestId"] } as const;
  return executeAwsApi(name, { service: "sso-admin", api: "CreateAccountAssignment", params, outputs }, flow);
}

export function revokeStep(name: string, flow?: Flow) {
  const params = { ...assignment, ...principal, PermissionSetArn: "arn:aws:sso:::permissionSet/ssoins-x/ps-x" };
  const outputs = { RequestId: ["String", "$.AccountAssignmentDeletionStatus.RequestId"] } as const;
  return executeAwsApi(name, { service: "sso-admin", api: "DeleteAccountAssignment", params, outputs }, flow);
}

export function waitForDeletion(name: string, revoke: ReturnType<typeof revokeStep>, flow?: Flow) {
  return waitForAwsResourceProperty(
    name,
    {
      service: "sso-admin",
      api: "DescribeAccountAssignmentDeletionStatus",
      params: { InstanceArn: INSTANCE, AccountAssignmentDeletionRequestId: revoke.outputs.RequestId },
      propertySelector: "$.AccountAssignmentDeletionStatus.Status",
      desiredValues: ["SUCCEEDED"],
    },
    flow,
  );
}

export function notify(name: string, eventType: "Error" | "AccessGranted" | "AccessRevoked", flow?: Flow) {
  return publishNotification(name, { topicArn: TOPIC, eventType, subject: eventType, message: "Test." }, flow);
}
