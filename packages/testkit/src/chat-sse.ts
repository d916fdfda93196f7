/** The Chat Completions wire format: `chat.completion.chunk` SSE frames and the non-streaming body. */
import { type OutputItem, splitChunks } from "./output.js";
import type { TokenUsage } from "./responses-sse.js";
import type { JsonObject, ReasoningField, StepSpec } from "./types.js";

export interface ChatTurn {
  body: JsonObject;
  id: string;
  /** Seconds since the epoch. */
  created: number;
  items: readonly OutputItem[];
  usage: TokenUsage;
  step: StepSpec;
  /** An `incomplete` fault ends with finish_reason "length". */
  incomplete: boolean;
}

export function chatUsage(usage: TokenUsage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function hasToolCalls(items: readonly OutputItem[]): boolean {
  return items.some((item) => item.kind === "function_call" || item.kind === "custom_tool_call");
}

function finishReason(turn: ChatTurn): string {
  if (turn.step.finishReason) return turn.step.finishReason;
  if (turn.incomplete) return "length";
  return hasToolCalls(turn.items) ? "tool_calls" : "stop";
}

/** Custom tools do not exist in Chat Completions: their raw input is sent as the arguments string. */
function toolArguments(item: Extract<OutputItem, { kind: "function_call" | "custom_tool_call" }>): string {
  return item.kind === "function_call" ? item.arguments : item.input;
}

function includeUsage(turn: ChatTurn): boolean {
  const options = turn.body.stream_options;
  return (
    typeof options === "object" && options !== null && options.include_usage === true && !turn.step.omitUsage
  );
}

/** The `delta`s of a streamed completion, in order (role first, finish chunk excluded). */
function deltas(turn: ChatTurn): JsonObject[] {
  const chunks = turn.step.chunks ?? 3;
  const field: ReasoningField = turn.step.reasoningField ?? "reasoning_content";
  const out: JsonObject[] = [{ role: "assistant", content: "" }];
  let toolIndex = 0;
  for (const item of turn.items) {
    if (item.kind === "reasoning") {
      const text = item.summary.join("\n\n");
      if (text === "") continue;
      if (field === "think_tags") {
        out.push({ content: "<think>" });
        for (const piece of splitChunks(text, chunks)) out.push({ content: piece });
        out.push({ content: "</think>" });
      } else {
        for (const piece of splitChunks(text, chunks)) out.push({ content: null, [field]: piece });
      }
    } else if (item.kind === "message") {
      for (const piece of splitChunks(item.text, chunks)) out.push({ content: piece });
    } else if (item.kind !== "web_search_call") {
      const index = toolIndex++;
      const pieces = splitChunks(toolArguments(item), chunks);
      out.push({
        tool_calls: [
          { index, id: item.callId, type: "function", function: { name: item.name, arguments: "" } },
        ],
      });
      for (const piece of pieces) out.push({ tool_calls: [{ index, function: { arguments: piece } }] });
    }
  }
  return out;
}

function chunkBase(turn: ChatTurn): JsonObject {
  return {
    id: turn.id,
    object: "chat.completion.chunk",
    created: turn.created,
    model: turn.body.model ?? null,
    system_fingerprint: "fp_fake",
  };
}

/** SSE frames (`data: <chunk>\n\n`, ending with `data: [DONE]`). */
export function chatFrames(turn: ChatTurn): string[] {
  const base = chunkBase(turn);
  const withUsage = includeUsage(turn);
  const usageNull = withUsage ? { usage: null } : {};
  const chunk = (delta: JsonObject, finish: string | null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...usageNull,
  });
  const chunks: JsonObject[] = deltas(turn).map((delta) => chunk(delta, null));
  chunks.push(chunk({}, finishReason(turn)));
  if (withUsage) chunks.push({ ...base, choices: [], usage: chatUsage(turn.usage) });
  const frames = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`);
  frames.push("data: [DONE]\n\n");
  return frames;
}

/** A mid-stream error, as OpenAI-compatible servers send it for a `failed` fault. */
export function chatErrorFrame(code: string, message: string): string {
  return `data: ${JSON.stringify({ error: { message, type: "server_error", param: null, code } })}\n\n`;
}

export function malformedChatFrame(id: string): string {
  return `data: {"id":"${id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"unterminated\n\n`;
}

/** The body of a non-streaming completion. */
export function chatJson(turn: ChatTurn): JsonObject {
  const field: ReasoningField = turn.step.reasoningField ?? "reasoning_content";
  const reasoning = turn.items
    .flatMap((item) => (item.kind === "reasoning" ? [item.summary.join("\n\n")] : []))
    .filter((text) => text !== "")
    .join("\n\n");
  let content = turn.items.flatMap((item) => (item.kind === "message" ? [item.text] : [])).join("");
  if (field === "think_tags" && reasoning !== "") content = `<think>${reasoning}</think>${content}`;
  const toolCalls = turn.items.flatMap((item) =>
    item.kind === "function_call" || item.kind === "custom_tool_call"
      ? [{ id: item.callId, type: "function", function: { name: item.name, arguments: toolArguments(item) } }]
      : [],
  );
  const message: JsonObject = { role: "assistant", content: content === "" ? null : content, refusal: null };
  if (field !== "think_tags" && reasoning !== "") message[field] = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: turn.id,
    object: "chat.completion",
    created: turn.created,
    model: turn.body.model ?? null,
    system_fingerprint: "fp_fake",
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(turn) }],
    ...(turn.step.omitUsage ? {} : { usage: chatUsage(turn.usage) }),
  };
}
