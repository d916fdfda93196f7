import { createChatCompletionsClient } from "../model/chat/index.js";
import type { ModelClient } from "../model/client.js";
import { createNodeTransport } from "../model/http-transport.js";
import type { ProviderInfo } from "../model/provider.js";
import { createResponsesClient } from "../model/responses-client.js";
import { type Clock, systemClock } from "../util/clock.js";

/** The wire client for a provider: the Responses API, or Chat Completions for `wire_api = "chat"`. */
export function createModelClient(
  provider: ProviderInfo,
  version: string,
  clock: Clock = systemClock,
): ModelClient {
  const deps = {
    transport: createNodeTransport(),
    now: () => clock.now(),
    clock,
    userAgentHeaders: { originator: "nightshift", version },
  };
  if (provider.wireApi === "chat") {
    // Ollama's OpenAI layer reads earlier reasoning from `reasoning`; the others use `reasoning_content`.
    return createChatCompletionsClient(provider, deps, {
      reasoningEcho: provider.id === "ollama" ? "reasoning" : "reasoning_content",
    });
  }
  return createResponsesClient(provider, deps);
}
