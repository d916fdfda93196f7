import { ModelError } from "../model/errors.js";
import { retryBudget, retryDelayMs } from "../model/retry.js";
import { StorageError } from "../session/storage-error.js";
import type { Clock } from "./clock.js";

export type RetryLimits = { requestMaxRetries: number; streamMaxRetries: number };

export type RetryPolicy = {
  limits: RetryLimits;
  clock: Clock;
  random: () => number;
  /** Told before each wait. */
  onRetry?: (info: { attempt: number; maxAttempts: number; delayMs: number; message: string }) => void;
  /**
   * Offered each failure first: resolve true when the cause was dealt with (e.g. history was
   * shrunk after a context overflow) to try again at once, without using a retry.
   */
  recover?: (error: ModelError) => Promise<boolean>;
};

/**
 * The one retry path of model requests: runs `attempt` until it succeeds, retrying retryable
 * ModelErrors with backoff (or the server's hint) within the per-kind budget. Anything else, an
 * exhausted budget or an abort ends it with a ModelError.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  signal: AbortSignal,
): Promise<T> {
  let retries = 0;
  while (true) {
    let error: ModelError;
    try {
      return await attempt();
    } catch (err) {
      // A session that cannot be written must not go on: nothing may be acted on unrecorded.
      if (err instanceof StorageError) throw err;
      error =
        err instanceof ModelError ? err : new ModelError("transport", (err as Error).message, { cause: err });
    }
    if (signal.aborted) throw new ModelError("aborted", "turn aborted by user", { cause: signal.reason });
    if (policy.recover && (await policy.recover(error))) continue;
    const budget = retryBudget(error, policy.limits);
    if (!error.retryable) throw error;
    if (retries >= budget) {
      throw new ModelError(error.kind, `${error.message} (gave up after ${retries + 1} attempts)`, {
        cause: error,
      });
    }
    retries++;
    const delayMs = retryDelayMs(error, retries, policy.random);
    policy.onRetry?.({ attempt: retries, maxAttempts: budget, delayMs, message: error.message });
    await policy.clock.sleep(delayMs, signal).catch(() => {
      throw new ModelError("aborted", "turn aborted by user", { cause: signal.reason });
    });
  }
}
