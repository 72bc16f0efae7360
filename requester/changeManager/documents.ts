/**
 * The Change Manager form: a change template people fill in (with its approval step), and the runbook it runs once
 * approved, at the scheduled start if one was given. The runbook sends the request to the management side's bus and
 * ends: no execution of the requester account waits for the grant, so a busy day cannot fill the account's Automation
 * quota with change requests waiting on their runbooks. The grant, a refusal and the end reach the
 * requester by notification, and the management side refuses a request sent too long ago
 * (functions/requestCheck/changeRequest.ts).
 */
import { accessRequestParameterSpecs, type RequestBounds } from "../../shared/accessRequest";
import { putEvent } from "../../shared/documentSteps";
import {
  type AccessRequestField,
  accessRequestEvent,
  FORM_FIELDS,
  type FormField,
  REQUEST_RUNBOOK_STEPS,
} from "../../shared/events";
import { patterns } from "../../shared/patterns";
import {
  type AutomationDocument,
  builtins,
  type ChangeTemplateApprover,
  type ChangeTemplateDocument,
  defineParameters,
  type Ref,
  type Step,
} from "../../shared/ssm/model";
import { approve } from "../../shared/ssm/steps";

export interface RunbookArgs extends RequestBounds {
  assumeRoleArn: string;
  /** The management side's request bus. */
  requestBusArn: string;
}

/**
 * AutomationAssumeRole, which the Change Manager console may pass a runbook whatever it declares (AWS does not
 * document it: tools/sim/variants.ts consoleRunbookParameters). A runbook that did not declare it would refuse to
 * start; this one declares it, optional, and runs with its own role whatever is given (its assumeRole is fixed).
 */
const CONSOLE_ASSUME_ROLE = {
  type: "String",
  description: "Not used: the runbook runs with its own role. Leave it empty.",
  pattern: patterns.automationAssumeRole,
  default: "",
} as const;

export function runbookParameters(bounds: RequestBounds) {
  const specs = accessRequestParameterSpecs(bounds);
  const form = Object.fromEntries(FORM_FIELDS.map((f) => [f, specs[f]])) as Pick<typeof specs, FormField>;
  return defineParameters({ ...form, AutomationAssumeRole: CONSOLE_ASSUME_ROLE });
}

/**
 * The runbook's last step: sends the form's values, with the execution's id as the request's, to the management
 * side's bus and ends. A throttled entry is sent again; one that stays refused fails the run at once.
 */
export function sendRequestStep(form: Record<FormField, Ref>, requestBusArn: string): Step {
  const detail: Record<AccessRequestField, Ref> = { ...form, RequesterExecutionId: builtins.executionId };
  return putEvent(
    REQUEST_RUNBOOK_STEPS.send,
    {
      busArn: requestBusArn,
      source: accessRequestEvent.source,
      detailType: accessRequestEvent.detailType,
      detail,
    },
    { maxAttempts: 3, isEnd: true },
  );
}

/** The form's fields of a runbook's parameters (AutomationAssumeRole and AutoApprove are not part of the request). */
export function formRefs(refs: Readonly<Record<FormField, Ref>>): Record<FormField, Ref> {
  return Object.fromEntries(FORM_FIELDS.map((f) => [f, refs[f]])) as Record<FormField, Ref>;
}

export function requestRunbook(args: RunbookArgs): AutomationDocument {
  const parameters = runbookParameters(args);
  return {
    kind: "Automation",
    description:
      "Sends an approved IAM Identity Center access request to the management account, which grants it or says why not.",
    assumeRole: args.assumeRoleArn,
    parameters,
    steps: [sendRequestStep(formRefs(parameters.refs), args.requestBusArn)],
  };
}

export interface ChangeTemplateArgs {
  runbookName: string;
  approver: ChangeTemplateApprover;
  autoApprovable: boolean;
  /** Hours the request waits for its approvals before it expires. */
  approvalTimeoutHours: number;
}

export function changeTemplate(args: ChangeTemplateArgs): ChangeTemplateDocument {
  return {
    kind: "Automation.ChangeTemplate",
    description: "Request temporary access to an AWS account through IAM Identity Center",
    templateInformation: [
      "## Temporary access to an AWS account",
      "",
      "Ask for a permission set on an AWS account for a limited time. Once the request is approved (and its",
      "scheduled start, if you set one, has come), the account appears in your AWS access portal with that",
      "permission set; it disappears again when the time is up.",
      "",
      "In the runbook parameters, give the account id, the permission set, how long you need it, your IAM Identity",
      "Center user name and why you need it. Approvers are notified with your request, where it came from, and the",
      "account's name.",
    ].join("\n"),
    emergencyChange: false,
    autoApprovable: args.autoApprovable,
    executableRunBooks: [{ name: args.runbookName, version: "$DEFAULT" }],
    parameters: defineParameters({}),
    steps: [
      approve(
        "Approve_Access_Request",
        {
          message: "Approve or reject this request for temporary AWS account access.",
          enhancedApprovers: [args.approver],
        },
        { timeoutSeconds: args.approvalTimeoutHours * 3600 },
      ),
    ],
  };
}
