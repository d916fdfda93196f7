/** Small HTTP helpers for talking to local model servers, with errors worded for people. */

export type OssHttp = {
  fetch: typeof fetch;
  /** Per request, for the quick checks (not for a model download). */
  timeoutMs: number;
};

export type Probe = { ok: true; status: number; json: unknown } | { ok: false; status: number; text: string };

/** Thrown when nothing answers at all (connection refused, unknown host, timeout). */
export class UnreachableError extends Error {
  override name = "UnreachableError";
}

/** The server root for native endpoints: the base URL without its `/v1`. */
export function serverRoot(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, "");
  return /\/v1$/.test(trimmed) ? trimmed.slice(0, -3) : new URL(trimmed).origin;
}

/** GETs a URL and parses JSON; a non-2xx answer or non-JSON body is returned, not thrown. */
export async function getJson(http: OssHttp, url: string): Promise<Probe> {
  const response = await send(http, url, { method: "GET", signal: AbortSignal.timeout(http.timeoutMs) });
  const text = await response.text().catch(() => "");
  if (!response.ok) return { ok: false, status: response.status, text };
  try {
    return { ok: true, status: response.status, json: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: response.status, text };
  }
}

export async function send(http: OssHttp, url: string, init: RequestInit): Promise<Response> {
  try {
    return await http.fetch(url, init);
  } catch (err) {
    throw new UnreachableError(describeFailure(err, http.timeoutMs));
  }
}

function describeFailure(err: unknown, timeoutMs: number): string {
  const error = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (error.name === "TimeoutError" || error.name === "AbortError")
    return `no answer within ${Math.round(timeoutMs / 1000)}s`;
  const code = error.cause?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  return code ?? error.cause?.message ?? error.message ?? String(err);
}

/** Reads newline-delimited JSON objects from a streamed body. */
export async function* ndjson(body: ReadableStream<Uint8Array>): AsyncGenerator<Record<string, unknown>> {
  const decoder = new TextDecoder();
  let buffer = "";
  const parse = (line: string) => {
    try {
      const value = JSON.parse(line) as unknown;
      return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      const value = line ? parse(line) : null;
      if (value) yield value;
      newline = buffer.indexOf("\n");
    }
  }
  const last = parse((buffer + decoder.decode()).trim());
  if (last) yield last;
}
