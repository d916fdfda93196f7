import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { repoRoot } from "./harness.js";

/** Codex's own test stream, byte for byte (see packages/testkit/fixtures/codex/NOTICE.md). */
export const CODEX_FIXTURE = fs.readFileSync(
  path.join(repoRoot, "packages/testkit/fixtures/codex/cli_responses_fixture.sse"),
);

export type PlainSseServer = {
  url: string;
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are checked field by field in tests
  requests: any[];
  close(): Promise<void>;
};

/**
 * A bare node:http server on 127.0.0.1 that answers `POST /v1/responses` (and
 * `/v1/chat/completions`) with raw bytes, as a
 * proxy or a small OpenAI-compatible server would: request n gets `answers[n]` (the last one
 * once they run out), each chunk written separately, then the body ends cleanly.
 */
export async function startPlainSseServer(answers: Buffer[][]): Promise<PlainSseServer> {
  // biome-ignore lint/suspicious/noExplicitAny: see above
  const requests: any[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", async () => {
      if (req.method !== "POST" || !["/v1/responses", "/v1/chat/completions"].includes(req.url ?? "")) {
        res.writeHead(404).end();
        return;
      }
      requests.push(JSON.parse(Buffer.concat(parts).toString("utf8")));
      const chunks = answers[Math.min(requests.length - 1, answers.length - 1)]!;
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const chunk of chunks) await new Promise((resolve) => res.write(chunk, resolve));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A nightshift config whose provider is the plain server. */
export function plainServerConfig(url: string, wireApi: "responses" | "chat" = "responses"): string {
  return [
    'model = "gpt-5.1-codex"',
    'model_provider = "plain"',
    "",
    "[model_providers.plain]",
    'name = "plain"',
    `base_url = "${url}"`,
    `wire_api = "${wireApi}"`,
    "stream_idle_timeout_ms = 5000",
    "request_max_retries = 2",
    "stream_max_retries = 2",
    "",
  ].join("\n");
}
