import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { listDirTool } from "../../src/tools/list-dir/index.js";
import { parseToolArguments } from "../../src/tools/tool.js";
import { makeTempDir, makeToolContext } from "./context.js";

let root: string;

function write(relative: string, content = "") {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

beforeAll(() => {
  root = makeTempDir();
  write(".git/HEAD", "ref: refs/heads/main\n");
  write(".gitignore", "ignored.txt\nbuild/\n*.log\n!keep.log\n*.tmp\n");
  write("a.txt");
  write("ignored.txt");
  write("debug.log");
  write("keep.log");
  write("build/out.js");
  write("node_modules/pkg/index.js");
  write("src/.gitignore", "secret.ts\n");
  write("src/index.ts");
  write("src/secret.ts");
  write("src/deep/x.tmp");
  write("src/deep/y.ts");
  write("src/deep/d2/d3/f.txt");
  write("weird\nname");
  fs.symlinkSync("src", path.join(root, "link"));
});

async function list(args: Record<string, unknown>, budget = 40_000) {
  const parsed = parseToolArguments(listDirTool, JSON.stringify(args));
  if (!parsed.ok) throw new Error(parsed.error);
  const { ctx } = makeToolContext(root, { outputBudgetBytes: budget });
  return listDirTool.execute(parsed.value, ctx);
}

const body = (output: string) => output.split("\n").slice(1, -1);

describe("list_dir", () => {
  test("lists a tree in name order, honouring ignore files", async () => {
    const result = await list({});
    expect(result.success).toBe(true);
    expect(result.output).toBe(
      [
        `${root}/ (depth 2)`,
        ".gitignore",
        "a.txt",
        "keep.log",
        "link@ -> src",
        "node_modules/ (not walked into)",
        "src/",
        "  .gitignore",
        "  deep/",
        "  index.ts",
        '"weird\\nname"',
        "[10 entries]",
      ].join("\n"),
    );
  });

  test("applies ignore files of the directories above, inside a repository", async () => {
    const result = await list({ path: "src/deep", depth: 5 });
    expect(body(result.output)).toEqual(["d2/", "  d3/", "    f.txt", "y.ts"]);
  });

  test("honours the listed directory's .gitignore outside a git repository", async () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, ".gitignore"), "secret.txt\n");
    fs.writeFileSync(path.join(dir, "secret.txt"), "");
    fs.writeFileSync(path.join(dir, "open.txt"), "");
    const result = await list({ path: dir });
    expect(body(result.output)).toEqual([".gitignore", "open.txt"]);
  });

  test("depth 1 shows only the top level", async () => {
    const result = await list({ path: path.join(root, "src"), depth: 1 });
    expect(body(result.output)).toEqual([".gitignore", "deep/", "index.ts"]);
  });

  test("pages through entries with offset and limit", async () => {
    const all = body((await list({ depth: 5 })).output);
    const first = await list({ depth: 5, limit: 4 });
    expect(first.output.endsWith("[entries 1-4; more exist, continue with offset=5]")).toBe(true);
    const pages = [...body(first.output)];
    for (let offset = 5; offset <= all.length; offset += 4) {
      pages.push(...body((await list({ depth: 5, limit: 4, offset })).output));
    }
    expect(pages).toEqual(all);
    const last = await list({ depth: 5, offset: all.length });
    expect(last.output.endsWith(`[entries ${all.length}-${all.length} of ${all.length}]`)).toBe(true);
  });

  test("stops at the output budget", async () => {
    const big = makeTempDir();
    for (let i = 0; i < 300; i++)
      fs.writeFileSync(path.join(big, `file-${String(i).padStart(3, "0")}.txt`), "");
    const { ctx } = makeToolContext(big, { outputBudgetBytes: 1_000 });
    const result = await listDirTool.execute({ limit: 1000 }, ctx);
    expect(Buffer.byteLength(result.output)).toBeLessThanOrEqual(1_000);
    const shown = body(result.output).length;
    expect(shown).toBeGreaterThan(10);
    expect(result.output.endsWith(`more exist, continue with offset=${shown + 1}]`)).toBe(true);
  });

  test("reports an empty directory", async () => {
    const empty = makeTempDir();
    const result = await list({ path: empty });
    expect(result).toMatchObject({ success: true, output: `${empty}/ (depth 2)\n[empty]` });
  });

  test("refuses files, missing paths and offsets past the end", async () => {
    expect(await list({ path: "a.txt" })).toMatchObject({
      success: false,
      output: expect.stringContaining("not a directory"),
    });
    expect(await list({ path: "missing" })).toMatchObject({
      success: false,
      output: `No such file or directory: ${path.join(root, "missing")}`,
    });
    expect(await list({ offset: 500 })).toMatchObject({
      success: false,
      output: expect.stringContaining("offset 500"),
    });
  });

  test("rejects a depth above the maximum", () => {
    const parsed = parseToolArguments(listDirTool, JSON.stringify({ depth: 9 }));
    expect(parsed.ok).toBe(false);
  });

  test("applies ignore rules inside a directory whose name starts with two dots", async () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, ".gitignore"), "*.log\n");
    fs.mkdirSync(path.join(dir, "..x"));
    fs.writeFileSync(path.join(dir, "..x", "a.log"), "");
    fs.writeFileSync(path.join(dir, "..x", "b.txt"), "");
    const result = await list({ path: dir });
    expect(body(result.output)).toEqual(["..x/", "  b.txt", ".gitignore"]);
  });

  test("skips an ignore file that is a FIFO or a device, and reads at most 1 MiB of one", async () => {
    const dir = makeTempDir();
    execFileSync("mkfifo", [path.join(dir, ".gitignore")]); // nobody ever writes to it
    fs.writeFileSync(path.join(dir, ".ignore"), "secret.txt\n");
    fs.writeFileSync(path.join(dir, "secret.txt"), "");
    fs.writeFileSync(path.join(dir, "open.txt"), "");
    const fifo = await list({ path: dir });
    expect(body(fifo.output)).toEqual([".gitignore (special file)", ".ignore", "open.txt"]);

    const zero = makeTempDir();
    fs.symlinkSync("/dev/zero", path.join(zero, ".gitignore"));
    fs.writeFileSync(path.join(zero, "a.txt"), "");
    expect(body((await list({ path: zero })).output)).toEqual([".gitignore@ -> /dev/zero", "a.txt"]);

    const huge = makeTempDir();
    const filler = `#${"x".repeat(1023)}\n`.repeat(1100); // 1.1 MiB of comments
    fs.writeFileSync(path.join(huge, ".gitignore"), `early.txt\n${filler}late.txt\n`);
    fs.writeFileSync(path.join(huge, "early.txt"), "");
    fs.writeFileSync(path.join(huge, "late.txt"), "");
    expect(body((await list({ path: huge })).output)).toEqual([".gitignore", "late.txt"]);
  }, 10_000);

  test("stops when aborted", async () => {
    const { ctx, abort } = makeToolContext(root);
    abort.abort();
    expect(await listDirTool.execute({}, ctx)).toEqual({ output: "list_dir was aborted.", success: false });
  });
});
