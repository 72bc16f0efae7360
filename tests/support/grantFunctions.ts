/**
 * The world the grant and end functions' tests run in: the ledger on dynalite (the real DynamoDB API and client), and
 * IAM Identity Center and EventBridge Scheduler as aws-sdk-client-mock mocks that keep state (the assignments and the
 * schedules), with the knobs the tests turn: how an assignment request ends, how many assignees a listing page holds.
 */
import { randomUUID } from "node:crypto";
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  ResourceNotFoundException as ScheduleNotFound,
  SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import {
  type AccountAssignment,
  type AccountAssignmentOperationStatus,
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
  ResourceNotFoundException,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { mockClient } from "aws-sdk-client-mock";
import type { GrantFunctionClients, GrantFunctionSettings } from "../../functions/grantAccess/settings";
import { dynamoLedger } from "../../functions/ledger";
import type { GrantLedger, NewGrant } from "../../functions/ledger/types";
import type { GrantRecord } from "../../shared/grantLedger";
import type { Dynalite } from "./dynalite";

export const INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
export const ACCOUNT = "777788889999";
export const PERMISSION_SET = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef";
export const USER = "9a67e2b1c3-0123abcd-4567-89ab-cdef-0123456789ab";

export const settingsFor = (tableName: string): GrantFunctionSettings => ({
  instanceArn: INSTANCE,
  tableName,
  schedule: {
    groupName: "idc-jit-dev-grant-ends",
    roleArn: "arn:aws:iam::111122223333:role/idc-jit-dev-scheduler",
    deadLetterArn: "arn:aws:sqs:eu-west-1:111122223333:idc-jit-dev-end-dead-letters",
    documentName: "idc-jit-dev-end-access",
  },
});

/** A Lambda context with this much time left. */
export const timeLeft = (ms: number) => {
  const until = Date.now() + ms;
  return { getRemainingTimeInMillis: () => until - Date.now() };
};

/** How the next assignment request of a kind ends. */
export type Ending = "SUCCEEDED" | "FAILED" | "IN_PROGRESS";
/** DeleteAccountAssignment of an assignment that does not exist (tools/sim/variants.ts deleteMissingAssignment). */
export type DeleteMissing = "ends-failed" | "not-found" | "succeeds";

export class IdentityCenterMock {
  readonly mock = mockClient(SSOAdminClient);
  readonly client = new SSOAdminClient({ region: "eu-west-1" });
  /** Assignments as `principalType|principalId` of the one permission set on the one account. */
  readonly assigned = new Set<string>();
  /** How creation and deletion requests end: each a queue, then SUCCEEDED (the next request takes the first). */
  readonly creations: Ending[] = [];
  readonly deletions: Ending[] = [];
  deleteMissing: DeleteMissing = "ends-failed";
  /** Assignees per listing page (more pages carry a NextToken). */
  pageSize = 100;
  /**
   * Whether a request answers settled at once, or IN_PROGRESS first (settled at its first status read, which the
   * function makes after waiting a second: the tests that follow the polling turn this off).
   */
  settleAtOnce = true;
  private readonly requests = new Map<string, AccountAssignmentOperationStatus>();
  /** Requests planned IN_PROGRESS, by id: what each does once the test settles it SUCCEEDED. */
  private readonly inFlight = new Map<string, () => void>();
  private readonly createdIds: string[] = [];

  constructor() {
    this.reset();
  }

  reset(): void {
    this.mock.reset();
    this.assigned.clear();
    this.creations.length = 0;
    this.deletions.length = 0;
    this.deleteMissing = "ends-failed";
    this.pageSize = 100;
    this.settleAtOnce = true;
    this.requests.clear();
    this.inFlight.clear();
    this.createdIds.length = 0;
    this.mock.on(CreateAccountAssignmentCommand).callsFake((input) => {
      const status = this.start(this.creations.shift() ?? "SUCCEEDED", () =>
        this.assigned.add(`${input.PrincipalType}|${input.PrincipalId}`),
      );
      this.createdIds.push(status.RequestId as string);
      return { AccountAssignmentCreationStatus: status };
    });
    this.mock.on(DeleteAccountAssignmentCommand).callsFake((input) => {
      const key = `${input.PrincipalType}|${input.PrincipalId}`;
      const present = this.assigned.has(key);
      if (!present && this.deleteMissing === "not-found") {
        throw new ResourceNotFoundException({ message: "Assignment not found", $metadata: {} });
      }
      const planned = this.deletions.shift() ?? "SUCCEEDED";
      const ending = !present && this.deleteMissing === "ends-failed" && planned === "SUCCEEDED" ? "FAILED" : planned;
      return { AccountAssignmentDeletionStatus: this.start(ending, () => this.assigned.delete(key)) };
    });
    this.mock.on(DescribeAccountAssignmentCreationStatusCommand).callsFake((input) => ({
      AccountAssignmentCreationStatus: this.requests.get(input.AccountAssignmentCreationRequestId),
    }));
    this.mock.on(DescribeAccountAssignmentDeletionStatusCommand).callsFake((input) => ({
      AccountAssignmentDeletionStatus: this.requests.get(input.AccountAssignmentDeletionRequestId),
    }));
    this.mock.on(ListAccountAssignmentsCommand).callsFake((input) => {
      const all: AccountAssignment[] = [...this.assigned].map((key) => {
        const [PrincipalType, PrincipalId] = key.split("|");
        return {
          AccountId: input.AccountId,
          PermissionSetArn: input.PermissionSetArn,
          PrincipalType: PrincipalType as "USER",
          PrincipalId,
        };
      });
      const from = Number(input.NextToken ?? 0);
      const to = from + this.pageSize;
      return { AccountAssignments: all.slice(from, to), ...(to < all.length && { NextToken: String(to) }) };
    });
  }

  /** A request that ends as planned; `apply` happens if it SUCCEEDS. */
  private start(ending: Ending, apply: () => void): AccountAssignmentOperationStatus {
    const RequestId = randomUUID();
    const settled: AccountAssignmentOperationStatus =
      ending === "FAILED"
        ? { RequestId, Status: "FAILED", FailureReason: "Received a 404 status error: Assignment not found." }
        : { RequestId, Status: ending };
    if (ending === "SUCCEEDED") apply();
    if (ending === "IN_PROGRESS") this.inFlight.set(RequestId, apply);
    this.requests.set(RequestId, settled);
    return this.settleAtOnce ? settled : { RequestId, Status: "IN_PROGRESS" };
  }

  /** The request ids CreateAccountAssignment answered, in order. */
  creationIds(): string[] {
    return [...this.createdIds];
  }

  /** Settles a request planned IN_PROGRESS (the assignment is made or removed if it SUCCEEDS). */
  settle(requestId: string, status: "SUCCEEDED" | "FAILED"): void {
    const apply = this.inFlight.get(requestId);
    if (apply === undefined) throw new Error(`no request ${requestId} in flight`);
    this.inFlight.delete(requestId);
    if (status === "SUCCEEDED") apply();
    this.requests.set(
      requestId,
      status === "FAILED"
        ? { RequestId: requestId, Status: "FAILED", FailureReason: "settled FAILED by the test" }
        : { RequestId: requestId, Status: "SUCCEEDED" },
    );
  }

  calls(command: Parameters<typeof this.mock.commandCalls>[0]) {
    return this.mock.commandCalls(command).length;
  }
}

export class SchedulerMock {
  readonly mock = mockClient(SchedulerClient);
  readonly client = new SchedulerClient({ region: "eu-west-1" });
  readonly schedules = new Map<string, CreateScheduleCommandInput>();

  constructor() {
    this.reset();
  }

  reset(): void {
    this.mock.reset();
    this.schedules.clear();
    this.mock.on(CreateScheduleCommand).callsFake((input) => {
      if (this.schedules.has(input.Name)) {
        throw new ConflictException({ message: "exists", Message: "exists", $metadata: {} });
      }
      this.schedules.set(input.Name, input);
      return { ScheduleArn: `arn:aws:scheduler:eu-west-1:111122223333:schedule/${input.GroupName}/${input.Name}` };
    });
    this.mock.on(UpdateScheduleCommand).callsFake((input) => {
      if (!this.schedules.has(input.Name)) {
        throw new ScheduleNotFound({ message: "gone", Message: "gone", $metadata: {} });
      }
      this.schedules.set(input.Name, input);
      return { ScheduleArn: "arn" };
    });
    this.mock.on(DeleteScheduleCommand).callsFake((input) => {
      if (!this.schedules.delete(input.Name)) {
        throw new ScheduleNotFound({ message: "gone", Message: "gone", $metadata: {} });
      }
      return {};
    });
  }

  expressionOf(requestId: string): string | undefined {
    return this.schedules.get(`end-${requestId}`)?.ScheduleExpression;
  }
}

export interface GrantWorld {
  ledger: GrantLedger;
  settings: GrantFunctionSettings;
  clients: GrantFunctionClients;
  identityCenter: IdentityCenterMock;
  scheduler: SchedulerMock;
}

/** A fresh ledger table and fresh mocks (the mocks are module-wide: one world at a time). */
export async function grantWorld(db: Dynalite, identityCenter: IdentityCenterMock, scheduler: SchedulerMock) {
  identityCenter.reset();
  scheduler.reset();
  const tableName = await db.table();
  return {
    ledger: dynamoLedger({ dynamodb: db.client, tableName }),
    settings: settingsFor(tableName),
    clients: { ssoAdmin: identityCenter.client, scheduler: scheduler.client, dynamodb: db.client },
    identityCenter,
    scheduler,
  } satisfies GrantWorld;
}

/** A request the check let through, for the one user, account and permission set, with fresh ids. */
export function newRequest(over: Partial<NewGrant> = {}): NewGrant {
  return {
    requestId: randomUUID(),
    grantExecutionId: randomUUID(),
    userName: "jane.doe",
    userId: USER,
    permissionSet: "AdministratorAccess",
    permissionSetArn: PERMISSION_SET,
    accountId: ACCOUNT,
    durationMinutes: 60,
    approvers: ["john.roe"],
    ...over,
  };
}

/** Records the request as the check does; it must come back recorded. */
export async function checkedGrant(ledger: GrantLedger, r: NewGrant): Promise<GrantRecord> {
  const result = await ledger.record(r);
  if (result.kind !== "recorded") throw new Error(`expected ${r.requestId} recorded, got ${result.kind}`);
  return result.grant;
}

/** Other users assigned the same set on the same account (they fill listing pages). */
export function otherAssignees(identityCenter: IdentityCenterMock, count: number): void {
  for (let i = 0; i < count; i++) {
    identityCenter.assigned.add(`USER|9a67e2b1c3-0000${String(i).padStart(4, "0")}-4567-89ab-cdef-0123456789ab`);
  }
}
