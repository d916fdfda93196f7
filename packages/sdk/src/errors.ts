import type { AgentTask } from "./types.js";

/** Every error the SDK throws is a NightshiftError. */
export class NightshiftError extends Error {
  override name = "NightshiftError";
}

/** The server answered with an error: its HTTP status and `{"error": {"type", "message"}}`. */
export class APIError extends NightshiftError {
  override name = "APIError";
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly headers: Headers,
    /** The request id the server gave, if any. */
    readonly requestId: string | null = headers.get("x-request-id"),
  ) {
    super(`${status} ${type}: ${message}`);
    this.errorMessage = message;
  }
  /** The server's message, without the status and type. */
  readonly errorMessage: string;
}

export class BadRequestError extends APIError {
  override name = "BadRequestError";
}
export class AuthenticationError extends APIError {
  override name = "AuthenticationError";
}
export class PermissionDeniedError extends APIError {
  override name = "PermissionDeniedError";
}
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}
export class ConflictError extends APIError {
  override name = "ConflictError";
}
export class PayloadTooLargeError extends APIError {
  override name = "PayloadTooLargeError";
}
export class UnsupportedMediaTypeError extends APIError {
  override name = "UnsupportedMediaTypeError";
}
export class RateLimitError extends APIError {
  override name = "RateLimitError";
}
export class InternalServerError extends APIError {
  override name = "InternalServerError";
}

const BY_STATUS: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  415: UnsupportedMediaTypeError,
  429: RateLimitError,
};

/** The typed error for an error response (its body already read). */
export function apiErrorOf(status: number, body: string, headers: Headers): APIError {
  let type = "api_error";
  let message = body.trim().slice(0, 500) || `the server answered ${status}`;
  try {
    const parsed = JSON.parse(body) as { error?: { type?: unknown; message?: unknown } };
    if (typeof parsed.error?.type === "string") type = parsed.error.type;
    if (typeof parsed.error?.message === "string") message = parsed.error.message;
  } catch {
    // not JSON: keep the text
  }
  const Kind = BY_STATUS[status] ?? (status >= 500 ? InternalServerError : APIError);
  return new Kind(status, type, message, headers);
}

/** The server could not be reached, or the connection broke (after every retry). */
export class APIConnectionError extends NightshiftError {
  override name = "APIConnectionError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A request took longer than the client's timeout (after every retry). */
export class APITimeoutError extends APIConnectionError {
  override name = "APITimeoutError";
}

/** The caller's AbortSignal fired. */
export class APIUserAbortError extends NightshiftError {
  override name = "APIUserAbortError";
}

/** waitForCompletion gave up before the task ended; `task` is how it last looked. */
export class WaitTimeoutError extends NightshiftError {
  override name = "WaitTimeoutError";
  constructor(
    message: string,
    readonly task: AgentTask,
  ) {
    super(message);
  }
}

/** A webhook's signature, timestamp or body is not acceptable. */
export class WebhookVerificationError extends NightshiftError {
  override name = "WebhookVerificationError";
}
