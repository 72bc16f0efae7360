/** CloudTrail records of the Systems Manager calls behind the request events, as EventBridge delivers them. */

import type { RequestEventContext } from "../../shared/requestEvents";

export const context: RequestEventContext = {
  requestForm: "changeManager",
  changeTemplateName: "idc-jit-dev-access-request",
  runbookName: "idc-jit-dev-request-access",
};

/** The same deployment with the Automation form: the request runbook is the form. */
export const automationContext: RequestEventContext = { ...context, requestForm: "automation" };
export const executionId = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";

/** A CloudTrail record of a Systems Manager call, as EventBridge delivers it. */
export function cloudTrailRecord(
  eventName: string,
  detail: { requestParameters?: Record<string, unknown>; roleId?: string; errorCode?: string } = {},
) {
  const roleId = detail.roleId ?? "AROAAPPROVERSSOROLE";
  return {
    version: "0",
    source: "aws.ssm",
    "detail-type": "AWS API Call via CloudTrail",
    detail: {
      eventVersion: "1.09",
      userIdentity: {
        type: "AssumedRole",
        principalId: `${roleId}:jane.doe@example.com`,
        arn: "arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_ApproveAWSAccountAccess_0123456789abcdef/jane.doe@example.com",
        sessionContext: { sessionIssuer: { type: "Role", principalId: roleId, accountId: "222222222222" } },
      },
      eventTime: "2024-05-01T09:30:12Z",
      eventSource: "ssm.amazonaws.com",
      eventName,
      awsRegion: "eu-west-1",
      sourceIPAddress: "2001:db8:85a3::8a2e:370:7334",
      userAgent:
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
      ...(detail.errorCode ? { errorCode: detail.errorCode, errorMessage: "denied" } : {}),
      requestParameters: detail.requestParameters ?? { automationExecutionId: executionId },
      responseElements: eventName === "StartChangeRequestExecution" ? { automationExecutionId: executionId } : null,
    },
  };
}

export const created = (requestParameters: Record<string, unknown> = {}) =>
  cloudTrailRecord("StartChangeRequestExecution", {
    requestParameters: { documentName: context.changeTemplateName, autoApprove: false, ...requestParameters },
  });
export const signal = (signalType: string, extra: { roleId?: string; errorCode?: string } = {}) =>
  cloudTrailRecord("SendAutomationSignal", {
    ...extra,
    requestParameters: { automationExecutionId: executionId, signalType, payload: { Comment: ["ok"] } },
  });
