import { lookupModel, type ModelInfo } from "../../model/catalog.js";
import type { ConfigToml, ModelTableToml } from "./schema.js";

/** A model on a provider, as a route or a price lookup names it. */
export type ModelPlace = { model: string; providerId: string; wireApi: "responses" | "chat" };

/**
 * What nightshift assumes about a model on a provider: the catalogue, overridden by
 * `[models."<provider>:<model>"]`, then `[models."<model>"]`, and — for the session's configured
 * model on its configured provider — by the top-level `model_*` keys, which win.
 *
 * A model the catalogue does not know is taken to reason when it is reached over the Responses
 * wire (it is asked for encrypted reasoning; a server that refuses the parameters gets requests
 * without them, see the gateway), unless its `[models]` entry says `reasoning = false`.
 */
export function describeModel(
  settings: ConfigToml,
  place: ModelPlace,
  configured: { model: string; providerId: string },
  /** What the provider's own model listing says, used when neither config nor the catalogue know. */
  listed: { contextWindow?: number } = {},
): ModelInfo {
  const tables = settings.models ?? {};
  const table: ModelTableToml = {
    ...(tables[place.model] ?? {}),
    ...(tables[`${place.providerId}:${place.model}`] ?? {}),
  };
  const isConfigured = place.model === configured.model && place.providerId === configured.providerId;
  const top = isConfigured ? settings : {};
  const known = lookupModel(place.model).known;
  return lookupModel(place.model, {
    contextWindow:
      top.model_context_window ?? table.context_window ?? (known ? undefined : listed.contextWindow),
    maxOutputTokens: top.model_max_output_tokens ?? table.max_output_tokens,
    prices: {
      input: top.model_input_price_per_million ?? table.input_price_per_million,
      cachedInput: top.model_cached_input_price_per_million ?? table.cached_input_price_per_million,
      output: top.model_output_price_per_million ?? table.output_price_per_million,
    },
    reasoning: table.reasoning ?? (known ? undefined : place.wireApi === "responses"),
    imageInput: top.model_supports_images,
  });
}
