import net from "node:net";
import {
  type FakeModelServer,
  type FakeModelServerOptions,
  reasoning,
  reply,
  scenario,
  startFakeModelServer,
  text,
} from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
let local: FakeModelServer | undefined;
afterEach(async () => {
  await local?.close();
  local = undefined;
  await h?.close();
});

/** A harness whose config knows no local provider, plus a fake server acting as the local one. */
async function startLocal(options: FakeModelServerOptions): Promise<{ env: NodeJS.ProcessEnv }> {
  h = await startHarness(scenario());
  local = await startFakeModelServer(options);
  return { env: { NIGHTSHIFT_OSS_BASE_URL: local.url } };
}

async function deadPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("nightshift exec --oss", () => {
  it("pulls a missing Ollama model with progress, then runs over Chat Completions showing raw reasoning", async () => {
    const { env } = await startLocal({
      models: ["llama3.2:latest"],
      scenario: scenario(reply(reasoning("The user greets me."), text("Hello from a local model."))),
    });
    const result = await h.run(["exec", "--oss", "--local-provider", "ollama", "hello"], { env });
    expect(local!.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Hello from a local model.\n");
    expect(result.stderr).toContain("Ollama does not have gpt-oss:20b yet; pulling it");
    expect(result.stderr).toMatch(/pulling gpt-oss:20b \[#+\] 100% /);
    expect(result.stderr).toContain("pulled gpt-oss:20b");
    expect(result.stderr).toContain("thinking: The user greets me.");
    expect(local!.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /api/version",
      "GET /api/tags",
      "POST /api/pull",
      "POST /v1/chat/completions",
    ]);
    const body = local!.requests[3]!.body!;
    expect(body.model).toBe("gpt-oss:20b");
    expect(body.messages.at(-1)).toEqual({ role: "user", content: "hello" });
    expect(h.server.requests).toEqual([]);
  });

  it("uses oss_provider from config and LM Studio's model list", async () => {
    const { env } = await startLocal({
      models: ["openai/gpt-oss-20b"],
      scenario: scenario({
        ...reply(reasoning("Short."), text("Hi from LM Studio.")),
        reasoningField: "reasoning_content",
      }),
    });
    const result = await h.run(["exec", "--oss", "-c", 'oss_provider="lmstudio"', "hello"], { env });
    expect(local!.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Hi from LM Studio.\n");
    expect(local!.requests.map((r) => r.path)).toEqual(["/api/v0/models", "/v1/chat/completions"]);
    expect(local!.requests[1]!.body!.model).toBe("openai/gpt-oss-20b");
  });

  it("fails with a clear message when no local server runs", async () => {
    h = await startHarness(scenario());
    const port = await deadPort();
    const result = await h.run(["exec", "--oss", "--local-provider", "ollama", "hello"], {
      env: { NIGHTSHIFT_OSS_BASE_URL: `http://127.0.0.1:${port}/v1` },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `nightshift: Ollama is not running at http://127.0.0.1:${port} (connection refused)`,
    );
    expect(result.stderr).toContain("ollama serve");
  });

  it("refuses an Ollama that is too old", async () => {
    const { env } = await startLocal({ ollamaVersion: "0.5.1" });
    const result = await h.run(["exec", "--oss", "--local-provider", "ollama", "hello"], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Ollama 0.5.1 at");
    expect(result.stderr).toContain("is too old");
    expect(local!.requests.map((r) => r.path)).toEqual(["/api/version"]);
  });

  it("lists the choices when --oss has no provider", async () => {
    h = await startHarness(scenario());
    const result = await h.run(["exec", "--oss", "hello"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--oss needs a local model server");
    expect(result.stderr).toContain(
      "ollama (Ollama, http://localhost:11434/v1) or lmstudio (LM Studio, http://localhost:1234/v1)",
    );
  });
});
