/**
 * The AWS SDK v3's standard-mode retries, played on the virtual clock. A simulated client answers `send` itself, so
 * the SDK's retry middleware never runs; this does what it would: retry throttling and transient errors up to the
 * client's `maxAttempts` (3 by default), with exponential backoff capped at 20 s and a retry quota per client.
 *
 * AWS SDKs and Tools Reference Guide, "Retry behavior" (standard mode: 3 attempts by default, exponential backoff,
 * a retry quota). The error classes, the base delays and the quota costs are the installed SDK's own
 * (`@smithy/core/retry`, whose 2026 behaviour is unconditional since @smithy/core's changelog entry 8d835c3: 50 ms base
 * delay, 1 s for throttling, costs 14 and 5 from a quota of 500). The SDK draws the delay at random below
 * `min(base * 2^retry, 20 s)`; the simulator waits that bound, the longest the SDK would, so runs stay deterministic.
 */
import * as path from "node:path";
import type { VirtualClock } from "./clock";

interface SmithyRetry {
  isThrottlingError(error: unknown): boolean;
  isTransientError(error: unknown): boolean;
  MAXIMUM_RETRY_DELAY: number;
  INITIAL_RETRY_TOKENS: number;
  NO_RETRY_INCREMENT: number;
  DEFAULT_MAX_ATTEMPTS: number;
  Retry: { delay(): number; throttlingDelay(): number; cost(): number; throttlingCost(): number };
}

/** The retry rules of the SDK the clients are built from, resolved from a client package as Node would. */
const smithy = require(
  require.resolve("@smithy/core/retry", { paths: [path.dirname(require.resolve("@aws-sdk/client-ssm"))] }),
) as SmithyRetry;

export const DEFAULT_MAX_ATTEMPTS = smithy.DEFAULT_MAX_ATTEMPTS;

export type RetryErrorType = "THROTTLING" | "TRANSIENT" | "OTHER";

/** How the SDK classifies an error for retrying (the standard strategy retries THROTTLING and TRANSIENT only). */
export function retryErrorType(error: unknown): RetryErrorType {
  if (typeof error !== "object" || error === null) return "OTHER";
  if (smithy.isThrottlingError(error)) return "THROTTLING";
  if (smithy.isTransientError(error)) return "TRANSIENT";
  return "OTHER";
}

/** What the SDK reports in an answer's or an error's `$metadata`. */
export interface RetryRecord {
  attempts: number;
  totalRetryDelay: number;
}

/** One client's retry state: its attempts per call and its retry quota, shared by all its calls. */
export class StandardRetries {
  private capacity = smithy.INITIAL_RETRY_TOKENS;

  constructor(
    private readonly clock: VirtualClock,
    readonly maxAttempts: number,
  ) {
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new Error(`maxAttempts must be a whole number of at least 1, not ${maxAttempts}`);
    }
  }

  /** Runs `attempt` until it succeeds, fails with an error the SDK does not retry, or runs out of attempts or quota. */
  async run<T>(attempt: (record: RetryRecord) => Promise<T>): Promise<T> {
    const record: RetryRecord = { attempts: 0, totalRetryDelay: 0 };
    let cost: number | undefined;
    for (;;) {
      record.attempts++;
      try {
        const result = await attempt(record);
        this.capacity = Math.min(smithy.INITIAL_RETRY_TOKENS, this.capacity + (cost ?? smithy.NO_RETRY_INCREMENT));
        return result;
      } catch (err) {
        const type = retryErrorType(err);
        const retryCost = type === "THROTTLING" ? smithy.Retry.throttlingCost() : smithy.Retry.cost();
        if (type === "OTHER" || record.attempts >= this.maxAttempts || this.capacity < retryCost) throw err;
        this.capacity -= retryCost;
        cost = retryCost;
        const base = type === "THROTTLING" ? smithy.Retry.throttlingDelay() : smithy.Retry.delay();
        const delay = Math.min(smithy.MAXIMUM_RETRY_DELAY, base * 2 ** (record.attempts - 1));
        record.totalRetryDelay += delay;
        await this.clock.sleep(delay);
      }
    }
  }
}
