import { describe, expect, it } from "vitest";
import { parsePatch } from "../../src/tools/apply-patch/index.js";

function hunksOf(text: string) {
  const result = parsePatch(text);
  if (!result.ok) throw new Error(`expected the patch to parse, got: ${result.error}`);
  return result.hunks;
}

function errorOf(text: string): string {
  const result = parsePatch(text);
  if (result.ok) throw new Error("expected a parse error");
  return result.error;
}

describe("parsePatch", () => {
  it("parses add, delete and update hunks with a move and several chunks", () => {
    const hunks = hunksOf(
      [
        "*** Begin Patch",
        "*** Add File: a/new.txt",
        "+hello",
        "+",
        "+world",
        "*** Delete File: old.txt",
        "*** Update File: src/x.ts",
        "*** Move to: src/y.ts",
        "@@ function main() {",
        " keep",
        "-before",
        "+after",
        "@@",
        "-tail",
        "+tail2",
        "*** End of File",
        "*** End Patch",
      ].join("\n"),
    );
    expect(hunks).toEqual([
      { kind: "add", path: "a/new.txt", contents: "hello\n\nworld\n" },
      { kind: "delete", path: "old.txt" },
      {
        kind: "update",
        path: "src/x.ts",
        movePath: "src/y.ts",
        chunks: [
          {
            changeContext: "function main() {",
            oldLines: ["keep", "before"],
            newLines: ["keep", "after"],
            isEndOfFile: false,
          },
          { oldLines: ["tail"], newLines: ["tail2"], isEndOfFile: true },
        ],
      },
    ]);
  });

  it("accepts an empty patch (zero hunks) and an add hunk without lines", () => {
    expect(hunksOf("*** Begin Patch\n*** End Patch")).toEqual([]);
    expect(hunksOf("*** Begin Patch\n*** Add File: empty.txt\n*** End Patch")).toEqual([
      { kind: "add", path: "empty.txt", contents: "" },
    ]);
  });

  it("trims the text and accepts whitespace-padded markers and hunk headers", () => {
    const hunks = hunksOf("\n\n  *** Begin Patch  \n   *** Delete File: gone.txt   \n\t*** End Patch \n\n");
    expect(hunks).toEqual([{ kind: "delete", path: "gone.txt" }]);
  });

  it("accepts CRLF patch text", () => {
    const hunks = hunksOf("*** Begin Patch\r\n*** Update File: f\r\n@@\r\n-a\r\n+b\r\n*** End Patch\r\n");
    expect(hunks).toEqual([
      { kind: "update", path: "f", chunks: [{ oldLines: ["a"], newLines: ["b"], isEndOfFile: false }] },
    ]);
  });

  it.each(["<<EOF", "<<'EOF'", '<<"EOF"'])("strips a %s heredoc wrapper", (opener) => {
    const hunks = hunksOf(`${opener}\n*** Begin Patch\n*** Delete File: x\n*** End Patch\nEOF\n`);
    expect(hunks).toEqual([{ kind: "delete", path: "x" }]);
  });

  it("lets the first chunk of an update omit @@ but not the later ones", () => {
    expect(hunksOf("*** Begin Patch\n*** Update File: f\n-a\n+b\n*** End Patch")).toEqual([
      { kind: "update", path: "f", chunks: [{ oldLines: ["a"], newLines: ["b"], isEndOfFile: false }] },
    ]);
    expect(errorOf("*** Begin Patch\n*** Update File: f\n@@\n-a\n+b\nnot a chunk\n*** End Patch")).toBe(
      "Invalid hunk at line 6: Expected an '@@' line to start the next chunk of the update, got: 'not a chunk'",
    );
  });

  it("skips blank lines between chunks and hunks, and keeps an empty line inside a chunk as context", () => {
    const hunks = hunksOf(
      [
        "*** Begin Patch",
        "*** Update File: f",
        "",
        "@@",
        " a",
        "",
        "-b",
        "+c",
        "   ",
        "@@",
        "-d",
        "",
        "*** Delete File: g",
        "*** End Patch",
      ].join("\n"),
    );
    expect(hunks).toEqual([
      {
        kind: "update",
        path: "f",
        chunks: [
          { oldLines: ["a", "", "b", "  "], newLines: ["a", "", "c", "  "], isEndOfFile: false },
          { oldLines: ["d", ""], newLines: [""], isEndOfFile: false },
        ],
      },
      { kind: "delete", path: "g" },
    ]);
  });

  it("keeps consecutive @@ headers as context-only chunks", () => {
    const hunks = hunksOf(
      "*** Begin Patch\n*** Update File: f\n@@ class A\n@@ def run\n-x\n+y\n*** End Patch",
    );
    expect(hunks).toEqual([
      {
        kind: "update",
        path: "f",
        chunks: [
          { changeContext: "class A", oldLines: [], newLines: [], isEndOfFile: false },
          { changeContext: "def run", oldLines: ["x"], newLines: ["y"], isEndOfFile: false },
        ],
      },
    ]);
  });

  it("treats '@@' followed only by spaces as a header without context", () => {
    expect(hunksOf("*** Begin Patch\n*** Update File: f\n@@   \n-x\n*** End Patch")).toEqual([
      { kind: "update", path: "f", chunks: [{ oldLines: ["x"], newLines: [], isEndOfFile: false }] },
    ]);
  });

  it("requires the Begin and End markers", () => {
    expect(errorOf("")).toBe("Invalid patch: The first line of the patch must be '*** Begin Patch'");
    expect(errorOf("*** Delete File: x\n*** End Patch")).toBe(
      "Invalid patch: The first line of the patch must be '*** Begin Patch'",
    );
    expect(errorOf("*** Begin Patch")).toBe(
      "Invalid patch: The last line of the patch must be '*** End Patch'",
    );
    expect(errorOf("*** Begin Patch\n*** Delete File: x")).toBe(
      "Invalid patch: The last line of the patch must be '*** End Patch'",
    );
    // A heredoc wrapper needs its inner text to be a patch, and at least four lines.
    expect(errorOf("<<EOF\n*** Begin Patch\n*** Delete File: x\nEOF")).toBe(
      "Invalid patch: The last line of the patch must be '*** End Patch'",
    );
    expect(errorOf("<<EOF\n*** Begin Patch\nEOF")).toBe(
      "Invalid patch: The first line of the patch must be '*** Begin Patch'",
    );
    expect(hunksOf("<<EOF\n*** Begin Patch\n*** End Patch\nEOF")).toEqual([]);
  });

  it("rejects an invalid hunk header, naming the valid ones", () => {
    expect(errorOf("*** Begin Patch\n*** Frobnicate File: foo\n*** End Patch")).toBe(
      "Invalid hunk at line 2: '*** Frobnicate File: foo' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
    );
    expect(errorOf("*** Begin Patch\n*** Add File: a\n+x\nstray\n*** End Patch")).toMatch(
      /^Invalid hunk at line 4: 'stray' is not a valid hunk header/,
    );
  });

  it("counts line numbers in the text as given (leading blank lines, heredoc)", () => {
    expect(errorOf("\n\n*** Begin Patch\n*** Nope\n*** End Patch")).toMatch(/^Invalid hunk at line 4:/);
    expect(errorOf("<<'EOF'\n*** Begin Patch\n*** Nope\n*** End Patch\nEOF")).toMatch(
      /^Invalid hunk at line 3:/,
    );
  });

  it("rejects an update hunk without chunks", () => {
    expect(errorOf("*** Begin Patch\n*** Update File: foo.txt\n*** End Patch")).toBe(
      "Invalid hunk at line 2: Update file hunk for path 'foo.txt' is empty",
    );
    expect(errorOf("*** Begin Patch\n*** Update File: a\n\n\n*** Delete File: b\n*** End Patch")).toBe(
      "Invalid hunk at line 2: Update file hunk for path 'a' is empty",
    );
  });

  it("rejects malformed chunks", () => {
    expect(errorOf("*** Begin Patch\n*** Update File: f\n@@\n*** End Patch")).toBe(
      "Invalid hunk at line 4: Update chunk does not contain any lines",
    );
    expect(errorOf("*** Begin Patch\n*** Update File: f\n@@\n*** End of File\n*** End Patch")).toBe(
      "Invalid hunk at line 4: Update chunk does not contain any lines",
    );
    expect(errorOf("*** Begin Patch\n*** Update File: f\n@@\nbad\n*** End Patch")).toBe(
      "Invalid hunk at line 4: Unexpected line in update chunk: 'bad'. Every line must start with ' ' (context), '+' (added) or '-' (removed)",
    );
    expect(errorOf("*** Begin Patch\n*** Update File: f\n*** Move to:\n@@\n-a\n*** End Patch")).toBe(
      "Invalid hunk at line 3: '*** Move to:' does not name a destination path",
    );
  });
});
