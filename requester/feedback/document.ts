/**
 * The feedback document: started by the feedback bus for each event the management workflow sends, it signals the
 * waiting request runbook (Approve: granted or extended; Reject: refused or failed). It signals only executions of the request
 * runbook, so an event naming any other execution (a change request awaiting approval, say) changes nothing.
 */
import { FEEDBACK_SIGNALS } from "../../shared/events";
import { patterns } from "../../shared/patterns";
import { type AutomationDocument, defineParameters } from "../../shared/ssm/model";
import { branch, executeAwsApi, sleep } from "../../shared/ssm/steps";

/** The feedback event's fields, as the rule passes them to the document. */
export const FEEDBACK_FIELDS = {
  ExecutionId: "$.detail.executionId",
  Signal: "$.detail.signal",
  Comment: "$.detail.comment",
} as const;

export function feedbackParameters() {
  return defineParameters({
    ExecutionId: {
      type: "String",
      description: "The request runbook execution waiting for feedback.",
      pattern: patterns.automationExecutionId,
    },
    Signal: {
      type: "String",
      description: "Approve to move the runbook on, Reject to fail it.",
      allowedValues: FEEDBACK_SIGNALS,
    },
    Comment: {
      type: "String",
      description: "What happened, shown in the change request's timeline.",
      pattern: patterns.feedbackComment,
    },
  });
}

export function feedbackDocument(args: { assumeRoleArn: string; runbookName: string }): AutomationDocument {
  const parameters = feedbackParameters();
  const { ExecutionId, Signal, Comment } = parameters.refs;
  const ignore = sleep("Ignore_Other_Execution", "PT0S", { isEnd: true });
  const signal = executeAwsApi(
    "Signal_Request_Runbook",
    {
      service: "ssm",
      api: "SendAutomationSignal",
      params: { AutomationExecutionId: ExecutionId, SignalType: Signal, Payload: { Comment: [Comment] } },
    },
    { maxAttempts: 5, isEnd: true },
  );
  const execution = executeAwsApi(
    "Get_Execution",
    {
      service: "ssm",
      api: "GetAutomationExecution",
      params: { AutomationExecutionId: ExecutionId },
      outputs: { DocumentName: ["String", "$.AutomationExecution.DocumentName"] },
    },
    { maxAttempts: 3 },
  );
  return {
    kind: "Automation",
    description: "Passes the management account's feedback on an access request to the waiting request runbook.",
    assumeRole: args.assumeRoleArn,
    parameters,
    steps: [
      execution,
      branch(
        "Check_Is_Request_Runbook",
        [
          {
            when: { variable: execution.outputs.DocumentName, operator: "StringEquals", value: args.runbookName },
            next: signal,
          },
        ],
        ignore,
      ),
      signal,
      ignore,
    ],
  };
}
