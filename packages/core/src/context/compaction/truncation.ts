import { estimatedBytes, isToolCall, type ResponseItem } from "../../model/items.js";
import { isReinjectedContext } from "./history-facts.js";

const MAX_ITEM_CHARS_WHEN_ALONE = 8_000;

/**
 * The most recent items that fit `budgetTokens`. Context that is re-injected fresh (developer
 * messages, environment, AGENTS.md, goal and plan notes) is left out; a tool output is kept only
 * with its call; and when even the newest item does not fit, it is cut in the middle (with its
 * call) rather than dropped.
 */
export function truncateItemsToBudget(items: readonly ResponseItem[], budgetTokens: number): ResponseItem[] {
  const candidates = items.filter((item) => !isReinjectedContext(item));
  const kept: ResponseItem[] = [];
  let budget = budgetTokens * 4;
  for (let i = candidates.length - 1; i >= 0; i--) {
    const item = candidates[i]!;
    const size = estimatedBytes(item, JSON.stringify(item));
    if (size > budget) {
      if (kept.length === 0) {
        kept.push(shrink(item));
        const call = callOf(candidates, item);
        if (call) kept.push(shrink(call));
      }
      break;
    }
    kept.push(item);
    budget -= size;
  }
  kept.reverse();
  const calls = new Set(kept.flatMap((item) => (isToolCall(item) ? [item.call_id] : [])));
  return kept.filter((item) => !(isToolOutput(item) && !calls.has(item.call_id)));
}

function isToolOutput(
  item: ResponseItem,
): item is Extract<ResponseItem, { call_id: string; output: unknown }> {
  return item.type === "function_call_output" || item.type === "custom_tool_call_output";
}

function callOf(items: readonly ResponseItem[], output: ResponseItem): ResponseItem | undefined {
  if (!isToolOutput(output)) return undefined;
  return items.find((item) => isToolCall(item) && item.call_id === output.call_id);
}

function shrink(item: ResponseItem): ResponseItem {
  const cut = (text: string) =>
    text.length <= MAX_ITEM_CHARS_WHEN_ALONE
      ? text
      : `${text.slice(0, MAX_ITEM_CHARS_WHEN_ALONE / 2)}\n…[${text.length - MAX_ITEM_CHARS_WHEN_ALONE} characters cut]…\n${text.slice(-MAX_ITEM_CHARS_WHEN_ALONE / 2)}`;
  if (item.type === "message") {
    return {
      ...item,
      content: item.content.map((part) =>
        part.type === "input_image" ? part : { ...part, text: cut(part.text) },
      ),
    };
  }
  if (item.type === "function_call_output" && typeof item.output === "string")
    return { ...item, output: cut(item.output) };
  if (item.type === "custom_tool_call_output") return { ...item, output: cut(item.output) };
  if (item.type === "function_call") return { ...item, arguments: cut(item.arguments) };
  if (item.type === "custom_tool_call") return { ...item, input: cut(item.input) };
  return item;
}
