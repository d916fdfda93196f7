import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildCommandEnv } from "../../src/exec/env.js";
import { loadPty } from "../../src/exec/pty.js";
import { type ProcessRequest, runProcess } from "../../src/exec/run-process.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ns-exec-"));
const env = buildCommandEnv(process.env, { mode: "danger-full-access", networkAccess: true });
const leftovers: number[] = [];
// node-pty is an optional native dependency; where it did not build, the pipe fallback is tested.
const ptyLoaded = !("error" in (await loadPty()));

afterAll(() => {
  for (const pid of leftovers) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

function run(argv: string[], extra: Partial<ProcessRequest> = {}) {
  return runProcess({ argv, cwd: tmp, env, timeoutMs: 20_000, ...extra });
}

/** Alive and not a zombie (nobody may reap orphans in a container). */
function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** A signalled process dies a moment after the kill: give the kernel a bounded while to finish it. */
async function diesSoon(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return !isAlive(pid);
}

function pidsIn(output: string): number[] {
  return [...output.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
}

describe("runProcess", () => {
  it("returns exit codes and output", async () => {
    const ok = await run(["sh", "-c", "echo hello"]);
    expect(ok).toMatchObject({
      exitCode: 0,
      signal: null,
      output: "hello\n",
      timedOut: false,
      aborted: false,
    });
    expect(ok.totalBytes).toBe(6);
    const failed = await run(["sh", "-c", "echo bad >&2; exit 3"]);
    expect(failed.exitCode).toBe(3);
    expect(failed.output).toBe("bad\n");
  });

  it("interleaves stdout and stderr in arrival order", async () => {
    const fifo = path.join(tmp, "interleave.fifo");
    execFileSync("mkfifo", [fifo]);
    // The child waits on the fifo between writes, so the order we see is the order it wrote.
    const script = `echo out1; read x < ${fifo}; echo err1 >&2; read x < ${fifo}; echo out2`;
    let seen = "";
    let released = 0;
    const result = await run(["sh", "-c", script], {
      onOutput: (chunk) => {
        seen += chunk;
        // Exactly one "go" per line the child waits after, however the output is chunked: a
        // third write would block on a fifo nobody reads again.
        const due = (seen.includes("out1") ? 1 : 0) + (seen.includes("err1") ? 1 : 0);
        for (; released < due; released++) fs.writeFileSync(fifo, "go\n");
      },
    });
    expect(result.output).toBe("out1\nerr1\nout2\n");
    expect(seen).toBe(result.output);
  });

  it("keeps head and tail of a huge output in bounded memory", { timeout: 150_000 }, async () => {
    const spill = path.join(tmp, "huge.log");
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    let calls = 0;
    const total = 200_000_000;
    const script = `echo BEGIN; yes | head -c ${total}; echo END`;
    const result = await run(["sh", "-c", script], {
      maxOutputBytes: 64 * 1024,
      spillFile: spill,
      spillMaxBytes: 1024 * 1024,
      // 200 MB through a pipe: slow on a loaded machine, and not what this test is about.
      timeoutMs: 120_000,
      onOutput: () => {
        if (++calls % 64 === 0) peak = Math.max(peak, process.memoryUsage.rss());
      },
    });
    expect(result.exitCode).toBe(0);
    expect(result.totalBytes).toBe(total + "BEGIN\nEND\n".length);
    expect(result.output.startsWith("BEGIN\ny\ny\n")).toBe(true);
    expect(result.output.endsWith("y\ny\nEND\n")).toBe(true);
    expect(result.output).toMatch(/\[\.\.\. \d+ bytes of output omitted \.\.\.\]/);
    expect(result.output.length).toBeLessThan(64 * 1024 + 100);
    // 200 MB went through; our process grew by far less.
    expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);
    const spilled = fs.readFileSync(spill, "utf8");
    expect(spilled.startsWith("BEGIN\ny\n")).toBe(true);
    expect(spilled).toContain("spill file capped at 1048576 bytes");
    expect(fs.statSync(spill).size).toBeLessThan(1024 * 1024 + 200);
  });

  it("kills the whole process group on timeout, grandchildren included", async () => {
    const result = await run(["sh", "-c", "sleep 100 & echo pid=$!; sleep 100 & echo pid=$!; wait"], {
      timeoutMs: 300,
    });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe("SIGTERM");
    const pids = pidsIn(result.output);
    leftovers.push(...pids);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await diesSoon(pid)).toBe(true);
  });

  it("follows SIGTERM with SIGKILL for processes that ignore it", async () => {
    const script = `trap '' TERM; sleep 100 & echo pid=$!; wait`;
    const result = await run(["sh", "-c", script], { timeoutMs: 200, killGraceMs: 100 });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe("SIGKILL");
    const [pid] = pidsIn(result.output);
    leftovers.push(pid!);
    expect(await diesSoon(pid!)).toBe(true);
  });

  it("stops on abort", async () => {
    const controller = new AbortController();
    const result = await run(["sh", "-c", "echo pid=$$ ready; sleep 100"], {
      signal: controller.signal,
      onOutput: (chunk) => {
        if (chunk.includes("ready")) controller.abort();
      },
    });
    expect(result.aborted).toBe(true);
    expect(result.timedOut).toBe(false);
    expect(await diesSoon(pidsIn(result.output)[0]!)).toBe(true);
  });

  it("does not start when already aborted", async () => {
    const marker = path.join(tmp, "should-not-exist");
    const result = await run(["touch", marker], { signal: AbortSignal.abort() });
    expect(result.aborted).toBe(true);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("ends a background job the command left behind when the call ends, without waiting for it", async () => {
    const result = await run(["sh", "-c", "sleep 100 & echo pid=$!; echo done"], { drainTimeoutMs: 60_000 });
    const [pid] = pidsIn(result.output);
    leftovers.push(pid!);
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain("done");
    // Its process group goes with the call (a server belongs in a terminal session instead).
    expect(await diesSoon(pid!)).toBe(true);
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it("reports commands that cannot start", async () => {
    const missing = await run(["definitely-not-a-command-xyz"], { env: { PATH: "/usr/bin:/bin" } });
    expect(missing.exitCode).toBe(127);
    expect(missing.output).toContain("definitely-not-a-command-xyz: command not found");
    const badCwd = await run(["true"], { cwd: path.join(tmp, "nope") });
    expect(badCwd.exitCode).toBe(127);
    expect(badCwd.output).toContain("working directory does not exist");
    const empty = await run([]);
    expect(empty.exitCode).toBe(127);
  });

  it("passes the given environment only", async () => {
    const result = await runProcess({ argv: ["sh", "-c", "echo $FOO-$HOME"], cwd: tmp, env: { FOO: "x" } });
    expect(result.output).toBe("x-\n");
  });

  it("hands extra inputs to the child on fd 3", async () => {
    const result = await run(["sh", "-c", "cat <&3"], { extraInputs: [Buffer.from("from fd 3")] });
    expect(result.output).toBe("from fd 3");
  });

  it.runIf(!ptyLoaded)("falls back to pipes, with a note, when there is no terminal", async () => {
    const result = await run(["sh", "-c", "test -t 1 || echo not-a-tty"], { tty: true });
    expect(result.output).toContain("no terminal available");
    expect(result.output).toContain("not-a-tty");
  });

  it.runIf(ptyLoaded)("runs on a terminal when asked", async () => {
    const result = await run(["sh", "-c", "tty; test -t 1 && echo is-a-tty; exit 4"], { tty: true });
    expect(result.exitCode).toBe(4);
    expect(result.output).toMatch(/^\/dev\/pts\/\d+\r\nis-a-tty\r\n$/);
  });

  it.runIf(ptyLoaded)("kills a terminal command's group on timeout", async () => {
    // A terminal reports the exit before the rest of the group is gone: the grandchild holds a
    // fifo open, and its end of file tells us when it died.
    const fifo = path.join(tmp, "pty-grandchild.fifo");
    execFileSync("mkfifo", [fifo]);
    const script = `sleep 100 > ${fifo} & echo pid=$!; wait`;
    const resultPromise = run(["sh", "-c", script], { tty: true, timeoutMs: 300 });
    const grandchildGone = new Promise<void>((resolve) =>
      fs.createReadStream(fifo).on("close", resolve).resume(),
    );
    const result = await resultPromise;
    expect(result.timedOut).toBe(true);
    const [pid] = pidsIn(result.output);
    leftovers.push(pid!);
    await grandchildGone;
    expect(await diesSoon(pid!)).toBe(true);
  });
});
