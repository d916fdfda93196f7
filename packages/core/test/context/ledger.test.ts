import { describe, expect, it } from "vitest";
import { sumRows, UsageLedger, usageByModelLines, usageSummaryLine } from "../../src/context/ledger.js";
import type { Usage } from "../../src/model/items.js";

const usage = (input: number, output: number): Usage => ({
  input_tokens: input,
  cached_input_tokens: 0,
  output_tokens: output,
  reasoning_output_tokens: 0,
  total_tokens: input + output,
});

describe("UsageLedger", () => {
  it("counts estimated requests, in the totals and in the summary line", () => {
    const ledger = new UsageLedger(() => null);
    ledger.record("m", usage(100, 10));
    ledger.record("m", usage(40, 4), { estimated: true });
    expect(ledger.total).toMatchObject({ input_tokens: 140, output_tokens: 14 });
    expect(ledger.requests).toBe(2);
    expect(ledger.estimatedRequests).toBe(1);
    expect(usageSummaryLine(ledger, 1000, 144)).toMatch(/· 2 requests \(1 estimated\)$/);
  });

  it("keeps the mark when rebuilt from a rollout, and says nothing when all usage was reported", () => {
    const rebuilt = new UsageLedger(
      () => null,
      [
        { model: "m", usage: usage(1, 1), cost_usd: null, estimated: true },
        { model: "m", usage: usage(1, 1), cost_usd: null },
      ],
    );
    expect(rebuilt.estimatedRequests).toBe(1);
    const reported = new UsageLedger(() => null);
    reported.record("m", usage(5, 5));
    expect(usageSummaryLine(reported, 1000, 10)).toMatch(/· 1 request$/);
  });

  it("breaks tokens and dollars down by model, provider and role, and keeps that across a rebuild", () => {
    const prices: Record<string, { input: number; cachedInput: number; output: number }> = {
      "big@openai": { input: 2, cachedInput: 0.5, output: 10 },
      "small@other": { input: 1, cachedInput: 0.1, output: 4 },
    };
    const priceOf = (model: string, provider?: string) => prices[`${model}@${provider}`] ?? null;
    const ledger = new UsageLedger(priceOf, [], { defaultRole: "plan" });
    const first = ledger.record("big", usage(1_000_000, 100_000), { provider: "openai" });
    ledger.record("small", usage(500_000, 50_000), { provider: "other" });
    ledger.record("small", usage(500_000, 50_000), { provider: "other", role: "compact" });
    ledger.record("big", usage(1_000_000, 0), { provider: "openai" });
    expect(first).toEqual({
      model: "big",
      provider: "openai",
      role: "plan",
      usage: usage(1_000_000, 100_000),
      cost_usd: 3,
    });
    const rows = ledger.breakdown();
    expect(rows.map((r) => [r.model, r.provider, r.role, r.requests, r.cost_usd])).toEqual([
      ["big", "openai", "plan", 2, 5],
      ["small", "other", "plan", 1, 0.7],
      ["small", "other", "compact", 1, 0.7],
    ]);
    expect(sumRows(rows, (r) => r.role).map((r) => [r.key, r.requests, r.cost_usd])).toEqual([
      ["plan", 3, 5.7],
      ["compact", 1, 0.7],
    ]);
    expect(ledger.costUsd).toBeCloseTo(6.4, 10);
    expect(usageByModelLines(ledger)).toEqual([
      "  openai:big: 2 requests · 2,000,000 in · 100,000 out · $5.0000",
      "  other:small: 2 requests · 1,000,000 in · 100,000 out · $1.4000",
    ]);

    // A resumed session rebuilds the same breakdown from the rollout's usage lines; old lines
    // (no role) count as the default role, and an unknown price makes that row's dollars unknown.
    const lines = [
      { model: "big", provider: "openai", role: "plan", usage: usage(10, 1), cost_usd: 1 },
      { model: "old", usage: usage(10, 1), cost_usd: null },
    ];
    const rebuilt = new UsageLedger(priceOf, lines);
    expect(rebuilt.breakdown().map((r) => [r.model, r.role, r.cost_usd])).toEqual([
      ["big", "plan", 1],
      ["old", "work", null],
    ]);
    expect(rebuilt.costUsd).toBeNull();
    expect(usageByModelLines(new UsageLedger(priceOf, lines.slice(0, 1)))).toEqual([]);
  });
});
