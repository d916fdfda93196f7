import { describe, expect, it } from "vitest";
import { describeModel } from "../../src/host/config/model-info.js";
import { configSchema } from "../../src/host/config/schema.js";
import { CATALOG_PRICES_AS_OF, catalogModels, costOf, lookupModel } from "../../src/model/catalog.js";

const configured = { model: "gpt-5.4", providerId: "openai" };
const onOpenai = (model: string) => ({ model, providerId: "openai", wireApi: "responses" as const });

describe("the model catalogue", () => {
  it("carries the published prices and says when they were checked", () => {
    expect(CATALOG_PRICES_AS_OF).toMatch(/^\d{4}-\d{2}$/);
    expect(lookupModel("gpt-5.5").prices).toEqual({ input: 5, cachedInput: 0.5, output: 30 });
    expect(lookupModel("gpt-5.4").prices).toEqual({ input: 2.5, cachedInput: 0.25, output: 15 });
    expect(lookupModel("gpt-5.4-mini").prices).toEqual({ input: 0.75, cachedInput: 0.075, output: 4.5 });
    expect(lookupModel("gpt-5.4-nano").prices).toEqual({ input: 0.2, cachedInput: 0.02, output: 1.25 });
    // A dated snapshot finds its family by prefix.
    expect(lookupModel("gpt-5.4-nano-2026-03-01")).toMatchObject({ known: true, reasoning: true });
    expect(catalogModels().map((m) => m.slug)).toEqual(expect.arrayContaining(["gpt-5.5", "gpt-5.4-nano"]));
  });

  it("prices a request: uncached input, cached input and output", () => {
    const usage = { input_tokens: 1_000_000, cached_input_tokens: 400_000, output_tokens: 100_000 };
    expect(costOf(usage, lookupModel("gpt-5.4").prices)).toBeCloseTo(0.6 * 2.5 + 0.4 * 0.25 + 0.1 * 15, 10);
    expect(costOf(usage, lookupModel("some-unknown-model").prices)).toBeNull();
  });
});

describe("describeModel: the catalogue as config.toml overrides it", () => {
  it("applies [models] entries, the provider's entry first, and the top-level keys to the configured model", () => {
    const settings = configSchema.parse({
      model: "gpt-5.4",
      model_input_price_per_million: 9,
      models: {
        "gpt-5.4": { input_price_per_million: 3, output_price_per_million: 16, context_window: 500_000 },
        "openrouter:gpt-5.4": { input_price_per_million: 2.75 },
        "my-model": { input_price_per_million: 1, output_price_per_million: 2, reasoning: false },
      },
    });
    // The configured model: the top-level key wins, the table fills in the rest.
    expect(describeModel(settings, onOpenai("gpt-5.4"), configured)).toMatchObject({
      prices: { input: 9, cachedInput: 0.25, output: 16 },
      contextWindow: 500_000,
    });
    // The same model elsewhere: its provider's entry, then the model's entry.
    expect(
      describeModel(settings, { model: "gpt-5.4", providerId: "openrouter", wireApi: "chat" }, configured),
    ).toMatchObject({ prices: { input: 2.75, cachedInput: 0.25, output: 16 } });
    // An unknown model priced in config, with reasoning turned off explicitly.
    expect(describeModel(settings, onOpenai("my-model"), configured)).toMatchObject({
      known: false,
      reasoning: false,
      prices: { input: 1, cachedInput: 1, output: 2 },
    });
  });

  it("takes an unknown model to reason on the Responses wire, not on the chat wire", () => {
    const settings = configSchema.parse({});
    const responses = describeModel(settings, onOpenai("brand-new-model"), configured);
    expect(responses).toMatchObject({ known: false, reasoning: true, prices: null });
    expect(responses.defaultReasoningEffort).toBeUndefined();
    const chat = describeModel(
      settings,
      { model: "brand-new-model", providerId: "vllm", wireApi: "chat" },
      configured,
    );
    expect(chat.reasoning).toBe(false);
  });

  it("refuses a malformed [models] entry or [run] table", () => {
    expect(configSchema.safeParse({ models: { x: { input_price: 1 } } }).success).toBe(false);
    expect(configSchema.safeParse({ models: { x: { input_price_per_million: -1 } } }).success).toBe(false);
    expect(configSchema.safeParse({ run: { plan_model: "" } }).success).toBe(false);
    expect(configSchema.safeParse({ run: { plan_model: "gpt-5.4", judge: "x" } }).success).toBe(false);
    expect(
      configSchema.safeParse({ fallback_models: ["openrouter:gpt-5.4", "gpt-5.4-mini"], compact_model: "m" })
        .success,
    ).toBe(true);
  });
});
