/**
 * What the management config allows that is valid but worth a second look: warnings, printed when the stack is
 * previewed or planned, never refusals.
 *
 * A rule that needs no approval and covers an organization root (`r-…`) lets its users take its sets on every account,
 * the audit and log archive accounts included. The stack knows a permission set only by its name, not by its
 * policies, so every set such a rule names is taken to read data (S3 objects, SSM parameters, secrets' metadata…),
 * except the `jit verify` canary (it denies everything) and the sets listed in `jit:viewOnlyPermissionSets`, which the
 * organization vouches hold no more than AWS's managed `ViewOnlyAccess` job-function policy (resources and their
 * basic metadata, no data: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/ViewOnlyAccess.html).
 */
import type { ConfigIssue } from "./checks";
import type { ManagementConfig } from "./management";

type WarnedConfig = Pick<
  ManagementConfig,
  "eligibility" | "verify" | "viewOnlyPermissionSets" | "notifications" | "guardrails"
>;

const isRoot = (id: string) => id.startsWith("r-");

export function managementConfigWarnings(config: WarnedConfig): ConfigIssue[] {
  return [...readAllAtTheRoot(config), ...fewAlertReaders(config), ...alertedDeployments(config)];
}

/** Without the deploying role, the change alerts (management/changeAlerts/) announce every deployment's writes too. */
function alertedDeployments(config: WarnedConfig): ConfigIssue[] {
  if (config.guardrails?.managementDeployRoleArn !== undefined) return [];
  return [
    {
      key: "jit:guardrails.managementDeployRoleArn",
      rule: "is not set: every write a deployment makes to the solution's resources raises a change alert, one Error each; set it to the ARN (path included) of the role CI deploys this stack with",
    },
  ];
}

/**
 * The reconciler tells the topic's other subscribers when one is gone or can be unsubscribed by anyone: with fewer
 * than two subscribers that receive `Error`, that alert about the one may reach nobody.
 */
function fewAlertReaders(config: WarnedConfig): ConfigIssue[] {
  const readers = config.notifications.filter((n) => n.events.includes("Error")).length;
  if (readers >= 2) return [];
  return [
    {
      key: "jit:notifications",
      rule: `has ${readers} subscriber(s) receiving Error: an alert that one subscriber no longer hears anything goes to the others, so list at least two (a person and a team's address, say)`,
    },
  ];
}

function readAllAtTheRoot(config: WarnedConfig): ConfigIssue[] {
  const viewOnly = new Set([...config.viewOnlyPermissionSets, ...(config.verify ? [config.verify.permissionSet] : [])]);
  return config.eligibility.flatMap((rule, i) => {
    const root = rule.organizationalUnits.find(isRoot);
    if (rule.approvals > 0 || root === undefined) return [];
    const readsData = rule.permissionSets.filter((set) => !viewOnly.has(set));
    if (readsData.length === 0) return [];
    return [
      {
        key: `jit:eligibility[${i}]`,
        rule: `(the rule named ${rule.name}) needs no approval and covers the organization root ${root}, so ${readsData.join(", ")} can be taken on every account, audit and log accounts included; a set not listed in jit:viewOnlyPermissionSets is taken to read data: require an approval, narrow the rule, or offer a view-only set (AWS's managed ViewOnlyAccess)`,
      },
    ];
  });
}
