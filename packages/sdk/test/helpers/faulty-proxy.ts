import http from "node:http";
import type { AddressInfo } from "node:net";

/** What the proxy does with one request instead of passing it on untouched. */
export type Fault =
  /** Answer at once with this status (the server never sees the request). */
  | { kind: "status"; status: number; headers?: Record<string, string>; body?: string }
  /** Pass the request on, then lose the server's answer: the client gets a 502. */
  | { kind: "lost" }
  /** Drop the connection without an answer. */
  | { kind: "reset" }
  /** Never answer. */
  | { kind: "hang" }
  /** Pass the answer on up to the end of its first server-sent event, then drop the connection. */
  | { kind: "cut-after-first-event" };

export type FaultyProxy = {
  url: string;
  /** Faults for the next requests, in order; requests beyond them pass untouched. */
  faults: Fault[];
  /** Every request seen: method, path and its idempotency-key. */
  seen: { method: string; path: string; idempotencyKey: string | undefined }[];
  close(): Promise<void>;
};

/** A real HTTP proxy on 127.0.0.1 in front of `target` that misbehaves on purpose. */
export async function startFaultyProxy(target: string): Promise<FaultyProxy> {
  const upstream = new URL(target);
  const faults: Fault[] = [];
  const seen: FaultyProxy["seen"] = [];
  const forward = (req: http.IncomingMessage, onResponse: (res: http.IncomingMessage) => void) => {
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      onResponse,
    );
    out.on("error", () => req.socket.destroy());
    req.pipe(out);
  };
  const server = http.createServer((req, res) => {
    seen.push({
      method: req.method ?? "",
      path: req.url ?? "",
      idempotencyKey: req.headers["idempotency-key"] as string | undefined,
    });
    const fault = faults.shift();
    switch (fault?.kind) {
      case undefined:
        return forward(req, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
      case "status":
        req.resume();
        res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
        return res.end(
          fault.body ?? JSON.stringify({ error: { type: "server_error", message: "injected" } }),
        );
      case "lost":
        return forward(req, (up) => {
          up.resume();
          up.on("end", () => {
            res.writeHead(502, { "content-type": "text/plain" });
            res.end("bad gateway");
          });
        });
      case "reset":
        req.resume();
        return req.socket.destroy();
      case "hang":
        req.resume();
        return;
      case "cut-after-first-event":
        return forward(req, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          let text = "";
          up.on("data", (chunk: Buffer) => {
            text += chunk.toString("utf8");
            const end = text.indexOf("\n\n");
            if (end === -1) return;
            res.write(text.slice(0, end + 2), () => res.socket?.destroy());
            up.destroy();
          });
        });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
