import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadPty } from "../../src/exec/pty.js";
import { PtySessionManager } from "../../src/exec/pty-sessions.js";
import type { ApprovalPolicy, SandboxMode } from "../../src/sandbox/policy.js";
import { probeSandbox, type SandboxProbe } from "../../src/sandbox/probe.js";
import { createCommandRunner } from "../../src/sandbox/runner.js";
import { shellTool } from "../../src/tools/shell/tool.js";
import type { ApprovalDecision, ToolContext } from "../../src/tools/tool.js";
import { writeStdinTool } from "../../src/tools/write-stdin/tool.js";
import { manualTimer } from "../exec/pty-helpers.js";
import { makeTempDir, makeToolContext } from "./context.js";

const ptyLoaded = !("error" in (await loadPty()));
let probe: SandboxProbe;
const managers: PtySessionManager[] = [];

beforeAll(async () => {
  probe = await probeSandbox();
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
});

function setup(
  options: { mode?: SandboxMode; approvalPolicy?: ApprovalPolicy; answer?: ApprovalDecision } = {},
) {
  const cwd = makeTempDir();
  const env = { PATH: process.env.PATH, HOME: cwd };
  const clock = manualTimer();
  const sessions = new PtySessionManager({ sandbox: probe, env, timer: clock.timer });
  managers.push(sessions);
  let streamed = "";
  let onStream = () => {};
  const { ctx, approvals } = makeToolContext(cwd, {
    policy: { mode: options.mode ?? "workspace-write", writableRoots: [], networkAccess: false },
    approvalPolicy: options.approvalPolicy ?? "never",
    approve: async (request) => {
      approvals.push(request);
      return options.answer ?? "denied";
    },
    runCommand: createCommandRunner({ sandbox: probe, env }),
    env,
    ptySessions: sessions,
    progress: (event) => {
      streamed += event.text;
      onStream();
    },
  });
  /** Resolves once the faces were shown `text` (output streamed while a call waits). */
  const streamedUntil = (text: string) =>
    new Promise<void>((resolve) => {
      onStream = () => {
        if (streamed.includes(text)) resolve();
      };
      onStream();
    });
  return { ctx, approvals, clock, sessions, streamedUntil };
}

const shell = (args: Record<string, unknown>, ctx: ToolContext) =>
  shellTool.execute(shellTool.parameters.parse(args), ctx);
const writeStdin = (args: Record<string, unknown>, ctx: ToolContext) =>
  writeStdinTool.execute(writeStdinTool.parameters.parse(args), ctx);

describe.runIf(ptyLoaded)("shell with tty, then write_stdin", () => {
  it("talks to an interactive program until it exits", async () => {
    const { ctx, clock, sessions, streamedUntil } = setup();
    const starting = shell({ command: ["cat"], tty: true }, ctx);
    await clock.fire();
    const started = await starting;
    expect(started.success).toBe(true);
    expect(started.output).toMatch(
      /^Wall time: \d+\.\d{4} seconds\nProcess running with session ID 1\nOutput:\n$/,
    );
    expect(started.display).toMatchObject({ kind: "command", command: "cat", exitCode: null, sessionId: 1 });

    const writing = writeStdin({ session_id: 1, chars: "hello\n" }, ctx);
    await streamedUntil("hello\r\nhello\r\n");
    await clock.fire();
    const wrote = await writing;
    expect(wrote.output).toContain("Process running with session ID 1\nOutput:\nhello\r\nhello\r\n");

    // An empty poll: nothing new, still running.
    const polling = writeStdin({ session_id: 1 }, ctx);
    await clock.fire();
    const polled = await polling;
    expect(polled.output).toMatch(/Process running with session ID 1\nOutput:\n$/);

    // Ctrl-D at the start of a line ends cat's input: the call returns on the exit, not the timer.
    const ended = await writeStdin({ session_id: 1, chars: "\u0004", yield_time_ms: 30_000 }, ctx);
    expect(ended.success).toBe(true);
    expect(ended.output).toMatch(/^Wall time: [\d.]+ seconds\nProcess exited with code 0\nOutput:\n/);
    expect(clock.pending()).toBe(0);
    expect(sessions.size).toBe(0);

    const gone = await writeStdin({ session_id: 1, chars: "more\n" }, ctx);
    expect(gone.success).toBe(false);
    expect(gone.output).toContain("no interactive session with ID 1");
    expect(clock.requested()).toEqual([10_000, 250, 5_000, 30_000]);
  });

  it("returns at once with the exit code when the command ends within the yield time", async () => {
    const { ctx, clock, sessions } = setup();
    const result = await shell(
      { command: ["sh", "-c", "echo out; exit 5"], tty: true, yield_time_ms: 30_000 },
      ctx,
    );
    expect(result.success).toBe(false);
    expect(result.output).toMatch(
      /^Wall time: [\d.]+ seconds\nProcess exited with code 5\nOutput:\nout\r\n$/,
    );
    expect(result.display).toMatchObject({ exitCode: 5, status: "failed" });
    expect(clock.pending()).toBe(0);
    expect(sessions.size).toBe(0);
  });

  it("clamps yield times", async () => {
    const { ctx, clock } = setup();
    for (const [asked, used] of [
      [1, 250],
      [99_999_999, 30_000],
    ]) {
      const starting = shell({ command: ["cat"], tty: true, yield_time_ms: asked }, ctx);
      await clock.fire();
      await starting;
      expect(clock.requested().at(-1)).toBe(used);
    }
    const polling = writeStdin({ session_id: 1, chars: "", yield_time_ms: 10 }, ctx);
    await clock.fire();
    await polling;
    expect(clock.requested().at(-1)).toBe(5_000);
  });

  it("cuts the output to max_output_tokens", async () => {
    const { ctx, clock, streamedUntil } = setup();
    const starting = shell({ command: ["sh", "-c", "read x; seq 1 2000; read y"], tty: true }, ctx);
    await clock.fire();
    await starting;
    const writing = writeStdin({ session_id: 1, chars: "go\n", max_output_tokens: 50 }, ctx);
    await streamedUntil("2000\r\n");
    await clock.fire();
    const result = await writing;
    expect(result.output).toContain("Total output lines: 2001");
    expect(result.output).toMatch(/…\d+ tokens truncated…/);
    expect(result.output.length).toBeLessThan(400);
  });

  it("asks for approval like any command, and starts nothing when denied", async () => {
    const { ctx, approvals, sessions } = setup({ approvalPolicy: "untrusted", answer: "denied" });
    const result = await shell({ command: ["bash", "--norc", "-i"], tty: true }, ctx);
    expect(approvals).toHaveLength(1);
    expect(approvals[0]).toMatchObject({ kind: "exec", command: ["bash", "--norc", "-i"] });
    expect(result.success).toBe(false);
    expect(result.output).toContain("rejected by user");
    expect(sessions.size).toBe(0);
  });

  it("runs an approved escalation outside the sandbox", async () => {
    const { ctx, approvals, clock } = setup({ approvalPolicy: "on-request", answer: "approved" });
    const starting = shell(
      { command: ["tee"], tty: true, sandbox_permissions: "require_escalated", justification: "needs it" },
      ctx,
    );
    await clock.fire();
    const result = await starting;
    expect(approvals).toHaveLength(1);
    expect(approvals[0]!.reason).toMatch(/The model's justification: needs it$/);
    expect(result.output).toContain("Ran outside the sandbox (approved).");
    expect(result.output).toContain("Process running with session ID 1");
  });
});

describe("write_stdin errors", () => {
  it("tells the model about an unknown session", async () => {
    const { ctx } = setup();
    const result = await writeStdin({ session_id: 42, chars: "x" }, ctx);
    expect(result).toEqual({
      success: false,
      output: expect.stringContaining("no interactive session with ID 42"),
    });
  });

  it("says so where there are no interactive sessions", async () => {
    const { ctx } = makeToolContext(makeTempDir());
    const result = await writeStdin({ session_id: 1 }, ctx);
    expect(result.output).toContain("interactive sessions are not available here");
  });
});

describe("shell with tty where there are no interactive sessions", () => {
  it("runs the command to completion on a terminal", async () => {
    const cwd = makeTempDir();
    const env = { PATH: process.env.PATH, HOME: cwd };
    const { ctx } = makeToolContext(cwd, {
      policy: { mode: "workspace-write", writableRoots: [], networkAccess: false },
      runCommand: createCommandRunner({ sandbox: await probeSandbox(), env }),
      env,
    });
    const result = await shell(
      { command: ["sh", "-c", "test -t 1 && echo on-a-tty; exit 2"], tty: true },
      ctx,
    );
    expect(result.output).toContain("Exit code: 2");
    expect(result.output).toContain(ptyLoaded ? "on-a-tty" : "no terminal available");
    expect(result.output).toContain("Interactive sessions are not available here");
  });
});
