import http from "node:http";
import https from "node:https";

export type HttpResponse = {
  status: number;
  headers: Headers;
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
};

/** Sends one request. Rejects on connection failures (with the system error code as `cause`). */
export type HttpTransport = (
  url: string,
  init: { method: "POST" | "GET"; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<HttpResponse>;

async function readText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A transport on node:http with keep-alive: noticeably less CPU per request than `fetch` for the
 * large bodies an agent sends, and the response body is a plain Node stream.
 */
export function createNodeTransport(): HttpTransport {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  return (url, init) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === "https:";
      const payload = init.body === undefined ? undefined : Buffer.from(init.body, "utf8");
      const request = (secure ? https : http).request(
        target,
        {
          method: init.method,
          headers: payload ? { ...init.headers, "content-length": String(payload.length) } : init.headers,
          agent: secure ? agents.https : agents.http,
          signal: init.signal,
        },
        (response) => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (Array.isArray(value)) for (const v of value) headers.append(name, v);
            else if (value !== undefined) headers.set(name, value);
          }
          resolve({
            status: response.statusCode ?? 0,
            headers,
            body: response,
            text: () => readText(response),
          });
        },
      );
      request.on("error", (err) => reject(new Error(err.message, { cause: err })));
      request.end(payload);
    });
}
