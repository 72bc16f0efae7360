/**
 * A grant's changes of state: each one UpdateItem conditional on the version the caller read and on the states it may
 * leave. The whole history is written back (capped) rather than appended with list_append: the version condition means
 * the history read is the history the item holds, and a list_append cannot drop the oldest changes.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  accessKey,
  CLOSED_STATES,
  GRANT_CAUSES,
  GRANT_STATES,
  type GrantCause,
  type GrantRecord,
  type GrantState,
  grantKey,
  LEDGER_KEY,
  OPEN_INDEX_HASH,
  OPEN_SHARD,
} from "../../shared/grantLedger";
import { CLOSED_AT, grantFromItem, historyValue, num, str, strList } from "./items";
import { getGrant, type Table, updateIf } from "./store";
import { isLedgerConflict, ledgerConflict, type Transition } from "./types";

interface Change {
  from: readonly GrantState[];
  to: GrantState;
  cause: GrantCause;
  note: string;
  /** Attributes set with the change, by name. */
  set?: Record<string, AttributeValue>;
}

function checkChange(c: Change): void {
  if (c.from.length === 0) throw new Error("from: must name at least one state");
  for (const s of [...c.from, c.to]) {
    if (!GRANT_STATES.includes(s)) throw new Error(`state ${s}: must be one of ${GRANT_STATES}`);
  }
  if (!GRANT_CAUSES.includes(c.cause)) throw new Error(`cause ${c.cause}: must be one of ${GRANT_CAUSES}`);
  if (typeof c.note !== "string") throw new Error("note: must be a string");
}

/** Writes one change of `grant`; throws LedgerConflict (with the item as read afterwards) if its condition fails. */
export async function writeChange(t: Table, grant: GrantRecord, c: Change): Promise<GrantRecord> {
  checkChange(c);
  const names: Record<string, string> = { "#state": "state", "#version": "version", "#history": "history" };
  const values: Record<string, AttributeValue> = {
    ":v": num(grant.version),
    ":next": num(grant.version + 1),
    ":to": str(c.to),
    ":history": historyValue([
      ...grant.history,
      { at: t.now(), from: grant.state, to: c.to, cause: c.cause, note: c.note },
    ]),
  };
  const sets = ["#state = :to", "#version = :next", "#history = :history"];
  for (const [i, [name, value]] of Object.entries(c.set ?? {}).entries()) {
    names[`#f${i}`] = name;
    values[`:f${i}`] = value;
    sets.push(`#f${i} = :f${i}`);
  }
  names["#open"] = OPEN_INDEX_HASH;
  const closing = CLOSED_STATES.includes(c.to);
  if (!closing) {
    values[":open"] = str(OPEN_SHARD);
    sets.push("#open = :open");
  }
  const from = c.from.map((s, i) => {
    values[`:from${i}`] = str(s);
    return `:from${i}`;
  });
  const item = await updateIf(t, {
    Key: { [LEDGER_KEY]: str(grantKey(grant.requestId)) },
    UpdateExpression: `SET ${sets.join(", ")}${closing ? " REMOVE #open" : ""}`,
    ConditionExpression: `#version = :v AND #state IN (${from.join(", ")})`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
  if (item === undefined) {
    const current = await getGrant(t, grant.requestId);
    throw ledgerConflict(
      `grant ${grant.requestId} is not at version ${grant.version} in ${c.from.join("/")} (it is ${
        current ? `${current.state} at version ${current.version}` : "not in the ledger"
      }): cannot move it to ${c.to}`,
      current,
    );
  }
  const written = grantFromItem(item);
  if (closing) await releaseLock(t, written);
  return written;
}

/**
 * Releases the access lock if this grant holds it, keeping it as a tombstone: the closed grant stays named, with
 * `closedAt`, so an assignment found after the end is still attributed to it (the reconciler removes and alerts), and
 * the next grant of the same access takes the lock over (./record.ts). A lost condition is not an error: the lock is
 * another grant's (taken over after this one closed), already a tombstone, or gone.
 */
export async function releaseLock(t: Table, grant: GrantRecord): Promise<void> {
  await updateIf(t, {
    Key: { [LEDGER_KEY]: str(accessKey(grant)) },
    UpdateExpression: "SET #closedAt = :now",
    ConditionExpression: "#holder = :me AND attribute_not_exists(#closedAt)",
    ExpressionAttributeNames: { "#holder": "holder", "#closedAt": CLOSED_AT },
    ExpressionAttributeValues: { ":me": str(grant.requestId), ":now": num(t.now()) },
  });
}

export async function transition(t: Table, grant: GrantRecord, tr: Transition): Promise<GrantRecord> {
  const set: Record<string, AttributeValue> = {};
  for (const field of ["startedAt", "endsAt"] as const) {
    const v = tr.set?.[field];
    if (v === undefined) continue;
    if (!Number.isFinite(v) || v < 0) throw new Error(`set.${field}: must be a non-negative number`);
    set[field] = num(v);
  }
  for (const field of ["scheduleName", "creationRequestId"] as const) {
    const v = tr.set?.[field];
    if (v === undefined) continue;
    if (typeof v !== "string" || !v) throw new Error(`set.${field}: must be a non-empty string`);
    set[field] = str(v);
  }
  // An `ending` grant is due now: whatever its end was, the reconciler retries it once the grace after this change
  // has passed, even if the removal failed long before the end the grant had.
  if (tr.to === "ending" && tr.set?.endsAt === undefined) {
    set.endsAt = num(Math.min(grant.endsAt, Math.floor(t.now() / 1000)));
  }
  return writeChange(t, grant, { ...tr, set });
}

export const close = (t: Table, grant: GrantRecord, cause: GrantCause, note: string) =>
  writeChange(t, grant, { from: ["checked"], to: "failed", cause, note });

/**
 * Extends the active `holder` with the checked request `by`: first the holder's end (the access it already has lasts
 * longer), then `by` becomes merged into it.
 */
export async function extend(
  t: Table,
  holder: GrantRecord,
  by: GrantRecord,
  endsAt: number,
  note: string,
): Promise<GrantRecord> {
  if (!Number.isInteger(endsAt) || endsAt <= holder.endsAt) {
    throw new Error(`endsAt: must be a whole number of epoch seconds after the holder's end (${holder.endsAt})`);
  }
  if (by.requestId === holder.requestId) throw new Error("by: must be another request than the holder");
  const extended = await writeChange(t, holder, {
    from: ["active"],
    to: "active",
    cause: "extension",
    note: `end moved from ${holder.endsAt} to ${endsAt} by request ${by.requestId}: ${note}`,
    set: { endsAt: num(endsAt), extendedBy: strList([...holder.extendedBy, by.requestId]) },
  });
  try {
    await writeChange(t, by, {
      from: ["checked"],
      to: "merged",
      cause: "extension",
      note: `extended grant ${holder.requestId} to ${endsAt}: ${note}`,
      set: { extends: str(holder.requestId) },
    });
    return extended;
  } catch (err) {
    if (!isLedgerConflict(err)) throw err;
    // The holder's end has moved and stays moved: the request was approved, so the extension stands even though the
    // request's own item changed meanwhile (closed by someone else, or a retry wrote it first). The holder's history
    // says so; if the holder changed again since, that note is lost and its earlier change still names the request.
    try {
      return await writeChange(t, extended, {
        from: ["active"],
        to: "active",
        cause: "extension",
        note: `request ${by.requestId} could not be marked merged (${err.message}); the extension stands: the request was approved`,
      });
    } catch (again) {
      if (isLedgerConflict(again)) return extended;
      throw again;
    }
  }
}
