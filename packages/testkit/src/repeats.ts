/** Faults that send something twice: a repeated frame, and a call the client already answered. */
import { inputItems } from "./match.js";
import type { JsonObject, OutputSpec } from "./types.js";

/** `frames` with the frame at `index` sent twice in a row (unchanged when there is no such frame). */
export function repeatFrame(frames: readonly string[], index: number): string[] {
  const at = Math.floor(index);
  if (at < 0 || at >= frames.length) return [...frames];
  return [...frames.slice(0, at + 1), ...frames.slice(at)];
}

/**
 * The newest call of the request's input that already has its output, as an output spec with the
 * same call id, name and arguments; undefined when the input holds no answered call. Reads
 * Responses items (`function_call` / `custom_tool_call` and their outputs) and Chat Completions
 * messages (an assistant's `tool_calls` answered by a `tool` message).
 */
export function answeredCall(body: JsonObject): OutputSpec | undefined {
  const items = inputItems(body).filter(isObject);
  const answered = new Set<string>();
  for (const item of items) {
    if (item.type === "function_call_output" || item.type === "custom_tool_call_output") {
      answered.add(String(item.call_id));
    } else if (item.role === "tool" && typeof item.tool_call_id === "string") {
      answered.add(item.tool_call_id);
    }
  }
  for (const item of [...items].reverse()) {
    if (item.type === "function_call" && answered.has(String(item.call_id))) {
      return {
        type: "function_call",
        name: String(item.name),
        arguments: String(item.arguments ?? ""),
        call_id: String(item.call_id),
        ...(typeof item.namespace === "string" ? { namespace: item.namespace } : {}),
      };
    }
    if (item.type === "custom_tool_call" && answered.has(String(item.call_id))) {
      return {
        type: "custom_tool_call",
        name: String(item.name),
        input: String(item.input ?? ""),
        call_id: String(item.call_id),
      };
    }
    const calls = item.role === "assistant" && Array.isArray(item.tool_calls) ? item.tool_calls : [];
    for (const call of [...calls].filter(isObject).reverse()) {
      const fn = isObject(call.function) ? call.function : {};
      if (typeof call.id === "string" && answered.has(call.id)) {
        return {
          type: "function_call",
          name: String(fn.name ?? ""),
          arguments: String(fn.arguments ?? ""),
          call_id: call.id,
        };
      }
    }
  }
  return undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
