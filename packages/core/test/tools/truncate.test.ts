import { describe, expect, test } from "vitest";
import {
  approxTokens,
  clipLine,
  countLines,
  DEFAULT_OUTPUT_BUDGET_BYTES,
  formatTruncatedOutput,
  outputBudgetBytes,
  truncateMiddle,
  truncationMarker,
} from "../../src/tools/truncate.js";

const bytes = (text: string) => Buffer.byteLength(text, "utf8");

/** Round-trips through UTF-8: a cut inside a character would show up as U+FFFD. */
function assertCleanUtf8(text: string) {
  expect(text).not.toContain("\ufffd");
  expect(Buffer.from(text, "utf8").toString("utf8")).toBe(text);
}

describe("budgets", () => {
  test("token policies count 4 bytes a token, byte policies count bytes", () => {
    expect(outputBudgetBytes({ mode: "tokens", limit: 10_000 })).toBe(40_000);
    expect(outputBudgetBytes({ mode: "bytes", limit: 10_000 })).toBe(10_000);
    expect(DEFAULT_OUTPUT_BUDGET_BYTES).toBe(40_000);
  });

  test("approxTokens rounds UTF-8 bytes up to whole tokens", () => {
    expect(approxTokens("")).toBe(0);
    expect(approxTokens("abcd")).toBe(1);
    expect(approxTokens("abcde")).toBe(2);
    expect(approxTokens("😀")).toBe(1); // 4 bytes
    expect(approxTokens("日本")).toBe(2); // 6 bytes
  });
});

describe("truncateMiddle", () => {
  test("leaves text within the budget alone", () => {
    expect(truncateMiddle("hello\nworld\n", 12)).toEqual({
      text: "hello\nworld\n",
      truncated: false,
      removedTokens: 0,
    });
    expect(truncateMiddle("", 0)).toEqual({ text: "", truncated: false, removedTokens: 0 });
  });

  test("keeps head and tail around a marker and counts what it removed", () => {
    const text = `${"a".repeat(1000)}${"b".repeat(1000)}${"c".repeat(1000)}`;
    const result = truncateMiddle(text, 1000);
    expect(result.truncated).toBe(true);
    const [head, marker, tail] = result.text.split("\n");
    expect(head).toBe("a".repeat(500));
    expect(tail).toBe("c".repeat(500));
    expect(marker).toBe(truncationMarker(result.removedTokens));
    expect(result.removedTokens).toBe(Math.ceil(2000 / 4));
  });

  test("never exceeds the budget by more than the marker line", () => {
    const line = "line of some text ünïcödé 日本語 😀\n";
    const text = line.repeat(5000);
    for (const budget of [0, 1, 7, 64, 333, 1000, 4096, 40_000]) {
      const result = truncateMiddle(text, budget);
      expect(result.truncated).toBe(true);
      const markerLine = `\n${truncationMarker(result.removedTokens)}\n`;
      expect(bytes(result.text)).toBeLessThanOrEqual(budget + bytes(markerLine));
      expect(result.text).toContain(truncationMarker(result.removedTokens));
      assertCleanUtf8(result.text);
    }
  });

  test("cuts on character boundaries in emoji and CJK text", () => {
    const emoji = "😀🎉👍🏽🚀".repeat(1000); // no newlines, 4-byte characters and a modifier
    const cjk = "漢字かな交じり文".repeat(1000); // 3-byte characters
    for (const text of [emoji, cjk, `x${emoji}`, `xy${cjk}`]) {
      for (const budget of [10, 11, 101, 1001]) {
        const result = truncateMiddle(text, budget);
        assertCleanUtf8(result.text);
        const [head, tail] = result.text.split(`\n${truncationMarker(result.removedTokens)}\n`);
        expect(tail).toBeDefined();
        expect(text.startsWith(head!)).toBe(true);
        expect(text.endsWith(tail!)).toBe(true);
        expect(bytes(head!) + bytes(tail!)).toBeLessThanOrEqual(budget);
        // Nothing kept is also counted as removed.
        const removedBytes = bytes(text) - bytes(head!) - bytes(tail!);
        expect(result.removedTokens).toBe(Math.ceil(removedBytes / 4));
      }
    }
  });

  test("prefers line boundaries near the cut", () => {
    const text = Array.from(
      { length: 400 },
      (_, i) => `line ${String(i).padStart(3, "0")} ${"x".repeat(20)}`,
    ).join("\n");
    const result = truncateMiddle(text, 2000);
    const lines = result.text.split("\n");
    const markerAt = lines.findIndex((line) => line.startsWith("…"));
    expect(markerAt).toBeGreaterThan(0);
    for (const line of [...lines.slice(0, markerAt), ...lines.slice(markerAt + 1)]) {
      expect(line).toMatch(/^line \d{3} x{20}$/);
    }
    expect(lines.at(-1)).toBe(`line 399 ${"x".repeat(20)}`);
  });

  test("is fast on multi-megabyte input", () => {
    const text = "0123456789abcdef\n".repeat(600_000); // ~10 MB
    const started = performance.now();
    for (let i = 0; i < 20; i++) truncateMiddle(text, 40_000);
    const result = truncateMiddle(text, 40_000);
    // Generous bound: a per-character pass over 10 MB, 20 times, would take far longer.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(bytes(result.text)).toBeLessThanOrEqual(40_000 + 40);
  });
});

describe("formatTruncatedOutput", () => {
  test("returns fitting text unchanged", () => {
    expect(formatTruncatedOutput("a\nb\n", 100)).toBe("a\nb\n");
  });

  test("prefixes the original line count when it cuts", () => {
    const text = Array.from({ length: 1000 }, (_, i) => `row ${i}`).join("\n");
    const output = formatTruncatedOutput(text, 200);
    expect(output.startsWith("Total output lines: 1000\n\nrow 0\n")).toBe(true);
    expect(output).toMatch(/\n…\d+ tokens truncated…\n/);
    expect(output.endsWith("row 999")).toBe(true);
  });

  test("countLines counts a last line without a newline", () => {
    expect(countLines("")).toBe(0);
    expect(countLines("a")).toBe(1);
    expect(countLines("a\n")).toBe(1);
    expect(countLines("a\nb")).toBe(2);
    expect(countLines("\n\n")).toBe(2);
  });
});

describe("clipLine", () => {
  test("keeps short lines and clips long ones with their size", () => {
    expect(clipLine("short", 10)).toEqual({ text: "short", clipped: false });
    const clipped = clipLine("y".repeat(50), 10);
    expect(clipped).toEqual({ text: `${"y".repeat(10)}… [line clipped, 50 bytes in all]`, clipped: true });
  });

  test("does not split a surrogate pair", () => {
    const result = clipLine("a😀😀😀", 2);
    expect(result.text.startsWith("a…")).toBe(true);
    assertCleanUtf8(result.text);
  });

  test("clips a prefix that stands for a longer line", () => {
    expect(clipLine("abc", 10, 5000)).toEqual({
      text: "abc… [line clipped, 5000 bytes in all]",
      clipped: true,
    });
  });
});
