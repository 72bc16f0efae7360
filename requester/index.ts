import * as pulumi from "@pulumi/pulumi";
import type { RequesterConfig } from "../shared/config/requester";
import { names as deriveNames, type Names } from "../shared/naming";
import type { ChangeTemplateApprover } from "../shared/ssm/model";
import { standardTags } from "../shared/tags";
import { AutomationForm } from "./automationForm";
import { ChangeManagerForm } from "./changeManager";
import { ChatChannels } from "./chat";
import { DeliveryAlarms } from "./deliveryAlarms";
import { EndRequest } from "./endRequest";
import { type ManagementSettings, managementSettings } from "./management";
import { RequestEventForwarding } from "./requestEvents";
import { RequestReader } from "./requestReader";
import { ServiceLinkedRoles } from "./serviceLinkedRoles";

/** The requester side: where people raise, approve and follow access requests (DESIGN.md §1). */
export async function requesterStack(config: RequesterConfig) {
  const names = deriveNames(config);
  const tags = standardTags("requester", config.environment);
  const account = config.requesterAccountId;
  const management = await managementSettings(config);

  // The logical name of the version that notified from this account, kept so an upgrade updates in place.
  new RequestEventForwarding("request-notifications", {
    account,
    requestBusArn: management.requestBusArn,
    requestForm: config.requestForm,
    names,
    tags,
  });
  new DeliveryAlarms("delivery-alarms", { names, tags });

  const chat = config.chat
    ? new ChatChannels("chat", {
        chat: config.chat,
        account,
        region: config.region,
        requestForm: config.requestForm,
        names,
        tags,
      })
    : undefined;
  if (chat) {
    pulumi.log.warn(
      "chat-only mode: AWS records a chat channel's role, not the person who used it, so the management side's request check rejects requests raised in chat and does not count approvals given there; raise requests from the form or the CLI, and grant in chat only under eligibility rules with approvals: 0",
    );
  }

  const form =
    config.requestForm === "automation"
      ? automationForm(config, management, chat, names, tags)
      : changeManagerForm(config, management, chat, names, tags);

  const endRequest = new EndRequest("end-request", {
    account,
    requestBusArn: management.requestBusArn,
    names,
    tags,
  });

  const reader = new RequestReader("request-reader", {
    account,
    requestCheckRoleArn: management.requestCheckRoleArn,
    names,
    tags,
  });

  new ServiceLinkedRoles("service-linked-roles", {
    ssm: config.serviceLinkedRoles.ssm,
    // The Automation form does not use Change Manager.
    changeManager: config.requestForm === "changeManager" && config.serviceLinkedRoles.changeManager,
    tags,
  });

  return {
    requestForm: config.requestForm,
    changeTemplateName: form instanceof ChangeManagerForm ? form.template.name : undefined,
    requestRunbookName: form.runbook.name,
    requestFormUrl: names.urls.requestForm(config.requestForm),
    pendingApprovalsUrl: names.urls.pendingApprovals(config.requestForm),
    requestRoleArn: form.requestRole.arn,
    endAccessDocumentName: endRequest.document.name,
    requestReaderRoleArn: reader.role,
    approvalMode: config.approvalMode,
    ...(chat && {
      chat: {
        requesterRoleArn: chat.requesterRole.arn,
        approverRoleArn: chat.approverRole.arn,
        aliases: chat.aliases,
      },
    }),
  };
}

type Chat = ChatChannels | undefined;

function changeManagerForm(
  config: RequesterConfig,
  management: ManagementSettings,
  chat: Chat,
  names: Names,
  tags: Record<string, string>,
) {
  const approver: ChangeTemplateApprover = chat
    ? { type: "IamRole", approver: names.requester.chatbotApproverRole, minRequiredApprovals: 1 }
    : { type: "SSOGroup", approver: config.approverGroupId ?? "", minRequiredApprovals: config.approvalsRequired };
  return new ChangeManagerForm(
    "change-manager",
    {
      account: config.requesterAccountId,
      bounds: management.bounds,
      requestBusArn: management.requestBusArn,
      approver,
      autoApprovable: config.autoApprovable,
      approvalTimeoutHours: config.approvalTimeout,
      names,
      tags,
    },
    // The template names the chat approver role, which must exist before Change Manager accepts it.
    { dependsOn: chat ? [chat] : [] },
  );
}

function automationForm(
  config: RequesterConfig,
  management: ManagementSettings,
  chat: Chat,
  names: Names,
  tags: Record<string, string>,
) {
  return new AutomationForm("automation-form", {
    account: config.requesterAccountId,
    bounds: management.bounds,
    requestBusArn: management.requestBusArn,
    // In chat, the channel's role signals; otherwise whoever holds the approve permission set in this account.
    approver: chat ? { roleArn: chat.approverRole.arn } : { permissionSet: management.approvePermissionSet },
    approvalsBySet: management.approvalsBySet,
    autoApprovable: config.autoApprovable,
    approvalTimeoutHours: config.approvalTimeout,
    names,
    tags,
  });
}

export type RequesterOutputs = Awaited<ReturnType<typeof requesterStack>>;
