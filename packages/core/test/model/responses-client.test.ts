import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ModelRequest } from "../../src/model/client.js";
import { ModelError } from "../../src/model/errors.js";
import { createNodeTransport } from "../../src/model/http-transport.js";
import type { ProviderInfo } from "../../src/model/provider.js";
import { createResponsesClient } from "../../src/model/responses-client.js";

let server: net.Server | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

/** A TCP server on 127.0.0.1 that accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; sockets: net.Socket[] }> {
  const sockets: net.Socket[] = [];
  server = net.createServer((socket) => {
    sockets.push(socket);
    socket.resume(); // read (and drop) the request, so the client's close is seen
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, sockets };
}

function provider(baseUrl: string, idleMs: number): ProviderInfo {
  return {
    id: "t",
    name: "t",
    baseUrl,
    wireApi: "responses",
    headers: {},
    queryParams: {},
    requestMaxRetries: 0,
    streamMaxRetries: 0,
    streamIdleTimeoutMs: idleMs,
    supportsRemoteCompaction: true,
    isAzure: false,
  };
}

const request: ModelRequest = {
  model: "m",
  instructions: "",
  input: [],
  inputJson: [],
  tools: [],
  toolsJson: "[]",
  parallelToolCalls: false,
  promptCacheKey: "k",
  sessionId: "s",
};

describe("the Responses client", () => {
  it("times out when a server accepts the connection but never sends headers, and closes it", async () => {
    const { url, sockets } = await silentServer();
    const client = createResponsesClient(provider(url, 150), {
      transport: createNodeTransport(),
      now: Date.now,
      userAgentHeaders: {},
    });
    const error = await (async () => {
      for await (const _ of client.stream(request, new AbortController().signal)) {
        // never reached
      }
    })().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).kind).toBe("idle_timeout");
    expect((error as ModelError).retryable).toBe(true);
    await new Promise<void>((resolve) =>
      sockets[0]!.destroyed ? resolve() : sockets[0]!.once("close", () => resolve()),
    );
    const compactError = await client.compact!(request, new AbortController().signal).catch(
      (err: unknown) => err,
    );
    expect((compactError as ModelError).kind).toBe("idle_timeout");
  });

  it("times out a compaction whose answer starts and then stalls", async () => {
    server = net.createServer((socket) => {
      socket.once("data", () =>
        socket.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"),
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    const client = createResponsesClient(provider(`http://127.0.0.1:${port}/v1`, 150), {
      transport: createNodeTransport(),
      now: Date.now,
      userAgentHeaders: {},
    });
    const error = await client.compact!(request, new AbortController().signal).catch((err: unknown) => err);
    expect((error as ModelError).kind).toBe("idle_timeout");
  });

  it("reports an unreachable server as a transport error naming the address", async () => {
    const { url } = await silentServer();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = null;
    const client = createResponsesClient(provider(url, 1000), {
      transport: createNodeTransport(),
      now: Date.now,
      userAgentHeaders: {},
    });
    const error = (await (async () => {
      for await (const _ of client.stream(request, new AbortController().signal)) {
        // never reached
      }
    })().catch((err: unknown) => err)) as ModelError;
    expect(error.kind).toBe("transport");
    expect(error.message).toContain(url);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});
