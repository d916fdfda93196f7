import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, inputOf, startHarness } from "./harness.js";

let h: Harness;
/** A spawned exec still running when a test fails is killed here, with the sandbox it holds. */
let running: ChildProcess | undefined;
afterEach(async () => {
  if (running && running.exitCode === null && running.signalCode === null) running.kill("SIGKILL");
  running = undefined;
  await h?.close();
});

/** Pids of live processes whose command line holds `token` (odd numbers make them ours). */
function processesWith(token: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(token)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function waitForFile(file: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = fs.watch(path.dirname(file), () => {
      if (fs.existsSync(file)) {
        watcher.close();
        resolve();
      }
    });
    if (fs.existsSync(file)) {
      watcher.close();
      resolve();
    }
  });
}

const LONG_RUNNER = `exec perl -e 'open(my $f, ">", "started.marker") or die; close $f; select(undef, undef, undef, 30.456)'`;

const wallSeconds = (output: string) =>
  Number(/\nWall time: ([\d.]+) seconds\n/.exec(output)?.[1] ?? Number.NaN);

describe("shell command lifetimes through nightshift exec", () => {
  for (const [mode, flags, seconds] of [
    ["in the sandbox", ["--full-auto"], "5.123"],
    ["with full access", ["-s", "danger-full-access"], "5.124"],
  ] as const) {
    it(`kills a command at its timeout_ms ${mode}, leaving no process behind`, async () => {
      h = await startHarness(
        scenario(
          reply(
            functionCall(
              "shell",
              // Long enough for a loaded machine to start the sandbox and print "before".
              { command: ["bash", "-lc", `echo before; sleep ${seconds}; echo after`], timeout_ms: 1_500 },
              "t",
            ),
          ),
          reply(text("ok")),
        ),
      );
      const result = await h.run(["exec", ...flags, "wait"]);
      expect(h.server.failures).toEqual([]);
      expect(result.code).toBe(0);
      const output = inputOf(h.server, 1).at(-1).output as string;
      expect(output).toMatch(/^Command timed out and was killed\.\nExit code: /);
      expect(output).toContain("before");
      expect(output).not.toContain("after");
      expect(wallSeconds(output)).toBeGreaterThanOrEqual(1.5);
      expect(wallSeconds(output)).toBeLessThan(5);
      expect(processesWith(`sleep\0${seconds}`)).toEqual([]);
    });
  }

  it("kills a timed-out sandboxed command's detached grandchildren too (PID namespace)", async () => {
    h = await startHarness(
      scenario(
        reply(
          functionCall(
            "shell",
            {
              command: [
                "bash",
                "-lc",
                "setsid bash -c 'touch detached.marker; exec sleep 5.125' & sleep 5.126",
              ],
              timeout_ms: 1_500,
            },
            "t",
          ),
        ),
        reply(text("ok")),
      ),
    );
    const result = await h.run(["exec", "--full-auto", "wait"]);
    expect(result.code).toBe(0);
    expect(inputOf(h.server, 1).at(-1).output).toMatch(/^Command timed out and was killed\./);
    expect(fs.existsSync(path.join(h.workspace, "detached.marker"))).toBe(true);
    expect(processesWith("5.125")).toEqual([]);
    expect(processesWith("5.126")).toEqual([]);
  });

  it("stops a running command on SIGINT, exits 130 and records an aborted output in the rollout", async () => {
    h = await startHarness(
      // perl itself makes the marker, so once it exists the process to interrupt is running.
      scenario(reply(functionCall("shell", { command: ["bash", "-lc", LONG_RUNNER] }, "long"))),
    );
    const child = h.spawn(["exec", "--json", "--full-auto", "run the long thing"]);
    running = child;
    child.stdin!.end();
    let stdout = "";
    child.stdout!.on("data", (chunk) => (stdout += chunk));
    const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    await waitForFile(path.join(h.workspace, "started.marker"));
    expect(processesWith("30.456").length).toBeGreaterThan(0);
    child.kill("SIGINT");
    expect(await closed).toBe(130);
    expect(processesWith("30.456")).toEqual([]);
    expect(h.server.requests).toHaveLength(1);

    const events = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.at(-1)).toEqual({ type: "turn.failed", error: { message: "turn aborted by user" } });

    const sessions = path.join(h.home, "sessions");
    const [rolloutFile] = fs
      .readdirSync(sessions, { recursive: true })
      .map(String)
      .filter((name) => path.basename(name).startsWith("rollout-"));
    const lines = fs
      .readFileSync(path.join(sessions, rolloutFile!), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const outputs = lines
      .map((line) => line.payload)
      .filter((payload) => payload?.type === "function_call_output" && payload.call_id === "long");
    expect(outputs.length).toBeGreaterThan(0);
    // The shell tool words its own abort (Codex says "aborted by user"; see the report).
    for (const { output } of outputs) {
      // As root the process cap's wrapper (a PID namespace) reports the signal as status 143.
      expect(output).toMatch(
        /^aborted by user: the command was interrupted\.\nExit code: (killed by SIG(TERM|KILL)|143)\nWall time: [\d.]+ seconds\nOutput:\n(Terminated\n)?$/,
      );
      // Stopped, not waited out: the command itself would have run for 30.456 s.
      expect(wallSeconds(output)).toBeLessThan(30.456);
    }
    expect(lines.at(-1).type).toBe("turn_end");
    expect(lines.at(-1).payload).toMatchObject({ status: "aborted" });
  });
});
