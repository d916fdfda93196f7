import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/agent/clock.js";
import { discoverAgentsMd } from "../../src/context/agents-md.js";
import { MCP_TOOL_CAPS, McpManager } from "../../src/mcp/manager.js";
import { ApprovalCache } from "../../src/sandbox/approval.js";
import type { SandboxPolicy } from "../../src/sandbox/policy.js";
import { probeSandbox } from "../../src/sandbox/probe.js";
import { createCommandRunner } from "../../src/sandbox/runner.js";
import { applyPatchHere, runApplyPatch } from "../../src/tools/apply-patch/index.js";
import { grepTool } from "../../src/tools/grep/tool.js";
import { listDirTool } from "../../src/tools/list-dir/tool.js";
import { readFileTool } from "../../src/tools/read-file/tool.js";
import type { CommandRunner, ToolContext, ToolResult } from "../../src/tools/tool.js";
import { hostileConfig } from "../mcp/helpers.js";
import { createHostileTable, workspaceWrite } from "./hostile-kit.js";

/**
 * Hostile inputs to the tools that run in nightshift's own process (apply_patch, grep, read_file,
 * list_dir), to `nightshift apply-patch`, to AGENTS.md discovery and to the MCP tool list. This
 * test process stands in for nightshift: its /proc entries are what must stay out of reach.
 */

const table = createHostileTable("ns-hostile-tools-");
const { base, record, makeWorkspace } = table;
let run: CommandRunner;

beforeAll(async () => {
  run = createCommandRunner({ sandbox: await probeSandbox(), env: { PATH: process.env.PATH, HOME: base } });
});
afterAll(() => table.finish());

function context(cwd: string, policy: SandboxPolicy = workspaceWrite()): ToolContext {
  return {
    callId: "hostile",
    cwd,
    signal: new AbortController().signal,
    policy,
    approvalPolicy: "never",
    approve: async () => "denied",
    approvalCache: new ApprovalCache(),
    bashParser: async () => undefined,
    runCommand: run,
    env: { PATH: process.env.PATH },
    scratchDir: path.join(base, "scratch"),
    outputBudgetBytes: 40_000,
    progress: () => {},
  };
}

const patch = (...lines: string[]) => ["*** Begin Patch", ...lines, "*** End Patch"].join("\n");
const listing = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

describe("apply_patch", () => {
  it("never lands outside while a command swaps a folder and a symlink (400 Add File patches)", async () => {
    const w = makeWorkspace();
    fs.mkdirSync(path.join(w.ws, "d"));
    const swapping = new AbortController();
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    // A tight loop (no forks): d is a folder, then the symlink x (to outside), then the folder
    // again... When a patch creates d in the instant it is away, things are put back.
    const flip = [
      "import os, shutil, sys",
      "os.symlink(sys.argv[1], 'x')",
      "print('flipping', flush=True)",
      "while True:",
      "    try:",
      "        os.rename('d', 'd.real'); os.rename('x', 'd'); os.rename('d', 'x'); os.rename('d.real', 'd')",
      "    except OSError:",
      "        try:",
      "            if os.path.islink('d'): os.rename('d', 'x')",
      "            if os.path.isdir('d.real'):",
      "                if os.path.isdir('d') and not os.path.islink('d'): shutil.rmtree('d')",
      "                os.rename('d.real', 'd')",
      "            if not os.path.lexists('x'): os.symlink(sys.argv[1], 'x')",
      "        except OSError:",
      "            pass",
    ].join("\n");
    const swapper = run({
      argv: ["python3", "-c", flip, w.outside],
      cwd: w.ws,
      sandboxCwd: w.ws,
      timeoutMs: 300_000,
      policy: workspaceWrite(),
      signal: swapping.signal,
      onOutput: (text) => {
        if (text.includes("flipping")) started();
      },
    });
    const ctx = context(w.ws);
    await running;
    let landed = 0;
    for (let i = 0; i < 400; i++) {
      const result = await runApplyPatch(patch(`*** Add File: d/f${i}.txt`, "+pwned"), ctx);
      if (result.success) landed++;
    }
    swapping.abort();
    const swapped = await swapper;
    expect(swapped.aborted, swapped.output).toBe(true); // it ran until the end
    const escaped = listing(w.outside).filter((name) => name.startsWith("f"));
    record(
      "400 Add File d/f<i> while d flips to a symlink to outside",
      escaped.length === 0,
      `${escaped.length} outside, ${landed} written inside`,
    );
  }, 300_000);

  it("does not copy nightshift's /proc/<pid>/environ into the workspace (link + Move)", async () => {
    const w = makeWorkspace();
    fs.symlinkSync(`/proc/${process.pid}/environ`, path.join(w.ws, "env-link"));
    const text = patch("*** Update File: env-link", "*** Move to: leaked.txt", "@@", "+appended");
    const result = await runApplyPatch(text, context(w.ws));
    const held = !result.success && !fs.existsSync(path.join(w.ws, "leaked.txt"));
    record("apply_patch Update env-link (-> /proc/<pid>/environ), Move to leaked.txt", held, result.output);
  });

  it("refuses to write once the workspace was swapped under the session", async () => {
    const w = makeWorkspace();
    const ctx = context(w.ws);
    expect((await runApplyPatch(patch("*** Add File: first.txt", "+ok"), ctx)).success).toBe(true);
    fs.renameSync(w.ws, `${w.ws}-moved`);
    fs.symlinkSync(w.outside, w.ws);
    const result = await runApplyPatch(patch("*** Add File: second.txt", "+pwned"), ctx);
    const held = !result.success && !fs.existsSync(path.join(w.outside, "second.txt"));
    record("apply_patch after the workspace became a symlink to outside", held, result.output);
  });
});

describe("nightshift apply-patch (no sandbox)", () => {
  const attempts: Array<[string, (w: ReturnType<typeof makeWorkspace>) => string]> = [
    ["Add File ../x", () => patch("*** Add File: ../outside/x.txt", "+pwned")],
    ["Add File by absolute path outside", (w) => patch(`*** Add File: ${w.outside}/abs.txt`, "+pwned")],
    [
      "Move to ../",
      () =>
        patch("*** Update File: README.md", "*** Move to: ../outside/moved.txt", "@@", "-hello", "+pwned"),
    ],
    ["Delete ../outside/victim.txt", () => patch("*** Delete File: ../outside/victim.txt")],
    ["Add File through a symlinked folder", () => patch("*** Add File: out-link/via.txt", "+pwned")],
    ["Add File .git/hooks/pre-commit", () => patch("*** Add File: .git/hooks/pre-commit", "+rm -rf ~")],
  ];
  for (const [name, make] of attempts) {
    it(`refuses ${name}`, async () => {
      const w = makeWorkspace();
      fs.symlinkSync(w.outside, path.join(w.ws, "out-link"));
      const before = listing(w.outside);
      const result = await applyPatchHere(make(w), w.ws);
      const held =
        !result.ok &&
        JSON.stringify(listing(w.outside)) === JSON.stringify(before) &&
        fs.readFileSync(w.victim, "utf8") === "original\n" &&
        listing(path.join(w.ws, ".git", "hooks")).length === 0;
      record(`nightshift apply-patch: ${name}`, held, result.ok ? "applied" : result.error);
    });
  }
});

/** Runs a read tool with JSON arguments. */
async function readTool(
  tool: typeof grepTool | typeof readFileTool | typeof listDirTool,
  cwd: string,
  args: object,
) {
  const parsed = tool.parameters.safeParse(args);
  if (!parsed.success) throw new Error(parsed.error.message);
  return (tool.execute as (args: unknown, ctx: ToolContext) => Promise<ToolResult>)(
    parsed.data,
    context(cwd),
  );
}

describe("tools that read never reach nightshift's own /proc entries", () => {
  const marker = "VITEST";
  const pid = process.pid;
  const ppid = process.ppid;
  const targets = [
    `/proc/${pid}/environ`,
    "/proc/self/environ",
    "/proc/thread-self/environ",
    `/proc/${ppid}/environ`,
    `/proc/self/../${pid}/environ`,
    "env-link",
  ];

  it("has secrets in its own environ to protect (precondition)", () => {
    expect(fs.readFileSync(`/proc/${pid}/environ`, "latin1")).toContain(marker);
  });

  for (const target of targets) {
    it(`grep and read_file on ${target}`, async () => {
      const w = makeWorkspace();
      fs.symlinkSync(`/proc/${pid}/environ`, path.join(w.ws, "env-link"));
      const grep = await readTool(grepTool, w.ws, { pattern: marker, path: target });
      const read = await readTool(readFileTool, w.ws, { path: target });
      const held = !grep.output.includes(marker) && !read.output.includes(marker) && !read.success;
      record(`grep + read_file ${target}`, held, `grep: ${firstLine(grep)}; read_file: ${firstLine(read)}`);
    });
  }

  it("grep over all of /proc, and list_dir of /proc/<pid> and /proc/self/fd", async () => {
    const w = makeWorkspace();
    const grep = await readTool(grepTool, w.ws, { pattern: marker, path: "/proc", limit: 5 });
    const own = await readTool(listDirTool, w.ws, { path: `/proc/${pid}` });
    const fds = await readTool(listDirTool, w.ws, { path: "/proc/self/fd" });
    const held = !grep.output.includes(`${marker}_`) && !own.success && !fds.success;
    record("grep /proc, list_dir /proc/<pid> and /proc/self/fd", held, `list_dir: ${firstLine(own)}`);
  });
});

function firstLine(result: ToolResult): string {
  return result.output.split("\n")[0]!.slice(0, 60);
}

describe("AGENTS.md from a hostile repository", () => {
  function repo(): { home: string; root: string } {
    const w = makeWorkspace();
    const home = path.join(path.dirname(w.ws), "home");
    fs.mkdirSync(home);
    return { home, root: w.ws };
  }

  it("refuses AGENTS.md -> /proc/self/environ and says so", () => {
    const { home, root } = repo();
    fs.symlinkSync("/proc/self/environ", path.join(root, "AGENTS.md"));
    const result = discoverAgentsMd({ home, cwd: root });
    const held =
      result.text === null && result.warnings.some((w) => w.includes("process's entry under /proc"));
    record("AGENTS.md -> /proc/self/environ", held, result.warnings[0] ?? "no warning");
  });

  it("refuses a link out of the project and a FIFO", () => {
    const { home, root } = repo();
    const secret = path.join(base, "secret.txt");
    fs.writeFileSync(secret, "the secret\n");
    fs.symlinkSync(secret, path.join(root, "AGENTS.md"));
    execFileSync("mkfifo", [path.join(root, "AGENTS.override.md")]);
    const result = discoverAgentsMd({ home, cwd: root });
    const held = result.text === null && result.warnings.length === 2;
    record(
      "AGENTS.md -> a file outside the project; AGENTS.override.md a FIFO",
      held,
      result.warnings.join(" / "),
    );
  });

  it("reads a 1.5 GiB sparse AGENTS.md only up to its budget, and warns", () => {
    const { home, root } = repo();
    const file = path.join(root, "AGENTS.md");
    fs.writeFileSync(file, "rules\n");
    fs.truncateSync(file, 1.5 * 1024 ** 3);
    const before = process.memoryUsage.rss();
    const result = discoverAgentsMd({ home, cwd: root });
    const grownMb = (process.memoryUsage.rss() - before) / 1e6;
    const held =
      (result.text?.length ?? 0) < 40_000 &&
      grownMb < 64 &&
      result.warnings.some((w) => w.includes("truncated"));
    record(
      "1.5 GiB sparse AGENTS.md",
      held,
      `rss +${grownMb.toFixed(0)} MB; ${result.warnings[0]?.slice(0, 60)}`,
    );
  });
});

describe("a configured MCP server listing 20,000 tools", () => {
  it("offers a bounded tool list and warns", async () => {
    const many = new McpManager([hostileConfig("huge", {}, ["--many-tools", "20000"])], {
      env: process.env,
      clock: systemClock,
      clientInfo: { name: "nightshift-test", version: "0" },
    });
    try {
      await many.waitForStartup(60_000);
      const offered = many.initialTools().filter((tool) => tool.name.startsWith("mcp__"));
      const held = offered.length <= MCP_TOOL_CAPS.maxTools && many.capWarning !== null;
      record(
        "MCP server with 20,000 tools",
        held,
        `${offered.length} offered; ${many.capWarning?.slice(0, 60)}`,
      );
    } finally {
      await many.close();
    }
  }, 120_000);

  it("bounds the bytes of the definitions too", async () => {
    const wide = new McpManager(
      [hostileConfig("wide", {}, ["--many-tools", "300", "--tool-bytes", "8000"])],
      {
        env: process.env,
        clock: systemClock,
        clientInfo: { name: "nightshift-test", version: "0" },
      },
    );
    try {
      await wide.waitForStartup(60_000);
      const offered = wide.initialTools().filter((tool) => tool.name.startsWith("mcp__"));
      const bytes = offered.reduce((sum, tool) => sum + tool.description.length, 0);
      const held = bytes <= MCP_TOOL_CAPS.maxBytes && wide.capWarning !== null;
      record(
        "MCP server with 300 tools of 8 KB each",
        held,
        `${offered.length} offered, ${bytes} bytes of descriptions`,
      );
    } finally {
      await wide.close();
    }
  }, 120_000);
});
