import {
  DEFAULT_REQUEST_MAX_RETRIES,
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  DEFAULT_STREAM_MAX_RETRIES,
  type ProviderInfo,
} from "../../model/provider.js";
import { ConfigError } from "../errors.js";
import type { ProviderToml } from "./schema.js";

/** The dated API version sent to Azure deployments that are not on the versionless `/openai/v1` API. */
export const AZURE_DEFAULT_API_VERSION = "2025-04-01-preview";

/** The local servers `--oss` can use. */
export const LOCAL_PROVIDER_IDS = ["ollama", "lmstudio"] as const;
export type LocalProviderId = (typeof LOCAL_PROVIDER_IDS)[number];

/** Providers known without configuration. User entries with the same id override their fields. */
export function builtinProviders(env: NodeJS.ProcessEnv): Record<string, ProviderToml> {
  return {
    openai: {
      name: "OpenAI",
      base_url: env.OPENAI_BASE_URL?.trim() || "https://api.openai.com/v1",
      env_key: "OPENAI_API_KEY",
      env_key_instructions:
        "Create a key at https://platform.openai.com/api-keys and export OPENAI_API_KEY=sk-...",
      wire_api: "responses",
      supports_remote_compaction: true,
    },
    // Local servers default to Chat Completions: every version of Ollama and LM Studio speaks it,
    // while their Responses endpoints are recent (set wire_api = "responses" to use those).
    ollama: { name: "Ollama", base_url: localBaseUrl(env, 11434), wire_api: "chat" },
    lmstudio: { name: "LM Studio", base_url: localBaseUrl(env, 1234), wire_api: "chat" },
    openrouter: {
      name: "OpenRouter",
      base_url: "https://openrouter.ai/api/v1",
      env_key: "OPENROUTER_API_KEY",
      env_key_instructions: "Create a key at https://openrouter.ai/keys",
      wire_api: "chat",
    },
    // No base_url: it names the user's resource, e.g. https://<resource>.openai.azure.com/openai/v1
    azure: {
      name: "Azure OpenAI",
      env_key: "AZURE_OPENAI_API_KEY",
      env_key_instructions:
        "Copy a key from your Azure OpenAI resource (Keys and Endpoint) and export AZURE_OPENAI_API_KEY=...",
      wire_api: "responses",
      supports_remote_compaction: true,
    },
  };
}

export const BUILTIN_PROVIDER_IDS = ["openai", "azure", "openrouter", "ollama", "lmstudio"] as const;

/** `NIGHTSHIFT_OSS_BASE_URL`, else `http://localhost:{NIGHTSHIFT_OSS_PORT or the default}/v1`. */
function localBaseUrl(env: NodeJS.ProcessEnv, defaultPort: number): string {
  const base = env.NIGHTSHIFT_OSS_BASE_URL?.trim();
  if (base) return base;
  return `http://localhost:${env.NIGHTSHIFT_OSS_PORT?.trim() || defaultPort}/v1`;
}

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
    const example =
      id === "azure" ? "https://<resource>.openai.azure.com/openai/v1" : "http://127.0.0.1:8080/v1";
    throw new ConfigError(
      `model provider "${id}" has no base_url; set it in config.toml:\n  [model_providers.${id}]\n  base_url = "${example}"`,
    );
  }
  const baseUrl = entry.base_url.replace(/\/+$/, "");
  const isAzure = id === "azure" || /\.openai\.azure\.com/i.test(baseUrl);
  let apiKey: string | undefined;
  if (entry.env_key) {
    apiKey = env[entry.env_key]?.trim() || undefined;
    if (!apiKey) throw new ConfigError(missingKeyMessage(id, entry));
  }
  const headers: Record<string, string> = {};
  if (isAzure && apiKey) {
    // Azure takes keys in `api-key` (Bearer is for Entra ID tokens on its dated API versions).
    headers["api-key"] = apiKey;
    apiKey = undefined;
  }
  Object.assign(headers, entry.http_headers ?? {});
  for (const [header, variable] of Object.entries(entry.env_http_headers ?? {})) {
    const value = env[variable]?.trim();
    if (value) headers[header] = value;
  }
  if (id === "openai") {
    if (env.OPENAI_ORGANIZATION) headers["OpenAI-Organization"] = env.OPENAI_ORGANIZATION;
    if (env.OPENAI_PROJECT) headers["OpenAI-Project"] = env.OPENAI_PROJECT;
  }
  const queryParams = { ...(entry.query_params ?? {}) };
  if (isAzure && !entry.query_params && !/\/v1$/.test(baseUrl))
    queryParams["api-version"] = AZURE_DEFAULT_API_VERSION;
  return {
    id,
    name: entry.name ?? id,
    baseUrl,
    wireApi: entry.wire_api ?? "responses",
    apiKey,
    headers,
    queryParams,
    requestMaxRetries: entry.request_max_retries ?? DEFAULT_REQUEST_MAX_RETRIES,
    streamMaxRetries: entry.stream_max_retries ?? DEFAULT_STREAM_MAX_RETRIES,
    streamIdleTimeoutMs: entry.stream_idle_timeout_ms ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    supportsRemoteCompaction:
      (entry.wire_api ?? "responses") === "responses" &&
      (entry.supports_remote_compaction ?? (id === "openai" || isAzure)),
    isAzure,
  };
}

function missingKeyMessage(id: string, entry: ProviderToml): string {
  const how = entry.env_key_instructions ? ` ${entry.env_key_instructions.replace(/\.$/, "")}.` : "";
  return (
    `${entry.env_key} is not set, and model provider "${id}" needs it as its API key.${how} ` +
    `Export it in your shell (export ${entry.env_key}=...), or choose another provider: ` +
    `-c model_provider=<id> with one of ${BUILTIN_PROVIDER_IDS.join(", ")} or a [model_providers.<id>] entry in config.toml, ` +
    `or --oss for a local model (Ollama or LM Studio).`
  );
}
