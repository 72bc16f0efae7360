/** Console links for what the CLI starts, in the region's own console (which differs by partition). */
import { changeManagerUrl, changeRequestPath, consoleHost } from "../../shared/naming";

/** A change request's page in Change Manager (as names().urls.changeRequest builds it for a deployment). */
export function changeRequestLink(region: string, opsItemId: string): string {
  return changeManagerUrl(region, changeRequestPath(opsItemId));
}

/** An Automation execution's page, for executions that are not change requests or have no OpsItem yet. */
export function automationExecutionLink(region: string, executionId: string): string {
  return `https://${consoleHost(region)}/systems-manager/automation/execution/${executionId}?region=${region}`;
}
