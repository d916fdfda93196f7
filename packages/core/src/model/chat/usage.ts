import type { Usage } from "../items.js";

export { estimateUsage } from "../usage-estimate.js";

type Raw = Record<string, unknown>;

const num = (value: unknown) =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;

/**
 * Reads a Chat Completions `usage` object, or returns null when it carries no counts (some servers
 * send zeros instead of leaving it out).
 */
export function parseChatUsage(raw: unknown): Usage | null {
  if (typeof raw !== "object" || raw === null) return null;
  const usage = raw as Raw;
  const input = num(usage.prompt_tokens);
  const output = num(usage.completion_tokens);
  if (input === 0 && output === 0) return null;
  const inputDetails = (usage.prompt_tokens_details ?? {}) as Raw;
  const outputDetails = (usage.completion_tokens_details ?? {}) as Raw;
  return {
    input_tokens: input,
    cached_input_tokens: Math.min(input, num(inputDetails?.cached_tokens)),
    output_tokens: output,
    reasoning_output_tokens: num(outputDetails?.reasoning_tokens),
    total_tokens: num(usage.total_tokens) || input + output,
  };
}
