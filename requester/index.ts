import * as pulumi from "@pulumi/pulumi";
import type { RequesterConfig } from "../shared/config/requester";
import { names as deriveNames } from "../shared/naming";
import type { ChangeTemplateApprover } from "../shared/ssm/model";
import { standardTags } from "../shared/tags";
import { ChangeManagerForm } from "./changeManager";
import { ChatChannels } from "./chat";
import { EndRequest } from "./endRequest";
import { managementSettings } from "./management";
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
    names,
    tags,
  });

  const chat = config.chat
    ? new ChatChannels("chat", { chat: config.chat, account, region: config.region, names, tags })
    : undefined;
  if (chat) {
    pulumi.log.warn(
      "chat-only mode: AWS records a chat channel's role, not the person who used it, so the management side's request check rejects requests raised in chat and does not count approvals given there; raise requests from the form or the CLI, and grant in chat only under eligibility rules with approvals: 0",
    );
  }

  const approver: ChangeTemplateApprover = chat
    ? { type: "IamRole", approver: names.requester.chatbotApproverRole, minRequiredApprovals: 1 }
    : { type: "SSOGroup", approver: config.approverGroupId ?? "", minRequiredApprovals: config.approvalsRequired };
  const form = new ChangeManagerForm(
    "change-manager",
    {
      account,
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

  new ServiceLinkedRoles("service-linked-roles", { ...config.serviceLinkedRoles, tags });

  return {
    changeTemplateName: form.template.name,
    requestRunbookName: form.runbook.name,
    changeRequestFormUrl: names.urls.createChangeRequest,
    pendingApprovalsUrl: names.urls.pendingApprovals,
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

export type RequesterOutputs = Awaited<ReturnType<typeof requesterStack>>;
