/** The error taxonomy of model requests: what went wrong, and whether trying again can help. */
export type ModelErrorKind =
  | "transport" // connection refused/reset, DNS, TLS
  | "http_5xx"
  | "rate_limited" // HTTP 429 or response.failed rate_limit_exceeded
  | "stream_closed" // ended before response.completed
  | "idle_timeout"
  | "malformed_event"
  | "incomplete" // response.incomplete
  | "response_failed" // response.failed with a retryable code
  | "server_overloaded"
  | "unauthorized"
  | "quota_exceeded"
  | "usage_limit_reached"
  | "context_window_exceeded"
  | "invalid_request"
  | "aborted";

const RETRYABLE: ReadonlySet<ModelErrorKind> = new Set([
  "transport",
  "http_5xx",
  "rate_limited",
  "stream_closed",
  "idle_timeout",
  "malformed_event",
  "incomplete",
  "response_failed",
]);

export class ModelError extends Error {
  readonly kind: ModelErrorKind;
  readonly status?: number;
  readonly code?: string;
  /** Delay the server asked for (Retry-After header or "try again in Ns"), in ms. */
  readonly retryAfterMs?: number;

  constructor(
    kind: ModelErrorKind,
    message: string,
    extra: { status?: number; code?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = "ModelError";
    this.kind = kind;
    this.status = extra.status;
    this.code = extra.code;
    this.retryAfterMs = extra.retryAfterMs;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/** Parses "Please try again in 1.5s" / "in 200ms" / "in 3 seconds" hints into milliseconds. */
export function parseRetryHint(message: string): number | undefined {
  const match = /try again in\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?)\b/i.exec(message);
  if (!match) return undefined;
  const value = Number(match[1]);
  return match[2]!.toLowerCase() === "ms" ? value : value * 1000;
}

/** Parses a Retry-After header (seconds or an HTTP date) or retry-after-ms into milliseconds. */
export function parseRetryAfter(headers: Headers, now: number): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get("retry-after");
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Classifies a `response.failed` error code the way the real service uses them. */
export function classifyFailedResponse(code: string | undefined, message: string): ModelError {
  switch (code) {
    case "context_length_exceeded":
      return new ModelError("context_window_exceeded", message, { code });
    case "insufficient_quota":
      return new ModelError("quota_exceeded", message, { code });
    case "usage_not_included":
    case "usage_limit_reached":
      return new ModelError("usage_limit_reached", message, { code });
    case "invalid_prompt":
    case "cyber_policy":
      return new ModelError("invalid_request", message, { code });
    case "server_is_overloaded":
    case "slow_down":
      return new ModelError("server_overloaded", message, { code });
    case "rate_limit_exceeded":
      return new ModelError("rate_limited", message, { code, retryAfterMs: parseRetryHint(message) });
    default:
      return new ModelError("response_failed", message, { code, retryAfterMs: parseRetryHint(message) });
  }
}

/** Classifies a non-2xx HTTP answer from the model endpoint. */
export function classifyHttpError(
  status: number,
  bodyText: string,
  headers: Headers,
  now: number,
): ModelError {
  let message = bodyText.trim().slice(0, 2000);
  let code: string | undefined;
  let type: string | undefined;
  try {
    const parsed = JSON.parse(bodyText) as { error?: { message?: string; code?: string; type?: string } };
    if (parsed.error) {
      message = parsed.error.message ?? message;
      code = parsed.error.code ?? undefined;
      type = parsed.error.type ?? undefined;
    }
  } catch {
    // not JSON: keep the raw text
  }
  const detail = `HTTP ${status}${message ? `: ${message}` : ""}`;
  const retryAfterMs = parseRetryAfter(headers, now) ?? parseRetryHint(message);
  if (status === 401 || status === 403) return new ModelError("unauthorized", detail, { status, code });
  if (status === 429) {
    if (code === "insufficient_quota" || type === "insufficient_quota") {
      return new ModelError("quota_exceeded", detail, { status, code });
    }
    if (type === "usage_limit_reached" || code === "usage_limit_reached") {
      return new ModelError("usage_limit_reached", detail, { status, code });
    }
    return new ModelError("rate_limited", detail, { status, code, retryAfterMs });
  }
  if (code === "context_length_exceeded") {
    return new ModelError("context_window_exceeded", detail, { status, code });
  }
  if (status === 503 && code === "server_is_overloaded") {
    return new ModelError("server_overloaded", detail, { status, code });
  }
  if (status >= 500) return new ModelError("http_5xx", detail, { status, code, retryAfterMs });
  return new ModelError("invalid_request", detail, { status, code });
}
