import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPty } from "../../src/exec/pty.js";
import { isLikelySandboxDenial } from "../../src/sandbox/denial.js";
import type { SandboxMode, SandboxPolicy } from "../../src/sandbox/policy.js";
import { probeSandbox, type SandboxProbe } from "../../src/sandbox/probe.js";
import { assertSandboxUsable, createCommandRunner } from "../../src/sandbox/runner.js";
import type { CommandRunner } from "../../src/tools/tool.js";

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ns-runner-")));
const ws = path.join(base, "ws");
const outside = path.join(base, "outside");
const parentEnv = { PATH: process.env.PATH, HOME: base, NIGHTSHIFT_TEST_SECRET: "hunter2" };
let probe: SandboxProbe;
let run: CommandRunner;

beforeAll(async () => {
  fs.mkdirSync(ws);
  fs.mkdirSync(outside);
  probe = await probeSandbox();
  run = createCommandRunner({ sandbox: probe, env: parentEnv });
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const policy = (mode: SandboxMode, networkAccess = false): SandboxPolicy => ({
  mode,
  writableRoots: [],
  networkAccess,
  excludeSlashTmp: true,
  excludeTmpdirEnvVar: true,
});

const sh = (script: string, mode: SandboxMode, extra: { tty?: boolean; env?: Record<string, string> } = {}) =>
  run({
    argv: ["sh", "-c", script],
    cwd: ws,
    sandboxCwd: ws,
    timeoutMs: 20_000,
    policy: policy(mode),
    ...extra,
  });

describe("createCommandRunner", () => {
  it("refuses instead of running unsandboxed when no sandbox is available", async () => {
    const marker = path.join(ws, "ran-anyway");
    const unavailable = createCommandRunner({
      sandbox: { available: false, reason: "bwrap not found" },
      env: parentEnv,
    });
    for (const mode of ["read-only", "workspace-write"] as const) {
      const result = await unavailable({
        argv: ["touch", marker],
        cwd: ws,
        sandboxCwd: ws,
        timeoutMs: 5_000,
        policy: policy(mode),
      });
      expect(result.sandboxError).toContain("bwrap not found");
      expect(result.sandboxError).toContain(`refusing to run the command without the ${mode} sandbox`);
      expect(result.exitCode).toBeNull();
      expect(fs.existsSync(marker)).toBe(false);
    }
    const full = await unavailable({
      argv: ["touch", marker],
      cwd: ws,
      sandboxCwd: ws,
      timeoutMs: 5_000,
      policy: policy("danger-full-access"),
    });
    expect(full.exitCode).toBe(0);
    expect(fs.existsSync(marker)).toBe(true);
  });

  it("writes inside the workspace, not outside, in workspace-write", async () => {
    const result = await sh(`echo in > inside.txt && echo out > ${outside}/escape.txt`, "workspace-write");
    expect(fs.readFileSync(path.join(ws, "inside.txt"), "utf8")).toBe("in\n");
    expect(fs.existsSync(path.join(outside, "escape.txt"))).toBe(false);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain("Read-only file system");
    expect(isLikelySandboxDenial(result)).toBe(true);
  });

  it("writes nowhere but /dev in read-only", async () => {
    const result = await sh("echo ok > /dev/null && echo x > ro.txt", "read-only");
    expect(result.output).toContain("Read-only file system");
    expect(fs.existsSync(path.join(ws, "ro.txt"))).toBe(false);
  });

  it("runs unwrapped under danger-full-access", async () => {
    const result = await sh(`echo out > ${outside}/full.txt; echo $NIGHTSHIFT_SANDBOX`, "danger-full-access");
    expect(result.output).toBe("danger-full-access\n");
    expect(fs.existsSync(path.join(outside, "full.txt"))).toBe(true);
  });

  it("gives the command the clean environment with sandbox markers and request extras", async () => {
    const result = await sh("env", "workspace-write", { env: { CI: "1" } });
    expect(result.output).toContain("NIGHTSHIFT_SANDBOX=workspace-write");
    expect(result.output).toContain("NIGHTSHIFT_SANDBOX_NETWORK_DISABLED=1");
    expect(result.output).toContain("TERM=dumb");
    expect(result.output).toContain("CI=1");
    expect(result.output).not.toContain("hunter2");
  });

  it("runs on a terminal inside the sandbox", async () => {
    const ptyLoaded = !("error" in (await loadPty()));
    const result = await sh("test -t 1 && echo tty-ok; echo x > tty.txt", "workspace-write", { tty: true });
    expect(result.output).toContain(ptyLoaded ? "tty-ok" : "no terminal available");
    expect(fs.existsSync(path.join(ws, "tty.txt"))).toBe(true);
  });

  it("flags a sandbox that fails to set up", async () => {
    const fake = path.join(base, "fake-bwrap");
    fs.writeFileSync(
      fake,
      '#!/bin/sh\necho "bwrap: Can\'t find source path /nope: No such file" >&2\nexit 1\n',
      {
        mode: 0o755,
      },
    );
    const broken = createCommandRunner({
      sandbox: { available: true, kind: "bwrap", bwrapPath: fake, seccomp: false, processCap: null },
      env: parentEnv,
    });
    const result = await broken({
      argv: ["true"],
      cwd: ws,
      sandboxCwd: ws,
      timeoutMs: 5_000,
      policy: policy("read-only"),
    });
    expect(result.sandboxError).toContain(
      "the sandbox could not start the command: bwrap: Can't find source path",
    );
  });
});

describe("assertSandboxUsable", () => {
  it("refuses sandboxed modes without a sandbox", () => {
    const none = { available: false as const, reason: "bubblewrap (bwrap) not found" };
    expect(assertSandboxUsable("workspace-write", none)).toContain("bubblewrap (bwrap) not found");
    expect(assertSandboxUsable("read-only", none)).toContain('sandbox mode "read-only" needs a sandbox');
    expect(assertSandboxUsable("danger-full-access", none)).toBeNull();
    expect(assertSandboxUsable("workspace-write", probe)).toBeNull();
  });
});
