/** HTTP helpers: OpenAI-shaped error bodies, JSON replies, and writing a stream of frames with faults. */
import type { ServerResponse } from "node:http";
import type { FaultSpec } from "./types.js";

export function openAiError(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

const DEFAULT_HTTP_ERRORS: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: "Invalid request.", type: "invalid_request_error", code: null },
  401: { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" },
  403: { message: "You are not allowed to access this resource.", type: "invalid_request_error", code: null },
  404: {
    message: "The model does not exist or you do not have access to it.",
    type: "invalid_request_error",
    code: "model_not_found",
  },
  429: {
    message: "Rate limit reached for requests. Please try again later.",
    type: "requests",
    code: "rate_limit_exceeded",
  },
  500: {
    message: "The server had an error while processing your request. Sorry about that!",
    type: "server_error",
    code: null,
  },
  502: { message: "Bad gateway.", type: "server_error", code: null },
  503: {
    message: "The engine is currently overloaded, please try again later.",
    type: "server_error",
    code: null,
  },
};

export function httpFaultBody(fault: Extract<FaultSpec, { type: "http" }>): unknown {
  if (fault.body !== undefined) return fault.body;
  const base = DEFAULT_HTTP_ERRORS[fault.status] ?? {
    message: `HTTP ${fault.status}`,
    type: fault.status >= 500 ? "server_error" : "invalid_request_error",
    code: null,
  };
  return openAiError(
    fault.message ?? base.message,
    fault.errorType ?? base.type,
    fault.code !== undefined ? fault.code : base.code,
  );
}

export function httpFaultHeaders(fault: Extract<FaultSpec, { type: "http" }>): Record<string, string> {
  const headers: Record<string, string> = { ...fault.headers };
  if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
  return headers;
}

/** HTTP status a non-streaming endpoint answers for a `failed` fault with this error code. */
export function statusForErrorCode(code: string): number {
  switch (code) {
    case "context_length_exceeded":
    case "invalid_prompt":
      return 400;
    case "rate_limit_exceeded":
    case "insufficient_quota":
      return 429;
    case "server_is_overloaded":
    case "slow_down":
      return 503;
    default:
      return 500;
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

export type StreamFault = Extract<FaultSpec, { type: "cut" | "stall" | "malformed" }>;

export function isStreamFault(fault: FaultSpec | undefined): fault is StreamFault {
  return fault?.type === "cut" || fault?.type === "stall" || fault?.type === "malformed";
}

/**
 * Writes `frames` as the body of a 200 response, applying a stream fault:
 * - cut: n frames, then the first half of the next frame's bytes, then the socket is destroyed;
 * - stall: n frames, then nothing for `seconds` (then the rest), or until either side closes;
 * - malformed: n frames, then `malformedFrame`, then the body ends.
 */
export function writeFrames(
  res: ServerResponse,
  headers: Record<string, string>,
  frames: readonly string[],
  fault: StreamFault | undefined,
  malformedFrame: string,
): void {
  res.writeHead(200, headers);
  if (!fault) {
    for (const frame of frames) res.write(frame);
    res.end();
    return;
  }
  const sent = Math.max(0, Math.min(Math.floor(fault.afterEvents), frames.length));
  for (const frame of frames.slice(0, sent)) res.write(frame);
  if (fault.type === "malformed") {
    res.end(malformedFrame);
    return;
  }
  if (fault.type === "stall") {
    res.flushHeaders();
    if (fault.seconds === undefined) return;
    const resume = setTimeout(() => {
      for (const frame of frames.slice(sent)) res.write(frame);
      res.end();
    }, fault.seconds * 1000);
    res.once("close", () => clearTimeout(resume));
    return;
  }
  const next = Buffer.from(frames[sent] ?? "", "utf8");
  const half = next.subarray(0, Math.floor(next.length / 2));
  const destroy = () => res.socket?.destroy();
  if (half.length > 0) res.write(half, destroy);
  else if (sent > 0) res.write("", destroy);
  else {
    res.flushHeaders();
    setImmediate(destroy);
  }
}
