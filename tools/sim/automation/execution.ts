/** The state of one Automation execution, and how GetAutomationExecution shows it. */
import { type Caller, sessionArn } from "../aws";
import type { DocumentContent, SsmDocumentRecord } from "./document";

export type ExecutionStatus =
  | "Pending"
  | "InProgress"
  | "Waiting"
  | "Success"
  | "TimedOut"
  | "Cancelling"
  | "Cancelled"
  | "Failed";

export type StepStatus = "Pending" | "InProgress" | "Waiting" | "Success" | "TimedOut" | "Cancelled" | "Failed";

export const TERMINAL: ReadonlySet<ExecutionStatus> = new Set(["Success", "TimedOut", "Cancelled", "Failed"]);

export interface StepExecution {
  StepName: string;
  Action: string;
  StepStatus: StepStatus;
  Attempts: number;
  ExecutionStartTime: Date;
  ExecutionEndTime?: Date;
  Outputs?: Record<string, unknown[]>;
  FailureMessage?: string;
}

export interface ChangeRequestDetails {
  /** The change request's name; StartChangeRequestExecution does not require one. */
  name?: string;
  runbooks: { DocumentName: string; DocumentVersion?: string; Parameters: Record<string, string[]> }[];
  autoApprove: boolean;
  scheduledTime?: Date;
  opsItemId: string;
  /** The runbook executions Change Manager started for it, in order. */
  runbookExecutionIds: string[];
  /** The State Manager associations that started them, in the same order. */
  associationIds: string[];
}

/** A signal an aws:approve step is waiting for. */
export interface PendingApproval {
  step: string;
  approve(caller: Caller, comment?: string): void;
  reject(caller: Caller, comment?: string): void;
}

export interface Execution {
  id: string;
  document: SsmDocumentRecord;
  content: DocumentContent;
  /** The parameters as given, `{Name: [values]}`. */
  parameters: Record<string, string[]>;
  /** Typed values of parameters, step outputs, variables and built-ins, by expression. */
  scope: Map<string, unknown>;
  status: ExecutionStatus;
  startedBy: Caller;
  /** The role the steps run as (the document's assumeRole, or the starter). */
  runAs: Caller;
  startTime: Date;
  endTime?: Date;
  currentStep?: string;
  steps: StepExecution[];
  failureMessage?: string;
  /** Aborted when the execution is cancelled (StopAutomationExecution). */
  cancel: AbortController;
  approval?: PendingApproval;
  changeRequest?: ChangeRequestDetails;
  /** The execution that started this one: the change request a runbook runs for. */
  parentId?: string;
  /** The State Manager association that started it (CreateAssociation's AssociationId). */
  associationId?: string;
  /** Resolves when the execution ends. */
  done: Promise<ExecutionStatus>;
}

/** The execution as GetAutomationExecution returns it. */
export function describeExecution(x: Execution): Record<string, unknown> {
  const change = x.changeRequest;
  return {
    AutomationExecutionId: x.id,
    DocumentName: x.document.name,
    DocumentVersion: x.document.version ?? "1",
    ExecutionStartTime: x.startTime,
    ExecutionEndTime: x.endTime,
    AutomationExecutionStatus: x.status,
    StepExecutions: x.steps.map((s) => ({ ...s })),
    StepExecutionsTruncated: false,
    Parameters: x.parameters,
    Outputs: {},
    FailureMessage: x.failureMessage,
    Mode: "Auto",
    ...(x.parentId && { ParentAutomationExecutionId: x.parentId }),
    ...(x.associationId && { AssociationId: x.associationId }),
    ExecutedBy: sessionArn(x.startedBy),
    CurrentStepName: x.currentStep,
    ...(change && {
      AutomationSubtype: "ChangeRequest",
      ChangeRequestName: change.name,
      OpsItemId: change.opsItemId,
      ScheduledTime: change.scheduledTime,
      Runbooks: change.runbooks,
    }),
  };
}
