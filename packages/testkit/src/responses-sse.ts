/** The Responses API wire format: response objects and the SSE event sequence of a streamed response. */
import { type OutputItem, splitChunks } from "./output.js";
import type { JsonObject } from "./types.js";

export interface TokenUsage {
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

export interface ResponseTurn {
  body: JsonObject;
  id: string;
  /** Seconds since the epoch. */
  createdAt: number;
  items: readonly OutputItem[];
  usage: TokenUsage;
  chunks: number;
  /** Send `usage: null` (a server that does not report usage). */
  omitUsage?: boolean;
  /** How the response ends: completed, failed with an error, or incomplete with a reason. */
  ending:
    | { status: "completed" }
    | { status: "failed"; code: string; message: string }
    | { status: "incomplete"; reason: string };
}

export function responsesUsage(usage: TokenUsage) {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

function responseObject(
  turn: ResponseTurn,
  status: string,
  output: unknown[],
  withUsage: boolean,
): JsonObject {
  const body = turn.body;
  const reasoning = isObject(body.reasoning) ? body.reasoning : {};
  const text = isObject(body.text) ? body.text : {};
  return {
    id: turn.id,
    object: "response",
    created_at: turn.createdAt,
    status,
    background: false,
    error:
      turn.ending.status === "failed" && status === "failed"
        ? { code: turn.ending.code, message: turn.ending.message }
        : null,
    incomplete_details:
      turn.ending.status === "incomplete" && status === "incomplete" ? { reason: turn.ending.reason } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model ?? null,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    prompt_cache_key: body.prompt_cache_key ?? null,
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
    service_tier: body.service_tier ?? "default",
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: { type: "text" }, ...text },
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: "disabled",
    usage: withUsage ? responsesUsage(turn.usage) : null,
    user: null,
    metadata: body.metadata ?? {},
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The item as it appears in `response.output_item.done` and in the final `output`. */
export function completedItem(item: OutputItem): JsonObject {
  switch (item.kind) {
    case "message":
      return {
        id: item.id,
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", annotations: [], logprobs: [], text: item.text }],
        ...(item.phase ? { phase: item.phase } : {}),
      };
    case "reasoning":
      return {
        id: item.id,
        type: "reasoning",
        summary: item.summary.map((text) => ({ type: "summary_text", text })),
        ...(item.encryptedContent !== undefined ? { encrypted_content: item.encryptedContent } : {}),
      };
    case "function_call":
      return {
        id: item.id,
        type: "function_call",
        status: "completed",
        arguments: item.arguments,
        call_id: item.callId,
        name: item.name,
        ...(item.namespace ? { namespace: item.namespace } : {}),
      };
    case "custom_tool_call":
      return {
        id: item.id,
        type: "custom_tool_call",
        status: "completed",
        call_id: item.callId,
        input: item.input,
        name: item.name,
      };
    case "web_search_call":
      return { id: item.id, type: "web_search_call", status: item.status, action: item.action };
  }
}

function addedItem(item: OutputItem): JsonObject {
  switch (item.kind) {
    case "message":
      return {
        id: item.id,
        type: "message",
        status: "in_progress",
        content: [],
        role: "assistant",
        ...(item.phase ? { phase: item.phase } : {}),
      };
    case "reasoning":
      return { id: item.id, type: "reasoning", summary: [] };
    case "function_call":
      return { ...completedItem(item), status: "in_progress", arguments: "" };
    case "custom_tool_call":
      return { ...completedItem(item), status: "in_progress", input: "" };
    case "web_search_call":
      return { id: item.id, type: "web_search_call", status: "in_progress" };
  }
}

/** Events of one output item, between (and including) `output_item.added` and `output_item.done`. */
function itemEvents(item: OutputItem, outputIndex: number, chunks: number): JsonObject[] {
  const ref = { item_id: item.id, output_index: outputIndex };
  const events: JsonObject[] = [
    { type: "response.output_item.added", output_index: outputIndex, item: addedItem(item) },
  ];
  if (item.kind === "message") {
    const part = (text: string) => ({ type: "output_text", annotations: [], logprobs: [], text });
    const at = { ...ref, content_index: 0 };
    events.push({ type: "response.content_part.added", ...at, part: part("") });
    for (const delta of splitChunks(item.text, chunks)) {
      events.push({ type: "response.output_text.delta", ...at, delta, logprobs: [] });
    }
    events.push({ type: "response.output_text.done", ...at, text: item.text, logprobs: [] });
    events.push({ type: "response.content_part.done", ...at, part: part(item.text) });
  } else if (item.kind === "reasoning") {
    item.summary.forEach((text, summaryIndex) => {
      const at = { ...ref, summary_index: summaryIndex };
      events.push({
        type: "response.reasoning_summary_part.added",
        ...at,
        part: { type: "summary_text", text: "" },
      });
      for (const delta of splitChunks(text, chunks)) {
        events.push({ type: "response.reasoning_summary_text.delta", ...at, delta });
      }
      events.push({ type: "response.reasoning_summary_text.done", ...at, text });
      events.push({
        type: "response.reasoning_summary_part.done",
        ...at,
        part: { type: "summary_text", text },
      });
    });
  } else if (item.kind === "function_call") {
    for (const delta of splitChunks(item.arguments, chunks)) {
      events.push({ type: "response.function_call_arguments.delta", ...ref, delta });
    }
    events.push({
      type: "response.function_call_arguments.done",
      ...ref,
      name: item.name,
      arguments: item.arguments,
    });
  } else if (item.kind === "web_search_call") {
    events.push({ type: "response.web_search_call.in_progress", ...ref });
    events.push({ type: "response.web_search_call.searching", ...ref });
    events.push({ type: "response.web_search_call.completed", ...ref });
  } else {
    for (const delta of splitChunks(item.input, chunks)) {
      events.push({ type: "response.custom_tool_call_input.delta", ...ref, delta });
    }
    events.push({ type: "response.custom_tool_call_input.done", ...ref, input: item.input });
  }
  events.push({ type: "response.output_item.done", output_index: outputIndex, item: completedItem(item) });
  return events;
}

/** All events of a streamed response, in order, without sequence numbers. */
export function responseEvents(turn: ResponseTurn): JsonObject[] {
  const events: JsonObject[] = [
    { type: "response.created", response: responseObject(turn, "in_progress", [], false) },
    { type: "response.in_progress", response: responseObject(turn, "in_progress", [], false) },
  ];
  if (turn.ending.status === "failed") {
    events.push({ type: "response.failed", response: responseObject(turn, "failed", [], false) });
    return events;
  }
  turn.items.forEach((item, index) => {
    events.push(...itemEvents(item, index, turn.chunks));
  });
  const output = turn.items.map(completedItem);
  if (turn.ending.status === "incomplete") {
    const response = responseObject(turn, "incomplete", output, !turn.omitUsage);
    events.push({ type: "response.incomplete", response });
  } else {
    const response = responseObject(turn, "completed", output, !turn.omitUsage);
    events.push({ type: "response.completed", response });
  }
  return events;
}

/**
 * SSE frames (`event: <type>\ndata: <json>\n\n`) with `sequence_number`s. `duplicateItemDone`:
 * the `output_item.done` of that output item is sent again just before the final event.
 */
export function responseFrames(turn: ResponseTurn, options: { duplicateItemDone?: number } = {}): string[] {
  const events = responseEvents(turn);
  if (options.duplicateItemDone !== undefined) {
    const done = events.find(
      (event) =>
        event.type === "response.output_item.done" && event.output_index === options.duplicateItemDone,
    );
    if (done) events.splice(events.length - 1, 0, { ...done });
  }
  return events.map((event, sequence) => {
    const { type, ...rest } = event;
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...rest })}\n\n`;
  });
}

export function malformedResponseFrame(sequence: number): string {
  return `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${sequence},"delta":"unterminated\n\n`;
}

/** The body of a non-streaming (`stream: false`) response. */
export function responseJson(turn: ResponseTurn): JsonObject {
  const output = turn.ending.status === "failed" ? [] : turn.items.map(completedItem);
  return responseObject(turn, turn.ending.status, output, turn.ending.status !== "failed" && !turn.omitUsage);
}
