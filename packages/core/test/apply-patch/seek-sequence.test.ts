import { describe, expect, it } from "vitest";
import { seekSequence } from "../../src/tools/apply-patch/index.js";

describe("seekSequence", () => {
  const lines = ["alpha", "beta  ", "  gamma", "delta", "beta"];

  it("finds an exact match at or after the start", () => {
    expect(seekSequence(lines, ["delta"], 0, false)).toBe(3);
    expect(seekSequence(lines, ["delta"], 4, false)).toBeUndefined();
    expect(seekSequence(lines, ["  gamma", "delta"], 0, false)).toBe(2);
    expect(seekSequence(lines, ["alpha"], 1, false)).toBeUndefined();
  });

  it("prefers an exact match later in the file to a fuzzy one earlier", () => {
    expect(seekSequence(lines, ["beta"], 0, false)).toBe(4);
  });

  it("falls back to ignoring trailing whitespace, then all surrounding whitespace", () => {
    expect(seekSequence(["x", "beta  "], ["beta"], 0, false)).toBe(1);
    expect(seekSequence(lines, ["gamma  ", " delta"], 0, false)).toBe(2);
  });

  it("normalises typographic punctuation and special spaces last", () => {
    const file = ["const a = \"quoted\" - 'single';", "x\u00A0=\u00A01"];
    expect(seekSequence(file, ["const a = \u201Cquoted\u201D \u2013 \u2018single\u2019;"], 0, false)).toBe(0);
    expect(seekSequence(file, ["x = 1"], 0, false)).toBe(1);
    expect(seekSequence(["a \u2212 b \u2014 c \u2010 d"], ["a - b - c - d"], 0, false)).toBe(0);
    expect(seekSequence(["a - b"], ["a \u2014 b"], 0, false)).toBe(0);
    expect(seekSequence(["a - b"], ["a + b"], 0, false)).toBeUndefined();
  });

  it("with eof, only matches at the very end of the file", () => {
    const file = ["end", "middle", "end"];
    expect(seekSequence(file, ["end"], 0, false)).toBe(0);
    expect(seekSequence(file, ["end"], 0, true)).toBe(2);
    expect(seekSequence(file, ["middle"], 0, true)).toBeUndefined();
  });

  it("handles empty and oversized patterns", () => {
    expect(seekSequence(lines, [], 3, false)).toBe(3);
    expect(seekSequence(["a"], ["a", "b"], 0, false)).toBeUndefined();
    expect(seekSequence([], ["a"], 0, true)).toBeUndefined();
  });
});
