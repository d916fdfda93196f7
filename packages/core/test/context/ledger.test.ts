import { describe, expect, it } from "vitest";
import { UsageLedger, usageSummaryLine } from "../../src/context/ledger.js";
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
});
