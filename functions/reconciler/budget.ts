/**
 * The calls a run may make. Every client the reconciler uses (and hands to the end function and the ledger) is
 * counted, so the budget sees every AWS call. A piece of work starts only if the budget can pay for the most it may
 * cost, and is never cut short once started: a run may overshoot by what one piece of work spent below that estimate's
 * bound (the removal's polling is bounded by the run's time, not by calls).
 */

export interface Budget {
  /** The sweep lowers it for a while to keep back the call that saves its cursor. */
  limit: number;
  spent: number;
}

export const newBudget = (limit: number): Budget => ({ limit, spent: 0 });

/**
 * The most calls ending one grant takes, besides its polling and beyond a first listing page: the grant and its lock
 * (3), two writes and a re-read on a lost race (3), the deletion (1), a listing page (1), the lock's release (1), the
 * schedule's deletion (1), the schedule of its sessions' revocation (1, with jit:revokeOpenSessions), with room for a
 * second status read and listing page.
 */
export const END_GRANT_CALLS = 16;
/** Publishing one alert: the mark's conditional put, the SNS publish (and, if that fails, the mark's removal). */
export const ALERT_CALLS = 3;
/** Taking and releasing a lease. */
export const LEASE_CALLS = 2;

/**
 * The client with every `send` counted against the budget. It inherits from the client (so it is still an instance
 * of the SDK's client class, which the SDK's paginators require) and only its `send` is its own.
 */
export function counted<C extends { send: (...args: never[]) => Promise<unknown> }>(client: C, budget: Budget): C {
  const send = (...args: Parameters<C["send"]>) => {
    budget.spent += 1;
    return client.send(...args);
  };
  return Object.assign(Object.create(client) as C, { send });
}
