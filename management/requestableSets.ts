import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ManagementConfig } from "../shared/config/management";

/**
 * The requestable permission sets' ARNs, by name, looked up when the stack is deployed: the functions may assign and
 * remove those and no other. A rule naming a set Identity Center does not have fails the deployment; a set recreated
 * later (a new ARN) cannot be assigned until the next `pulumi up`, and its grants fail and are reported until then.
 * Sets this stack creates itself (the `jit verify` canary) come from their resource (`created`), since a lookup would
 * fail on the deployment that creates them.
 */
export function requestableSetArns(
  config: Pick<ManagementConfig, "requestablePermissionSets" | "identityCenterInstanceArn">,
  created: Record<string, pulumi.Input<string>> | undefined,
  opts: pulumi.InvokeOptions,
): Record<string, pulumi.Input<string>> {
  return Object.fromEntries(
    config.requestablePermissionSets.map((setName) => [
      setName,
      created?.[setName] ??
        aws.ssoadmin.getPermissionSetOutput({ instanceArn: config.identityCenterInstanceArn, name: setName }, opts).arn,
    ]),
  );
}
