import * as pulumi from "@pulumi/pulumi";
import type { ManagementOutputs } from "../management";
import type { RequestBounds } from "../shared/accessRequest";
import { ConfigError, type ConfigIssue } from "../shared/config/checks";
import type { RequesterConfig } from "../shared/config/requester";

/** What the requester side takes from the management stack, known once the StackReference resolves. */
export interface ManagementSettings {
  requestBusArn: pulumi.Output<string>;
  topicArn: pulumi.Output<string>;
  grantWorkflowRoleArn: pulumi.Output<string>;
  bounds: pulumi.Output<RequestBounds>;
}

type Outputs = Pick<
  ManagementOutputs,
  "managementAccountId" | "region" | "environment" | "namePrefix" | "durationUnit" | "maxDuration"
> & {
  requestBusArn: string;
  topicArn: string;
  grantWorkflowRoleArn: string;
  requestablePermissionSets: string[];
};

/** The settings both sides must agree on: the names each side derives for the other depend on them. */
function disagreements(config: RequesterConfig, o: Outputs): ConfigIssue[] {
  const shared = [
    ["managementAccountId", config.managementAccountId, o.managementAccountId],
    ["environment", config.environment, o.environment],
    ["namePrefix", config.namePrefix, o.namePrefix],
  ] as const;
  const issues: ConfigIssue[] = shared
    .filter(([, mine, theirs]) => mine !== theirs)
    .map(([key, mine, theirs]) => ({
      key: `jit:${key}`,
      rule: `must equal the management stack's (${config.managementStack}): ${JSON.stringify(theirs)}, not ${JSON.stringify(mine)}`,
    }));
  if (config.region !== o.region) {
    issues.push({
      key: "aws:region",
      rule: `must be the management stack's region, ${o.region}, not ${config.region}`,
    });
  }
  return issues;
}

/**
 * Reads the management stack's outputs through a StackReference (`jit:managementStack`) and checks that both stacks
 * describe the same deployment; every value handed on passes through that check, so a mismatch fails the update
 * before anything that uses a management value is created.
 */
export function managementSettings(config: RequesterConfig, opts?: pulumi.CustomResourceOptions): ManagementSettings {
  const reference = new pulumi.StackReference(config.managementStack, undefined, opts);
  const outputs = reference.outputs.apply((o) => {
    const values = o as Outputs;
    const issues = disagreements(config, values);
    if (issues.length > 0) throw new ConfigError(issues);
    return values;
  });
  return {
    requestBusArn: outputs.requestBusArn,
    topicArn: outputs.topicArn,
    grantWorkflowRoleArn: outputs.grantWorkflowRoleArn,
    bounds: outputs.apply((o) => ({
      requestablePermissionSets: o.requestablePermissionSets,
      maxDuration: o.maxDuration,
      durationUnit: o.durationUnit,
    })),
  };
}
