import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accessWindowProblems, sessionMinutes } from "../shared/accessWindow";
import { ruleMinutes } from "../shared/config/eligibility";
import type { ManagementConfig } from "../shared/config/management";

/** A requestable permission set as Identity Center has it when the stack is deployed. */
export interface RequestableSet {
  arn: pulumi.Input<string>;
  /** ISO 8601, such as PT8H: how long a session opened with the set lasts, after its assignment is removed too. */
  sessionDuration: pulumi.Input<string | undefined>;
}

/**
 * The requestable permission sets, by name, looked up when the stack is deployed: the functions may assign and
 * remove those and no other. A rule naming a set Identity Center does not have fails the deployment; a set recreated
 * later (a new ARN) cannot be assigned until the next `pulumi up`, and its grants fail and are reported until then.
 * Sets this stack creates itself (the `jit verify` canary) come from their resource (`created`), since a lookup would
 * fail on the deployment that creates them.
 */
export function requestableSets(
  config: Pick<ManagementConfig, "requestablePermissionSets" | "identityCenterInstanceArn">,
  created: Record<string, aws.ssoadmin.PermissionSet> | undefined,
  opts: pulumi.InvokeOptions,
): Record<string, RequestableSet> {
  return Object.fromEntries(
    config.requestablePermissionSets.map((setName) => [
      setName,
      created?.[setName] ??
        aws.ssoadmin.getPermissionSetOutput({ instanceArn: config.identityCenterInstanceArn, name: setName }, opts),
    ]),
  );
}

export const arnsOf = (sets: Record<string, RequestableSet>): Record<string, pulumi.Input<string>> =>
  Object.fromEntries(Object.entries(sets).map(([name, set]) => [name, set.arn]));

type WindowConfig = Pick<ManagementConfig, "eligibility" | "maxAccessWindow">;

/**
 * Each requestable set's session duration in minutes, once checked: a rule whose longest grant plus a set's session
 * outlasts `jit:maxAccessWindow` fails the preview (the durations are known only from the lookups, so the error is
 * thrown in their apply, as the other deploy-time checks throw). The request notifier words the effective window with
 * them, and the end function waits them out before the CloudTrail summary. A set's session duration changed in
 * Identity Center later counts from the next `pulumi up`.
 */
export function checkedSessionMinutes(
  config: WindowConfig,
  sets: Record<string, RequestableSet>,
): pulumi.Output<Record<string, number>> {
  const durations = Object.fromEntries(Object.entries(sets).map(([name, set]) => [name, set.sessionDuration]));
  return pulumi.all(durations).apply((byName) => checkAccessWindow(config, byName));
}

/** The check itself, on the durations the lookups answered (ISO 8601 by set name); throws on a rule over the window. */
export function checkAccessWindow(
  config: WindowConfig,
  durations: Record<string, string | undefined>,
): Record<string, number> {
  const sessions = Object.fromEntries(
    Object.entries(durations).map(([name, duration]) => [name, sessionMinutes(duration)]),
  );
  const limit = config.maxAccessWindow;
  const problems = limit
    ? accessWindowProblems(config.eligibility, sessions, { setting: limit, minutes: ruleMinutes(limit) })
    : [];
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return sessions;
}
