import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { looksBinary } from "../../src/tools/read-file/binary.js";
import { readFileTool } from "../../src/tools/read-file/index.js";
import { type ScannedLine, scanLines } from "../../src/tools/read-file/lines.js";
import { parseToolArguments, toolSpec } from "../../src/tools/tool.js";
import { makeTempDir, makeToolContext } from "./context.js";

let dir: string;

beforeAll(() => {
  dir = makeTempDir();
  fs.writeFileSync(path.join(dir, "small.txt"), "alpha\nbeta\r\ngamma");
  fs.writeFileSync(
    path.join(dir, "big.txt"),
    Array.from({ length: 100_000 }, (_, i) => `line ${i + 1}`).join("\n"),
  );
  fs.writeFileSync(path.join(dir, "unicode.txt"), "\ufeffpremière ligne\n日本語のテキスト\nemoji 😀🎉\n");
  fs.writeFileSync(
    path.join(dir, "binary.bin"),
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x00, 0x01, 0xff]),
  );
  fs.writeFileSync(path.join(dir, "empty.txt"), "");
  fs.writeFileSync(path.join(dir, "long-line.txt"), `short\n${"z".repeat(200_000)}\nafter\n`);
  fs.mkdirSync(path.join(dir, "sub"));
  fs.symlinkSync("small.txt", path.join(dir, "link.txt"));
});

async function read(args: Record<string, unknown>, budget = 40_000) {
  const parsed = parseToolArguments(readFileTool, JSON.stringify(args));
  if (!parsed.ok) throw new Error(parsed.error);
  const { ctx } = makeToolContext(dir, { outputBudgetBytes: budget });
  return readFileTool.execute(parsed.value, ctx);
}

describe("read_file", () => {
  test("numbers lines, strips CR, and reports the range", async () => {
    const result = await read({ path: "small.txt" });
    expect(result.success).toBe(true);
    expect(result.output).toBe("L1: alpha\nL2: beta\nL3: gamma\n[lines 1-3 of 3]");
  });

  test("reads absolute paths and through symlinks", async () => {
    const result = await read({ path: path.join(dir, "link.txt"), offset: 2, limit: 1 });
    expect(result.output).toBe("L2: beta\n[lines 2-2 of 3; continue with offset=3]");
  });

  test("pages through a 100k-line file", async () => {
    const first = await read({ path: "big.txt" });
    expect(first.success).toBe(true);
    expect(first.output.startsWith("L1: line 1\nL2: line 2\n")).toBe(true);
    expect(first.output).toContain("L2000: line 2000\n");
    expect(first.output).not.toContain("L2001:");
    expect(first.output.endsWith("[lines 1-2000 of 100000; continue with offset=2001]")).toBe(true);

    const last = await read({ path: "big.txt", offset: 99_999, limit: 50 });
    expect(last.output).toBe("L99999: line 99999\nL100000: line 100000\n[lines 99999-100000 of 100000]");
  });

  test("stops at the output budget and says where to continue", async () => {
    const result = await read({ path: "big.txt", limit: 100_000 }, 2_000);
    expect(Buffer.byteLength(result.output)).toBeLessThanOrEqual(2_000);
    const lastLine = result.output.split("\n").at(-2)!;
    const shown = Number(/^L(\d+):/.exec(lastLine)![1]);
    expect(result.output.endsWith(`output size limit reached; continue with offset=${shown + 1}]`)).toBe(
      true,
    );
  });

  test("keeps unicode intact and drops a byte order mark", async () => {
    const result = await read({ path: "unicode.txt" });
    expect(result.output).toBe("L1: première ligne\nL2: 日本語のテキスト\nL3: emoji 😀🎉\n[lines 1-3 of 3]");
  });

  test("clips very long lines", async () => {
    const result = await read({ path: "long-line.txt" });
    expect(result.output).toBe(
      `L1: short\nL2: ${"z".repeat(500)}… [line clipped, 200000 bytes in all]\nL3: after\n` +
        "[lines 1-3 of 3; 1 long line clipped to 500 characters]",
    );
  });

  test("does not show binary files", async () => {
    const result = await read({ path: "binary.bin" });
    expect(result.output).toBe(`${path.join(dir, "binary.bin")} is a binary file (8 bytes); not shown.`);
    expect(result.output).not.toContain("ELF");
  });

  test("reports an empty file", async () => {
    const result = await read({ path: "empty.txt" });
    expect(result).toMatchObject({ success: true, output: `${path.join(dir, "empty.txt")} is empty.` });
  });

  test("refuses directories, missing files and offsets past the end", async () => {
    expect(await read({ path: "sub" })).toMatchObject({
      success: false,
      output: expect.stringContaining("is a directory"),
    });
    expect(await read({ path: "nope.txt" })).toMatchObject({
      success: false,
      output: `No such file or directory: ${path.join(dir, "nope.txt")}`,
    });
    expect(await read({ path: "small.txt", offset: 10 })).toMatchObject({
      success: false,
      output: `offset 10 is past the end of ${path.join(dir, "small.txt")}, which has 3 lines.`,
    });
  });

  test("stops when aborted", async () => {
    const { ctx, abort } = makeToolContext(dir);
    abort.abort();
    const result = await readFileTool.execute({ path: "big.txt" }, ctx);
    expect(result).toEqual({ output: "read_file was aborted.", success: false });
  });

  test("rejects bad arguments with a readable error", () => {
    const parsed = parseToolArguments(readFileTool, JSON.stringify({ path: "x", offset: 0 }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain("offset");
  });

  test("serializes with only path required", () => {
    const spec = toolSpec(readFileTool);
    expect(spec).toMatchObject({ type: "function", name: "read_file", parameters: { required: ["path"] } });
  });
});

describe("scanLines", () => {
  async function scan(
    content: string,
    options: { firstLine?: number; stopAfter?: number; countUpToBytes?: number },
  ) {
    const file = path.join(makeTempDir(), "f.txt");
    fs.writeFileSync(file, content);
    const handle = await fsp.open(file, "r");
    const seen: Array<Omit<ScannedLine, "bytes"> & { text: string }> = [];
    try {
      const result = await scanLines(
        handle,
        {
          firstLine: options.firstLine ?? 1,
          maxLineBytes: 6,
          countUpToBytes: options.countUpToBytes ?? Number.POSITIVE_INFINITY,
          chunkBytes: 4, // tiny chunks put line breaks (and CRLF pairs) across chunk edges
        },
        (line) => {
          seen.push({ number: line.number, fullBytes: line.fullBytes, text: line.bytes.toString("utf8") });
          return seen.length >= (options.stopAfter ?? Number.POSITIVE_INFINITY) ? "stop" : "continue";
        },
      );
      return { result, seen };
    } finally {
      await handle.close();
    }
  }

  test("splits lines across chunk edges, strips CRLF and clips long lines", async () => {
    const { result, seen } = await scan("abc\r\ndefghijkl\r\n\nlast", {});
    expect(result).toEqual({ lines: 4, complete: true, aborted: false });
    expect(seen).toEqual([
      { number: 1, fullBytes: 3, text: "abc" },
      { number: 2, fullBytes: 10, text: "defghi" },
      { number: 3, fullBytes: 0, text: "" },
      { number: 4, fullBytes: 4, text: "last" },
    ]);
  });

  test("skips lines before firstLine and counts on after stopping", async () => {
    const { result, seen } = await scan("1\n2\n3\n4\n5\n", { firstLine: 2, stopAfter: 2 });
    expect(seen.map((line) => line.text)).toEqual(["2", "3"]);
    expect(result).toEqual({ lines: 5, complete: true, aborted: false });
  });

  test("gives up counting past countUpToBytes", async () => {
    const { result } = await scan("a\n".repeat(100), { stopAfter: 1, countUpToBytes: 20 });
    expect(result.complete).toBe(false);
    expect(result.lines).toBeGreaterThanOrEqual(1);
    expect(result.lines).toBeLessThan(100);
  });
});

describe("looksBinary", () => {
  test("text passes, NUL bytes and undecodable bytes do not", () => {
    expect(looksBinary(Buffer.from("plain text\n"))).toBe(false);
    expect(looksBinary(Buffer.from("a café, a naïve remark, in plain Latin-1", "latin1"))).toBe(false); // two stray bytes among many
    expect(looksBinary(Buffer.from("日本語", "utf8").subarray(0, 7))).toBe(false); // cut mid-character
    expect(looksBinary(Buffer.from([0x41, 0x00, 0x42]))).toBe(true);
    expect(looksBinary(Buffer.from(Array.from({ length: 256 }, (_, i) => 0x80 + (i % 0x40))))).toBe(true);
  });
});
