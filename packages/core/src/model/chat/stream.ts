import type { ModelStreamEvent } from "../client.js";
import { ModelError } from "../errors.js";
import type { ResponseItem, Usage } from "../items.js";
import { parseEventJson, type SseEvent } from "../sse.js";
import { classifyChatStreamError } from "./errors.js";
import { repairToolArguments } from "./repair-arguments.js";
import { ThinkTagSplitter } from "./think-tags.js";
import { ToolCallAssembler } from "./tool-calls.js";
import { estimateUsage, parseChatUsage } from "./usage.js";

type Raw = Record<string, unknown>;

export type ChatStreamContext = {
  /** Size of the request body in bytes, for the usage estimate when the server reports none. */
  requestBytes: number;
  /** A call id for a call the server sent without one; deterministic for a given request. */
  callIdFor: (index: number) => string;
};

/**
 * Turns `chat.completion.chunk` events into our stream events: text and reasoning deltas as they
 * arrive, then the reasoning item, the assistant message and the function calls, then
 * `completed`. The stream ends at `[DONE]`, or when the body ends after a `finish_reason`.
 */
export async function* parseChatStream(
  events: AsyncIterable<SseEvent>,
  context: ChatStreamContext,
): AsyncGenerator<ModelStreamEvent> {
  let responseId = "";
  let created = false;
  let text = "";
  let reasoning = "";
  let usage: Usage | null = null;
  let finish: string | null = null;
  let done = false;
  const splitter = new ThinkTagSplitter();
  const calls = new ToolCallAssembler();
  const ids = { text: "", reasoning: "" };

  function* deliver(kind: "text" | "reasoning", delta: string): Generator<ModelStreamEvent> {
    if (delta === "") return;
    if (kind === "reasoning") {
      if (!ids.reasoning) {
        ids.reasoning = `rs_${responseId}`;
        yield { type: "item_started", itemType: "reasoning", itemId: ids.reasoning };
      }
      reasoning += delta;
      yield { type: "reasoning_delta", itemId: ids.reasoning, delta };
    } else {
      if (!ids.text) {
        ids.text = `msg_${responseId}`;
        yield { type: "item_started", itemType: "message", itemId: ids.text };
      }
      text += delta;
      yield { type: "text_delta", itemId: ids.text, delta };
    }
  }

  for await (const message of events) {
    const data = message.data.trim();
    if (data === "[DONE]") {
      done = true;
      break;
    }
    if (data === "") continue;
    const chunk = parseEventJson(message, data);
    if (chunk.error !== undefined && chunk.error !== null) throw classifyChatStreamError(chunk.error);
    if (!created) {
      created = true;
      responseId = typeof chunk.id === "string" ? chunk.id : "";
      yield { type: "created", responseId };
    }
    usage = parseChatUsage(chunk.usage) ?? usage;
    const choice = Array.isArray(chunk.choices) ? (chunk.choices[0] as Raw | undefined) : undefined;
    if (!choice) continue;
    const delta = (typeof choice.delta === "object" && choice.delta !== null ? choice.delta : {}) as Raw;
    yield* deliver("reasoning", reasoningDelta(delta));
    if (typeof delta.content === "string") {
      for (const segment of splitter.push(delta.content)) yield* deliver(segment.kind, segment.text);
    }
    calls.push(delta.tool_calls);
    if (typeof choice.finish_reason === "string" && choice.finish_reason !== "")
      finish = choice.finish_reason;
  }
  if (!done && finish === null)
    throw new ModelError("stream_closed", "stream closed before the completion finished");
  if (finish === "length") {
    // Without max_tokens in the request, servers stop for length only when the context is full.
    throw new ModelError(
      "context_window_exceeded",
      "the model stopped at the context limit (finish_reason: length)",
      {
        code: "length",
      },
    );
  }
  if (finish === "content_filter") {
    throw new ModelError("invalid_request", "the provider's content filter stopped the response", {
      code: "content_filter",
    });
  }
  for (const segment of splitter.flush()) yield* deliver(segment.kind, segment.text);

  const items: ResponseItem[] = [];
  const thought = reasoning.trim();
  if (thought !== "")
    items.push({ type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: thought }] });
  if (text.trim() !== "")
    items.push({ type: "message", role: "assistant", content: [{ type: "output_text", text }] });
  const seen = new Set<string>();
  for (const call of calls.calls()) {
    const callId = call.id && !seen.has(call.id) ? call.id : context.callIdFor(call.index);
    seen.add(callId);
    items.push({
      type: "function_call",
      name: call.name,
      arguments: repairToolArguments(call.arguments),
      call_id: callId,
    });
  }
  for (const item of items) yield { type: "item_done", item };
  if (usage) {
    yield { type: "completed", responseId, usage };
  } else {
    const estimate = estimateUsage(context.requestBytes, {
      chars: text.length + calls.argumentChars,
      reasoningChars: reasoning.length,
    });
    yield { type: "completed", responseId, usage: estimate, usageEstimated: true };
  }
}

/** `reasoning_content` (vLLM, llama.cpp, LM Studio, DeepSeek) or `reasoning` (Ollama, OpenRouter): a string, or an object with `text`/`content`. */
function reasoningDelta(delta: Raw): string {
  for (const key of ["reasoning_content", "reasoning"]) {
    const value = delta[key];
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "object" && value !== null) {
      const inner = (value as Raw).text ?? (value as Raw).content;
      if (typeof inner === "string" && inner !== "") return inner;
    }
  }
  return "";
}
