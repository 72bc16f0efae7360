/**
 * The grant workflow's refusal path: the request check turned the request away (Rejected or Ignored) and left its
 * reason in Parameter Store. Read it, keep it only if it is plain text (no quote, backslash or control character that
 * could change the notification's shape), delete it;
 * whatever fails here, the request is still reported with a fixed reason. Nothing was granted; a grant the check
 * recorded before refusing (another grant of the same access under way, an extension past the rules) it closed itself.
 */
import { IGNORED } from "../../functions/requestCheck";
import { builtins, defineVariables, type Step } from "../../shared/ssm/model";
import { branch, executeAwsApi, payloadIs, updateVariable } from "../../shared/ssm/steps";
import type { Steps } from "./parameters";

/** What the requester and the administrators are told when the check's reason cannot be read (or is not plain text). */
export const UNREAD_REASON = "The request check refused the request; its reason could not be read";
/** Characters that would break out of a JSON string the reason is interpolated into: `"`, `\` and U+0000 to U+001F. */
export const JSON_UNSAFE = ['"', "\\", ...Array.from({ length: 0x20 }, (_, c) => String.fromCharCode(c))];

export function refusalVariables() {
  return defineVariables({
    CheckReason: {
      type: "String",
      default: UNREAD_REASON,
      description: "Why the request check refused the request, as it wrote it to Parameter Store",
    },
  });
}

export interface Refusal {
  /** The first step: reads the reason. */
  entry: Step;
  steps: Step[];
}

export function refusalSteps(
  s: Steps,
  check: Pick<Step<"Payload">, "outputs">,
  variables: ReturnType<typeof refusalVariables>,
  checkReasonPath: string,
): Refusal {
  const reason = variables.refs.CheckReason;
  const name = `${checkReasonPath}${builtins.executionId}`;
  const { bestEffort, finish } = s;
  const readReason = executeAwsApi(
    "Read_Check_Reason",
    {
      service: "ssm",
      api: "GetParameter",
      params: { Name: name },
      outputs: { Reason: ["String", "$.Parameter.Value"] },
    },
    { maxAttempts: 3, isCritical: false, onFailure: () => forgetReason, onCancel: () => routeRefusal },
  );
  const useReason = updateVariable("Use_Check_Reason", reason, readReason.outputs.Reason.toString(), {
    isCritical: false,
    onFailure: () => forgetReason,
    onCancel: () => routeRefusal,
  });
  const checkReason = branch(
    "Check_Reason_Is_Plain",
    [
      {
        when: {
          and: JSON_UNSAFE.map((c) => ({
            not: { variable: readReason.outputs.Reason, operator: "Contains" as const, value: c },
          })),
        },
        next: useReason,
      },
    ],
    () => forgetReason,
    { isCritical: false, onFailure: () => forgetReason, onCancel: () => routeRefusal },
  );
  const forgetReason = executeAwsApi(
    "Delete_Check_Reason",
    { service: "ssm", api: "DeleteParameter", params: { Name: name } },
    { ...bestEffort, onCancel: () => routeRefusal },
  );
  const rejected = s.notify(
    "Notify_Request_Rejected",
    "Error",
    "JIT access request rejected",
    [`The request check rejected this request; nothing was granted. ${s.request}.`, `The check said: ${reason}`],
    { ...bestEffort, ...finish },
  );
  // A repeat of a request already recorded: say so, and leave the request to the first workflow.
  const ignored = s.notify(
    "Notify_Request_Ignored",
    "Error",
    "JIT access request ignored",
    [
      `A request the ledger already holds arrived again; nothing was granted. ${s.request}.`,
      `The check said: ${reason}`,
    ],
    { ...bestEffort, ...finish },
  );
  const routeRefusal = branch("Route_Refusal", [{ when: payloadIs(check, IGNORED), next: ignored }], rejected, {
    isCritical: false,
    onFailure: rejected,
    onCancel: rejected,
  });
  return {
    entry: readReason,
    steps: [readReason, checkReason, useReason, forgetReason, routeRefusal, rejected, ignored],
  };
}
