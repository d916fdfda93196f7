import http from "node:http";
import type { AddressInfo } from "node:net";

export type Received = { headers: Record<string, string>; body: string };

export type WebhookReceiver = {
  url: string;
  received: Received[];
  /** Resolves when `n` webhooks have arrived. */
  waitFor(n: number): Promise<Received[]>;
  close(): Promise<void>;
};

/** A webhook endpoint on 127.0.0.1 that records every delivery; `answer` picks each status. */
export async function startWebhookReceiver(
  answer: (index: number) => { status: number; headers?: Record<string, string> } = () => ({ status: 200 }),
): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const waiters: { n: number; resolve: (r: Received[]) => void }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name] = String(value);
      const index = received.length;
      received.push({ headers, body });
      const reply = answer(index);
      res.writeHead(reply.status, reply.headers ?? {});
      res.end("ok");
      for (const w of waiters.filter((w) => received.length >= w.n)) w.resolve(received.slice());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/nightshift`,
    received,
    waitFor: (n) =>
      received.length >= n
        ? Promise.resolve(received.slice())
        : new Promise((resolve) => waiters.push({ n, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
