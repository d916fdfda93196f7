import {
  DEFAULT_REQUEST_MAX_RETRIES,
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  DEFAULT_STREAM_MAX_RETRIES,
  type ProviderInfo,
} from "@nightshift/core";
import { ConfigError } from "./load.js";
import type { ProviderToml } from "./schema.js";

/** Providers known without configuration. User entries with other ids add to these. */
export function builtinProviders(env: NodeJS.ProcessEnv): Record<string, ProviderToml> {
  return {
    openai: {
      name: "OpenAI",
      base_url: env.OPENAI_BASE_URL?.trim() || "https://api.openai.com/v1",
      env_key: "OPENAI_API_KEY",
      env_key_instructions: "Create a key at https://platform.openai.com/api-keys and export OPENAI_API_KEY=sk-...",
      wire_api: "responses",
      supports_remote_compaction: true,
    },
    ollama: {
      name: "Ollama",
      base_url: env.NIGHTSHIFT_OSS_BASE_URL?.trim() || `http://localhost:${env.NIGHTSHIFT_OSS_PORT?.trim() || "11434"}/v1`,
      wire_api: "responses",
    },
    lmstudio: {
      name: "LM Studio",
      base_url: env.NIGHTSHIFT_OSS_BASE_URL?.trim() || `http://localhost:${env.NIGHTSHIFT_OSS_PORT?.trim() || "1234"}/v1`,
      wire_api: "responses",
    },
    openrouter: {
      name: "OpenRouter",
      base_url: "https://openrouter.ai/api/v1",
      env_key: "OPENROUTER_API_KEY",
      wire_api: "chat",
    },
  };
}

export const BUILTIN_PROVIDER_IDS = ["openai", "ollama", "lmstudio", "openrouter"] as const;

/** Resolves a provider id to what the wire clients need, reading keys and headers from `env`. */
export function resolveProvider(
  id: string,
  configured: Record<string, ProviderToml> | undefined,
  env: NodeJS.ProcessEnv,
): ProviderInfo {
  const builtins = builtinProviders(env);
  const entry = configured?.[id] ? { ...(builtins[id] ?? {}), ...configured[id] } : builtins[id];
  if (!entry) {
    const known = [...new Set([...Object.keys(builtins), ...Object.keys(configured ?? {})])].sort();
    throw new ConfigError(
      `unknown model provider "${id}". Known providers: ${known.join(", ")}. Define it in config.toml as [model_providers.${id}] with base_url (and env_key if it needs a key).`,
    );
  }
  if (!entry.base_url) {
    throw new ConfigError(`model provider "${id}" has no base_url; set [model_providers.${id}].base_url in config.toml`);
  }
  let apiKey: string | undefined;
  if (entry.env_key) {
    apiKey = env[entry.env_key]?.trim() || undefined;
    if (!apiKey) throw new ConfigError(missingKeyMessage(id, entry));
  }
  const headers: Record<string, string> = { ...(entry.http_headers ?? {}) };
  for (const [header, variable] of Object.entries(entry.env_http_headers ?? {})) {
    const value = env[variable]?.trim();
    if (value) headers[header] = value;
  }
  if (id === "openai") {
    if (env.OPENAI_ORGANIZATION) headers["OpenAI-Organization"] = env.OPENAI_ORGANIZATION;
    if (env.OPENAI_PROJECT) headers["OpenAI-Project"] = env.OPENAI_PROJECT;
  }
  const baseUrl = entry.base_url.replace(/\/+$/, "");
  return {
    id,
    name: entry.name ?? id,
    baseUrl,
    wireApi: entry.wire_api ?? "responses",
    apiKey,
    headers,
    queryParams: { ...(entry.query_params ?? {}) },
    requestMaxRetries: entry.request_max_retries ?? DEFAULT_REQUEST_MAX_RETRIES,
    streamMaxRetries: entry.stream_max_retries ?? DEFAULT_STREAM_MAX_RETRIES,
    streamIdleTimeoutMs: entry.stream_idle_timeout_ms ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    supportsRemoteCompaction: entry.supports_remote_compaction ?? (id === "openai" || id === "azure"),
    isAzure: id === "azure" || /\.openai\.azure\.com/i.test(baseUrl),
  };
}

function missingKeyMessage(id: string, entry: ProviderToml): string {
  const how = entry.env_key_instructions ? ` ${entry.env_key_instructions}.` : "";
  return (
    `${entry.env_key} is not set, and model provider "${id}" needs it as its API key.${how} ` +
    `Export it in your shell (export ${entry.env_key}=...), or choose another provider: ` +
    `-c model_provider=<id> with a [model_providers.<id>] entry in config.toml, or --oss for a local model.`
  );
}
