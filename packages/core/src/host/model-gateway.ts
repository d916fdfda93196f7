import type { AgentEvent } from "../agent/events.js";
import type { TurnHooks } from "../agent/turn-scope.js";
import type { PriceLookup } from "../context/ledger.js";
import type { ModelInfo } from "../model/catalog.js";
import type { ModelClient } from "../model/client.js";
import {
  CircuitBreakers,
  type GatewayNotice,
  ItemOrigins,
  ModelGateway,
  type ModelRoute,
  parseModelEntry,
  routeLabel,
} from "../model/gateway/index.js";
import type { ProviderInfo } from "../model/provider.js";
import type { Clock } from "../util/clock.js";
import { describeModel } from "./config/model-info.js";
import { builtinProviders, resolveProvider } from "./config/providers.js";
import type { RuntimeConfig } from "./config/resolve.js";
import { ConfigError } from "./errors.js";
import { createModelClient } from "./model-client.js";

/** A fallback as the session announces it (`model_fallback`) and lists it in exec's summary. */
export type FallbackRecord = { from: string; to: string; reason: string };

/** The session's models: its gateway, the compaction model, and what config says about each model. */
export type SessionModels = {
  /** The session's client: the primary model and its fallbacks. */
  client: ModelGateway;
  /** The client compaction asks (the `compact_model` first), or null to use `client`. */
  compactionClient: ModelGateway | null;
  /** Whether `/responses/compact` may be used: only when every model shares the session's provider. */
  remoteCompaction: boolean;
  /** Some model is reached over Chat Completions (which carries function tools only). */
  chatWire: boolean;
  describe(model: string, providerId?: string): ModelInfo;
  priceOf: PriceLookup;
  /** "<provider>:<model>" of each fallback. */
  fallbackLabels: string[];
  warnings: string[];
  /** Hooks that start each turn on the first model whose provider's circuit is closed. */
  hooks: TurnHooks;
  /** Where notices go once the session exists (before that they are dropped: nothing is running). */
  connect(emit: (event: AgentEvent) => void, onFallback: (record: FallbackRecord) => void): void;
};

export type SessionModelDeps = {
  env: NodeJS.ProcessEnv;
  version: string;
  now: () => number;
  /** Times the clients' retries and idle timeouts (default: the system's). */
  clock?: Clock;
  createClient?: (provider: ProviderInfo) => ModelClient;
  breakers?: CircuitBreakers;
};

/**
 * Builds the session's model routing from configuration: the primary model on the configured
 * provider, `fallback_models` (each "<provider>:<model>" or "<model>" on the session's provider),
 * and `compact_model`. A fallback whose provider cannot be used (an unknown id, a missing key)
 * is left out with a warning rather than stopping the session.
 */
export function buildSessionModels(
  runtime: RuntimeConfig,
  deps: SessionModelDeps,
  retryLimits: () => { requestMaxRetries: number; streamMaxRetries: number },
  sessionModel: () => string,
): SessionModels {
  const home = runtime.provider;
  const providers = new Map<string, ProviderInfo>([[home.id, home]]);
  const clients = new Map<string, ModelClient>();
  const infos = new Map<string, ModelInfo>();
  const warnings: string[] = [];
  const knownIds = new Set([
    ...Object.keys(builtinProviders(deps.env)),
    ...Object.keys(runtime.toml.model_providers ?? {}),
  ]);

  const providerFor = (id: string): ProviderInfo => {
    let provider = providers.get(id);
    if (!provider) {
      provider = resolveProvider(id, runtime.toml.model_providers, deps.env);
      providers.set(id, provider);
    }
    return provider;
  };
  const describe = (model: string, providerId = home.id): ModelInfo => {
    const key = `${providerId}:${model}`;
    let info = infos.get(key);
    if (!info) {
      const wireApi = providers.get(providerId)?.wireApi ?? home.wireApi;
      info = describeModel(
        runtime.settings,
        { model, providerId, wireApi },
        {
          model: runtime.model,
          providerId: home.id,
        },
      );
      infos.set(key, info);
    }
    return info;
  };
  const routeTo = (provider: ProviderInfo, model: string): ModelRoute => {
    let client = clients.get(provider.id);
    if (!client) {
      client = deps.createClient?.(provider) ?? createModelClient(provider, deps.version, deps.clock);
      clients.set(provider.id, client);
    }
    return { provider, model, client, info: describe(model, provider.id) };
  };
  /** A configured entry as a route, or null (with a warning) when its provider cannot be used. */
  const entryRoute = (entry: string, what: string): ModelRoute | null => {
    const parsed = parseModelEntry(entry, (id) => knownIds.has(id));
    try {
      return routeTo(parsed.providerId ? providerFor(parsed.providerId) : home, parsed.model);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      warnings.push(`${what} "${entry}" is not used: ${err.message}`);
      return null;
    }
  };

  const fallbacks = runtime.fallbackModels
    .map((entry) => entryRoute(entry, "fallback model"))
    .filter((route): route is ModelRoute => route !== null);
  const compact = runtime.compactModel ? entryRoute(runtime.compactModel, "compact_model") : null;
  const breakers = deps.breakers ?? new CircuitBreakers({ now: deps.now });
  const origins = new ItemOrigins(home.id);
  let emit: (event: AgentEvent) => void = () => {};
  let onFallback: (record: FallbackRecord) => void = () => {};
  const onNotice = (notice: GatewayNotice) => {
    const event = noticeEvent(notice);
    if (notice.kind === "fallback") onFallback({ from: notice.from, to: notice.to, reason: notice.reason });
    emit(event);
  };
  const sessionRoutes = (model: string) => [routeTo(home, model), ...fallbacks];
  const common = { homeProvider: home.id, breakers, retryLimits, onNotice, origins };
  const client = new ModelGateway({ ...common, routes: (request) => sessionRoutes(request.model) });
  const compactionClient = compact
    ? new ModelGateway({ ...common, routes: () => [compact, ...sessionRoutes(sessionModel())] })
    : null;
  const everyRoute = [...fallbacks, ...(compact ? [compact] : [])];
  return {
    client,
    compactionClient,
    remoteCompaction:
      home.supportsRemoteCompaction && everyRoute.every((route) => route.provider.id === home.id),
    chatWire: home.wireApi === "chat" || everyRoute.some((route) => route.provider.wireApi === "chat"),
    describe,
    priceOf: (model, providerId) => describe(model, providerId ?? home.id).prices,
    fallbackLabels: fallbacks.map(routeLabel),
    warnings,
    hooks: {
      async beforeTurn() {
        client.beginTurn();
        compactionClient?.beginTurn();
      },
    },
    connect(sink, fallbackSink) {
      emit = sink;
      onFallback = fallbackSink;
    },
  };
}

function noticeEvent(notice: GatewayNotice): AgentEvent {
  switch (notice.kind) {
    case "fallback":
      return {
        type: "model_fallback",
        from: notice.from,
        to: notice.to,
        reason: notice.reason,
        errorKind: notice.errorKind,
      };
    case "reasoning_dropped":
      return {
        type: "warning",
        message: `${notice.route} refused the reasoning parameters (${notice.message}); this session now sends its requests without them`,
      };
    case "opaque_items_dropped": {
      const parts = [
        notice.reasoning ? `${notice.reasoning} encrypted reasoning item(s)` : "",
        notice.compaction ? `${notice.compaction} compacted history item(s)` : "",
      ].filter(Boolean);
      return {
        type: "warning",
        message: `${notice.route} cannot read ${parts.join(" and ")} another provider wrote; they are left out of what it receives`,
      };
    }
  }
}
