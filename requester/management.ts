import * as pulumi from "@pulumi/pulumi";
import type { ManagementOutputs } from "../management";
import type { RequestBounds } from "../shared/accessRequest";
import { ConfigError, type ConfigIssue } from "../shared/config/checks";
import type { RequesterConfig } from "../shared/config/requester";

/** What the requester side takes from the management stack. */
export interface ManagementSettings {
  requestBusArn: string;
  topicArn: string;
  requestCheckRoleArn: string;
  bounds: RequestBounds;
  /** The most approvals a rule naming each set needs (the Automation form collects as many). */
  approvalsBySet: Record<string, number>;
  /** The approve permission set's name: the Automation form's approvers are its role in this account. */
  approvePermissionSet: string;
}

/** The management stack's outputs, as plain values once the StackReference has read them. */
type Outputs = {
  [K in keyof ManagementOutputs]: ManagementOutputs[K] extends pulumi.Output<infer T> ? T : ManagementOutputs[K];
};

const READ = [
  "managementAccountId",
  "region",
  "environment",
  "namePrefix",
  "requestBusArn",
  "topicArn",
  "requestCheckRoleArn",
  "requestablePermissionSets",
  "maxDuration",
  "durationUnit",
  "chatbotUserRoles",
  "mostApprovals",
  "approvalsBySet",
  "approvalMode",
  "requestForm",
  "approvalTimeout",
  "approvalReminder",
  "approvePermissionSet",
] as const satisfies readonly (keyof Outputs)[];

/** The management stack's outputs this side reads. */
export type ReadOutputs = Pick<Outputs, (typeof READ)[number]>;

/**
 * What both stacks must agree on: the names each side derives for the other depend on it, and the form must collect
 * the approvals the management side's rules will count.
 */
export function disagreements(config: RequesterConfig, o: ReadOutputs): ConfigIssue[] {
  const from = `the management stack's (${config.managementStack})`;
  const shared = [
    ["managementAccountId", config.managementAccountId, o.managementAccountId],
    ["environment", config.environment, o.environment],
    ["namePrefix", config.namePrefix, o.namePrefix],
    // The management side words the notifications (chat commands or links) for the requester side's mode.
    ["approvalMode", config.approvalMode, o.approvalMode],
    // The management side reads requests from the form's records, and reminds approvers until the request expires.
    ["requestForm", config.requestForm, o.requestForm],
    ["approvalTimeout", config.approvalTimeout, o.approvalTimeout],
    ["approvalReminder", config.approvalReminder, o.approvalReminder],
  ] as const;
  const issues: ConfigIssue[] = shared
    .filter(([, mine, theirs]) => mine !== theirs)
    .map(([key, mine, theirs]) => ({
      key: `jit:${key}`,
      rule: `must equal ${from}: ${JSON.stringify(theirs)}, not ${JSON.stringify(mine)}`,
    }));
  if (config.region !== o.region) {
    issues.push({ key: "aws:region", rule: `must be ${from} region, ${o.region}, not ${config.region}` });
  }
  const template = config.approvalMode === "webAndCli" && config.requestForm === "changeManager";
  if (template && config.approvalsRequired < o.mostApprovals) {
    issues.push({
      key: "jit:approvalsRequired",
      rule: `must be at least ${o.mostApprovals}, the most approvals ${from} eligibility rules require: the form must collect them before the request is checked`,
    });
  }
  const channels = [config.chat?.requesterChannel, config.chat?.approverChannel];
  if (channels.some((c) => c?.auth === "userRole") && !o.chatbotUserRoles) {
    issues.push({
      key: "jit:chat",
      rule: `must not have a userRole channel unless ${from} config sets jit:chatbotUserRoles: true (then its permission sets let members link their chat identity)`,
    });
  }
  return issues;
}

/**
 * Reads the management stack's outputs through a StackReference (`jit:managementStack`) and checks that both stacks
 * describe the same deployment, before the requester side declares any resource: a mismatch creates nothing.
 */
export async function managementSettings(
  config: RequesterConfig,
  opts?: pulumi.CustomResourceOptions,
): Promise<ManagementSettings> {
  const reference = new pulumi.StackReference(config.managementStack, undefined, opts);
  const values = await Promise.all(
    READ.map(async (key) => {
      const details = await reference.getOutputDetails(key);
      return [key, details.value ?? details.secretValue] as const;
    }),
  );
  const missing = values.filter(([, value]) => value === undefined).map(([key]) => key);
  if (missing.length > 0) {
    throw new ConfigError([
      {
        key: "jit:managementStack",
        rule: `names a stack without the outputs ${missing.join(", ")}: is it a management stack, and deployed?`,
      },
    ]);
  }
  const o = Object.fromEntries(values) as ReadOutputs;
  const issues = disagreements(config, o);
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    requestBusArn: o.requestBusArn,
    topicArn: o.topicArn,
    requestCheckRoleArn: o.requestCheckRoleArn,
    bounds: {
      requestablePermissionSets: o.requestablePermissionSets,
      maxDuration: o.maxDuration,
      durationUnit: o.durationUnit,
    },
    approvalsBySet: o.approvalsBySet,
    approvePermissionSet: o.approvePermissionSet,
  };
}
