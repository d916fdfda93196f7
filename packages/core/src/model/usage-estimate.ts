import type { ResponseItem, Usage } from "./items.js";

/**
 * A rough count for a response whose server reported no usage: four bytes of request and four
 * characters of output per token (Codex estimates by bytes/4 too). Callers mark it as estimated.
 */
export function estimateUsage(
  requestBytes: number,
  output: { chars: number; reasoningChars: number },
): Usage {
  const input = Math.ceil(requestBytes / 4);
  const outputTokens = Math.ceil((output.chars + output.reasoningChars) / 4);
  return {
    input_tokens: input,
    cached_input_tokens: 0,
    output_tokens: outputTokens,
    reasoning_output_tokens: Math.ceil(output.reasoningChars / 4),
    total_tokens: input + outputTokens,
  };
}

/** Characters the model wrote in `items`, split into visible output and reasoning. */
export function outputChars(items: readonly ResponseItem[]): { chars: number; reasoningChars: number } {
  let chars = 0;
  let reasoningChars = 0;
  for (const item of items) {
    switch (item.type) {
      case "message":
        for (const part of item.content) if (part.type !== "input_image") chars += part.text.length;
        break;
      case "reasoning":
        for (const part of [...item.summary, ...(item.content ?? [])]) reasoningChars += part.text.length;
        break;
      case "function_call":
        chars += item.name.length + item.arguments.length;
        break;
      case "custom_tool_call":
        chars += item.name.length + item.input.length;
        break;
      default:
        break;
    }
  }
  return { chars, reasoningChars };
}
