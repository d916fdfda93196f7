import { catalogModels, type ModelPrices } from "../model/catalog.js";
import { parseModelEntry } from "../model/gateway/route.js";
import { createNodeTransport, type HttpTransport } from "../model/http-transport.js";
import { readBounded } from "../model/model-http.js";
import { type ProviderInfo, providerUrl } from "../model/provider.js";
import { loadConfig } from "./config/load.js";
import { describeModel } from "./config/model-info.js";
import { builtinProviders, resolveProvider } from "./config/providers.js";
import { type ModelSelection, selectModels } from "./config/resolve.js";
import type { ConfigToml } from "./config/schema.js";
import { ConfigError } from "./errors.js";

/** Where a listed model's row came from. */
export type ModelSource = "catalogue" | "provider" | "config";

/** One model of a provider as `nightshift models` shows it. */
export type ListedModel = {
  model: string;
  contextWindow: number;
  maxOutputTokens: number;
  /** Dollars per million tokens; null when unknown (set them in config.toml). */
  prices: ModelPrices | null;
  reasoning: boolean;
  parallelToolCalls: boolean;
  applyPatch: "freeform" | "function";
  /** In nightshift's catalogue (else the numbers are assumptions or config's). */
  known: boolean;
  sources: ModelSource[];
  /** What config uses it for: "model", "fallback", "compact", "run.plan", "run.work", "run.review", ... */
  roles: string[];
};

export type ProviderListing = {
  id: string;
  name: string;
  baseUrl: string;
  wireApi: "responses" | "chat";
  /** How `/v1/models` went: listed, failed (see `problem`), or not asked (offline, no key). */
  listing: "listed" | "failed" | "not_asked";
  problem?: string;
  models: ListedModel[];
};

export type ModelListingDeps = {
  env: NodeJS.ProcessEnv;
  /** Ask each provider's `/v1/models` (default true). */
  online?: boolean;
  transport?: HttpTransport;
  timeoutMs?: number;
};

/** The most entries read from one provider's listing (a hostile server cannot flood the output). */
const MAX_LISTED = 2_000;

/**
 * The configured providers' models: the session's provider, every `[model_providers]` entry and
 * every provider a model entry names (fallbacks, compaction, `[run]`), each with the models its
 * `/v1/models` lists (where it has one), the models config uses on it, and — for OpenAI and Azure
 * without a listing — the catalogue's. Each model carries its context window, prices and
 * capabilities as the session would assume them (catalogue, then config).
 */
export async function listModels(
  toml: ConfigToml,
  selection: ModelSelection,
  deps: ModelListingDeps,
): Promise<ProviderListing[]> {
  const runtime = selection;
  const knownIds = new Set([
    ...Object.keys(builtinProviders(deps.env)),
    ...Object.keys(toml.model_providers ?? {}),
  ]);
  const home = selection.providerId;
  const roles = new Map<string, { providerId: string; model: string; roles: Set<string> }>();
  const use = (entry: string | null | undefined, role: string) => {
    if (!entry) return;
    const parsed = parseModelEntry(entry, (id) => knownIds.has(id));
    const providerId = parsed.providerId ?? home;
    const key = `${providerId}:${parsed.model}`;
    const found = roles.get(key) ?? { providerId, model: parsed.model, roles: new Set<string>() };
    found.roles.add(role);
    roles.set(key, found);
  };
  use(runtime.model, "model");
  for (const entry of runtime.fallbackModels) use(entry, "fallback");
  use(runtime.compactModel, "compact");
  const run = toml.run ?? {};
  use(run.model, "run.work");
  use(run.plan_model, "run.plan");
  use(run.review_model, "run.review");
  use(run.compact_model, "run.compact");
  for (const entry of run.fallback_models ?? []) use(entry, "run.fallback");
  for (const key of Object.keys(toml.models ?? {})) {
    const parsed = parseModelEntry(key, (id) => knownIds.has(id));
    if (parsed.providerId) use(key, "priced");
  }

  const providerIds = [
    ...new Set([
      home,
      ...Object.keys(toml.model_providers ?? {}),
      ...[...roles.values()].map((r) => r.providerId),
    ]),
  ];
  const listings: ProviderListing[] = [];
  for (const id of providerIds) {
    let provider: ProviderInfo | null = null;
    let problem: string | undefined;
    try {
      provider = resolveProvider(id, toml.model_providers, deps.env);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problem = err.message;
    }
    const listed = provider && deps.online !== false ? await fetchListing(provider, deps) : null;
    const rows = new Map<string, { sources: Set<ModelSource>; contextWindow?: number }>();
    const add = (model: string, source: ModelSource, contextWindow?: number) => {
      const row = rows.get(model) ?? { sources: new Set<ModelSource>() };
      row.sources.add(source);
      if (contextWindow) row.contextWindow = contextWindow;
      rows.set(model, row);
    };
    if (listed?.models) for (const m of listed.models) add(m.id, "provider", m.contextWindow);
    if (!listed?.models && (id === "openai" || id === "azure")) {
      for (const info of catalogModels())
        if (info.prices && info.prices.input > 0) add(info.slug, "catalogue");
    }
    for (const entry of roles.values()) if (entry.providerId === id) add(entry.model, "config");
    const wireApi = provider?.wireApi ?? "responses";
    const models = [...rows.entries()].map(([model, row]): ListedModel => {
      const info = describeModel(
        runtime.settings,
        { model, providerId: id, wireApi },
        { model: runtime.model, providerId: home },
        { contextWindow: row.contextWindow },
      );
      if (info.known) row.sources.add("catalogue");
      return {
        model,
        contextWindow: info.contextWindow,
        maxOutputTokens: info.maxOutputTokens,
        prices: info.prices,
        reasoning: info.reasoning,
        parallelToolCalls: info.parallelToolCalls,
        applyPatch: wireApi === "chat" ? "function" : info.applyPatch,
        known: info.known,
        sources: (["catalogue", "provider", "config"] as const).filter((s) => row.sources.has(s)),
        roles: [...(roles.get(`${id}:${model}`)?.roles ?? [])].filter((role) => role !== "priced"),
      };
    });
    listings.push({
      id,
      name: provider?.name ?? id,
      baseUrl: provider?.baseUrl ?? "",
      wireApi,
      listing: listed ? (listed.models ? "listed" : "failed") : "not_asked",
      ...((problem ?? listed?.problem) ? { problem: problem ?? listed?.problem } : {}),
      models,
    });
  }
  return listings;
}

type Listed = { models: { id: string; contextWindow?: number }[] | null; problem?: string };

/** `GET {base_url}/models`: the ids (and a context window where the server says one). */
async function fetchListing(provider: ProviderInfo, deps: ModelListingDeps): Promise<Listed> {
  const transport = deps.transport ?? createNodeTransport();
  const signal = AbortSignal.timeout(deps.timeoutMs ?? 10_000);
  try {
    const response = await transport(providerUrl(provider, "/models"), {
      method: "GET",
      headers: {
        accept: "application/json",
        ...(provider.apiKey ? { authorization: `Bearer ${provider.apiKey}` } : {}),
        ...provider.headers,
      },
      signal,
    });
    const text = await readBounded(response.body);
    if (response.status < 200 || response.status >= 300)
      return { models: null, problem: `GET /models answered HTTP ${response.status}` };
    const json = JSON.parse(text) as { data?: unknown };
    if (!Array.isArray(json.data)) return { models: null, problem: "GET /models did not return a list" };
    const models = json.data.slice(0, MAX_LISTED).flatMap((raw) => {
      if (typeof raw !== "object" || raw === null) return [];
      const entry = raw as Record<string, unknown>;
      if (typeof entry.id !== "string" || entry.id.length === 0 || entry.id.length > 200) return [];
      const window = [
        entry.context_length,
        entry.context_window,
        entry.max_model_len,
        entry.max_context_length,
      ].find((n): n is number => typeof n === "number" && Number.isInteger(n) && n > 0);
      return [{ id: entry.id, ...(window ? { contextWindow: window } : {}) }];
    });
    return { models };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { models: null, problem: `GET /models failed: ${cause ?? (err as Error).message}` };
  }
}

/**
 * `nightshift models`: config.toml (with `-c` overrides and a profile) read as a session would,
 * then `listModels`. Works without API keys: a provider whose key is missing is listed with the
 * problem instead of its `/v1/models`.
 */
export async function listConfiguredModels(
  spec: {
    config?: readonly string[];
    profile?: string;
    model?: string;
    fallbackModels?: string[];
    strictConfig?: boolean;
    oss?: boolean;
    localProvider?: string;
  },
  deps: { home: string; env: NodeJS.ProcessEnv; transport?: HttpTransport; online?: boolean },
): Promise<{ providers: ProviderListing[]; warnings: string[] }> {
  const { toml, warnings } = loadConfig(deps.home, spec.config ?? [], {
    profile: spec.profile,
    strict: spec.strictConfig,
  });
  const selection = selectModels(toml, spec);
  const providers = await listModels(toml, selection, deps);
  return { providers, warnings };
}
