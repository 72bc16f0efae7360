/**
 * An SSM client mocked with the documents the example requester stacks deploy: the change template (tagged with its
 * Component tag) and its runbook, or the Automation form's request runbook (tagged with its own), served as
 * GetDocument serves them (JSON by default).
 */
import {
  type AutomationExecutionMetadata,
  type AutomationExecutionStatus,
  DescribeAutomationExecutionsCommand,
  GetDocumentCommand,
  ListDocumentsCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { parse } from "yaml";
import type { RequestForm } from "../../../../shared/config/common";
import { exampleDeployment } from "../../sim/support/deployment";

export const REGION = "eu-west-1";
export const TEMPLATE = "idc-jit-dev-access-request";
export const RUNBOOK = "idc-jit-dev-request-access";
export const EXECUTION_ID = "0c7f3c5e-8f25-4d9b-9a43-2f7c8e1d5a10";
/** The Automation form's request runbook (the example sandbox stack's). */
export const FORM_RUNBOOK = "idc-jit-sandbox-request-access";

export interface MockedSsm {
  ssm: SSMClient;
  mock: AwsClientStub<SSMClient>;
}

export function mockedSsm(): MockedSsm {
  const ssm = new SSMClient({ region: REGION, credentials: { accessKeyId: "TEST", secretAccessKey: "TEST" } });
  return { ssm, mock: mockClient(ssm) };
}

/** The planned content of one of the example requester stack's documents (of `form`), as a parsed object. */
async function plannedContent(name: string, form: RequestForm = "changeManager"): Promise<Record<string, unknown>> {
  const deployment = await exampleDeployment(form);
  const resource = deployment.requester.stack.resources.find(
    (r) => r.type === "aws:ssm/document:Document" && r.inputs.name === name,
  );
  if (!resource) throw new Error(`the example ${form} requester stack has no document ${name}`);
  return parse(String(resource.inputs.content)) as Record<string, unknown>;
}

/** The account holds the example stack's change template and runbook, with `edit` applied to the runbook. */
export async function givenDeployedForm(
  mock: AwsClientStub<SSMClient>,
  edit: (runbook: Record<string, unknown>, template: Record<string, unknown>) => void = () => {},
): Promise<void> {
  const template = await plannedContent(TEMPLATE);
  const runbook = await plannedContent(RUNBOOK);
  edit(runbook, template);
  mock.on(ListDocumentsCommand).resolves({
    DocumentIdentifiers: [{ Name: TEMPLATE, DocumentType: "Automation.ChangeTemplate", DocumentFormat: "YAML" }],
  });
  mock.on(GetDocumentCommand, { Name: TEMPLATE }).resolves({ Name: TEMPLATE, Content: JSON.stringify(template) });
  mock.on(GetDocumentCommand, { Name: RUNBOOK }).resolves({ Name: RUNBOOK, Content: JSON.stringify(runbook) });
}

/**
 * The account holds the Automation form's request runbook (the example sandbox stack's, which declares AutoApprove),
 * with `edit` applied, and no change template: ListDocuments finds it only by the request form's tag.
 */
export async function givenAutomationForm(
  mock: AwsClientStub<SSMClient>,
  edit: (runbook: Record<string, unknown>) => void = () => {},
): Promise<void> {
  const runbook = await plannedContent(FORM_RUNBOOK, "automation");
  edit(runbook);
  mock.on(ListDocumentsCommand).resolves({ DocumentIdentifiers: [] });
  mock
    .on(ListDocumentsCommand, {
      Filters: [
        { Key: "DocumentType", Values: ["Automation"] },
        { Key: "tag:Component", Values: ["identity-center-jit-request-form"] },
      ],
    })
    .resolves({ DocumentIdentifiers: [{ Name: FORM_RUNBOOK, DocumentType: "Automation", DocumentFormat: "YAML" }] });
  mock
    .on(GetDocumentCommand, { Name: FORM_RUNBOOK })
    .resolves({ Name: FORM_RUNBOOK, Content: JSON.stringify(runbook) });
}

/** A change request of the template as DescribeAutomationExecutions lists it. */
export function changeRequest(
  id: string,
  requester: string,
  status: AutomationExecutionStatus,
  overrides: Partial<AutomationExecutionMetadata> = {},
): AutomationExecutionMetadata {
  return {
    AutomationExecutionId: id,
    DocumentName: TEMPLATE,
    AutomationExecutionStatus: status,
    AutomationSubtype: "ChangeRequest",
    ExecutedBy: `arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_JitRequest_0123456789abcdef/${requester}`,
    ExecutionStartTime: new Date("2026-11-25T09:00:00Z"),
    CurrentStepName: "Approve_Access_Request",
    CurrentAction: "aws:approve",
    ChangeRequestName: `${requester} ViewOnlyAccess on 777788889999`,
    Runbooks: [
      {
        DocumentName: RUNBOOK,
        Parameters: {
          AccountId: ["777788889999"],
          PermissionSet: ["ViewOnlyAccess"],
          Duration: ["2"],
          DurationUnit: ["hours"],
          RequestingUser: [requester],
          Justification: ["INC-4711: read the payment service logs"],
        },
      },
    ],
    ...overrides,
  };
}

export function givenChangeRequests(mock: AwsClientStub<SSMClient>, requests: AutomationExecutionMetadata[]): void {
  mock.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: requests });
}

/** An error as the SDK's credential chain throws it when no provider has credentials. */
export function credentialsProviderError(): Error {
  return Object.assign(new Error("Could not load credentials from any providers"), {
    name: "CredentialsProviderError",
  });
}
