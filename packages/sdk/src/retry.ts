/** When a failed request is tried again, and how long to wait first. */

export type RetryPolicy = {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** The first wait; it doubles each retry, with jitter, up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 2, initialDelayMs: 500, maxDelayMs: 8_000 };

/** Statuses worth another try: the server is busy, limiting, or failed on its side. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * The wait before retry number `retry` (0-based): what the server asked for in Retry-After (up to
 * a minute), else exponential backoff with up to 25% jitter taken off.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  retry: number,
  headers: Headers | null,
  now: number,
  random: () => number,
): number {
  const asked = headers ? retryAfterMs(headers, now) : null;
  if (asked !== null && asked >= 0 && asked <= 60_000) return asked;
  const base = Math.min(policy.initialDelayMs * 2 ** retry, policy.maxDelayMs);
  return Math.round(base * (1 - 0.25 * random()));
}

function retryAfterMs(headers: Headers, now: number): number | null {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms))) return Number(ms);
  const value = headers.get("retry-after");
  if (value === null || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : date - now;
}
