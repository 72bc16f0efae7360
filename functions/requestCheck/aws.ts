/** The AWS answers the request check reads the same way wherever it asks. */
import { type AutomationExecution, GetAutomationExecutionCommand, type SSMClient } from "@aws-sdk/client-ssm";

/** Whether `err` is an AWS error with one of these names (the SDK's exception classes carry the error code). */
export function isAwsError(err: unknown, ...names: string[]): boolean {
  return names.includes((err as { name?: string } | undefined)?.name ?? "");
}

/** An Automation execution, or undefined if the account has none with that id. */
export async function findExecution(
  ssm: Pick<SSMClient, "send">,
  id: string,
): Promise<AutomationExecution | undefined> {
  try {
    const { AutomationExecution } = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }));
    return AutomationExecution;
  } catch (err) {
    if (isAwsError(err, "AutomationExecutionNotFoundException")) return undefined;
    throw err;
  }
}
