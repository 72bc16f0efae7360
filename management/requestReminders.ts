/**
 * The pending requests' reminders (functions/requestNotifier/reminders.ts): the schedule group their one-time
 * schedules live in, the role EventBridge Scheduler invokes the request notifier with (only schedules of that group,
 * in this account, may use it), and what the notifier needs to make them: its settings and its IAM statements.
 * Every name and ARN is derived (shared/naming.ts), so the notifier and the role name each other without a cycle.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ReminderSettings } from "../functions/requestNotifier/reminders";
import type { ManagementConfig } from "../shared/config/management";
import { allow, policy, type Statement, serviceTrust } from "../shared/iam";
import type { Names } from "../shared/naming";
import { roleWithPolicy } from "../shared/resources";

type ReminderConfig = Pick<ManagementConfig, "managementAccountId" | "approvalTimeout" | "approvalReminder">;

/** The notifier's reminder settings, all derived from config and names: known before anything is deployed. */
export function reminderSettingsOf(config: ReminderConfig, names: Names): ReminderSettings {
  const { management, arn } = names;
  const account = config.managementAccountId;
  return {
    approvalTimeoutHours: config.approvalTimeout,
    approvalReminderHours: config.approvalReminder,
    groupName: management.reminderScheduleGroup,
    roleArn: arn.role(account, management.reminderSchedulerRole),
    notifierArn: arn.lambdaFunction(account, management.requestNotifierFunction),
    deadLetterArn: arn.queue(account, management.requestNotifierDeadLetterQueue),
  };
}

/** The notifier's own statements: make the group's schedules, and hand them the scheduler role (to Scheduler only). */
export function reminderStatements(config: ReminderConfig, names: Names): Statement[] {
  const { management, arn } = names;
  const account = config.managementAccountId;
  return [
    allow(
      "ArmReminders",
      ["scheduler:CreateSchedule", "scheduler:DeleteSchedule"],
      arn.schedule(account, management.reminderScheduleGroup, "*"),
    ),
    // A settled request's firings are found by name (ListSchedules has no resource type) and deleted.
    allow("FindReminders", ["scheduler:ListSchedules"], "*"),
    allow("PassReminderRole", ["iam:PassRole"], arn.role(account, management.reminderSchedulerRole), {
      StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" },
    }),
  ];
}

export interface RequestRemindersArgs {
  config: ReminderConfig;
  names: Names;
  tags: Record<string, string>;
}

export class RequestReminders extends pulumi.ComponentResource {
  readonly scheduleGroup: aws.scheduler.ScheduleGroup;
  readonly schedulerRole: aws.iam.Role;

  constructor(name: string, args: RequestRemindersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jit:management:RequestReminders", name, {}, opts);
    const parent = { parent: this };
    const { config, names, tags } = args;
    const { management, arn } = names;
    const account = config.managementAccountId;
    const settings = reminderSettingsOf(config, names);

    this.scheduleGroup = new aws.scheduler.ScheduleGroup(
      `${name}-schedule-group`,
      { name: management.reminderScheduleGroup, tags },
      { ...parent, protect: true },
    );
    this.schedulerRole = roleWithPolicy(
      `${name}-scheduler-role`,
      {
        roleName: management.reminderSchedulerRole,
        description:
          "Lets EventBridge Scheduler invoke the IAM Identity Center JIT request notifier for a pending request's reminders",
        // Only schedules of the reminders' group, in this account (the confused-deputy guard).
        trust: serviceTrust("scheduler.amazonaws.com", {
          account,
          sourceArn: arn.scheduleGroup(account, management.reminderScheduleGroup),
        }),
        policy: policy(
          allow("InvokeNotifier", ["lambda:InvokeFunction"], settings.notifierArn),
          // Scheduler sends a firing it could not deliver with the schedule's execution role (configuring-schedule-dlq).
          allow("DeadLetters", ["sqs:SendMessage"], settings.deadLetterArn),
        ),
        tags,
      },
      parent,
    );
    this.registerOutputs({ scheduleGroupName: this.scheduleGroup.name, schedulerRoleArn: this.schedulerRole.arn });
  }
}
