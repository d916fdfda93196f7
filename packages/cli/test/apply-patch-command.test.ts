import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runApplyPatchCommand } from "../src/commands/apply-patch.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the command with in-memory streams; `stdinText` is what stdin delivers before it ends. */
async function run(patch: string | undefined, stdinText = "") {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  stdin.end(stdinText);
  const code = await runApplyPatchCommand({ patch, cwd: dir, stdin, stdout, stderr });
  return { code, out, err };
}

const PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch\n";

describe("nightshift apply-patch", () => {
  it("applies a patch given as the argument and prints the summary", async () => {
    expect(await run(PATCH)).toEqual({
      code: 0,
      out: "Success. Updated the following files:\nA hello.txt\n",
      err: "",
    });
    expect(fs.readFileSync(path.join(dir, "hello.txt"), "utf8")).toBe("hello\n");
  });

  it("reads the patch from stdin when no argument (or '-') is given", async () => {
    expect((await run(undefined, PATCH)).code).toBe(0);
    fs.rmSync(path.join(dir, "hello.txt"));
    expect((await run("-", PATCH)).code).toBe(0);
    expect(fs.existsSync(path.join(dir, "hello.txt"))).toBe(true);
  });

  it("exits 2 with usage when no patch is given", async () => {
    const result = await run(undefined, "  \n");
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^Usage: nightshift apply-patch/);
    expect(result.out).toBe("");
  });

  it("exits 1 with the error on stderr, noting what was applied before the failure", async () => {
    const result = await run(
      "*** Begin Patch\n*** Add File: a.txt\n+a\n*** Delete File: missing.txt\n*** End Patch",
    );
    expect(result).toEqual({
      code: 1,
      out: "",
      err: "Failed to delete file missing.txt: no such file or directory\nApplied before the failure (not rolled back): add a.txt\n",
    });
    expect((await run("not a patch")).err).toBe(
      "Invalid patch: The first line of the patch must be '*** Begin Patch'\n",
    );
  });

  it("applies only inside the current folder: no ../, no symlinked folder, no .git", async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "ns-outside-"));
    fs.symlinkSync(outside, path.join(dir, "out-link"));
    fs.mkdirSync(path.join(dir, ".git", "hooks"), { recursive: true });
    for (const target of [
      "../escape.txt",
      `${outside}/abs.txt`,
      "out-link/via.txt",
      ".git/hooks/pre-commit",
    ]) {
      const result = await run(`*** Begin Patch\n*** Add File: ${target}\n+pwned\n*** End Patch\n`);
      expect(result.code).toBe(1);
      expect(result.err).toContain("Refusing to apply the patch");
    }
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.existsSync(path.join(dir, "..", "escape.txt"))).toBe(false);
    expect(fs.readdirSync(path.join(dir, ".git", "hooks"))).toEqual([]);
    fs.rmSync(outside, { recursive: true, force: true });
  });
});
