import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/host/config/load.js";
import { AZURE_DEFAULT_API_VERSION, resolveProvider } from "../../src/host/config/providers.js";
import { resolveRuntimeConfig } from "../../src/host/config/resolve.js";
import { configSchema } from "../../src/host/config/schema.js";

const env = { OPENAI_API_KEY: "sk-o", AZURE_OPENAI_API_KEY: "az-key", OPENROUTER_API_KEY: "or-key" };

function configError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("resolveProvider", () => {
  it("knows the built-in providers and their wire APIs", () => {
    expect(resolveProvider("openai", undefined, env)).toMatchObject({
      baseUrl: "https://api.openai.com/v1",
      wireApi: "responses",
      apiKey: "sk-o",
      supportsRemoteCompaction: true,
      isAzure: false,
    });
    expect(resolveProvider("openrouter", undefined, env)).toMatchObject({
      baseUrl: "https://openrouter.ai/api/v1",
      wireApi: "chat",
      apiKey: "or-key",
      supportsRemoteCompaction: false,
    });
    expect(resolveProvider("ollama", undefined, {})).toMatchObject({
      baseUrl: "http://localhost:11434/v1",
      wireApi: "chat",
    });
    expect(resolveProvider("lmstudio", undefined, {})).toMatchObject({
      baseUrl: "http://localhost:1234/v1",
      wireApi: "chat",
    });
  });

  it("lets NIGHTSHIFT_OSS_BASE_URL / NIGHTSHIFT_OSS_PORT and config move the local servers", () => {
    expect(resolveProvider("ollama", undefined, { NIGHTSHIFT_OSS_PORT: "9999" }).baseUrl).toBe(
      "http://localhost:9999/v1",
    );
    expect(
      resolveProvider("lmstudio", undefined, { NIGHTSHIFT_OSS_BASE_URL: "http://10.0.0.2:1234/v1/" }).baseUrl,
    ).toBe("http://10.0.0.2:1234/v1");
    const configured = { ollama: { base_url: "http://gpu-box:11434/v1", wire_api: "responses" as const } };
    expect(resolveProvider("ollama", configured, {})).toMatchObject({
      baseUrl: "http://gpu-box:11434/v1",
      wireApi: "responses",
    });
  });

  it("sends Azure keys in api-key, with a dated api-version unless the base URL is the v1 API", () => {
    const dated = resolveProvider(
      "azure",
      { azure: { base_url: "https://res.openai.azure.com/openai" } },
      env,
    );
    expect(dated).toMatchObject({
      apiKey: undefined,
      headers: { "api-key": "az-key" },
      queryParams: { "api-version": AZURE_DEFAULT_API_VERSION },
      wireApi: "responses",
      isAzure: true,
      supportsRemoteCompaction: true,
    });
    const v1 = resolveProvider(
      "azure",
      { azure: { base_url: "https://res.openai.azure.com/openai/v1" } },
      env,
    );
    expect(v1.queryParams).toEqual({});
    const pinned = resolveProvider(
      "azure",
      {
        azure: {
          base_url: "https://res.openai.azure.com/openai",
          query_params: { "api-version": "2024-10-21" },
        },
      },
      env,
    );
    expect(pinned.queryParams).toEqual({ "api-version": "2024-10-21" });
    expect(configError(() => resolveProvider("azure", undefined, env))).toContain(
      'base_url = "https://<resource>.openai.azure.com/openai/v1"',
    );
    expect(
      configError(() =>
        resolveProvider("azure", { azure: { base_url: "https://r.openai.azure.com/openai/v1" } }, {}),
      ),
    ).toContain("AZURE_OPENAI_API_KEY is not set");
  });

  it("resolves user-defined providers with keys, headers, query params, retries and timeouts", () => {
    const toml = configSchema.parse({
      model_providers: {
        vllm: {
          name: "vLLM",
          base_url: "http://127.0.0.1:8000/v1",
          env_key: "VLLM_KEY",
          wire_api: "chat",
          query_params: { tenant: "a" },
          http_headers: { "x-team": "core" },
          env_http_headers: { "x-token": "VLLM_TOKEN" },
          request_max_retries: 2,
          stream_max_retries: 1,
          stream_idle_timeout_ms: 1234,
        },
      },
    });
    expect(resolveProvider("vllm", toml.model_providers, { VLLM_KEY: "k", VLLM_TOKEN: "t" })).toEqual({
      id: "vllm",
      name: "vLLM",
      baseUrl: "http://127.0.0.1:8000/v1",
      wireApi: "chat",
      apiKey: "k",
      headers: { "x-team": "core", "x-token": "t" },
      queryParams: { tenant: "a" },
      requestMaxRetries: 2,
      streamMaxRetries: 1,
      streamIdleTimeoutMs: 1234,
      supportsRemoteCompaction: false,
      isAzure: false,
    });
  });

  it("explains a missing key with the other choices", () => {
    const message = configError(() => resolveProvider("openai", undefined, {}));
    expect(message).toContain("OPENAI_API_KEY is not set");
    expect(message).toContain("openai, azure, openrouter, ollama, lmstudio");
    expect(message).toContain("--oss");
  });
});

describe("resolveRuntimeConfig with --oss", () => {
  const flags = { cwd: "/tmp", oss: true };

  it("lists the choices when no local provider is chosen", () => {
    const message = configError(() => resolveRuntimeConfig({}, flags, {}));
    expect(message).toContain("ollama");
    expect(message).toContain("lmstudio");
    expect(message).toContain("--local-provider");
    expect(message).toContain("oss_provider");
  });

  it("picks the provider from the flag, then the profile, then the top level, with its default model", () => {
    const toml = configSchema.parse({
      model: "gpt-5.4",
      oss_provider: "ollama",
      profiles: { studio: { oss_provider: "lmstudio" }, coder: { model: "qwen3-coder:30b" } },
    });
    const top = resolveRuntimeConfig(toml, flags, {});
    expect([top.provider.id, top.model]).toEqual(["ollama", "gpt-oss:20b"]);
    const profile = resolveRuntimeConfig(toml, { ...flags, profile: "studio" }, {});
    expect([profile.provider.id, profile.model]).toEqual(["lmstudio", "openai/gpt-oss-20b"]);
    const flag = resolveRuntimeConfig(
      toml,
      { ...flags, profile: "studio", localProvider: "ollama", model: "llama3.2" },
      {},
    );
    expect([flag.provider.id, flag.model]).toEqual(["ollama", "llama3.2"]);
    expect(resolveRuntimeConfig(toml, { ...flags, profile: "coder" }, {}).model).toBe("qwen3-coder:30b");
    expect(resolveRuntimeConfig(toml, { cwd: "/tmp" }, env).model).toBe("gpt-5.4");
  });
});

describe("resolveRuntimeConfig with -m <provider>:<model>", () => {
  it("takes the provider from the entry when it names one, and keeps colons of model names", () => {
    const toml = configSchema.parse({
      model: "gpt-5.4",
      model_provider: "openai",
      model_providers: { cheap: { base_url: "http://127.0.0.1:9/v1", wire_api: "chat" } },
    });
    const cheap = resolveRuntimeConfig(toml, { cwd: "/tmp", model: "cheap:small-1" }, env);
    expect([cheap.provider.id, cheap.model]).toEqual(["cheap", "small-1"]);
    const router = resolveRuntimeConfig(toml, { cwd: "/tmp", model: "openrouter:vendor/model:free" }, env);
    expect([router.provider.id, router.model]).toEqual(["openrouter", "vendor/model:free"]);
    const colon = resolveRuntimeConfig(toml, { cwd: "/tmp", model: "gpt-oss:20b" }, env);
    expect([colon.provider.id, colon.model]).toEqual(["openai", "gpt-oss:20b"]);
  });
});
