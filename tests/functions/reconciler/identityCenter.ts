/**
 * IAM Identity Center for the reconciler's tests, through aws-sdk-client-mock: a set of assignments, listed in small
 * pages (so every test pages), removed by DeleteAccountAssignment and DescribeAccountAssignmentDeletionStatus. An
 * assignment marked `stuck` is not removed: its deletion reports FAILED and it stays listed.
 */
import {
  type AccountAssignment,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { mockClient } from "aws-sdk-client-mock";
import type { Assignment } from "../../../functions/reconciler/run";

const name = (a: Assignment) => `${a.accountId}#${a.permissionSetArn}#${a.principalType}#${a.principalId}`;

export class FakeIdentityCenter {
  readonly mock = mockClient(SSOAdminClient);
  readonly client = new SSOAdminClient({ region: "eu-west-1" });
  private readonly held = new Map<string, Assignment>();
  private readonly stuck = new Set<string>();
  private readonly refused = new Set<string>();
  private readonly deletions = new Map<string, Assignment>();
  /** Items per page of every list. */
  pageSize = 2;
  /** Every call, by command name. */
  readonly calls: string[] = [];

  constructor() {
    this.mock.on(ListAccountsForProvisionedPermissionSetCommand).callsFake(async (input) => {
      this.calls.push("ListAccountsForProvisionedPermissionSet");
      const accounts = [
        ...new Set(
          this.list()
            .filter((a) => a.permissionSetArn === input.PermissionSetArn)
            .map((a) => a.accountId),
        ),
      ];
      // AWS documents no order: the fake answers the accounts in reverse.
      const { items, next } = this.page(accounts.reverse(), input.NextToken);
      return { AccountIds: items, NextToken: next };
    });
    this.mock.on(ListAccountAssignmentsCommand).callsFake(async (input) => {
      this.calls.push("ListAccountAssignments");
      const here = this.list().filter(
        (a) => a.accountId === input.AccountId && a.permissionSetArn === input.PermissionSetArn,
      );
      const { items, next } = this.page(here, input.NextToken);
      const AccountAssignments: AccountAssignment[] = items.map((a) => ({
        AccountId: a.accountId,
        PermissionSetArn: a.permissionSetArn,
        PrincipalType: a.principalType,
        PrincipalId: a.principalId,
      }));
      return { AccountAssignments, NextToken: next };
    });
    this.mock.on(DeleteAccountAssignmentCommand).callsFake(async (input) => {
      this.calls.push("DeleteAccountAssignment");
      const a: Assignment = {
        accountId: input.TargetId ?? "",
        permissionSetArn: input.PermissionSetArn ?? "",
        principalType: input.PrincipalType as Assignment["principalType"],
        principalId: input.PrincipalId ?? "",
      };
      if (this.refused.has(name(a))) throw Object.assign(new Error("not allowed"), { name: "AccessDeniedException" });
      const RequestId = `deletion-${this.deletions.size + 1}`;
      this.deletions.set(RequestId, a);
      // Settled at once (AWS may answer SUCCEEDED or FAILED straight away), so the tests do not wait for polling.
      return { AccountAssignmentDeletionStatus: this.settle(RequestId, a) };
    });
    this.mock.on(DescribeAccountAssignmentDeletionStatusCommand).callsFake(async (input) => {
      this.calls.push("DescribeAccountAssignmentDeletionStatus");
      const a = this.deletions.get(input.AccountAssignmentDeletionRequestId ?? "");
      if (!a) throw Object.assign(new Error("no such request"), { name: "ResourceNotFoundException" });
      return { AccountAssignmentDeletionStatus: this.settle(input.AccountAssignmentDeletionRequestId ?? "", a) };
    });
  }

  private settle(RequestId: string, a: Assignment) {
    if (this.stuck.has(name(a))) return { RequestId, Status: "FAILED" as const, FailureReason: "stuck" };
    this.held.delete(name(a));
    return { RequestId, Status: "SUCCEEDED" as const };
  }

  /** `stuck`: its deletion FAILS; `refused`: DeleteAccountAssignment throws AccessDeniedException. */
  assign(a: Assignment, options: { stuck?: boolean; refused?: boolean } = {}) {
    this.held.set(name(a), a);
    if (options.stuck) this.stuck.add(name(a));
    if (options.refused) this.refused.add(name(a));
  }

  unstick(a: Assignment) {
    this.stuck.delete(name(a));
  }

  has(a: Assignment): boolean {
    return this.held.has(name(a));
  }

  list(): Assignment[] {
    return [...this.held.values()];
  }

  /** Calls by command name, counted. */
  count(command: string): number {
    return this.calls.filter((c) => c === command).length;
  }

  restore() {
    this.mock.restore();
  }

  private page<T>(all: T[], token: string | undefined): { items: T[]; next?: string } {
    const start = token === undefined ? 0 : Number(token.replace("page-", ""));
    const items = all.slice(start, start + this.pageSize);
    const end = start + this.pageSize;
    return end < all.length ? { items, next: `page-${end}` } : { items };
  }
}
