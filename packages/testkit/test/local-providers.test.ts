import { afterEach, describe, expect, it } from "vitest";
import { type FakeModelServer, type JsonObject, startFakeModelServer } from "../src/index.js";
import { jsonOf, post } from "./helpers.js";

let server: FakeModelServer;
afterEach(async () => {
  await server?.close();
});

async function get(path: string) {
  const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
  expect(res.status).toBe(200);
  return jsonOf(res);
}

function ndjson(body: string): JsonObject[] {
  return body
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));
}

describe("model listings", () => {
  it("lists the configured models on /v1/models", async () => {
    server = await startFakeModelServer({});
    expect(await get("/v1/models")).toEqual({
      object: "list",
      data: [
        { id: "gpt-5.1-codex", object: "model", created: expect.any(Number), owned_by: "openai" },
        { id: "gpt-oss:20b", object: "model", created: expect.any(Number), owned_by: "library" },
      ],
    });
  });

  it("speaks Ollama: version, tags, and pull with progress", async () => {
    server = await startFakeModelServer({ models: ["llama3:8b"], ollamaVersion: "0.13.4" });
    expect(await get("/api/version")).toEqual({ version: "0.13.4" });
    const tags = await get("/api/tags");
    expect(tags.models).toHaveLength(1);
    expect(tags.models[0]).toMatchObject({ name: "llama3:8b", model: "llama3:8b", size: expect.any(Number) });

    const res = await post(server, "/api/pull", { model: "gpt-oss:20b", stream: true });
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = ndjson(await res.text());
    expect(lines[0]).toEqual({ status: "pulling manifest" });
    expect(lines.at(-1)).toEqual({ status: "success" });
    const layers = lines.filter((l) => l.digest);
    expect(layers.length).toBeGreaterThanOrEqual(6);
    for (const line of layers) {
      expect(line.status).toBe(`pulling ${line.digest.slice(7, 19)}`);
      expect(line.completed).toBeLessThanOrEqual(line.total);
    }
    expect(layers.some((l) => l.completed === l.total)).toBe(true);

    const after = await get("/api/tags");
    expect(after.models.map((m: { name: string }) => m.name)).toEqual(["llama3:8b", "gpt-oss:20b"]);
    expect((await get("/v1/models")).data.map((m: { id: string }) => m.id)).toContain("gpt-oss:20b");
  });

  it("fails pulls of unknown models the way Ollama does", async () => {
    server = await startFakeModelServer({ pullable: [], models: [] });
    const streamed = ndjson(await (await post(server, "/api/pull", { name: "nope:1b" })).text());
    expect(streamed.at(-1)).toEqual({ error: "pull model manifest: file does not exist" });
    const plain = await post(server, "/api/pull", { model: "nope:1b", stream: false });
    expect(plain.status).toBe(500);
    expect(await jsonOf(plain)).toEqual({ error: "pull model manifest: file does not exist" });
    expect((await get("/api/tags")).models).toEqual([]);
  });

  it("speaks LM Studio's model list with load states", async () => {
    server = await startFakeModelServer({
      models: ["openai/gpt-oss-20b", "qwen/qwen3-8b"],
      loadedModels: ["qwen/qwen3-8b"],
    });
    const list = await get("/api/v0/models");
    expect(list.data.map((m: Record<string, unknown>) => [m.id, m.type, m.state])).toEqual([
      ["openai/gpt-oss-20b", "llm", "not-loaded"],
      ["qwen/qwen3-8b", "llm", "loaded"],
    ]);
  });
});
