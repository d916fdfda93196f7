import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, type Harness, type RunResult, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

/**
 * Runs the binary in its own user and mount namespace (as bubblewrap does), after `setup` has
 * shaped the file system there: a full disk or a read-only home, without touching the machine's.
 */
function runInNamespace(setup: string, args: string[], cwd = h.workspace): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "unshare",
      ["-Urm", "sh", "-c", `${setup} && exec "$@"`, "sh", process.execPath, BIN, ...args],
      {
        cwd,
        env: h.env,
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end();
  });
}

const sessionsOf = (home: string) => path.join(home, "sessions");

describe("storage errors are one clear line, and nothing unrecorded is acted on", () => {
  it("a full disk mid-turn: turn.failed naming the file and the cause, exit 1, the call never runs", async () => {
    const huge = "x".repeat(200_000);
    h = await startHarness(
      scenario(reply(functionCall("shell", { command: ["touch", "ran.marker"], justification: huge }))),
    );
    fs.mkdirSync(sessionsOf(h.home));
    const result = await runInNamespace(`mount -t tmpfs -o size=96k tmpfs ${sessionsOf(h.home)}`, [
      "exec",
      "--json",
      "-s",
      "danger-full-access",
      "go",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const events = h.jsonEvents(result);
    const failed = events.find((e) => e.type === "turn.failed");
    expect(failed.error.message).toMatch(
      /^cannot write the session file .*rollout-.*\.jsonl: no space left on the device \(ENOSPC\)$/,
    );
    expect(events.at(-2)).toMatchObject({ type: "error", message: failed.error.message });
    expect(fs.existsSync(path.join(h.workspace, "ran.marker"))).toBe(false);
  });

  it("a read-only home: one line naming the folder and the cause", async () => {
    h = await startHarness(scenario(reply(text("never"))));
    const result = await runInNamespace(
      `mount --bind ${h.home} ${h.home} && mount -o remount,bind,ro ${h.home}`,
      ["exec", "hi"],
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^nightshift: cannot create the session file .*sessions.*: the file system is read-only \(EROFS\)$/m,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(h.server.requests).toHaveLength(0);
  });

  it("an empty or damaged session file on resume: one line, exit 1", async () => {
    h = await startHarness(scenario(reply(text("one"))));
    const first = await h.run(["exec", "hi"]);
    const id = /session ([0-9a-f-]{36})/.exec(first.stderr)![1]!;
    const file = fs
      .readdirSync(sessionsOf(h.home), { recursive: true })
      .map(String)
      .find((name) => path.basename(name).startsWith("rollout-"))!;
    fs.writeFileSync(path.join(sessionsOf(h.home), file), "");
    const result = await h.run(["exec", "resume", id, "again"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^nightshift: .*rollout-.*\.jsonl is empty: it holds no session/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses a second process on the same session while the first runs", async () => {
    h = await startHarness(
      scenario(
        reply(text("x")),
        reply(functionCall("shell", { command: ["bash", "-lc", "touch started.marker; sleep 30"] })),
      ),
    );
    const first = await h.run(["exec", "hi"]);
    const id = /session ([0-9a-f-]{36})/.exec(first.stderr)![1]!;
    const running = h.spawn(["exec", "--full-auto", "resume", id, "long"]);
    running.stdin!.end();
    await waitFor(() => fs.existsSync(path.join(h.workspace, "started.marker")));
    const second = await h.run(["exec", "resume", id, "at the same time"]);
    running.kill("SIGTERM");
    await new Promise((resolve) => running.on("close", resolve));
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/in use by another nightshift process \(pid \d+\)/);
  });
});

describe("signals", () => {
  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    it(`${signal} ends the turn like Ctrl-C: the command stops, its output and the turn's end are recorded, exit ${code}`, async () => {
      h = await startHarness(
        scenario(
          reply(
            functionCall("shell", { command: ["bash", "-lc", "touch started.marker; sleep 30"] }, "long"),
          ),
        ),
      );
      const child = h.spawn(["exec", "--json", "-s", "danger-full-access", "run it"]);
      child.stdin!.end();
      let stdout = "";
      child.stdout!.on("data", (chunk) => (stdout += chunk));
      const closed = new Promise<number | null>((resolve) => child.on("close", (exit) => resolve(exit)));
      await waitFor(() => fs.existsSync(path.join(h.workspace, "started.marker")));
      child.kill(signal);
      expect(await closed).toBe(code);
      expect(stdout).toContain('"type":"turn.failed"');
      const file = fs
        .readdirSync(sessionsOf(h.home), { recursive: true })
        .map(String)
        .find((name) => path.basename(name).startsWith("rollout-"))!;
      const lines = fs
        .readFileSync(path.join(sessionsOf(h.home), file), "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(lines.some((line) => line.type === "tool_output" && line.payload.call_id === "long")).toBe(true);
      expect(lines.at(-1)).toMatchObject({ type: "turn_end", payload: { status: "aborted" } });
      // Outside the sandbox the command's process group was killed too.
      const sleeping = fs
        .readdirSync("/proc")
        .filter((pid) => /^\d+$/.test(pid))
        .some((pid) => {
          try {
            return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("touch started.marker; sleep 30");
          } catch {
            return false;
          }
        });
      expect(sleeping).toBe(false);
    });
  }
});

describe("processes outside the sandbox live no longer than nightshift", () => {
  const living = (marker: string) =>
    fs
      .readdirSync("/proc")
      .filter((pid) => /^\d+$/.test(pid))
      .some((pid) => {
        try {
          return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
        } catch {
          return false;
        }
      });

  it("a background job a command started is gone when the call ends", async () => {
    const marker = `${process.pid % 1000}.271`;
    h = await startHarness(
      scenario(
        reply(functionCall("shell", { command: ["bash", "-lc", `sleep ${marker} & echo started`] })),
        reply(text("ok")),
      ),
    );
    const result = await h.run(["exec", "-s", "danger-full-access", "start it"]);
    expect(result.code).toBe(0);
    await waitFor(() => !living(marker), 5_000);
  });

  it("a SIGKILL of nightshift takes the command and what it spawned along (as root: its own PID namespace)", async () => {
    // Valid intervals nobody else sleeps: one for a daemon that leaves the group, one for the command.
    const daemon = `31.${process.pid % 1000}1`;
    const command = `31.${process.pid % 1000}2`;
    h = await startHarness(
      scenario(
        reply(
          functionCall("shell", {
            command: ["bash", "-lc", `(setsid sleep ${daemon} &); touch started.marker; sleep ${command}`],
          }),
        ),
      ),
    );
    const child = h.spawn(["exec", "-s", "danger-full-access", "run it"]);
    child.stdin!.end();
    const closed = new Promise((resolve) => child.on("close", resolve));
    await waitFor(
      () =>
        fs.existsSync(path.join(h.workspace, "started.marker")) &&
        living(`sleep\0${command}`) &&
        living(`sleep\0${daemon}`),
    );
    child.kill("SIGKILL");
    await closed;
    await waitFor(() => !living(command), 5_000);
    // A daemon that left the process group survives only without root (no PID namespace then).
    if (process.getuid?.() === 0) await waitFor(() => !living(daemon), 5_000);
  });
});

/** Polls a condition the test's own child brings about, within a bound. */
async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
