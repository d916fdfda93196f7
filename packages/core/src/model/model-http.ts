import { type Clock, startTimer, systemClock } from "../util/clock.js";
import { ModelError } from "./errors.js";
import type { HttpResponse, HttpTransport } from "./http-transport.js";
import { type ProviderInfo, providerUrl } from "./provider.js";

/** Turns a non-2xx answer into the right ModelError (each wire format reads its own error bodies). */
export type HttpErrorClassifier = (status: number, body: string, headers: Headers, now: number) => ModelError;

export type ModelConnection = {
  response: HttpResponse;
  /** Call when done with the body: `finished` false closes the connection of an abandoned stream. */
  release(finished: boolean): void;
  /** Turns an error met while reading the body into the right ModelError (e.g. the idle timeout). */
  bodyError(err: unknown): ModelError;
};

/** The largest error or compaction body read into memory. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * POSTs a request to a model endpoint. The connection has its own abort signal that follows
 * `outer`, and the provider's idle timeout also covers the wait for the response headers, so a
 * server that accepts the connection and then says nothing cannot hang the session.
 */
export async function postToModel(
  provider: ProviderInfo,
  deps: { transport: HttpTransport; now: () => number; clock?: Clock },
  request: { path: string; body: string; headers: Record<string, string> },
  outer: AbortSignal,
  classify: HttpErrorClassifier,
  /** For a non-streamed answer the timeout also covers reading the body, until `release`. */
  options: { timeoutCoversBody?: boolean } = {},
): Promise<ModelConnection> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer.reason);
  if (outer.aborted) controller.abort(outer.reason);
  else outer.addEventListener("abort", onAbort, { once: true });
  let timedOut = false;
  const cancelTimer = startTimer(deps.clock ?? systemClock, provider.streamIdleTimeoutMs, () => {
    timedOut = true;
    controller.abort(new Error("idle timeout"));
  });
  const release = (finished: boolean) => {
    cancelTimer();
    outer.removeEventListener("abort", onAbort);
    if (!finished) controller.abort(new Error("stream abandoned"));
  };
  const fail = (err: unknown): ModelError => {
    release(false);
    if (timedOut) {
      return new ModelError(
        "idle_timeout",
        `no answer from ${provider.baseUrl} within ${provider.streamIdleTimeoutMs} ms`,
      );
    }
    if (outer.aborted) return new ModelError("aborted", "request aborted");
    if (err instanceof ModelError) return err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (err as Error).message;
    return new ModelError(
      "transport",
      `could not reach ${provider.baseUrl} (${detail}); check that the server is running and that base_url is right`,
      { cause: err },
    );
  };
  let response: HttpResponse;
  try {
    response = await deps.transport(providerUrl(provider, request.path), {
      method: "POST",
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
    });
  } catch (err) {
    throw fail(err);
  }
  if (response.status < 200 || response.status >= 300) {
    let text = "";
    try {
      text = await readBounded(response.body);
    } catch (err) {
      throw fail(err);
    }
    throw fail(classify(response.status, text, response.headers, deps.now()));
  }
  // Headers are in: for a stream, its reader's idle timeout takes over from here.
  if (!options.timeoutCoversBody) cancelTimer();
  return { response, release, bodyError: fail };
}

/** Reads a whole (non-streamed) body, refusing one larger than MAX_BODY_BYTES. */
export async function readBounded(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new ModelError("malformed_event", `response body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString("utf8");
}
