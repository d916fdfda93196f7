/** The HTTP server: reads and records requests, routes them, and tears connections down on close. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import * as zlib from "node:zlib";
import { PromptCache } from "./cache.js";
import { openAiError, sendJson } from "./http.js";
import { ModelCatalog } from "./local-providers.js";
import { CHAT_PATH, COMPACT_PATH, describeRequest, RESPONSES_PATH } from "./match.js";
import { IdGenerator } from "./output.js";
import { ScenarioCursor } from "./scenario.js";
import { serveModelRequest, type TurnDeps } from "./turn.js";
import type {
  FakeModelServer,
  FakeModelServerOptions,
  JsonObject,
  RecordedRequest,
  Scenario,
} from "./types.js";

export const DEFAULT_MODELS = ["gpt-5.1-codex", "gpt-oss:20b"];
export const DEFAULT_PULLABLE = ["gpt-oss:20b", "gpt-oss:120b"];
const MODEL_PATHS = new Set([RESPONSES_PATH, COMPACT_PATH, CHAT_PATH]);

function decode(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? "identity").trim().toLowerCase()) {
    case "gzip":
      return zlib.gunzipSync(body);
    case "deflate":
      return zlib.inflateSync(body);
    case "br":
      return zlib.brotliDecompressSync(body);
    case "zstd":
      // Namespace access: zstd only exists in Node >= 22.15, and a named import would fail to link before.
      if (typeof zlib.zstdDecompressSync !== "function")
        throw new Error("zstd is not supported by this Node");
      return zlib.zstdDecompressSync(body);
    default:
      return body;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        resolve(decode(Buffer.concat(chunks), req.headers["content-encoding"]).toString("utf8"));
      } catch (error) {
        reject(error);
      }
    });
    req.on("error", reject);
  });
}

function parseObject(text: string): JsonObject | null {
  if (text.trim() === "") return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as JsonObject)
      : null;
  } catch {
    return null;
  }
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

export async function startFakeModelServer(options: FakeModelServerOptions = {}): Promise<FakeModelServer> {
  const host = options.host ?? "127.0.0.1";
  const now = options.now ?? (() => Date.now());
  const requests: RecordedRequest[] = [];
  const failures: string[] = [];
  const sockets = new Set<Socket>();
  let cursor = new ScenarioCursor(options.scenario ?? { steps: [] });
  let requestCount = 0;
  const catalog = new ModelCatalog({
    models: options.models ?? DEFAULT_MODELS,
    pullable: options.pullable ?? DEFAULT_PULLABLE,
    loadedModels: options.loadedModels,
    ollamaVersion: options.ollamaVersion ?? "0.13.5",
    now,
  });
  const deps: TurnDeps = {
    cursor: () => cursor,
    ids: new IdGenerator(),
    cache: new PromptCache(),
    now,
    fail: (request, report) => {
      request.error = report;
      failures.push(report);
    },
  };

  function record(request: RecordedRequest): void {
    requests.push(request);
    const max = options.maxRecordedRequests;
    if (max !== undefined && requests.length > max) requests.splice(0, requests.length - max);
  }

  function route(request: RecordedRequest, res: ServerResponse): void {
    const { method, path } = request;
    if (path.startsWith("/v1/") && options.apiKey !== undefined) {
      if (request.headers.authorization !== `Bearer ${options.apiKey}`) {
        request.error = "missing or wrong API key";
        const message =
          "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.";
        sendJson(res, 401, openAiError(message, "invalid_request_error", "invalid_api_key"));
        return;
      }
    }
    if (method === "POST" && MODEL_PATHS.has(path)) serveModelRequest(deps, request, res);
    else if (method === "GET" && path === "/v1/models") sendJson(res, 200, catalog.openAiList());
    else if (method === "GET" && path === "/api/version") sendJson(res, 200, catalog.ollamaVersion());
    else if (method === "GET" && path === "/api/tags") sendJson(res, 200, catalog.ollamaTags());
    else if (method === "POST" && path === "/api/pull") catalog.servePull(res, request.body);
    else if (method === "GET" && path === "/api/v0/models") sendJson(res, 200, catalog.lmStudioModels());
    else {
      const report = `fake model server: ${describeRequest(request)}: unknown endpoint`;
      deps.fail(request, report);
      const message = `Invalid URL (${method} ${path})`;
      sendJson(res, 404, openAiError(message, "invalid_request_error", "unknown_url"));
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = now();
    const index = requestCount++;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
    const request: RecordedRequest = {
      index,
      method: req.method ?? "GET",
      path,
      headers: flatHeaders(req),
      body: null,
      rawBody: "",
      stepIndex: null,
      receivedAt,
    };
    try {
      request.rawBody = await readBody(req);
      request.body = parseObject(request.rawBody);
    } catch (error) {
      record(request);
      deps.fail(
        request,
        `fake model server: ${describeRequest(request)}: unreadable body: ${(error as Error).message}`,
      );
      sendJson(res, 400, openAiError("Could not decode the request body.", "invalid_request_error", null));
      return;
    }
    record(request);
    try {
      route(request, res);
    } catch (error) {
      deps.fail(
        request,
        `fake model server: ${describeRequest(request)}: ${(error as Error).stack ?? error}`,
      );
      if (!res.headersSent) sendJson(res, 500, openAiError(String(error), "server_error", null));
      else res.destroy();
    }
    options.onRequest?.(request);
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${host}:${port}/v1`,
    port,
    requests,
    failures,
    setScenario(scenario: Scenario) {
      cursor = new ScenarioCursor(scenario);
    },
    remainingSteps: () => cursor.remaining(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
