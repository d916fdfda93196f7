import { describe, expect, it } from "vitest";
import { type ContentSegment, ThinkTagSplitter } from "../../helpers/internals.js";

/** Feeds the chunks and merges adjacent segments of the same kind. */
function split(chunks: string[]): ContentSegment[] {
  const splitter = new ThinkTagSplitter();
  const segments = [...chunks.flatMap((chunk) => splitter.push(chunk)), ...splitter.flush()];
  const merged: ContentSegment[] = [];
  for (const segment of segments) {
    const last = merged.at(-1);
    if (last && last.kind === segment.kind) last.text += segment.text;
    else merged.push({ ...segment });
  }
  return merged;
}

describe("ThinkTagSplitter", () => {
  it("splits a leading think block from the answer, dropping whitespace after the tags", () => {
    expect(split(["<think>\nplan it\n</think>\n\nThe answer."])).toEqual([
      { kind: "reasoning", text: "plan it\n" },
      { kind: "text", text: "The answer." },
    ]);
  });

  it("handles tags that straddle chunks, one character at a time", () => {
    const text = "  <think>a < b and </thin k> is not a tag</think>Result <b>";
    expect(split([...text])).toEqual([
      { kind: "reasoning", text: "a < b and </thin k> is not a tag" },
      { kind: "text", text: "Result <b>" },
    ]);
  });

  it("leaves text alone when it does not start with a think block", () => {
    expect(split(["Use <think>", " tags like </think> this"])).toEqual([
      { kind: "text", text: "Use <think> tags like </think> this" },
    ]);
    expect(split(["<thin", "g>"])).toEqual([{ kind: "text", text: "<thing>" }]);
  });

  it("treats an unclosed block as reasoning and a held-back partial tag as text at the end", () => {
    expect(split(["<think>still thinking</thi"])).toEqual([
      { kind: "reasoning", text: "still thinking</thi" },
    ]);
    expect(split(["<thi"])).toEqual([{ kind: "text", text: "<thi" }]);
  });
});
