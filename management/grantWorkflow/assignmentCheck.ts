/**
 * Whether a user still holds a permission set on an account, read from Identity Center before anyone is told the
 * access could NOT be removed. A deletion that "failed" may have found nothing to delete: AWS does not document what
 * DeleteAccountAssignment does with an assignment that does not exist (it may end FAILED, be refused at once, or
 * succeed: tools/sim/variants.ts, `deleteMissingAssignment`), so only the assignment's presence raises the alarm.
 *
 * ListAccountAssignmentsForPrincipal (filtered to the account) lists the user's direct assignments there, one per
 * permission set. The step reads the first HELD_SLOTS of them with plain index selectors and the branch compares
 * each with the permission set: a match is "still assigned"; so is a list longer than HELD_SLOTS (the check cannot
 * see it whole), a failed read, or an Automation that does not resolve references in a choice's value. Only a short
 * list without the set counts as removed.
 */
import type { CancelEdge, Ref, Step, StepRef } from "../../shared/ssm/model";
import { branch, type Condition, executeAwsApi } from "../../shared/ssm/steps";

/** How many of the user's assignments on the account the check reads. */
export const HELD_SLOTS = 5;

export interface AssignmentKey {
  instanceArn: string;
  accountId: Ref | string;
  permissionSetArn: Ref;
  userId: Ref;
}

export function assignmentCheck(
  names: { read: string; decide: string },
  key: AssignmentKey,
  flow: { stillAssigned: StepRef; removed: StepRef; onCancel: CancelEdge },
): [Step, Step] {
  const slots = Array.from({ length: HELD_SLOTS + 1 }, (_, i) => i);
  const read = executeAwsApi(
    names.read,
    {
      service: "sso-admin",
      api: "ListAccountAssignmentsForPrincipal",
      params: {
        InstanceArn: key.instanceArn,
        PrincipalId: key.userId,
        PrincipalType: "USER",
        Filter: { AccountId: key.accountId },
        MaxResults: 100,
      },
      outputs: {
        ...(Object.fromEntries(
          slots.map((i) => [`Held${i}`, ["String", `$.AccountAssignments[${i}].PermissionSetArn`]]),
        ) as Record<string, ["String", string]>),
        NextToken: ["String", "$.NextToken"],
      } as Record<string, ["String", string]>,
    },
    { maxAttempts: 3, onFailure: flow.stillAssigned, onCancel: flow.onCancel },
  );
  const held = (i: number) => read.outputs[`Held${i}`];
  // AWS documents references in a choice's Variable, not in the value it is compared with (tools/sim/variants.ts,
  // branchOperandReferences). If the value is compared as written, the permission set's ARN differs from its own
  // reference and no slot could ever match: the check then cannot tell, and says "still assigned" (the safe side).
  const operandsLiteral: Condition = {
    not: { variable: key.permissionSetArn, operator: "StringEquals", value: `${key.permissionSetArn}` },
  };
  // A page may hold fewer assignments than MaxResults and still have more behind it (the API reference): a NextToken
  // means the check has not seen the whole list. An output whose selector found nothing stays its own reference.
  const morePages: Condition = {
    not: { variable: read.outputs.NextToken, operator: "StartsWith", value: "{{" },
  };
  const stillAssigned: Condition = {
    or: [
      operandsLiteral,
      morePages,
      ...slots
        .slice(0, HELD_SLOTS)
        .map((i): Condition => ({ variable: held(i), operator: "StringEquals", value: `${key.permissionSetArn}` })),
      { variable: held(HELD_SLOTS), operator: "StartsWith", value: "arn:" },
    ],
  };
  const decide = branch(names.decide, [{ when: stillAssigned, next: flow.stillAssigned }], flow.removed, {
    onFailure: flow.stillAssigned,
    onCancel: flow.onCancel,
  });
  return [read, decide];
}
