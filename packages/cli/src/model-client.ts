import { type ModelClient, type ProviderInfo, createResponsesClient } from "@nightshift/core";
import { VERSION } from "./version.js";

/** The wire client for a provider: Responses API by default. */
export function createModelClient(provider: ProviderInfo): ModelClient {
  return createResponsesClient(provider, {
    fetch: globalThis.fetch,
    now: () => Date.now(),
    userAgentHeaders: { originator: "nightshift", version: VERSION },
  });
}
