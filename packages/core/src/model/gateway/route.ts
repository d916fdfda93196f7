import type { ModelInfo } from "../catalog.js";
import type { ModelClient } from "../client.js";
import type { ProviderInfo } from "../provider.js";

/** One model on one provider: the wire client that reaches it and what is known about the model. */
export type ModelRoute = {
  provider: ProviderInfo;
  model: string;
  client: ModelClient;
  info: ModelInfo;
};

/** "<provider>:<model>", how routes are named in events, the ledger and `nightshift models`. */
export function routeLabel(route: { provider: { id: string }; model: string }): string {
  return `${route.provider.id}:${route.model}`;
}

/** A model entry as config or a flag writes it: "<provider>:<model>", or "<model>" (provider null). */
export type ModelEntry = { providerId: string | null; model: string };

/**
 * Reads "<provider>:<model>" or "<model>". Model names may hold colons of their own (Ollama's
 * "gpt-oss:20b"), so the part before the first colon is a provider only when it names one.
 */
export function parseModelEntry(entry: string, isProvider: (id: string) => boolean): ModelEntry {
  const text = entry.trim();
  const colon = text.indexOf(":");
  if (colon > 0 && colon < text.length - 1 && isProvider(text.slice(0, colon))) {
    return { providerId: text.slice(0, colon), model: text.slice(colon + 1) };
  }
  return { providerId: null, model: text };
}
