import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { probeSandbox } from "../../src/sandbox/probe.js";
import { createCommandRunner } from "../../src/sandbox/runner.js";
import { createGrepTool, findRipgrep, grepTool } from "../../src/tools/grep/index.js";
import { type CommandRunner, parseToolArguments, type ToolContext } from "../../src/tools/tool.js";
import { isPathInside } from "../../src/util/paths.js";
import { makeToolContext as makeReadOnlyContext, makeTempDir } from "./context.js";

let root: string;
/** rg runs in the real sandbox, through the session's runner (its environment is the session's). */
const sessionEnv = { PATH: process.env.PATH, HOME: "/home/someone", OPENAI_API_KEY: "sk-grep-secret" };
let runCommand: CommandRunner;
const makeToolContext = (cwd: string, overrides: Partial<ToolContext> = {}) =>
  makeReadOnlyContext(cwd, { runCommand, ...overrides });

function write(relative: string, content: string | Buffer) {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

beforeAll(async () => {
  runCommand = createCommandRunner({ sandbox: await probeSandbox(), env: sessionEnv, killGraceMs: 100 });
  root = makeTempDir();
  write(".gitignore", "ignored.txt\n");
  write("ignored.txt", "needle\n");
  write(".git/config", "needle\n");
  write(".hidden/c.txt", "needle in a hidden dir\n");
  write("a.txt", "one needle\ntwo\nthree\nfour needle\nfive\nsix\nseven\neight\nnine needle\n");
  write("bin.dat", Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from("needle\n")]));
  write("src/b.ts", "const Needle = 1;\n");
  write("unicode.txt", "日本語 needle 😀\n");
  write("long.txt", `${"x".repeat(5000)}needle${"y".repeat(100)}\n`);
  fs.symlinkSync("a.txt", path.join(root, "link.txt"));
});

async function grep(args: Record<string, unknown>, budget = 40_000, cwd = root) {
  const parsed = parseToolArguments(grepTool, JSON.stringify(args));
  if (!parsed.ok) throw new Error(parsed.error);
  const { ctx } = makeToolContext(cwd, { outputBudgetBytes: budget });
  return grepTool.execute(parsed.value, ctx);
}

describe("grep", () => {
  test("finds the ripgrep binary shipped in the npm package", async () => {
    const rg = await findRipgrep({ PATH: "" }, { exclude: [] });
    expect(rg).toMatch(/ripgrep.*[/\\]rg(\.exe)?$/);
  });

  test("groups matches by file in path order, skipping ignored, .git, binary files and symlinks", async () => {
    const result = await grep({ pattern: "needle" });
    expect(result.success).toBe(true);
    expect(result.output).toBe(
      [
        ".hidden/c.txt",
        "L1: needle in a hidden dir",
        "",
        "a.txt",
        "L1: one needle",
        "L4: four needle",
        "L9: nine needle",
        "",
        "long.txt",
        // The window starts shortly before the match and is filled up to 500 characters.
        `L1: …${"x".repeat(394)}needle${"y".repeat(100)} [line clipped, 5106 bytes in all]`,
        "",
        "unicode.txt",
        "L1: 日本語 needle 😀",
        "[6 matching lines in 4 files]",
      ].join("\n"),
    );
  });

  test("shows context lines, without the next match's leading context past the limit", async () => {
    const result = await grep({ pattern: "needle", path: "a.txt", context: 1, limit: 2 });
    expect(result.output).toBe(
      [
        "a.txt",
        "L1: one needle",
        "L2- two",
        "L3- three",
        "L4: four needle",
        "L5- five",
        "[2 matching lines in 1 file; stopped at the limit of 2; more matches exist, narrow the search]",
      ].join("\n"),
    );
  });

  test("honours case_insensitive, fixed_strings and glob", async () => {
    expect((await grep({ pattern: "Needle", glob: "*.ts" })).output).toBe(
      "src/b.ts\nL1: const Needle = 1;\n[1 matching line in 1 file]",
    );
    const insensitive = await grep({ pattern: "NEEDLE = ", case_insensitive: true });
    expect(insensitive.output).toContain("src/b.ts\nL1: const Needle = 1;");
    const fixed = await grep({ pattern: "Needle = 1;", fixed_strings: true, path: "src" });
    expect(fixed.output).toBe("src/b.ts\nL1: const Needle = 1;\n[1 matching line in 1 file]");
  });

  test("shows absolute paths for searches outside the working directory", async () => {
    const other = makeTempDir();
    const result = await grep({ pattern: "const", path: path.join(root, "src") }, 40_000, other);
    expect(result.output.split("\n")[0]).toBe(path.join(root, "src", "b.ts"));
  });

  test("clips long lines to a window around the first match", async () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, "min.js"), `${"a".repeat(1000)}needle${"b".repeat(4000)}\n`);
    fs.writeFileSync(path.join(dir, "huge.js"), `needle${"z".repeat(9 * 1024 * 1024)}\n`);
    const result = await grep({ pattern: "needle" }, 40_000, dir);
    expect(result.output).toBe(
      [
        "huge.js",
        "(a matching line too long to show)",
        "",
        "min.js",
        `L1: …${"a".repeat(100)}needle${"b".repeat(394)}… [line clipped, 5006 bytes in all]`,
        "[2 matching lines in 2 files]",
      ].join("\n"),
    );
  });

  test("decodes lines that are not valid UTF-8", async () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, "latin1.txt"), Buffer.from("caf\xe9 needle\n", "latin1"));
    const result = await grep({ pattern: "needle" }, 40_000, dir);
    expect(result.output).toBe("latin1.txt\nL1: caf\ufffd needle\n[1 matching line in 1 file]");
  });

  test("honours .gitignore outside a git repository too", async () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, ".gitignore"), "secret.txt\n");
    fs.writeFileSync(path.join(dir, "secret.txt"), "needle\n");
    fs.writeFileSync(path.join(dir, "open.txt"), "needle\n");
    const result = await grep({ pattern: "needle" }, 40_000, dir);
    expect(result.output).toBe("open.txt\nL1: needle\n[1 matching line in 1 file]");
  });

  test("says so when nothing matches", async () => {
    expect(await grep({ pattern: "no-such-text-anywhere" })).toMatchObject({
      success: true,
      output: "No matches found.",
    });
  });

  test("returns a bad regex as a failure the model can read", async () => {
    const result = await grep({ pattern: "(unclosed" });
    expect(result.success).toBe(false);
    expect(result.output).toContain("regex parse error");
  });

  test("refuses a missing path", async () => {
    expect(await grep({ pattern: "x", path: "nowhere" })).toMatchObject({
      success: false,
      output: `No such file or directory: ${path.join(root, "nowhere")}`,
    });
  });

  test("caps the output at the budget", async () => {
    const many = makeTempDir();
    fs.writeFileSync(
      path.join(many, "m.txt"),
      Array.from({ length: 500 }, (_, i) => `needle ${i}`).join("\n"),
    );
    const result = await grep({ pattern: "needle", limit: 1000 }, 1_000, many);
    expect(Buffer.byteLength(result.output)).toBeLessThanOrEqual(1_000);
    expect(result.output).toMatch(/output size limit reached/);
    expect(result.output).toMatch(/^m\.txt\nL1: needle 0\nL2: needle 1\n/);
  });

  test("stops at the timeout on a search that never ends", async () => {
    const dir = makeTempDir();
    execFileSync("mkfifo", [path.join(dir, "pipe")]); // rg blocks reading a FIFO nobody writes to
    const tool = createGrepTool({ timeoutMs: 200 });
    const { ctx } = makeToolContext(dir);
    const result = await tool.execute({ pattern: "x", path: "pipe" }, ctx);
    expect(result).toEqual({ output: "grep found nothing within 0.2s and stopped.", success: false });
  });

  test("kills ripgrep when aborted", async () => {
    const dir = makeTempDir();
    execFileSync("mkfifo", [path.join(dir, "pipe")]);
    const { ctx, abort } = makeToolContext(dir);
    const running = grepTool.execute({ pattern: "x", path: "pipe" }, ctx);
    abort.abort();
    expect(await running).toEqual({ output: "grep was aborted.", success: false });
  });

  test("never runs an rg planted in the workspace or a writable root, nor one on a relative PATH entry", async () => {
    const ws = makeTempDir();
    const marker = path.join(ws, "planted-rg-ran");
    fs.mkdirSync(path.join(ws, "bin"));
    fs.writeFileSync(path.join(ws, "bin", "rg"), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(ws, "hay.txt"), "needle\n");
    const real = (await findRipgrep({ PATH: "" }, { exclude: [] }))!;
    const tool = createGrepTool({ bundledRipgrep: false });
    const PATH = ["bin", path.join(ws, "bin"), path.dirname(real)].join(path.delimiter);
    const { ctx } = makeToolContext(ws, { env: { PATH } });
    const result = await tool.execute({ pattern: "needle" }, ctx);
    expect(fs.existsSync(marker)).toBe(false);
    // The real rg is found past the planted ones, unless this checkout itself sits in a temp dir
    // (a writable root), where no rg on PATH is trusted at all.
    const inTemp = ["/tmp", os.tmpdir()].some((dir) =>
      isPathInside(fs.realpathSync(real), fs.realpathSync(dir)),
    );
    expect(result.output).toEqual(
      inTemp
        ? expect.stringContaining("grep is unavailable")
        : "hay.txt\nL1: needle\n[1 matching line in 1 file]",
    );
    // Only the planted one on PATH: no rg at all rather than that one.
    const { ctx: plantedOnly } = makeToolContext(ws, { env: { PATH: path.join(ws, "bin") } });
    expect((await tool.execute({ pattern: "needle" }, plantedOnly)).output).toContain("grep is unavailable");
    expect(fs.existsSync(marker)).toBe(false);
  });

  test("runs rg with a clean environment, without API keys", async () => {
    // The wrapper prints its environment as an rg error (exit 2), which grep reports.
    const wrapper = path.join(makeTempDir(), "rg");
    fs.writeFileSync(wrapper, "#!/bin/sh\n/usr/bin/env >&2\nexit 2\n", { mode: 0o755 });
    const tool = createGrepTool({ rgPath: wrapper });
    const env = { ...sessionEnv, AWS_SECRET_ACCESS_KEY: "aws" };
    const { ctx } = makeToolContext(root, { env });
    const seen = (await tool.execute({ pattern: "Needle", path: "src" }, ctx)).output;
    expect(seen).not.toContain("sk-grep-secret");
    expect(seen).not.toContain("AWS_SECRET_ACCESS_KEY");
    expect(seen).toContain("HOME=/home/someone");
  });

  test("reports a missing ripgrep binary", async () => {
    const tool = createGrepTool({ rgPath: path.join(root, "no-rg") });
    const { ctx } = makeToolContext(root);
    const result = await tool.execute({ pattern: "x" }, ctx);
    expect(result.success).toBe(false);
    expect(result.output).toContain("grep could not start ripgrep");
  });
});
