import { type ContentPart, isToolCall, type MessageItem, type ResponseItem } from "../items.js";

/** Where reasoning text of earlier turns is put on assistant messages, or "none" to drop it. */
export type ReasoningEcho = "reasoning_content" | "reasoning" | "none";

type ChatToolCall = { id: string; type: "function"; function: { name: string; arguments: string } };
type ChatPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: string } };

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string | ChatPart[] }
  | {
      role: "assistant";
      content: string | null;
      reasoning_content?: string;
      reasoning?: string;
      tool_calls?: ChatToolCall[];
    }
  | { role: "tool"; tool_call_id: string; content: string };

type Cached = { items: readonly ResponseItem[]; json: string };

/**
 * Maps history items to Chat Completions messages, serialising each message once.
 *
 * - `instructions` and the developer messages that open the history become one leading `system`
 *   message (many chat templates accept a single system message only at the start); later
 *   developer messages become `system` messages in place.
 * - A response's reasoning, assistant text and tool calls become one assistant message
 *   (`tool_calls`, reasoning under the configured field); each tool output a `tool` message.
 * - Compaction items (Responses-only, opaque) and tool outputs whose call is not in the
 *   conversation (servers reject those) are left out.
 *
 * The mapping of a group of items never depends on what follows it, so request N+1's messages
 * start with request N's, byte for byte; cached JSON is reused while a group's items are the
 * same objects.
 */
export class ChatMessageMapper {
  readonly #echo: ReasoningEcho;
  readonly #cache = new WeakMap<ResponseItem, Cached>();
  #head: (Cached & { instructions: string }) | null = null;

  constructor(options: { reasoningEcho: ReasoningEcho }) {
    this.#echo = options.reasoningEcho;
  }

  /** The JSON text of each message, in order. */
  map(instructions: string, input: readonly ResponseItem[]): string[] {
    let start = 0;
    while (start < input.length && isDeveloper(input[start]!)) start++;
    const out: string[] = [];
    const head = this.#headJson(instructions, input.slice(0, start));
    if (head) out.push(head);
    const calls = new Set<string>();
    let i = start;
    while (i < input.length) {
      const item = input[i]!;
      if (
        item.type === "reasoning" ||
        isToolCall(item) ||
        (item.type === "message" && item.role === "assistant")
      ) {
        const end = assistantGroupEnd(input, i);
        const group = input.slice(i, end);
        for (const member of group) if (isToolCall(member)) calls.add(member.call_id);
        const json = this.#cached(group, () => this.#assistant(group));
        if (json) out.push(json);
        i = end;
        continue;
      }
      i++;
      if (item.type === "function_call_output" || item.type === "custom_tool_call_output") {
        if (!calls.has(item.call_id)) continue;
        out.push(
          this.#cached([item], () => ({
            role: "tool",
            tool_call_id: item.call_id,
            content: outputText(item.output),
          })),
        );
      } else if (item.type === "message") {
        out.push(this.#cached([item], () => plainMessage(item)));
      }
      // compaction items: nothing to send
    }
    return out;
  }

  #headJson(instructions: string, developers: readonly ResponseItem[]): string | null {
    const head = this.#head;
    if (head && head.instructions === instructions && sameItems(head.items, developers))
      return head.json || null;
    const texts = [
      instructions,
      ...developers.map((item) => partsText((item as MessageItem).content)),
    ].filter((text) => text !== "");
    const json = texts.length > 0 ? JSON.stringify({ role: "system", content: texts.join("\n\n") }) : "";
    this.#head = { instructions, items: developers, json };
    return json || null;
  }

  #cached(items: readonly ResponseItem[], build: () => ChatMessage | null): string {
    const hit = this.#cache.get(items[0]!);
    if (hit && sameItems(hit.items, items)) return hit.json;
    const message = build();
    const json = message ? JSON.stringify(message) : "";
    this.#cache.set(items[0]!, { items, json });
    return json;
  }

  #assistant(group: readonly ResponseItem[]): ChatMessage | null {
    let text = "";
    const reasoning: string[] = [];
    const toolCalls: ChatToolCall[] = [];
    for (const item of group) {
      if (item.type === "message") text += partsText(item.content);
      else if (item.type === "reasoning") reasoning.push(reasoningText(item));
      else if (item.type === "function_call")
        toolCalls.push(toolCall(item.call_id, item.name, item.arguments));
      else if (item.type === "custom_tool_call") {
        toolCalls.push(toolCall(item.call_id, item.name, JSON.stringify({ input: item.input })));
      }
    }
    if (text === "" && toolCalls.length === 0) return null;
    const message: ChatMessage = { role: "assistant", content: text === "" ? null : text };
    const thought = reasoning.filter((part) => part !== "").join("\n\n");
    if (thought !== "" && this.#echo !== "none") message[this.#echo] = thought;
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    return message;
  }
}

/**
 * One assistant message covers one response's output: reasoning first, at most one text message,
 * then tool calls. Reasoning after text or calls, or a second text, starts the next message.
 */
function assistantGroupEnd(input: readonly ResponseItem[], start: number): number {
  let sawText = false;
  let sawCall = false;
  let i = start;
  for (; i < input.length; i++) {
    const item = input[i]!;
    if (item.type === "reasoning") {
      if (sawText || sawCall) break;
    } else if (item.type === "message" && item.role === "assistant") {
      if (sawText || sawCall) break;
      sawText = true;
    } else if (isToolCall(item)) {
      sawCall = true;
    } else {
      break;
    }
  }
  return i;
}

function isDeveloper(item: ResponseItem): boolean {
  return item.type === "message" && (item.role === "developer" || item.role === "system");
}

function sameItems(a: readonly ResponseItem[], b: readonly ResponseItem[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

/**
 * Servers such as vLLM and Ollama parse the arguments of earlier calls and reject the whole request
 * when they are not a JSON object; a call the model botched is sent back with its text wrapped.
 */
function toolCall(id: string, name: string, args: string): ChatToolCall {
  return {
    id,
    type: "function",
    function: { name, arguments: isJsonObject(args) ? args : JSON.stringify({ unparsable_arguments: args }) },
  };
}

function isJsonObject(text: string): boolean {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function plainMessage(item: MessageItem): ChatMessage {
  if (item.role === "developer" || item.role === "system")
    return { role: "system", content: partsText(item.content) };
  if (item.role === "assistant") return { role: "assistant", content: partsText(item.content) };
  if (!item.content.some((part) => part.type === "input_image"))
    return { role: "user", content: partsText(item.content) };
  return {
    role: "user",
    content: item.content.map(
      (part): ChatPart =>
        part.type === "input_image"
          ? {
              type: "image_url",
              image_url: part.detail ? { url: part.image_url, detail: part.detail } : { url: part.image_url },
            }
          : { type: "text", text: part.text },
    ),
  };
}

/** Text parts joined by blank lines; the parts of one message are separate blocks of context. */
function partsText(parts: readonly ContentPart[]): string {
  return parts
    .filter((part) => part.type !== "input_image")
    .map((part) => (part as { text: string }).text)
    .join("\n\n");
}

/** Tool messages carry text only; images in a tool output are replaced by a marker. */
function outputText(output: string | ContentPart[]): string {
  if (typeof output === "string") return output;
  return output.map((part) => (part.type === "input_image" ? "[image omitted]" : part.text)).join("\n");
}

function reasoningText(item: Extract<ResponseItem, { type: "reasoning" }>): string {
  const parts = item.content && item.content.length > 0 ? item.content : item.summary;
  return parts.map((part) => part.text).join("\n\n");
}
