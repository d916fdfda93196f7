import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadPty } from "../../src/exec/pty.js";
import {
  PtySessionManager,
  type PtySessionManagerDeps,
  type StartRequest,
} from "../../src/exec/pty-sessions.js";
import type { SandboxMode, SandboxPolicy } from "../../src/sandbox/policy.js";
import { probeSandbox, type SandboxProbe } from "../../src/sandbox/probe.js";
import { manualTimer, outputUntil } from "./pty-helpers.js";

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ns-pty-")));
const ws = path.join(base, "ws");
const outside = path.join(base, "outside");
const parentEnv = { PATH: process.env.PATH, HOME: base };
const ptyLoaded = !("error" in (await loadPty()));
let probe: SandboxProbe;
const managers: PtySessionManager[] = [];

beforeAll(async () => {
  fs.mkdirSync(ws);
  fs.mkdirSync(outside);
  probe = await probeSandbox();
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const policy = (mode: SandboxMode): SandboxPolicy => ({
  mode,
  writableRoots: [],
  networkAccess: false,
  excludeSlashTmp: true,
  excludeTmpdirEnvVar: true,
});

function setup(overrides: Partial<PtySessionManagerDeps> = {}) {
  const clock = manualTimer();
  const manager = new PtySessionManager({ sandbox: probe, env: parentEnv, timer: clock.timer, ...overrides });
  managers.push(manager);
  const start = async (argv: string[], mode: SandboxMode = "danger-full-access") => {
    const request: StartRequest = { argv, cwd: ws, sandboxCwd: ws, policy: policy(mode) };
    const started = await manager.start(request);
    if ("error" in started) throw new Error(started.error);
    return started.session;
  };
  return { manager, clock, start };
}

describe.runIf(ptyLoaded)("PtySessionManager on a terminal", () => {
  it("runs an interactive round trip", async () => {
    const { clock, start } = setup();
    const session = await start(["bash", "--norc", "--noprofile", "-i"]);
    expect(session.mode).toBe("pty");
    const answered = outputUntil(session, "42");
    session.write("echo $((6*7))\n");
    await answered;
    const reading = session.read(10_000);
    await clock.fire();
    const first = await reading;
    expect(first.exit).toBeNull();
    expect(first.output).toContain("echo $((6*7))\r\n42\r\n");

    session.write("exit 3\n");
    const last = await session.read(10_000);
    expect(last.exit).toEqual({ code: 3, signal: null });
    expect(last.output).not.toContain("42");
    expect(clock.pending()).toBe(0);
  });

  it("returns only the output that came since the last read", async () => {
    const { clock, start } = setup();
    const session = await start(["sh", "-c", "echo first; read line; echo second $line"]);
    await outputUntil(session, "first");
    const reading = session.read(1_000);
    await clock.fire();
    expect((await reading).output).toBe("first\r\n");

    // A poll with nothing new gives nothing.
    const poll = session.read(1_000);
    await clock.fire();
    expect(await poll).toMatchObject({ output: "", exit: null });

    session.write("x\n");
    const last = await session.read(1_000);
    expect(last.output).toBe("x\r\nsecond x\r\n");
    expect(last.exit?.code).toBe(0);
  });

  it("returns as soon as the process exits, and forgets it once read", async () => {
    const { manager, clock, start } = setup();
    const session = await start(["sh", "-c", "echo done; exit 7"]);
    const read = await session.read(30_000);
    expect(read.exit).toEqual({ code: 7, signal: null });
    expect(read.output).toBe("done\r\n");
    expect(clock.requested().length).toBeLessThanOrEqual(1);
    expect(clock.pending()).toBe(0);
    expect(manager.get(session.id)).toBeUndefined();
    expect(manager.size).toBe(0);
  });

  it("hands back a running session when the yield time passes", async () => {
    const { manager, clock, start } = setup();
    const session = await start(["cat"]);
    const read = session.read(2_500);
    await clock.fire();
    expect(await read).toMatchObject({ output: "", exit: null });
    expect(clock.requested()).toEqual([2_500]);
    expect(manager.get(session.id)).toBe(session);
  });

  it("stops waiting when the turn is aborted, without killing the process", async () => {
    const { manager, start } = setup();
    const session = await start(["cat"]);
    const abort = new AbortController();
    const read = session.read(30_000, abort.signal);
    abort.abort();
    expect((await read).exit).toBeNull();
    expect(manager.get(session.id)).toBe(session);
    session.write("still here\n");
    await outputUntil(session, "still here\r\nstill here");
  });

  it("numbers sessions and refuses more than the limit", async () => {
    const { manager, start } = setup({ maxSessions: 2 });
    const a = await start(["cat"]);
    const b = await start(["sh", "-c", "exit 0"]);
    expect([a.id, b.id]).toEqual([1, 2]);
    await b.waitForExit();
    // b exited but its end was not read: it makes room for a new one.
    const c = await start(["cat"]);
    expect(c.id).toBe(3);
    expect(manager.get(b.id)).toBeUndefined();
    const refused = await manager.start({
      argv: ["cat"],
      cwd: ws,
      sandboxCwd: ws,
      policy: policy("danger-full-access"),
    });
    expect(refused).toEqual({
      error: expect.stringContaining("too many interactive sessions are open (2, the limit is 2)"),
    });
  });

  it("kills every session on close and refuses new ones", async () => {
    const { manager, start } = setup();
    const session = await start(["sh", "-c", "echo pid=$$; exec cat"]);
    const pid = Number(/pid=(\d+)/.exec(await outputUntil(session, /pid=\d+\r\n/))![1]);
    expect(isAlive(pid)).toBe(true);
    await manager.close();
    expect(isAlive(pid)).toBe(false);
    expect(session.exited).toBe(true);
    expect(manager.size).toBe(0);
    expect(
      await manager.start({ argv: ["cat"], cwd: ws, sandboxCwd: ws, policy: policy("danger-full-access") }),
    ).toEqual({
      error: expect.stringContaining("closed"),
    });
  });

  it("caps the unread output of a session", async () => {
    const { start } = setup({ outputCapBytes: 100 });
    const session = await start(["sh", "-c", "for i in $(seq 1 200); do echo line$i; done"]);
    const read = await session.read(30_000);
    expect(read.output).toContain("line1\r\n");
    expect(read.output).toContain("line200\r\n");
    expect(read.output).toMatch(/\[\.\.\. \d+ bytes of output omitted \.\.\.\]/);
    expect(read.output.length).toBeLessThan(200);
  });
});

describe("PtySessionManager in the sandbox", () => {
  it.runIf(ptyLoaded)("confines a terminal command to the workspace", async () => {
    const { start } = setup();
    const session = await start(
      ["sh", "-c", `test -t 1 && echo on-a-tty; echo in > inside.txt; echo out > ${outside}/escape.txt`],
      "workspace-write",
    );
    const read = await session.read(30_000);
    expect(read.output).toContain("on-a-tty");
    expect(read.output).toContain("Read-only file system");
    expect(read.exit?.code).not.toBe(0);
    expect(fs.readFileSync(path.join(ws, "inside.txt"), "utf8")).toBe("in\n");
    expect(fs.existsSync(path.join(outside, "escape.txt"))).toBe(false);
  });

  it("refuses to start without a sandbox instead of running unconfined", async () => {
    const { manager } = setup({ sandbox: { available: false, reason: "bwrap not found" } });
    const marker = path.join(ws, "ran-anyway");
    const started = await manager.start({
      argv: ["touch", marker],
      cwd: ws,
      sandboxCwd: ws,
      policy: policy("workspace-write"),
    });
    expect(started).toEqual({ error: expect.stringContaining("no sandbox available: bwrap not found") });
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("falls back to pipes, with a note, when no terminal can be had", async () => {
    const { clock, start } = setup({ loadPty: async () => ({ error: "node-pty is missing" }) });
    const session = await start(["cat"], "workspace-write");
    expect(session.mode).toBe("pipes");
    const echoed = outputUntil(session, "hello\n");
    session.write("hello\n");
    await echoed;
    const reading = session.read(1_000);
    await clock.fire();
    const read = await reading;
    expect(read.output).toBe(
      "[no terminal available (node-pty is missing); running with pipes instead]\nhello\n",
    );
    expect(read.exit).toBeNull();
    await session.kill();
    expect((await session.read(1_000)).exit).toEqual({ code: null, signal: "SIGKILL" });
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
