import {
  createChatCompletionsClient,
  createNodeTransport,
  createResponsesClient,
  type ModelClient,
  type ProviderInfo,
} from "@nightshift/core";
import { VERSION } from "./version.js";

/** The wire client for a provider: the Responses API, or Chat Completions for `wire_api = "chat"`. */
export function createModelClient(provider: ProviderInfo): ModelClient {
  const deps = {
    transport: createNodeTransport(),
    now: () => Date.now(),
    userAgentHeaders: { originator: "nightshift", version: VERSION },
  };
  if (provider.wireApi === "chat") {
    // Ollama's OpenAI layer reads earlier reasoning from `reasoning`; the others use `reasoning_content`.
    return createChatCompletionsClient(provider, deps, {
      reasoningEcho: provider.id === "ollama" ? "reasoning" : "reasoning_content",
    });
  }
  return createResponsesClient(provider, deps);
}
