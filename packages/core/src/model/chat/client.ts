import { createHash } from "node:crypto";
import type { ModelClient, ModelRequest } from "../client.js";
import { postToModel } from "../model-http.js";
import type { ProviderInfo } from "../provider.js";
import type { HttpDeps } from "../responses-client.js";
import { readSse } from "../sse.js";
import { buildChatBody, chatToolsJson } from "./body.js";
import { classifyChatHttpError } from "./errors.js";
import { ChatMessageMapper, type ReasoningEcho } from "./messages.js";
import { parseChatStream } from "./stream.js";

export type ChatClientOptions = {
  /**
   * The assistant-message field that carries earlier reasoning back to the server (default
   * `reasoning_content`; Ollama reads `reasoning`), or "none" to leave it out.
   */
  reasoningEcho?: ReasoningEcho;
};

/**
 * A client for the Chat Completions API (`POST {base}/chat/completions`, streamed), for servers
 * that do not speak the Responses API: vLLM, llama.cpp, OpenRouter, older Ollama and LM Studio.
 * It has no `compact`: sessions on it compact with a model-written summary.
 */
export function createChatCompletionsClient(
  provider: ProviderInfo,
  deps: HttpDeps,
  options: ChatClientOptions = {},
): ModelClient {
  const mapper = new ChatMessageMapper({ reasoningEcho: options.reasoningEcho ?? "reasoning_content" });
  let tools = { specsJson: "", chatJson: "[]" };
  const toolsFor = (request: ModelRequest) => {
    if (tools.specsJson !== request.toolsJson)
      tools = { specsJson: request.toolsJson, chatJson: chatToolsJson(request.tools) };
    return tools.chatJson;
  };

  return {
    async *stream(request, signal) {
      const body = buildChatBody(request, mapper.map(request.instructions, request.input), toolsFor(request));
      const headers: Record<string, string> = {
        "content-type": "application/json",
        accept: "text/event-stream",
        ...deps.userAgentHeaders,
        ...(provider.apiKey ? { authorization: `Bearer ${provider.apiKey}` } : {}),
        ...provider.headers,
      };
      const connection = await postToModel(
        provider,
        deps,
        { path: "/chat/completions", body, headers },
        signal,
        classifyChatHttpError,
      );
      let finished = false;
      let digest: string | null = null;
      try {
        yield* parseChatStream(
          readSse(connection.response.body, {
            idleTimeoutMs: provider.streamIdleTimeoutMs,
            signal,
            clock: deps.clock,
          }),
          {
            requestBytes: Buffer.byteLength(body),
            callIdFor: (index) => {
              digest ??= createHash("sha256").update(body).digest("hex").slice(0, 20);
              return `call_${digest}_${index}`;
            },
          },
        );
        finished = true;
      } finally {
        connection.release(finished);
      }
    },
  };
}
