import type { ContentPart, ResponseItem, WebSearchCallItem } from "./items.js";

type Raw = Record<string, unknown>;

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/**
 * Turns an output item as the server sent it into the canonical item we keep and send back:
 * server ids and statuses dropped, keys in a fixed order so that serialisation is stable.
 * Returns null for item types we do not carry in history.
 */
export function normalizeOutputItem(raw: Raw): ResponseItem | null {
  switch (raw.type) {
    case "message": {
      const content = Array.isArray(raw.content) ? (raw.content as Raw[]) : [];
      const parts: ContentPart[] = content
        .filter((part) => part.type === "output_text" || part.type === "input_text")
        .map((part) => ({ type: "output_text", text: str(part.text) }));
      const role =
        raw.role === "assistant" || raw.role === undefined ? "assistant" : (raw.role as "assistant");
      const item: ResponseItem = { type: "message", role, content: parts };
      if (raw.phase === "commentary" || raw.phase === "final_answer") item.phase = raw.phase;
      return item;
    }
    case "reasoning": {
      const summary = Array.isArray(raw.summary) ? (raw.summary as Raw[]) : [];
      const item: ResponseItem = {
        type: "reasoning",
        summary: summary.map((part) => ({ type: "summary_text", text: str(part.text) })),
      };
      const content = Array.isArray(raw.content) ? (raw.content as Raw[]) : [];
      if (content.length > 0)
        item.content = content.map((part) => ({ type: "reasoning_text", text: str(part.text) }));
      if (typeof raw.encrypted_content === "string") item.encrypted_content = raw.encrypted_content;
      return item;
    }
    case "function_call": {
      const item: ResponseItem = {
        type: "function_call",
        name: str(raw.name),
        arguments: str(raw.arguments),
        call_id: str(raw.call_id),
      };
      if (typeof raw.namespace === "string") {
        return {
          type: "function_call",
          name: item.name,
          namespace: raw.namespace,
          arguments: item.arguments,
          call_id: item.call_id,
        };
      }
      return item;
    }
    case "custom_tool_call":
      return {
        type: "custom_tool_call",
        name: str(raw.name),
        input: str(raw.input),
        call_id: str(raw.call_id),
      };
    case "web_search_call": {
      // Carried back as it came, without the server's id (not resolvable with `store: false`).
      const { id: _id, ...rest } = raw;
      return rest as WebSearchCallItem;
    }
    case "compaction":
    case "compaction_summary":
      return { type: "compaction", encrypted_content: str(raw.encrypted_content) };
    default:
      return null;
  }
}
