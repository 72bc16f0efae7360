/**
 * The assignments of a requestable permission set, read a page per call so the budget can stop the run between pages.
 * Each list is read to its end and sorted, so a run can go on after the last item the cursor names whatever order AWS
 * pages in (AWS documents none). Page size: at most 100 (IAM Identity Center API Reference, MaxResults: 1 to 100).
 */
import {
  type AccountAssignment,
  ListAccountAssignmentsCommand,
  ListAccountsForProvisionedPermissionSetCommand,
} from "@aws-sdk/client-sso-admin";
import { type Assignment, mayStart, type Run } from "./run";

const PAGE = 100;

const notFound = (err: unknown) => (err as { name?: string } | undefined)?.name === "ResourceNotFoundException";

/**
 * Every account the set is provisioned to (an assignment provisions it), sorted; undefined if the run had to stop
 * first. A set Identity Center no longer has (ResourceNotFoundException) has no accounts.
 */
export async function provisionedAccounts(run: Run, permissionSetArn: string): Promise<string[] | undefined> {
  const accounts: string[] = [];
  let token: string | undefined;
  do {
    if (!mayStart(run, 1)) return undefined;
    try {
      const page = await run.ssoAdmin.send(
        new ListAccountsForProvisionedPermissionSetCommand({
          InstanceArn: run.settings.instanceArn,
          PermissionSetArn: permissionSetArn,
          MaxResults: PAGE,
          NextToken: token,
        }),
      );
      accounts.push(...(page.AccountIds ?? []));
      token = page.NextToken;
    } catch (err) {
      if (notFound(err)) return [];
      throw err;
    }
  } while (token);
  return [...new Set(accounts)].sort();
}

/** The sort key of a principal on one account and set: `<type>#<id>`. */
export const principalKey = (a: Pick<Assignment, "principalType" | "principalId">) =>
  `${a.principalType}#${a.principalId}`;

/** Every assignment of the set on the account, sorted by principal; undefined if the run had to stop first. */
export async function assignmentsOn(
  run: Run,
  permissionSetArn: string,
  accountId: string,
): Promise<Assignment[] | undefined> {
  const found: Assignment[] = [];
  let token: string | undefined;
  do {
    if (!mayStart(run, 1)) return undefined;
    try {
      const page = await run.ssoAdmin.send(
        new ListAccountAssignmentsCommand({
          InstanceArn: run.settings.instanceArn,
          AccountId: accountId,
          PermissionSetArn: permissionSetArn,
          MaxResults: PAGE,
          NextToken: token,
        }),
      );
      found.push(...(page.AccountAssignments ?? []).flatMap((a) => assignment(a, permissionSetArn, accountId)));
      token = page.NextToken;
    } catch (err) {
      if (notFound(err)) return [];
      throw err;
    }
  } while (token);
  return found.sort((a, b) => (principalKey(a) < principalKey(b) ? -1 : principalKey(a) > principalKey(b) ? 1 : 0));
}

function assignment(a: AccountAssignment, permissionSetArn: string, accountId: string): Assignment[] {
  if ((a.PrincipalType !== "USER" && a.PrincipalType !== "GROUP") || !a.PrincipalId) return [];
  return [{ principalType: a.PrincipalType, principalId: a.PrincipalId, permissionSetArn, accountId }];
}
