/**
 * What the functions that grant and end access (functions/grantAccess/, functions/endAccess/) and the reconciler,
 * which ends grants in process, share: the end schedules' settings, the settings object both functions read from
 * their environment, and the IAM statements they need.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GrantFunctionSettings } from "../functions/grantAccess";
import type { EndScheduleSettings } from "../functions/grantSchedule";
import type { ManagementConfig } from "../shared/config/management";
import { allow, type Statement } from "../shared/iam";
import type { Names } from "../shared/naming";
import { grantLedgerStatements } from "./grantLedger";

/** Where the end schedules are made, all derived from names (shared/naming.ts): known before anything is deployed. */
export function endScheduleSettings(config: Pick<ManagementConfig, "managementAccountId">, names: Names) {
  const { management, arn } = names;
  const account = config.managementAccountId;
  return {
    groupName: management.scheduleGroup,
    roleArn: arn.role(account, management.schedulerRole),
    deadLetterArn: arn.queue(account, management.endDeadLetterQueue),
    documentName: management.endDocument,
  } satisfies EndScheduleSettings;
}

/** The grant and end functions' settings (functions/grantAccess/settings.ts). */
export function grantFunctionSettings(
  config: Pick<ManagementConfig, "managementAccountId" | "identityCenterInstanceArn">,
  names: Names,
): GrantFunctionSettings {
  return {
    instanceArn: config.identityCenterInstanceArn,
    tableName: names.management.grantTable,
    schedule: endScheduleSettings(config, names),
  };
}

export interface GrantFunctionStatementsArgs {
  config: Pick<ManagementConfig, "managementAccountId" | "identityCenterInstanceArn" | "eligibility">;
  names: Names;
  ledger: { table: pulumi.Input<string>; openIndex: pulumi.Input<string> };
  /** The requestable permission sets' ARNs (./requestableSets.ts). */
  setArns: pulumi.Input<string>[];
  /**
   * Remove and list assignments of any permission set of the instance, not only those requestable now: whoever ends
   * grants must still end those of a set an operator has since taken out of the rules (creating stays limited).
   */
  removesFromAnySet?: boolean;
}

/** The ledger's items and open index, the schedule group's schedules and the scheduler role to pass to Scheduler. */
export function ledgerAndScheduleStatements(args: Omit<GrantFunctionStatementsArgs, "setArns">): Statement[] {
  const { names, config } = args;
  const account = config.managementAccountId;
  const { management, arn } = names;
  return [
    ...grantLedgerStatements(args.ledger),
    allow(
      "EndSchedules",
      ["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule"],
      arn.schedule(account, management.scheduleGroup, "*"),
    ),
    allow("PassSchedulerRole", ["iam:PassRole"], arn.role(account, management.schedulerRole), {
      StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" },
    }),
  ];
}

/**
 * Assign, remove, read their status and list the requestable sets' assignments, on the instance, those sets and any
 * account; and the IAM actions Identity Center performs with the caller's permissions when the target is the
 * management account itself (as the grant workflow role had them before the functions took the assignments over).
 */
export function assignmentStatements(args: Omit<GrantFunctionStatementsArgs, "ledger">): Statement[] {
  const { config, names } = args;
  const account = config.managementAccountId;
  const instance = config.identityCenterInstanceArn;
  const partition = names.partition;
  const accounts = `arn:${partition}:sso:::account/*`;
  const targets = [instance, ...args.setArns, accounts];
  const removable = args.removesFromAnySet ? [instance, names.arn.permissionSets(instance), accounts] : targets;
  return [
    allow("Assign", ["sso:CreateAccountAssignment"], targets),
    allow("Remove", ["sso:DeleteAccountAssignment"], removable),
    allow(
      "AssignmentStatus",
      ["sso:DescribeAccountAssignmentCreationStatus", "sso:DescribeAccountAssignmentDeletionStatus"],
      instance,
    ),
    allow("ListAssignments", ["sso:ListAccountAssignments"], removable),
    ...(provisionsInManagementAccount(args) ? managementAccountStatements(account, partition) : []),
  ];
}

/**
 * Whether the role may need Identity Center to provision its roles in the management account with the caller's IAM
 * permissions: a remover always may (removing is the safe direction: a set or an account taken out of the rules still
 * has its grants ended), a creator only when a rule names the management account (no organizational unit covers it:
 * it is one of the solution's own accounts).
 */
function provisionsInManagementAccount(args: Omit<GrantFunctionStatementsArgs, "ledger">): boolean {
  const { config } = args;
  return (
    args.removesFromAnySet === true || config.eligibility.some((r) => r.accounts.includes(config.managementAccountId))
  );
}

/** The IAM actions Identity Center performs with the caller's permissions when the target is the management account. */
export function managementAccountStatements(account: string, partition: string): Statement[] {
  return [
    allow("ListForManagementAccount", ["iam:ListRoles", "iam:ListPolicies"], "*"),
    allow(
      "ProvisionRolesInManagementAccount",
      [
        "iam:AttachRolePolicy",
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:DeleteRolePolicy",
        "iam:DetachRolePolicy",
        "iam:GetRole",
        "iam:ListAttachedRolePolicies",
        "iam:ListRolePolicies",
        "iam:PutRolePolicy",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
      ],
      `arn:${partition}:iam::${account}:role/aws-reserved/sso.amazonaws.com/*`,
    ),
    allow(
      "ReadIdentityCenterSamlProvider",
      ["iam:GetSAMLProvider"],
      `arn:${partition}:iam::${account}:saml-provider/AWSSSO_*_DO_NOT_DELETE`,
    ),
  ];
}

/** Everything the request check (which grants) and the end function need. */
export function grantFunctionStatements(args: GrantFunctionStatementsArgs): Statement[] {
  return [...ledgerAndScheduleStatements(args), ...assignmentStatements(args)];
}
