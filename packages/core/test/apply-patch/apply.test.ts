import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyPatch } from "../../src/tools/apply-patch/index.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = (rel: string) => path.join(dir, rel);
const write = (rel: string, content: string | Buffer) => {
  fs.mkdirSync(path.dirname(file(rel)), { recursive: true });
  fs.writeFileSync(file(rel), content);
};
const read = (rel: string) => fs.readFileSync(file(rel), "utf8");
const patch = (...lines: string[]) => ["*** Begin Patch", ...lines, "*** End Patch"].join("\n");

describe("applyPatch", () => {
  it("adds, updates, moves and deletes, and summarises A, M, D in that order", async () => {
    write("mod.txt", "one\ntwo\n");
    write("gone.txt", "bye\n");
    write("src/old.txt", "x\n");
    const result = await applyPatch(
      patch(
        "*** Delete File: gone.txt",
        "*** Update File: mod.txt",
        "@@",
        "-two",
        "+2",
        "*** Add File: deep/er/new.txt",
        "+fresh",
        "*** Update File: src/old.txt",
        "*** Move to: dst/new.txt",
        "-x",
        "+y",
      ),
      { cwd: dir },
    );
    expect(result).toEqual({
      ok: true,
      summary:
        "Success. Updated the following files:\nA deep/er/new.txt\nM mod.txt\nM dst/new.txt\nD gone.txt",
      changes: [
        { path: "gone.txt", kind: "delete" },
        { path: "mod.txt", kind: "update" },
        { path: "deep/er/new.txt", kind: "add" },
        { path: "src/old.txt", kind: "update", movePath: "dst/new.txt" },
      ],
    });
    expect(read("mod.txt")).toBe("one\n2\n");
    expect(read("deep/er/new.txt")).toBe("fresh\n");
    expect(read("dst/new.txt")).toBe("y\n");
    expect(fs.existsSync(file("gone.txt"))).toBe(false);
    expect(fs.existsSync(file("src/old.txt"))).toBe(false);
  });

  it("refuses an empty patch and reports parse errors without touching anything", async () => {
    expect(await applyPatch(patch(), { cwd: dir })).toEqual({
      ok: false,
      error: "The patch contains no file operations, so no files were modified.",
      changes: [],
    });
    expect(await applyPatch("hello", { cwd: dir })).toEqual({
      ok: false,
      error: "Invalid patch: The first line of the patch must be '*** Begin Patch'",
      changes: [],
    });
  });

  it("applies hunks in order without rollback, and lists what was applied before a failure", async () => {
    const result = await applyPatch(patch("*** Add File: made.txt", "+hi", "*** Delete File: missing.txt"), {
      cwd: dir,
    });
    expect(result).toEqual({
      ok: false,
      error: "Failed to delete file missing.txt: no such file or directory",
      changes: [{ path: "made.txt", kind: "add" }],
    });
    expect(read("made.txt")).toBe("hi\n");
  });

  it("with verifyFirst, changes nothing unless every hunk applies (seeing earlier hunks' effects)", async () => {
    write("f.txt", "a\n");
    const failing = patch("*** Add File: made.txt", "+hi", "*** Update File: f.txt", "-zzz", "+b");
    const failed = await applyPatch(failing, { cwd: dir, verifyFirst: true });
    expect(failed).toEqual({
      ok: false,
      error: "Failed to find expected lines in f.txt:\nzzz\nNo files were modified.",
      changes: [],
    });
    expect(fs.existsSync(file("made.txt"))).toBe(false);

    const dependent = patch(
      "*** Add File: n.txt",
      "+1",
      "*** Update File: n.txt",
      "-1",
      "+2",
      "*** Update File: f.txt",
      "*** Move to: g.txt",
      "-a",
      "+b",
      "*** Update File: g.txt",
      "-b",
      "+c",
    );
    expect((await applyPatch(dependent, { cwd: dir, verifyFirst: true })).ok).toBe(true);
    expect(read("n.txt")).toBe("2\n");
    expect(read("g.txt")).toBe("c\n");
    expect(fs.existsSync(file("f.txt"))).toBe(false);
  });

  it("reports missing files, directories and unmatched lines with the path", async () => {
    fs.mkdirSync(file("adir"));
    write("f.txt", "one\ntwo\n");
    const cases: [string, string][] = [
      [patch("*** Delete File: adir"), "Failed to delete file adir: it is a directory"],
      [
        patch("*** Update File: nope.txt", "-a"),
        "Failed to read file to update nope.txt: no such file or directory",
      ],
      [patch("*** Update File: adir", "-a"), "Failed to read file to update adir: it is a directory"],
      [patch("*** Add File: adir", "+x"), "Failed to write file adir: it is a directory"],
      [
        patch("*** Add File: f.txt/inner", "+x"),
        "Failed to write file f.txt/inner: a parent path is not a directory",
      ],
      [patch("*** Update File: f.txt", "@@ three", "-one"), "Failed to find context 'three' in f.txt"],
      [
        patch("*** Update File: f.txt", "-one", "-three", "+x"),
        "Failed to find expected lines in f.txt:\none\nthree",
      ],
    ];
    for (const [text, error] of cases) {
      expect(await applyPatch(text, { cwd: dir })).toEqual({ ok: false, error, changes: [] });
    }
    expect(read("f.txt")).toBe("one\ntwo\n");
  });

  it("overwrites on Add and on Move, and a move onto itself keeps the file", async () => {
    write("a.txt", "old\n");
    write("b.txt", "from\n");
    write("c.txt", "target\n");
    await applyPatch(patch("*** Add File: a.txt", "+new"), { cwd: dir });
    expect(read("a.txt")).toBe("new\n");
    await applyPatch(patch("*** Update File: b.txt", "*** Move to: c.txt", "-from", "+moved"), { cwd: dir });
    expect(read("c.txt")).toBe("moved\n");
    expect(fs.existsSync(file("b.txt"))).toBe(false);
    await applyPatch(patch("*** Update File: c.txt", "*** Move to: ./c.txt", "-moved", "+same"), {
      cwd: dir,
    });
    expect(read("c.txt")).toBe("same\n");
  });
});

describe("applyPatch on file contents", () => {
  const update = async (content: string | Buffer, ...body: string[]) => {
    write("t.txt", content);
    return applyPatch(patch("*** Update File: t.txt", ...body), { cwd: dir });
  };

  it("keeps CRLF line endings: untouched lines byte for byte, written lines get CRLF", async () => {
    const result = await update("a\r\nb\r\nc\r\nd\r\n", "@@", " b", "-c", "+C1", "+C2");
    expect(result.ok).toBe(true);
    expect(read("t.txt")).toBe("a\r\nb\r\nC1\r\nC2\r\nd\r\n");
  });

  it("ends a CRLF file without a final newline with CRLF", async () => {
    await update("a\r\nb", "-b", "+B");
    expect(read("t.txt")).toBe("a\r\nB\r\n");
  });

  it("keeps LF files LF even when a line has a stray carriage return", async () => {
    await update("a\nb\r\nc\nd\n", "-c", "+C");
    expect(read("t.txt")).toBe("a\nb\r\nC\nd\n");
  });

  it("adds a final newline to a file without one", async () => {
    await update("first\nlast", "-last", "+LAST");
    expect(read("t.txt")).toBe("first\nLAST\n");
  });

  it("keeps a trailing blank line, and writes an empty file when every line is removed", async () => {
    await update("a\nb\n\n", "-a", "+A");
    expect(read("t.txt")).toBe("A\nb\n\n");
    await update("only\n", "-only");
    expect(read("t.txt")).toBe("");
  });

  it("keeps a UTF-8 byte order mark", async () => {
    await update("\uFEFFa\nb\n", "-a", "+A");
    expect(read("t.txt")).toBe("\uFEFFA\nb\n");
  });

  it("refuses binary and non-UTF-8 files and leaves them untouched", async () => {
    const binary = Buffer.from([0x61, 0x0a, 0x00, 0x01, 0x0a]);
    expect(await update(binary, "-a", "+b")).toEqual({
      ok: false,
      error: "Cannot update t.txt: it looks like a binary file (it contains NUL bytes)",
      changes: [],
    });
    expect(fs.readFileSync(file("t.txt"))).toEqual(binary);
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]);
    expect(await update(latin1, "-a", "+b")).toEqual({
      ok: false,
      error: "Cannot update t.txt: it is not valid UTF-8 text",
      changes: [],
    });
    expect(fs.readFileSync(file("t.txt"))).toEqual(latin1);
  });

  it("uses @@ context lines, one after another, to find the right place", async () => {
    const source = "class A\n  def run\n    x\nclass B\n  def run\n    x\n";
    await update(source, "@@ class B", "@@ def run", "-    x", "+    y");
    expect(read("t.txt")).toBe("class A\n  def run\n    x\nclass B\n  def run\n    y\n");
  });

  it("applies chunks in file order, each searched after the previous one", async () => {
    await update("x\nsep\nx\n", "@@", "-x", "+first", "@@", "-x", "+second");
    expect(read("t.txt")).toBe("first\nsep\nsecond\n");
  });

  it("appends a pure addition at the end of the file, before a final blank line", async () => {
    await update("a\nb\n\n", "@@ a", "+added");
    expect(read("t.txt")).toBe("a\nb\nadded\n\n");
  });

  it("retries without a trailing empty context line", async () => {
    await update("a\nb\n", "@@", " a", "-b", "+B", "", "*** End of File");
    expect(read("t.txt")).toBe("a\nB\n");
  });

  it("honours *** End of File by matching at the end", async () => {
    await update("end\nmid\nend\n", "-end", "+END", "*** End of File");
    expect(read("t.txt")).toBe("end\nmid\nEND\n");
  });

  it("rejects chunks that would change the same lines", async () => {
    const result = await update("a\nb\nc\n", "@@", "-b", "+B", "@@", "-b", "-c", "+C", "*** End of File");
    expect(result).toEqual({
      ok: false,
      error: "Failed to apply the patch to t.txt: two chunks change the same lines",
      changes: [],
    });
  });

  it("is fast on a 10,000-line file", async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `line ${i} of a fairly ordinary source file;`);
    const body: string[] = [];
    for (const at of [10, 2_500, 5_000, 7_500, 9_990]) {
      body.push("@@", ` ${lines[at - 1]}`, `-${lines[at]}`, `+changed ${at}`, ` ${lines[at + 1]}`);
    }
    // The last chunk only matches fuzzily, so every level's line cache gets built once.
    body.push("@@", `-   ${lines[9_995]}   `, "+fuzzy");
    write("big.txt", `${lines.join("\n")}\n`);
    const started = performance.now();
    const result = await applyPatch(patch("*** Update File: big.txt", ...body), { cwd: dir });
    const elapsed = performance.now() - started;
    expect(result.ok).toBe(true);
    const out = read("big.txt").split("\n");
    expect(out[2_500]).toBe("changed 2500");
    expect(out[9_995]).toBe("fuzzy");
    expect(out).toHaveLength(10_001);
    // The target is well under 50 ms; the bound is loose so a loaded machine does not fail it.
    expect(elapsed).toBeLessThan(500);
  });
});

describe("applyPatch with canWrite", () => {
  let outside: string;
  beforeEach(() => {
    outside = fs.mkdtempSync(path.join(os.tmpdir(), "ns-outside-"));
  });
  afterEach(() => {
    fs.rmSync(outside, { recursive: true, force: true });
  });

  const insideWorkspace = (realPath: string) => {
    const rel = path.relative(fs.realpathSync(dir), realPath);
    return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
  };

  it("refuses absolute paths and .. that leave the workspace, before writing anything", async () => {
    for (const target of [path.join(outside, "abs.txt"), `../${path.basename(outside)}/rel.txt`]) {
      const result = await applyPatch(
        patch("*** Add File: first.txt", "+1", `*** Add File: ${target}`, "+x"),
        {
          cwd: dir,
          canWrite: insideWorkspace,
        },
      );
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.error).toMatch(/^Refusing to apply the patch: .* is outside the writable area/);
      expect(fs.readdirSync(outside)).toEqual([]);
      expect(fs.existsSync(file("first.txt"))).toBe(false);
    }
  });

  it("refuses writes through a symlinked directory or a dangling symlink pointing outside", async () => {
    fs.symlinkSync(outside, file("link"));
    fs.symlinkSync(path.join(outside, "nowhere.txt"), file("dangling"));
    for (const text of [
      patch("*** Add File: link/evil.txt", "+x"),
      patch("*** Add File: link/new/dir/evil.txt", "+x"),
      patch("*** Add File: dangling", "+x"),
    ]) {
      const result = await applyPatch(text, { cwd: dir, canWrite: insideWorkspace });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toContain(`resolves to ${fs.realpathSync(outside)}`);
    }
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  it("allows deleting a symlink inside the workspace (the link, not its target)", async () => {
    fs.writeFileSync(path.join(outside, "target.txt"), "keep\n");
    fs.symlinkSync(path.join(outside, "target.txt"), file("link.txt"));
    const result = await applyPatch(patch("*** Delete File: link.txt"), {
      cwd: dir,
      canWrite: insideWorkspace,
    });
    expect(result.ok).toBe(true);
    expect(fs.existsSync(file("link.txt"))).toBe(false);
    expect(fs.readFileSync(path.join(outside, "target.txt"), "utf8")).toBe("keep\n");
  });

  it("refuses updating a file through a symlink that points outside", async () => {
    fs.writeFileSync(path.join(outside, "target.txt"), "keep\n");
    fs.symlinkSync(path.join(outside, "target.txt"), file("link.txt"));
    const result = await applyPatch(patch("*** Update File: link.txt", "-keep", "+changed"), {
      cwd: dir,
      canWrite: insideWorkspace,
    });
    expect(result.ok).toBe(false);
    expect(fs.readFileSync(path.join(outside, "target.txt"), "utf8")).toBe("keep\n");
  });
});
