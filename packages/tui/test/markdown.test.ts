import { describe, expect, it } from "vitest";
import { createHighlighter } from "../src/render/highlight.js";
import { finishedBlocksLength, renderMarkdown } from "../src/render/markdown.js";
import { createPaint } from "../src/render/paint.js";

const plain = createPaint(false);
// biome-ignore lint/suspicious/noControlCharactersInRegex: escape codes are what we strip
const strip = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");
const flat = (source: string) =>
  renderMarkdown(source, plain, (code) => code).map((line) => strip(`${line.gutter}${line.text}`));

describe("Markdown for the terminal", () => {
  it("renders headings, emphasis, code spans, links, lists with hanging indents, quotes and tables", () => {
    const source = [
      "# Title",
      "Some **bold**, *italic* and `code` with a [link](https://example.com) & more.",
      "",
      "- one",
      "- two",
      "  - nested",
      "",
      "1. first",
      "2. second",
      "",
      "- [x] done",
      "- [ ] todo",
      "",
      "> quoted",
      "",
      "| name | n |",
      "|------|--:|",
      "| a    | 10 |",
    ].join("\n");
    expect(flat(source)).toEqual([
      "Title",
      "",
      "Some bold, italic and `code` with a link (https://example.com) & more.",
      "",
      "• one",
      "• two",
      "  ◦ nested",
      "",
      "1. first",
      "2. second",
      "",
      "• [x] done",
      "• [ ] todo",
      "",
      "│ quoted",
      "",
      "name │  n",
      "─────┼───",
      "a    │ 10",
    ]);
    // The list marker is the gutter: a wrapped item keeps its indent.
    const lines = renderMarkdown("- a long item", plain, (code) => code);
    expect({ gutter: strip(lines[0]!.gutter), text: lines[0]!.text }).toEqual({
      gutter: "• ",
      text: "a long item",
    });
  });

  it("fences code blocks and highlights a known language only with colour", () => {
    const source = "```ts\nconst x = 1;\n```";
    expect(flat(source)).toEqual(["```ts", "const x = 1;", "```"]);
    const colour = createPaint(true);
    const lines = renderMarkdown(source, colour, createHighlighter(colour));
    expect(lines[1]!.text).toContain("\u001b[35mconst\u001b[39m");
    // No colour: no escape codes at all from the highlighter.
    expect(createHighlighter(plain)("const x = 1;", "ts")).toBe("const x = 1;");
    expect(createHighlighter(colour)("plain words", "not-a-language")).toBe("plain words");
  });

  it("drops escape sequences a model or a file could use to rewrite the screen", () => {
    expect(flat("hi \u001b[2J\u001b]0;title\u0007there")).toEqual(["hi there"]);
  });

  it("says how much of a streaming message is made of finished blocks", () => {
    expect(finishedBlocksLength("Hello")).toBe(0);
    expect(finishedBlocksLength("First paragraph.\n\nSecond")).toBe("First paragraph.\n\n".length);
    // An open code fence is one growing block: nothing after it is final.
    const open = "Intro.\n\n```js\nlet a = 1;\n";
    expect(finishedBlocksLength(open)).toBe("Intro.\n\n".length);
  });
});
