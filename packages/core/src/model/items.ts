/**
 * Responses API input/output items as we keep them in history and send them back.
 * Server-assigned `id`s are never part of these types: with `store: false` they cannot be
 * resolved by the server, so they are dropped when an item is received.
 */

export type InputTextPart = { type: "input_text"; text: string };
export type InputImagePart = { type: "input_image"; image_url: string; detail?: "auto" | "low" | "high" };
export type OutputTextPart = { type: "output_text"; text: string };
export type ContentPart = InputTextPart | InputImagePart | OutputTextPart;

export type MessageItem = {
  type: "message";
  role: "user" | "developer" | "assistant" | "system";
  content: ContentPart[];
  phase?: "commentary" | "final_answer";
};

export type ReasoningItem = {
  type: "reasoning";
  summary: { type: "summary_text"; text: string }[];
  content?: { type: "reasoning_text"; text: string }[];
  encrypted_content?: string | null;
};

export type FunctionCallItem = {
  type: "function_call";
  name: string;
  namespace?: string;
  arguments: string;
  call_id: string;
};

export type FunctionCallOutputItem = {
  type: "function_call_output";
  call_id: string;
  output: string | ContentPart[];
};

export type CustomToolCallItem = {
  type: "custom_tool_call";
  name: string;
  input: string;
  call_id: string;
};

export type CustomToolCallOutputItem = {
  type: "custom_tool_call_output";
  call_id: string;
  output: string;
};

export type CompactionItem = { type: "compaction"; encrypted_content: string };

/**
 * A search the provider ran with its hosted `web_search` tool. Kept as the server sent it (less
 * its `id`) and sent back as is: `action` is `{type: "search", query}`, `{type: "open_page", url}`
 * or `{type: "find", url, pattern}`; other fields the server adds are carried along untouched.
 */
export type WebSearchCallItem = {
  type: "web_search_call";
  status?: string;
  action?: { type?: string; query?: string; url?: string; pattern?: string; [key: string]: unknown };
};

export type ResponseItem =
  | MessageItem
  | ReasoningItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | CustomToolCallItem
  | CustomToolCallOutputItem
  | CompactionItem
  | WebSearchCallItem;

export type ToolCallItem = FunctionCallItem | CustomToolCallItem;

export function isToolCall(item: ResponseItem): item is ToolCallItem {
  return item.type === "function_call" || item.type === "custom_tool_call";
}

export function userMessage(text: string): MessageItem {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

export function developerMessage(texts: string[]): MessageItem {
  return { type: "message", role: "developer", content: texts.map((text) => ({ type: "input_text", text })) };
}

/**
 * What an image costs in context, as bytes of the 4-bytes-a-token estimates: the provider counts
 * an image by its size in tiles (about 1,500 tokens at most, as it scales images), not by the
 * length of its data URL.
 */
export const IMAGE_ESTIMATE_BYTES = 6_000;

/**
 * The size of an item for token estimates: its JSON length, with each image counted as
 * IMAGE_ESTIMATE_BYTES instead of its data URL.
 */
export function estimatedBytes(item: ResponseItem, json: string): number {
  const parts =
    item.type === "message"
      ? item.content
      : item.type === "function_call_output" && Array.isArray(item.output)
        ? item.output
        : [];
  let size = json.length;
  for (const part of parts) {
    if (part.type === "input_image") size += IMAGE_ESTIMATE_BYTES - part.image_url.length;
  }
  return Math.max(0, size);
}

export function messageText(item: MessageItem): string {
  return item.content.map((part) => (part.type === "input_image" ? "" : part.text)).join("");
}

/** Token usage as reported by `response.completed`. */
export type Usage = {
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_output_tokens: number;
  total_tokens: number;
};

export const ZERO_USAGE: Usage = {
  input_tokens: 0,
  cached_input_tokens: 0,
  output_tokens: 0,
  reasoning_output_tokens: 0,
  total_tokens: 0,
};

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    reasoning_output_tokens: a.reasoning_output_tokens + b.reasoning_output_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
}
