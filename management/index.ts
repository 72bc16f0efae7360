import type { ManagementConfig } from "../shared/config/management";
import { names as deriveNames } from "../shared/naming";
import { standardTags } from "../shared/tags";
import { ChangeAlerts } from "./changeAlerts";
import { CloudTrailSummary } from "./cloudTrailSummary";
import { DeliveryAlarms } from "./deliveryAlarms";
import { EndOfGrant } from "./endOfGrant";
import { EndRequestRules } from "./endOfGrant/requestRules";
import { GrantLedger } from "./grantLedger";
import { GrantWorkflow } from "./grantWorkflow";
import { RequesterGuardrails } from "./guardrails";
import { InvalidRequestAlert } from "./invalidRequestAlert";
import { NotificationTopic } from "./notifications";
import { PermissionSetSync } from "./permissionSetSync";
import { canaryPermissionSet, SolutionPermissionSets } from "./permissionSets";
import { Reconciler } from "./reconciler";
import { arnsOf, checkedSessionMinutes, requestableSets } from "./requestableSets";
import { RequestBus } from "./requestBus";
import { RequestCheck } from "./requestCheck";
import { RequestNotifier } from "./requestNotifier";
import { SessionRevoker } from "./sessionRevoker";

/** The management side: everything in the account that owns IAM Identity Center (DESIGN.md §1). */
export function managementStack(config: ManagementConfig) {
  const names = deriveNames(config);
  const tags = standardTags("management", config.environment);
  const account = config.managementAccountId;
  const { crossSide, management } = names;
  const requesterAccountRootArn = names.arn.accountRoot(config.requesterAccountId);

  const topic = new NotificationTopic("notifications", {
    topicName: management.topic,
    subscribers: config.notifications,
    tags,
  });

  // The alarms on lost deliveries, and the dead-letter queue of the rules without one of their own.
  const alarms = new DeliveryAlarms("delivery-alarms", { config, names, tags });
  const eventDeadLetterArn = alarms.eventDeadLetterQueue.arn;

  const bus = new RequestBus("request-bus", {
    busName: management.requestBus,
    requesterAccountRootArn,
    senderRoleArns: [crossSide.requestRoleArn, crossSide.endAccessRoleArn, crossSide.requesterEventRuleRoleArn],
    tags,
  });

  const summary = config.cloudTrailSummary.enabled
    ? new CloudTrailSummary("cloudtrail-summary", {
        account,
        cloudTrailLogGroupName: config.cloudTrailSummary.logGroupName,
        topicArn: topic.arn,
        waitSeconds: config.cloudTrailSummary.waitSeconds,
        // The schedule the end function makes passes the grant's minutes from the ledger.
        durationUnit: "minutes",
        logRetentionDays: config.logRetentionDays,
        names,
        tags,
      })
    : undefined;

  const ledger = new GrantLedger("grant-ledger", { name: management.grantTable, tags });

  const ledgerArns = { table: ledger.tableArn, openIndex: ledger.openIndexArn };

  // The canary jit verify requests (jit:verify), when the config has one: its only policy denies everything.
  const canary =
    config.verify &&
    canaryPermissionSet("verify-canary", {
      instanceArn: config.identityCenterInstanceArn,
      setName: config.verify.permissionSet,
      tags,
    });

  const sets = requestableSets(
    config,
    canary && config.verify ? { [config.verify.permissionSet]: canary } : undefined,
    {},
  );
  const setsByName = arnsOf(sets);
  const setArns = Object.values(setsByName);
  const sessionMinutes = checkedSessionMinutes(config, sets);

  // Checks a request and grants what it lets through, in one invocation (the grant workflow's first step).
  const check = new RequestCheck("request-check", {
    config,
    names,
    ledger: ledgerArns,
    setArns,
    topicArn: topic.arn,
    tags,
  });

  const endOfGrant = new EndOfGrant("end-of-grant", {
    config,
    names,
    topicArn: topic.arn,
    ledger: ledgerArns,
    setArns,
    cloudTrailSummaryFunctionName: summary?.functionName,
    sessionMinutes,
    tags,
  });

  if (config.revokeOpenSessions) {
    // The canary denies everything already, and its inline policy is the stack's: the revoker never writes it.
    const revocable = Object.entries(setsByName).filter(([name]) => name !== config.verify?.permissionSet);
    const revocableArns = revocable.map(([, arn]) => arn);
    new SessionRevoker("session-revoker", {
      config,
      names,
      ledgerTableArn: ledger.tableArn,
      setArns: revocableArns,
      tags,
    });
  }

  new EndRequestRules("end-requests", {
    config,
    names,
    requestBusName: bus.name,
    endDocument: endOfGrant.document,
    endWorkflowRoleArn: endOfGrant.role.arn,
    deadLetterArn: eventDeadLetterArn,
    tags,
  });

  const workflow = new GrantWorkflow("grant-workflow", {
    config,
    names,
    requestBusName: bus.name,
    topicArn: topic.arn,
    requestCheckFunctionName: check.inlineFunction.function.name,
    setArns: setsByName,
    cloudTrailSummaryFunctionName: summary?.functionName,
    tags,
  });

  const notifier = new RequestNotifier("request-notifier", {
    config,
    names,
    requestBusName: bus.name,
    topicArn: topic.arn,
    ledgerTableArn: ledger.tableArn,
    sessionMinutes,
    tags,
  });

  const reconciler = new Reconciler("reconciler", {
    config,
    names,
    topicArn: topic.arn,
    ledger: ledgerArns,
    setArns: setsByName,
    scheduleGroupName: endOfGrant.scheduleGroup.name,
    deadLetterQueues: {
      request: workflow.deadLetterQueue,
      end: endOfGrant.deadLetterQueue,
      notification: notifier.deadLetterQueue,
      event: alarms.eventDeadLetterQueue,
    },
    tags,
  });

  const alert = new InvalidRequestAlert("invalid-request-alert", {
    account,
    requesterAccountId: config.requesterAccountId,
    requestBusName: bus.name,
    topicArn: topic.arn,
    deadLetterArn: eventDeadLetterArn,
    names,
    tags,
  });

  const permissionSets = new SolutionPermissionSets("permission-sets", {
    instanceArn: config.identityCenterInstanceArn,
    requesterAccountId: config.requesterAccountId,
    setNames: config.solutionPermissionSets,
    sessionDuration: config.permissionSetSessionDuration,
    chatbotUserRoles: config.chatbotUserRoles,
    requestForm: config.requestForm,
    names,
    tags,
  });

  new PermissionSetSync("permission-set-sync", {
    account,
    instanceArn: config.identityCenterInstanceArn,
    permissionSetNames: config.requestablePermissionSets,
    scheduleMinutes: config.permissionSetSyncMinutes,
    logRetentionDays: config.logRetentionDays,
    deadLetterArn: eventDeadLetterArn,
    names,
    tags,
  });

  new ChangeAlerts("change-alerts", {
    account,
    region: config.region,
    topicArn: topic.arn,
    deadLetterArn: eventDeadLetterArn,
    deployRoleArn: config.guardrails?.managementDeployRoleArn,
    names,
    tags,
  });

  const requesterDeployRoleArn = config.guardrails?.requesterDeployRoleArn;
  if (requesterDeployRoleArn !== undefined) {
    new RequesterGuardrails("guardrails", {
      names,
      requesterAccountId: config.requesterAccountId,
      deployRoleArn: requesterDeployRoleArn,
      chatUserPermissionSets: config.chatbotUserRoles ? Object.values(config.solutionPermissionSets) : undefined,
      tags,
    });
  }

  // What the requester stack reads through its StackReference (and what people assign in Identity Center).
  return {
    managementAccountId: account,
    region: config.region,
    environment: config.environment,
    namePrefix: config.namePrefix,
    requestBusArn: bus.arn,
    topicArn: topic.arn,
    grantDocumentName: workflow.document.name,
    grantWorkflowRoleArn: workflow.role.arn,
    requestCheckRoleArn: check.inlineFunction.role.arn,
    grantTableName: ledger.tableName,
    /** The end-of-grant workflow `jit revoke` starts (Cause operator). */
    endDocumentName: endOfGrant.document.name,
    endWorkflowRoleArn: endOfGrant.role.arn,
    endFunctionName: endOfGrant.endFunction.function.name,
    reconcilerFunctionName: reconciler.inlineFunction.function.name,
    scheduleGroupName: endOfGrant.scheduleGroup.name,
    endDeadLetterQueueArn: endOfGrant.deadLetterQueue.arn,
    invalidRequestAlertDocumentName: alert.document.name,
    requestablePermissionSets: config.requestablePermissionSets,
    maxDuration: config.maxDuration,
    durationUnit: config.durationUnit,
    mostApprovals: config.mostApprovals,
    approvalsBySet: config.approvalsBySet,
    approvalMode: config.approvalMode,
    requestForm: config.requestForm,
    approvalTimeout: config.approvalTimeout,
    approvalReminder: config.approvalReminder,
    /** The Automation form names this set's Identity Center role in the requester account as its approver. */
    approvePermissionSet: config.solutionPermissionSets.approve,
    chatbotUserRoles: config.chatbotUserRoles,
    permissionSets: {
      request: permissionSets.request.name,
      requestNoApproval: permissionSets.requestNoApproval.name,
      approve: permissionSets.approve.name,
    },
    /** The canary permission set `jit verify` requests, if the config has one. */
    verifyPermissionSet: canary ? canary.name : undefined,
  };
}

export type ManagementOutputs = ReturnType<typeof managementStack>;
