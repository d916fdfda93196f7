import {
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
  apiErrorOf,
  NightshiftError,
} from "./errors.js";
import { type RetryPolicy, retryableStatus, retryDelayMs } from "./retry.js";

/** Time as the client sees it: injected so tests neither sleep nor wait. */
export type Timers = {
  /** Waits `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
  random(): number;
};

export const realTimers: Timers = {
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
  now: () => Date.now(),
  random: () => Math.random(),
};

export type TransportConfig = {
  apiKey: string;
  baseURL: string;
  /** Milliseconds for one attempt (until the whole body of a JSON answer, or the headers of a stream). */
  timeoutMs: number;
  retry: RetryPolicy;
  fetch: typeof fetch;
  timers: Timers;
  headers: Record<string, string>;
};

/** Per-request settings that override the client's. */
export type RequestOptions = {
  timeout?: number;
  maxRetries?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
};

export type Request = {
  method: "GET" | "POST";
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  /** A body made afresh for each attempt (multipart forms). */
  body?: () => BodyInit;
  accept?: string;
};

/**
 * Sends requests with the API key, a timeout per attempt, and retries with backoff on 408, 429,
 * 5xx, broken connections and timeouts. Error answers become typed APIErrors.
 */
export class Transport {
  constructor(readonly config: TransportConfig) {}

  /** The parsed JSON answer. */
  async json<T>(request: Request, options: RequestOptions = {}): Promise<T> {
    return this.#send(request, options, async (response) => (await response.json()) as T, true);
  }

  /** The answer itself, once its headers are in (its body is the caller's to read). */
  async response(request: Request, options: RequestOptions = {}): Promise<Response> {
    return this.#send(request, options, async (response) => response, false);
  }

  url(path: string, query?: Request["query"]): string {
    const url = new URL(this.config.baseURL.replace(/\/+$/, "") + path);
    for (const [name, value] of Object.entries(query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    return url.toString();
  }

  async #send<T>(
    request: Request,
    options: RequestOptions,
    read: (response: Response) => Promise<T>,
    timeBody: boolean,
  ): Promise<T> {
    const { timers, retry } = this.config;
    const maxRetries = options.maxRetries ?? retry.maxRetries;
    const timeoutMs = options.timeout ?? this.config.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.#attempt(request, options, timeoutMs, read, timeBody);
      if (outcome.ok) return outcome.value;
      if (attempt >= maxRetries || !outcome.retryable) throw outcome.error;
      const delay = retryDelayMs(retry, attempt, outcome.headers, timers.now(), timers.random);
      try {
        await timers.sleep(delay, options.signal);
      } catch {
        throw new APIUserAbortError("the request was aborted");
      }
    }
  }

  async #attempt<T>(
    request: Request,
    options: RequestOptions,
    timeoutMs: number,
    read: (response: Response) => Promise<T>,
    timeBody: boolean,
  ): Promise<
    | { ok: true; value: T }
    | { ok: false; error: NightshiftError; retryable: boolean; headers: Headers | null }
  > {
    if (options.signal?.aborted) throw new APIUserAbortError("the request was aborted");
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const headers: Record<string, string> = {
      ...this.config.headers,
      authorization: `Bearer ${this.config.apiKey}`,
      accept: request.accept ?? "application/json",
      ...options.headers,
    };
    let body: BodyInit | undefined;
    if (request.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(request.json);
    } else if (request.body) body = request.body();
    try {
      const response = await this.config.fetch(this.url(request.path, request.query), {
        method: request.method,
        headers,
        body,
        signal: options.signal ? AbortSignal.any([controller.signal, options.signal]) : controller.signal,
        redirect: "error",
      });
      if (!timeBody) clearTimeout(timer);
      if (!response.ok) {
        const text = await response.text();
        return {
          ok: false,
          error: apiErrorOf(response.status, text, response.headers),
          retryable: retryableStatus(response.status),
          headers: response.headers,
        };
      }
      return { ok: true, value: await read(response) };
    } catch (err) {
      if (options.signal?.aborted) throw new APIUserAbortError("the request was aborted", { cause: err });
      if (timedOut)
        return {
          ok: false,
          error: new APITimeoutError(`${request.method} ${request.path} took longer than ${timeoutMs} ms`),
          retryable: true,
          headers: null,
        };
      if (err instanceof NightshiftError) throw err;
      return {
        ok: false,
        error: new APIConnectionError(
          `${request.method} ${request.path}: cannot reach ${this.config.baseURL} (${describe(err)})`,
          { cause: err },
        ),
        retryable: true,
        headers: null,
      };
    } finally {
      clearTimeout(timer);
    }
  }
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
}
