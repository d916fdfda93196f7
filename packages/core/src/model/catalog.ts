import { outputBudgetBytes } from "../tools/truncate.js";

/**
 * What nightshift knows about models: limits, prices and capabilities. Prices are US dollars per
 * million tokens (standard processing, prompts under the long-context tier), as the providers
 * published them in CATALOG_PRICES_AS_OF. Entries match by exact slug, then by the longest prefix
 * (so "gpt-5.1-codex-2026-01" finds "gpt-5.1-codex"). Config can override any of it
 * (`[models."<slug>"]`, see host/config/model-info.ts).
 */
export type ModelPrices = { input: number; cachedInput: number; output: number };

export type ModelInfo = {
  slug: string;
  contextWindow: number;
  maxOutputTokens: number;
  prices: ModelPrices | null;
  /** Accepts `reasoning: {effort, summary}` and returns encrypted reasoning. */
  reasoning: boolean;
  defaultReasoningEffort?: "minimal" | "low" | "medium" | "high";
  parallelToolCalls: boolean;
  /** Freeform (custom tool + grammar) or JSON function apply_patch. */
  applyPatch: "freeform" | "function";
  /** Budget for one tool output as the model sees it. */
  truncation: { mode: "tokens" | "bytes"; limit: number };
  /** Takes images in its input (`input_image` parts): `-i/--image` and the view_image tool. */
  imageInput: boolean;
  /** Whether the model is known; unknown ones get safe defaults and a warning. */
  known: boolean;
};

type Entry = Omit<ModelInfo, "slug" | "known">;

/** When the catalogue's prices were last checked against the providers' price lists. */
export const CATALOG_PRICES_AS_OF = "2026-06";

const openaiReasoning = (contextWindow: number, prices: ModelPrices, extra: Partial<Entry> = {}): Entry => ({
  contextWindow,
  maxOutputTokens: 128_000,
  prices,
  reasoning: true,
  defaultReasoningEffort: "medium",
  parallelToolCalls: true,
  applyPatch: "freeform",
  truncation: { mode: "tokens", limit: 10_000 },
  imageInput: true,
  ...extra,
});

const local = (contextWindow: number, extra: Partial<Entry> = {}): Entry => ({
  contextWindow,
  maxOutputTokens: 16_384,
  prices: { input: 0, cachedInput: 0, output: 0 },
  reasoning: false,
  parallelToolCalls: false,
  applyPatch: "function",
  truncation: { mode: "bytes", limit: 10_000 },
  imageInput: false,
  ...extra,
});

const CATALOG: Record<string, Entry> = {
  "gpt-5.5": openaiReasoning(272_000, { input: 5, cachedInput: 0.5, output: 30 }),
  "gpt-5.4": openaiReasoning(272_000, { input: 2.5, cachedInput: 0.25, output: 15 }),
  "gpt-5.4-mini": openaiReasoning(272_000, { input: 0.75, cachedInput: 0.075, output: 4.5 }),
  "gpt-5.4-nano": openaiReasoning(272_000, { input: 0.2, cachedInput: 0.02, output: 1.25 }),
  "gpt-5.3-codex": openaiReasoning(272_000, { input: 1.75, cachedInput: 0.175, output: 14 }),
  "gpt-5.2-codex": openaiReasoning(272_000, { input: 1.75, cachedInput: 0.175, output: 14 }),
  "gpt-5.2": openaiReasoning(
    272_000,
    { input: 1.75, cachedInput: 0.175, output: 14 },
    { truncation: { mode: "bytes", limit: 10_000 } },
  ),
  "gpt-5.1-codex-max": openaiReasoning(272_000, { input: 1.25, cachedInput: 0.125, output: 10 }),
  "gpt-5.1-codex-mini": openaiReasoning(272_000, { input: 0.25, cachedInput: 0.025, output: 2 }),
  "gpt-5.1-codex": openaiReasoning(272_000, { input: 1.25, cachedInput: 0.125, output: 10 }),
  "gpt-5.1": openaiReasoning(272_000, { input: 1.25, cachedInput: 0.125, output: 10 }),
  "gpt-5-codex": openaiReasoning(272_000, { input: 1.25, cachedInput: 0.125, output: 10 }),
  "gpt-5-mini": openaiReasoning(272_000, { input: 0.25, cachedInput: 0.025, output: 2 }),
  "gpt-5-nano": openaiReasoning(272_000, { input: 0.05, cachedInput: 0.005, output: 0.4 }),
  "gpt-5": openaiReasoning(272_000, { input: 1.25, cachedInput: 0.125, output: 10 }),
  "gpt-4.1-mini": {
    ...openaiReasoning(1_047_576, { input: 0.4, cachedInput: 0.1, output: 1.6 }),
    maxOutputTokens: 32_768,
    reasoning: false,
    defaultReasoningEffort: undefined,
    applyPatch: "function",
    truncation: { mode: "bytes", limit: 10_000 },
  },
  "gpt-4.1": {
    ...openaiReasoning(1_047_576, { input: 2, cachedInput: 0.5, output: 8 }),
    maxOutputTokens: 32_768,
    reasoning: false,
    defaultReasoningEffort: undefined,
    applyPatch: "function",
    truncation: { mode: "bytes", limit: 10_000 },
  },
  o3: openaiReasoning(
    200_000,
    { input: 2, cachedInput: 0.5, output: 8 },
    { maxOutputTokens: 100_000, applyPatch: "function" },
  ),
  "o4-mini": openaiReasoning(
    200_000,
    { input: 1.1, cachedInput: 0.275, output: 4.4 },
    { maxOutputTokens: 100_000, applyPatch: "function" },
  ),
  "gpt-oss-120b": local(131_072, { reasoning: true, parallelToolCalls: false }),
  "gpt-oss-20b": local(131_072, { reasoning: true, parallelToolCalls: false }),
  "gpt-oss:120b": local(131_072, { reasoning: true }),
  "gpt-oss:20b": local(131_072, { reasoning: true }),
  "openai/gpt-oss-120b": local(131_072, { reasoning: true }),
  "openai/gpt-oss-20b": local(131_072, { reasoning: true }),
  "qwen3-coder": local(262_144),
  "qwen2.5-coder": local(32_768),
  qwen3: local(40_960),
  gemma3: local(131_072, { imageInput: true }),
  "mistral-small": local(131_072),
  "deepseek-r1": local(131_072),
  devstral: local(131_072),
  "llama3.1": local(131_072),
  "llama3.2": local(131_072),
};

const UNKNOWN: Entry = {
  contextWindow: 128_000,
  maxOutputTokens: 16_384,
  prices: null,
  reasoning: false,
  parallelToolCalls: false,
  applyPatch: "function",
  truncation: { mode: "bytes", limit: 10_000 },
  imageInput: false,
};

const PREFIXES = Object.keys(CATALOG).sort((a, b) => b.length - a.length);

export type ModelOverrides = {
  contextWindow?: number;
  maxOutputTokens?: number;
  prices?: Partial<ModelPrices>;
  /** Whether the model takes reasoning parameters (and returns encrypted reasoning). */
  reasoning?: boolean;
  /** `model_supports_images` from config: for a model the catalogue does not know, or knows wrong. */
  imageInput?: boolean;
};

/** Looks a model up; unknown models get conservative defaults and `known: false`. */
export function lookupModel(slug: string, overrides: ModelOverrides = {}): ModelInfo {
  const name = slug.toLowerCase();
  const key = CATALOG[name]
    ? name
    : PREFIXES.find((prefix) => name.startsWith(prefix) || name.endsWith(`/${prefix}`));
  const entry = key ? CATALOG[key]! : UNKNOWN;
  let prices = entry.prices;
  if (overrides.prices && Object.values(overrides.prices).some((value) => value !== undefined)) {
    prices = {
      input: overrides.prices.input ?? prices?.input ?? 0,
      cachedInput:
        overrides.prices.cachedInput ?? prices?.cachedInput ?? overrides.prices.input ?? prices?.input ?? 0,
      output: overrides.prices.output ?? prices?.output ?? 0,
    };
  }
  const reasoning = overrides.reasoning ?? entry.reasoning;
  return {
    ...entry,
    slug,
    contextWindow: overrides.contextWindow ?? entry.contextWindow,
    maxOutputTokens: overrides.maxOutputTokens ?? entry.maxOutputTokens,
    prices,
    reasoning,
    defaultReasoningEffort: reasoning ? entry.defaultReasoningEffort : undefined,
    imageInput: overrides.imageInput ?? entry.imageInput,
    known: key !== undefined,
  };
}

/** Every model of the built-in catalogue (for `nightshift models`). */
export function catalogModels(): ModelInfo[] {
  return Object.keys(CATALOG).map((slug) => lookupModel(slug));
}

/** Dollars for one request's usage, or null when the model's prices are unknown. */
export function costOf(
  usage: { input_tokens: number; cached_input_tokens: number; output_tokens: number },
  prices: ModelPrices | null,
): number | null {
  if (!prices) return null;
  const uncached = Math.max(0, usage.input_tokens - usage.cached_input_tokens);
  return (
    (uncached * prices.input +
      usage.cached_input_tokens * prices.cachedInput +
      usage.output_tokens * prices.output) /
    1e6
  );
}

/** The per-output budget for a model, honouring config `tool_output_token_limit`. */
export function modelOutputBudgetBytes(info: ModelInfo, tokenLimitOverride?: number): number {
  return outputBudgetBytes(
    tokenLimitOverride !== undefined ? { mode: "tokens", limit: tokenLimitOverride } : info.truncation,
  );
}
