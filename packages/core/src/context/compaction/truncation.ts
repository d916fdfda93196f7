import type { ResponseItem } from "../../model/items.js";

const MAX_ITEM_CHARS_WHEN_ALONE = 8_000;

/**
 * The most recent items that fit `budgetTokens`, never starting with a tool output whose call was
 * cut, never keeping injected context (it is re-injected fresh), and with a single oversized
 * output cut in the middle rather than dropped.
 */
export function truncateItemsToBudget(items: readonly ResponseItem[], budgetTokens: number): ResponseItem[] {
  const kept: ResponseItem[] = [];
  let budget = budgetTokens * 4;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.type === "message" && (item.role === "developer" || item.role === "system")) continue;
    const size = JSON.stringify(item).length;
    if (size > budget) {
      if (kept.length === 0) kept.push(shrink(item));
      break;
    }
    kept.push(item);
    budget -= size;
  }
  kept.reverse();
  const calls = new Set(
    kept.flatMap((item) => ("call_id" in item && !item.type.endsWith("_output") ? [item.call_id] : [])),
  );
  return kept.filter(
    (item) => !(item.type.endsWith("_output") && "call_id" in item && !calls.has(item.call_id)),
  );
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
  return item;
}
