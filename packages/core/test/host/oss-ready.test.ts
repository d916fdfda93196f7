import net from "node:net";
import { type FakeModelServer, type FakeModelServerOptions, startFakeModelServer } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { resolveRuntimeConfig } from "../../src/host/config/resolve.js";
import { SetupError } from "../../src/host/errors.js";
import { versionAtLeast } from "../../src/host/oss/ollama.js";
import { ensureOssReady, streamReporter } from "../../src/host/oss/ready.js";

let server: FakeModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function runtimeFor(
  provider: "ollama" | "lmstudio",
  options: FakeModelServerOptions,
  extra: { model?: string; toml?: object } = {},
) {
  server = await startFakeModelServer(options);
  return resolveRuntimeConfig(
    extra.toml ?? {},
    { cwd: "/tmp", oss: true, localProvider: provider, model: extra.model },
    { NIGHTSHIFT_OSS_BASE_URL: server.url },
  );
}

async function setupError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(SetupError);
    return (err as Error).message;
  }
  throw new Error("expected a SetupError");
}

/** A loopback port with nothing listening on it. */
async function deadPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const paths = () => server!.requests.map((r) => `${r.method} ${r.path}`);

describe("ensureOssReady with Ollama", () => {
  it("checks the version and the model list, and stops there when the model is present", async () => {
    const runtime = await runtimeFor("ollama", {});
    const lines: string[] = [];
    await ensureOssReady(runtime, (line) => lines.push(line));
    expect(lines).toEqual([]);
    expect(paths()).toEqual(["GET /api/version", "GET /api/tags"]);
  });

  it("pulls a missing model, reporting progress in lines when not on a terminal", async () => {
    const runtime = await runtimeFor("ollama", { models: ["llama3.2:latest"] });
    const lines: string[] = [];
    await ensureOssReady(runtime, (line) => lines.push(line));
    expect(paths()).toEqual(["GET /api/version", "GET /api/tags", "POST /api/pull"]);
    expect(server!.requests[2]!.body).toEqual({ model: "gpt-oss:20b", stream: true });
    expect(lines[0]).toContain("pulling it");
    const bars = lines.filter((line) => line.startsWith("pulling gpt-oss:20b ["));
    expect(bars.length).toBeGreaterThan(1);
    expect(bars.at(-1)).toMatch(/\[#{24}\] 100% /);
    const percents = bars.map((line) => Number(/(\d+)%/.exec(line)![1]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(lines).toContain("  verifying sha256 digest");
    expect(lines.at(-1)).toBe("pulled gpt-oss:20b");
    // the model is there now: a second check pulls nothing
    await ensureOssReady(runtime, () => {});
    expect(paths().filter((p) => p === "POST /api/pull")).toHaveLength(1);
  });

  it("redraws one bar in place on a terminal", async () => {
    const runtime = await runtimeFor("ollama", { models: [] }, { model: "gpt-oss:120b" });
    let out = "";
    await ensureOssReady(runtime, streamReporter({ write: (text: string) => (out += text), isTTY: true }));
    expect(out).toContain("\rpulling gpt-oss:120b [");
    expect(out).toContain("\x1b[K");
    expect(out.endsWith("pulled gpt-oss:120b\n")).toBe(true);
    expect(out.split("\n").filter((line) => line.includes("\rpulling")).length).toBeLessThanOrEqual(2);
  });

  it("reports a model Ollama cannot pull", async () => {
    const runtime = await runtimeFor("ollama", { models: [] }, { model: "no-such-model:1b" });
    const message = await setupError(ensureOssReady(runtime, () => {}));
    expect(message).toContain("could not pull no-such-model:1b");
    expect(message).toContain("file does not exist");
    expect(message).toContain("ollama.com/library");
  });

  it("refuses versions that are too old for the wire API in use", async () => {
    const old = await runtimeFor("ollama", { ollamaVersion: "0.7.1" });
    expect(await setupError(ensureOssReady(old, () => {}))).toContain("Ollama 0.7.1 at");
    await server!.close();
    const forResponses = await runtimeFor(
      "ollama",
      { ollamaVersion: "0.13.0" },
      { toml: { model_providers: { ollama: { wire_api: "responses" } } } },
    );
    const message = await setupError(ensureOssReady(forResponses, () => {}));
    expect(message).toContain("needs 0.13.4 or newer");
    expect(message).toContain("https://ollama.com/download");
    await server!.close();
    await ensureOssReady(await runtimeFor("ollama", { ollamaVersion: "0.0.0" }), () => {});
  });

  it("says how to start Ollama when nothing listens", async () => {
    const port = await deadPort();
    const runtime = resolveRuntimeConfig(
      {},
      { cwd: "/tmp", oss: true, localProvider: "ollama" },
      {
        NIGHTSHIFT_OSS_BASE_URL: `http://127.0.0.1:${port}/v1`,
      },
    );
    const message = await setupError(ensureOssReady(runtime, () => {}));
    expect(message).toContain(`Ollama is not running at http://127.0.0.1:${port} (connection refused)`);
    expect(message).toContain("ollama serve");
  });
});

describe("ensureOssReady with LM Studio", () => {
  it("accepts a downloaded model and notes when LM Studio still has to load it", async () => {
    const runtime = await runtimeFor("lmstudio", {
      models: ["openai/gpt-oss-20b", "qwen3"],
      loadedModels: ["qwen3"],
    });
    const lines: string[] = [];
    await ensureOssReady(runtime, (line) => lines.push(line));
    expect(paths()).toEqual(["GET /api/v0/models"]);
    expect(lines).toEqual([
      "LM Studio will load openai/gpt-oss-20b on the first request (this can take a moment)",
    ]);
  });

  it("says how to get a missing model, listing the downloaded ones", async () => {
    const runtime = await runtimeFor("lmstudio", { models: ["qwen3"] });
    const message = await setupError(ensureOssReady(runtime, () => {}));
    expect(message).toContain('does not have the model "openai/gpt-oss-20b"');
    expect(message).toContain("lms get openai/gpt-oss-20b");
    expect(message).toContain("Downloaded: qwen3.");
  });

  it("says how to start the server when nothing listens", async () => {
    const port = await deadPort();
    const runtime = resolveRuntimeConfig(
      {},
      { cwd: "/tmp", oss: true, localProvider: "lmstudio" },
      {
        NIGHTSHIFT_OSS_PORT: String(port),
      },
    );
    expect(runtime.provider.baseUrl).toBe(`http://localhost:${port}/v1`);
    const message = await setupError(ensureOssReady(runtime, () => {}));
    expect(message).toContain(`LM Studio's server is not running at http://localhost:${port}`);
    expect(message).toContain("lms server start");
  });
});

describe("versionAtLeast", () => {
  it("compares dotted versions and lets development builds through", () => {
    expect(versionAtLeast("0.13.4", "0.13.4")).toBe(true);
    expect(versionAtLeast("0.13.10", "0.13.4")).toBe(true);
    expect(versionAtLeast("0.13.3-rc1", "0.13.4")).toBe(false);
    expect(versionAtLeast("1.0.0", "0.13.4")).toBe(true);
    expect(versionAtLeast("0.0.0", "0.13.4")).toBe(true);
    expect(versionAtLeast("", "0.13.4")).toBe(false);
  });
});
