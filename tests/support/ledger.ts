/** A ledger on a fresh dynalite table with a clock the test moves, and requests to record in it. */
import { dynamoLedger } from "../../functions/ledger";
import type { GrantLedger, NewGrant } from "../../functions/ledger/types";
import type { GrantRecord } from "../../shared/grantLedger";
import type { Dynalite } from "./dynalite";

export const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

export interface TestLedger {
  ledger: GrantLedger;
  tableName: string;
  clock: { now: number };
}

/**
 * A ledger on a fresh table; with `seenNew`, every record() says the caller saw the request new, so its item and
 * lock are written together (the request check's way for a request it read no item for).
 */
export async function testLedger(db: Dynalite, seenNew = false): Promise<TestLedger> {
  const tableName = await db.table();
  const clock = { now: T0 };
  const ledger = recordingAs(dynamoLedger({ dynamodb: db.client, tableName, now: () => clock.now }), seenNew);
  return { ledger, tableName, clock };
}

/** `ledger`, every record() of which passes `seenNew` unless the caller says otherwise. */
export function recordingAs(ledger: GrantLedger, seenNew: boolean): GrantLedger {
  return { ...ledger, record: (grant, options) => ledger.record(grant, { seenNew, ...options }) };
}

/** Both ways of recording, for tests that must hold under each. */
export const RECORDING_MODES = [
  { seenNew: false, name: "item first" },
  { seenNew: true, name: "item and lock together" },
] as const;

/** A request for access: `id` names it; `access` picks one of a few user, account and permission set triples. */
export function request(id: string, access = 0, over: Partial<NewGrant> = {}): NewGrant {
  return {
    requestId: `req-${id}`,
    grantExecutionId: `exec-${id}`,
    userName: `user${access}`,
    userId: `90676b${access}-user`,
    permissionSet: "Admin",
    permissionSetArn: `arn:aws:sso:::permissionSet/ssoins-1/ps-${access}`,
    accountId: "111122223333",
    durationMinutes: 60,
    approvers: ["approver"],
    ...over,
  };
}

/** Records `r`, which must come back `recorded`, and answers its grant. */
export async function recorded(ledger: GrantLedger, r: NewGrant): Promise<GrantRecord> {
  const result = await ledger.record(r);
  if (result.kind !== "recorded") throw new Error(`expected ${r.requestId} recorded, got ${result.kind}`);
  return result.grant;
}

/** Records `r` and moves it through granting to active, granted at the clock's time for its duration. */
export async function activeGrant(l: TestLedger, r: NewGrant): Promise<GrantRecord> {
  const g = await recorded(l.ledger, r);
  const granting = await l.ledger.transition(g, { from: ["checked"], to: "granting", cause: "grant", note: "" });
  return l.ledger.transition(granting, {
    from: ["granting"],
    to: "active",
    cause: "grant",
    note: "SUCCEEDED",
    set: { startedAt: l.clock.now, endsAt: Math.ceil(l.clock.now / 1000) + r.durationMinutes * 60 },
  });
}
