import type { ModelError } from "./errors.js";

export const INITIAL_DELAY_MS = 200;
export const BACKOFF_FACTOR = 2;
/** Never wait longer than this between attempts, whatever a server hint says. */
export const MAX_RETRY_DELAY_MS = 120_000;

/** Exponential backoff with ±10% jitter. `attempt` starts at 1. */
export function backoffDelayMs(attempt: number, random: () => number): number {
  const base = INITIAL_DELAY_MS * BACKOFF_FACTOR ** (attempt - 1);
  const jitter = 0.9 + random() * 0.2;
  return Math.min(MAX_RETRY_DELAY_MS, Math.round(base * jitter));
}

/** The delay before retrying `error`: the server's hint when it gave one, else backoff. */
export function retryDelayMs(error: ModelError, attempt: number, random: () => number): number {
  if (error.retryAfterMs !== undefined) return Math.min(MAX_RETRY_DELAY_MS, Math.ceil(error.retryAfterMs));
  return backoffDelayMs(attempt, random);
}

/** How many attempts a kind of failure may use: HTTP-level faults vs. stream faults. */
export function retryBudget(
  error: ModelError,
  limits: { requestMaxRetries: number; streamMaxRetries: number },
): number {
  switch (error.kind) {
    case "transport":
    case "http_5xx":
    case "rate_limited":
      return limits.requestMaxRetries;
    default:
      return limits.streamMaxRetries;
  }
}
