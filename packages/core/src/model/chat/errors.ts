import { classifyFailedResponse, classifyHttpError, ModelError } from "../errors.js";

/**
 * How OpenAI-compatible servers say the prompt does not fit: vLLM and OpenRouter ("maximum context
 * length is N tokens"), llama.cpp ("exceeds the available context size"), LM Studio ("context
 * length of only N tokens"), and OpenAI's code.
 */
const CONTEXT_OVERFLOW =
  /maximum context length|context length of only|exceeds? the (available )?context|context_length_exceeded|exceed_context_size|prompt is too long|too many tokens/i;

function overflowOr(error: ModelError): ModelError {
  if (error.kind !== "invalid_request" && error.kind !== "response_failed") return error;
  if (!CONTEXT_OVERFLOW.test(`${error.code ?? ""} ${error.message}`)) return error;
  return new ModelError("context_window_exceeded", error.message, { status: error.status, code: error.code });
}

/** Classifies a non-2xx answer, recognising the context-overflow messages of local servers. */
export function classifyChatHttpError(
  status: number,
  bodyText: string,
  headers: Headers,
  now: number,
): ModelError {
  return overflowOr(classifyHttpError(status, bodyText, headers, now));
}

/** An `{"error": ...}` frame in the middle of a stream (OpenAI-style object, or a bare string). */
export function classifyChatStreamError(error: unknown): ModelError {
  if (typeof error === "string") return overflowOr(classifyFailedResponse(undefined, error));
  const raw = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  const code = typeof raw.code === "string" ? raw.code : typeof raw.type === "string" ? raw.type : undefined;
  const message = typeof raw.message === "string" ? raw.message : JSON.stringify(error);
  return overflowOr(classifyFailedResponse(code, message));
}
